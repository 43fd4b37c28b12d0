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

// A new item's id (its file name and page address): asked of the kit's server (action
// suggestId: the month and the pinyin of the title, unique in its folder) whenever the title or
// the date changes, and shown before saving; the collection's slug is this field. An existing
// item shows its id, which never changes. The file never holds the field (form_input.py).
(function () {
  var h = window.h, createClass = window.createClass;
  var API = new URL("api/v1", document.baseURI).toString();

  function text(value) {
    if (value == null) return "";
    if (typeof value.toJS === "function") value = value.toJS();
    return String(value).trim();
  }

  var ItemId = createClass({
    getInitialState: function () { return { asked: null, failed: false }; },
    isNew: function () { return !!(this.props.entry && this.props.entry.get("newRecord")); },
    // Decap passes a widget no new `entry` when another field changes: the title and the date are
    // read from their inputs (Decap names them <field>-field-<n>) whenever the clerk types.
    componentDidMount: function () {
      this.listener = this.ask.bind(this);
      document.addEventListener("input", this.listener, true);
      document.addEventListener("change", this.listener, true);
      this.poll = setInterval(this.listener, 1000);  // and in case an edit sent no event (a picked date)
      this.ask();
    },
    componentWillUnmount: function () {
      clearTimeout(this.timer);
      clearInterval(this.poll);
      document.removeEventListener("input", this.listener, true);
      document.removeEventListener("change", this.listener, true);
    },
    current: function (name) {
      var input = name && document.querySelector("input[id^='" + name + "-field-'], textarea[id^='" + name + "-field-']");
      return input ? text(input.value) : text(this.props.entry.get("data").get(name));
    },
    ask: function () {
      if (!this.isNew()) return;
      var field = this.props.field, self = this;
      var names = field.get("source_fields") ? field.get("source_fields").toJS() : [];
      var words = names.map(function (n) { return self.current(n); }).filter(Boolean).join(" ");
      if (words && field.get("prefix")) words = field.get("prefix") + " " + words;  // round 11
      var date = this.current(field.get("date_field"));
      var key = words + "|" + date;
      if (key === this.state.asked) return;
      this.setState({ asked: key });
      clearTimeout(this.timer);
      this.timer = setTimeout(function () {
        fetch(API, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ action: "suggestId", params: { collection: field.get("kind"), text: words, date: date } })
        })
          .then(function (r) { return r.json(); })
          .then(function (answer) {
            if (self.state.asked !== key) return;  // the title changed again meanwhile
            self.setState({ failed: false });
            if ((answer.id || "") !== (self.props.value || "")) self.props.onChange(answer.id || "");
          })
          .catch(function () { self.setState({ failed: true }); });
      }, 250);
    },
    isValid: function () {
      if (this.isNew() && !this.props.value) {
        return { error: { type: "CUSTOM", message: this.state.failed ? "编号没能生成：请检查预览是否还在运行" : "还没有编号：请先填写标题或名称" } };
      }
      return true;
    },
    render: function () {
      var id = this.isNew() ? (this.props.value || "") : (this.props.entry.get("slug") || "");
      return h("input", {
        type: "text",
        id: this.props.forID,
        className: this.props.classNameWrapper,
        value: id,
        readOnly: true,
        placeholder: "填写标题后自动生成",
        onFocus: this.props.setActiveStyle,
        onBlur: this.props.setInactiveStyle
      });
    }
  });

  window.CMS.registerWidget("item-id", ItemId);
})();
