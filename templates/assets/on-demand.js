// Downloads that Material starts on every page but only some readers need, held back until they
// are needed (issue 12: on a slow link they shared the line with the page's first photo).
//
// Loaded before Material's bundle (templates/overrides/main.html). Material fetches with
// XMLHttpRequest; this wraps send() for two addresses:
//
// - the search index (search/search_index.json, 140 KB, 40 KB compressed): sent when the reader
//   reaches for search (taps the search button, opens it with a key, focuses the box) or lands
//   from a search result (?h=…, the words to highlight need the index's settings). Material
//   shows 正在初始化搜索引擎 meanwhile and searches as soon as the index is in.
// - sitemap.xml, which Material reads once for every <link rel="alternate"> to map pages of
//   other-language versions of a site; the only alternates here are the Atom and RSS feeds, so
//   the answer is never used on this site. Sent on the reader's first tap or key, as a
//   multilingual site would need it by its first click.
//
// Without JavaScript nothing changes; with it every request still happens when it matters.
(function () {
  "use strict";
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
})();
