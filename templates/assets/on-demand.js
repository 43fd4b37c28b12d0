// Downloads that Material starts on every page but that are not needed for the reader to see
// the page, made later (issue 12: on a slow link without compression they shared the line with
// the page's stylesheet and first photo, and the first paint waited).
//
// Loaded first and deferred (templates/overrides/main.html); without JavaScript nothing here
// matters, and with it every download still happens, when it is needed:
//
// - Material's bundle (114 KB, 30 KB compressed) and the kit's scripts start after the first
//   paint when the page came uncompressed, at DOMContentLoaded when it came compressed (then
//   they are small; run after the paint they would only move Material's start-up work, one
//   long task, into the time the reader is already looking). The page holds them as <script type="text/x-after-paint" data-src=…>, data blocks a
//   browser neither fetches nor runs (HTML allows no src on a data block: data-src names the file); they are started here, in order, once the first contentful paint is
//   reported (or on `load` where paint timing is unknown). Material starts itself on
//   DOMContentLoaded, which has passed by then, so it is sent once more when they have run
//   (nothing else listens for it at that point: the kit's scripts check document.readyState).
// - The search index (search/search_index.json, 140 KB, 40 KB compressed): Material fetches it
//   with XMLHttpRequest at start-up; its send() is held until the reader reaches for search
//   (taps the search button, opens it with a key, focuses the box) or lands from a search
//   result (?h=…: the words to highlight need the index's settings). Material shows
//   正在初始化搜索引擎 meanwhile and searches as soon as the index is in. Material's search
//   worker (40 KB more) is loaded with the index (javascripts/workers/campaign-search.js).
// - sitemap.xml, which Material reads once for every <link rel="alternate"> to map pages of
//   other-language versions of a site; the only alternates here are the Atom and RSS feeds, so
//   the answer is never used on this site. Sent on the reader's first tap or key, as a
//   multilingual site would need it by its first click.
(function () {
  "use strict";
  var AFTER_PAINT = "text/x-after-paint";
  var HELD = {index: /(^|\/)search\/search_index\.json$/, sitemap: /(^|\/)sitemap\.xml$/};
  var waiting = {index: [], sitemap: []};
  var released = {index: false, sitemap: false};
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;

  function kindOf(url) {
    var path = String(url).split(/[?#]/)[0];
    for (var kind in HELD) if (HELD[kind].test(path)) return kind;
    return null;
  }

  XMLHttpRequest.prototype.open = function (method, url) {
    this.ckHeld = kindOf(url);
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var kind = this.ckHeld;
    if (kind && !released[kind]) {
      waiting[kind].push([this, arguments]);
      return undefined;
    }
    return send.apply(this, arguments);
  };

  function release(kind) {
    if (released[kind]) return;
    released[kind] = true;
    waiting[kind].splice(0).forEach(function (w) { send.apply(w[0], w[1]); });
  }

  function reachesForSearch(ev) {
    var t = ev.target;
    if (!t || !t.closest) return false;
    return Boolean(t.closest("label[for='__search'], form[name='search']") || t.id === "__search");
  }

  if (/[?&]h=/.test(location.search)) release("index");
  document.addEventListener("pointerdown", function (ev) {
    release("sitemap");
    if (reachesForSearch(ev)) release("index");
  }, true);
  document.addEventListener("keydown", function () { release("sitemap"); }, true);
  // The search toggle changes (button, keyboard shortcut) or the box gets focus.
  document.addEventListener("change", function (ev) { if (reachesForSearch(ev)) release("index"); }, true);
  document.addEventListener("focusin", function (ev) { if (reachesForSearch(ev)) release("index"); }, true);

  var started = false;
  function startScripts() {
    if (started) return;
    started = true;
    var marked = document.querySelectorAll("script[type='" + AFTER_PAINT + "']");
    var pending = marked.length;
    // <html data-ck-scripts="started"> once every marked script has run (or failed to load):
    // from then on the page answers taps as it will for the rest of its life. The browser tests
    // wait for it before they tap; nothing else reads it.
    function markStarted() { document.documentElement.setAttribute("data-ck-scripts", "started"); }
    function ran() {
      if (--pending > 0) return;
      document.dispatchEvent(new Event("DOMContentLoaded", {bubbles: true}));
      markStarted();
    }
    if (!pending) markStarted();
    Array.prototype.forEach.call(marked, function (old) {
      var script = document.createElement("script");
      script.src = new URL(old.getAttribute("data-src"), document.baseURI).href;
      script.async = false;  // run in document order: Material's bundle, then the kit's scripts
      script.addEventListener("load", ran);
      script.addEventListener("error", ran);
      old.parentNode.replaceChild(script, old);
    });
  }
  // Compressed, the bundle is about 30 KB and is not worth the wait: start at DOMContentLoaded.
  // Sent as it is (114 KB), it would share a slow link with the stylesheet and the first photo:
  // start after the first paint.
  var nav = performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
  if (nav && nav.encodedBodySize > 0 && nav.encodedBodySize < nav.decodedBodySize) {
    document.addEventListener("DOMContentLoaded", function () { setTimeout(startScripts, 0); });
  }
  var paintKnown = false;
  try {
    paintKnown = PerformanceObserver.supportedEntryTypes.indexOf("paint") >= 0;
    new PerformanceObserver(function (list) {
      if (list.getEntriesByName("first-contentful-paint").length) startScripts();
    }).observe({type: "paint", buffered: true});
  } catch (err) {
    paintKnown = false;
  }
  // Without paint timing: at load. With it: 3 s after load at the latest (a page opened in the
  // background paints only when shown).
  window.addEventListener("load", function () { setTimeout(startScripts, paintKnown ? 3000 : 0); });
})();
