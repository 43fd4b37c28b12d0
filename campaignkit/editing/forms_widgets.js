// The kit's own Decap widget: a quiz answer is one letter (single choice: B), several letters
// (multiple choice, stored as a list: [A, C]) or 对/错 (true-or-false). The editor types
// "A、C" or "A,C"; the widget stores what build.py check expects.
(function () {
  var h = window.h, createClass = window.createClass;

  function parse(raw) {
    var parts = String(raw || "").toUpperCase().split(/[\s,，、;；]+/).filter(Boolean);
    if (parts.length === 0) return "";
    return parts.length === 1 ? parts[0] : parts;
  }

  function show(value) {
    if (value && typeof value.toJS === "function") value = value.toJS();
    return Array.isArray(value) ? value.join("、") : (value == null ? "" : String(value));
  }

  var QuizAnswer = createClass({
    getInitialState: function () { return { raw: show(this.props.value) }; },
    handleChange: function (e) {
      this.setState({ raw: e.target.value });
      this.props.onChange(parse(e.target.value));
    },
    render: function () {
      return h("input", {
        type: "text",
        id: this.props.forID,
        className: this.props.classNameWrapper,
        value: this.state.raw,
        onChange: this.handleChange,
        onFocus: this.props.setActiveStyle,
        onBlur: this.props.setInactiveStyle,
        placeholder: "单选如 B；多选如 A、C；判断题写 对 或 错"
      });
    }
  });

  window.CMS.registerWidget("quiz-answer", QuizAnswer);
})();
