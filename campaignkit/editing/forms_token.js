// Loaded before Decap CMS on /admin/: every request the forms send to the kit's proxy
// (/admin/api/v1) carries this session's secret, which only this page holds (the server wrote it
// into the page's <meta name="campaignkit-token">). A page on another origin cannot read it,
// and the server refuses any API request without it (campaignkit/editing/request_guard.py).
(function () {
  var meta = document.querySelector('meta[name="campaignkit-token"]');
  var token = meta ? meta.getAttribute("content") : "";
  var original = window.fetch.bind(window);

  function isApi(input) {
    var url = typeof input === "string" || input instanceof URL ? String(input) : input && input.url;
    if (!url) return false;
    var target = new URL(url, document.baseURI);
    return target.origin === window.location.origin && target.pathname === "/admin/api/v1";
  }

  window.fetch = function (input, init) {
    if (!isApi(input)) return original(input, init);
    init = Object.assign({}, init || {});
    var headers = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
    headers.set("X-Campaignkit-Token", token);
    init.headers = headers;
    return original(input, init);
  };
})();
