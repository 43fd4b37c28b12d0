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

  // Photo names keep their case (IMG_4021.JPG): Decap 3 lower-cases every uploaded file's name in
  // its own code (persistMedia: sanitizeSlug(file.name.toLowerCase())) with no option to keep it,
  // and sends no original name. So the names of the files the clerk picks are noted here, and
  // every API request naming a photo by its lower-cased name names it as the clerk's file again.
  var originals = {};  // lower-cased name -> the clerk's name
  document.addEventListener("change", function (event) {
    var files = event.target && event.target.type === "file" ? event.target.files : null;
    for (var i = 0; files && i < files.length; i++) {
      if (files[i].name !== files[i].name.toLowerCase()) originals[files[i].name.toLowerCase()] = files[i].name;
    }
  }, true);

  function restored(path) {
    if (typeof path !== "string") return path;
    var cut = path.lastIndexOf("/") + 1;
    var name = originals[path.slice(cut)];
    return name ? path.slice(0, cut) + name : path;
  }

  function restoreNames(body) {
    if (typeof body !== "string" || Object.keys(originals).length === 0) return body;
    var request;
    try { request = JSON.parse(body); } catch (e) { return body; }
    var params = request && request.params;
    if (!params) return body;
    if (params.asset) params.asset.path = restored(params.asset.path);
    if (typeof params.path === "string") params.path = restored(params.path);
    (params.assets || []).forEach(function (a) { if (a) a.path = restored(a.path); });
    (params.dataFiles || []).forEach(function (file) {
      if (!file || typeof file.raw !== "string") return;
      Object.keys(originals).forEach(function (lower) {
        var escaped = lower.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        file.raw = file.raw.replace(new RegExp("(/)" + escaped + "(?=$|[\\s'\"])", "gm"), "$1" + originals[lower]);
      });
    });
    return JSON.stringify(request);
  }

  window.fetch = function (input, init) {
    if (!isApi(input)) return original(input, init);
    init = Object.assign({}, init || {});
    init.body = restoreNames(init.body);
    var headers = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
    headers.set("X-Campaignkit-Token", token);
    init.headers = headers;
    return original(input, init);
  };
})();
