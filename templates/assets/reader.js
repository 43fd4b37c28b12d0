// What the reader's phone needs beyond Material: search on every kind of input, photos that
// open full size, and a word for WeChat readers about PDF links. Every part degrades to plain
// HTML: without JavaScript a photo link opens the picture and a PDF link downloads.
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.src;

  // Material searches on keyup. Pasting, most Chinese input methods and voice input change the
  // box without one: pass every `input` on as a keyup so the results follow the text.
  function searchOnInput() {
    var box = document.querySelector("input.md-search__input");
    if (!box) return;
    box.addEventListener("input", function (ev) {
      if (ev.isComposing) return;  // the word is not chosen yet; compositionend sends input again
      box.dispatchEvent(new KeyboardEvent("keyup", {bubbles: true}));
    });
    box.addEventListener("compositionend", function () {
      box.dispatchEvent(new KeyboardEvent("keyup", {bubbles: true}));
    });
  }

  // WeChat's own browser often will not open a PDF (Android shows a download prompt or nothing):
  // tell its readers how to open the link in the phone's browser. Nobody else sees the note.
  function wechatHints() {
    if (!/MicroMessenger/i.test(navigator.userAgent)) return;
    document.documentElement.classList.add("ck-wechat");
    Array.prototype.forEach.call(document.querySelectorAll(".ck-wechat-hint"), function (p) { p.hidden = false; });
  }

  // Photos: GLightbox (shipped by the pinned mkdocs-glightbox package, copied into assets/vendor/
  // at build time) is fetched on the first tap on a photo, so it costs the page load nothing;
  // until then (and without JavaScript) the link simply opens the picture.
  function lightbox() {
    if (!document.querySelector("a.ck-zoom") || !here) return;
    var base = here.replace(/[^/]*$/, "vendor/");
    var state = "idle";  // idle → loading → ready
    document.addEventListener("click", function (ev) {
      var link = ev.target.closest && ev.target.closest("a.ck-zoom");
      if (!link || state === "ready" || ev.defaultPrevented || ev.button || ev.metaKey || ev.ctrlKey) return;
      ev.preventDefault();
      if (state === "loading") return;
      state = "loading";
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = base + "glightbox.min.css";
      document.head.appendChild(css);
      var js = document.createElement("script");
      js.src = base + "glightbox.min.js";
      js.onload = function () {
        /* global GLightbox */
        var box = GLightbox({selector: "a.ck-zoom", touchNavigation: true, loop: false, zoomable: true,
                             openEffect: "fade", closeEffect: "fade", descPosition: "bottom"});
        // GLightbox's dialog has no name (axe: aria-dialog-name); each picture's alt comes from data-alt
        box.on("open", function () {
          var dialog = document.getElementById("glightbox-body");
          if (dialog) dialog.setAttribute("aria-label", "查看大图");
        });
        state = "ready";
        link.click();  // GLightbox now handles the tap that was waiting
      };
      js.onerror = function () { state = "ready"; location.href = link.href; };
      document.body.appendChild(js);
    });
  }

  function init() {
    searchOnInput();
    wechatHints();
    lightbox();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
