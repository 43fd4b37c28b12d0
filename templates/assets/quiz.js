// Quiz on lesson pages: choose, check, see the explanation. Without JavaScript the
// <details> under each question still opens to show the answer.
(function () {
  function selected(form) {
    return Array.prototype.map.call(form.querySelectorAll("input:checked"), function (i) { return i.value; }).sort();
  }
  function check(form) {
    var expected = form.getAttribute("data-answer").split(",").sort();
    var chosen = selected(form);
    var result = form.querySelector(".ck-result");
    var details = form.querySelector(".ck-answer");
    if (!chosen.length) {
      result.textContent = "请先选择答案";
      result.className = "ck-result";
      return;
    }
    var right = chosen.join(",") === expected.join(",");
    result.textContent = right ? "✓ 回答正确！" : "✕ 回答错误，正确答案是 " + expected.join("、");
    result.className = "ck-result " + (right ? "ck-right" : "ck-wrong");
    if (details) { details.open = true; }
  }
  function init() {
    var forms = document.querySelectorAll("form.ck-question");
    Array.prototype.forEach.call(forms, function (form) {
      var button = form.querySelector(".ck-check");
      if (!button) { return; }
      button.hidden = false;
      // a submit button (HTML_CodeSniffer H32: a form needs one): checked here, never sent
      form.addEventListener("submit", function (ev) { ev.preventDefault(); check(form); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
