// Chinese search on top of Material's search worker (mkdocs-material 9.8.2, pinned).
//
// Material splits a Chinese query into the index's words and looks for ANY of them, so
// 飞线充电 and 集中充电 both return every page that says 充电, ranked by how often. This worker
// loads Material's own worker unchanged (its file name is after the # of this script's URL,
// see templates/overrides/main.html) and refines what it answers, knowing the whole index:
//
// - results are the pages that contain the query as typed (the phrase) first, then the pages
//   that contain every word of it; pages that contain only some words are dropped (unless no
//   page has them all: then Material's results stay, so a typo still finds something);
// - the words carried to the landing page (?h=…) are the query's words, never single
//   characters of them;
// - the snippet under a result is the sentence the phrase (or the first word) appears in,
//   with the words marked, instead of the index blocks run together.
(function () {
  "use strict";
  var SETUP = 0, QUERY = 2, RESULT = 3;
  var HAN = /\p{sc=Han}/u;
  var docs = new Map();   // location -> {title, text, blocks}: plain text without the index's ​
  var words = new Set();  // every word of the index (jieba's segmentation, kept by the ​)
  var longest = 1;
  var query = "";

  function plain(html) {
    return String(html || "").replace(/<[^>]*>/g, " ").replace(/\u200b/g, "").replace(/\s+/g, " ").trim();
  }

  // Sentences and list items stay apart: an index text is HTML blocks; each block is cut
  // into sentences at 。！？；.
  function sentences(html) {
    var out = [];
    String(html || "").replace(/\u200b/g, "").split(/<\/?(?:p|li|ol|ul|h\d|tr|td|th|dd|dt|div|br)\b[^>]*>/i)
      .forEach(function (block) {
        var text = plain(block);
        if (!text) return;
        (text.match(/[^。！？；]+[。！？；]?/g) || []).forEach(function (s) {
          s = s.replace(/^[、，,·\s]+/, "").trim();
          if (s) out.push(s);
        });
      });
    return out;
  }

  function remember(list) {
    list.forEach(function (doc) {
      var text = String(doc.text || "");
      docs.set(doc.location, {title: plain(doc.title), text: plain(text), sentences: null, html: text});
      (String(doc.title || "") + "\u200b" + text).split(/[\u200b\s<>]+/).forEach(function (w) {
        if (w.length > 1 && HAN.test(w)) {
          words.add(w);
          if (w.length > longest) longest = w.length;
        }
      });
    });
  }

  // The query's words: its parts (split at spaces), each Chinese run cut into the longest
  // words the index knows (greedy, left to right), single characters joined to a neighbour
  // rather than kept alone.
  function queryWords(q) {
    var out = [];
    q.split(/[\s,，、。;；:：!！?？"“”'‘’()（）]+/).forEach(function (part) {
      if (!part) return;
      if (!HAN.test(part) || part.length <= 2) { out.push(part); return; }
      var i = 0, cut = [];
      while (i < part.length) {
        var n = Math.min(longest, part.length - i);
        while (n > 1 && !words.has(part.substr(i, n))) n--;
        cut.push(part.substr(i, n));
        i += n;
      }
      // a lone character (a word the index does not know) goes with the word before it
      var merged = [];
      cut.forEach(function (w) {
        if (w.length === 1 && merged.length) merged[merged.length - 1] += w;
        else if (w.length === 1 && !merged.length) merged.push(w);
        else if (merged.length && merged[merged.length - 1].length === 1) merged[merged.length - 1] += w;
        else merged.push(w);
      });
      out.push.apply(out, merged);
    });
    return out.filter(function (w, i, all) { return w && all.indexOf(w) === i; });
  }

  function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  function mark(text, list) {
    if (!list.length) return text;
    var re = new RegExp("(" + list.slice().sort(function (a, b) { return b.length - a.length; })
      .map(escapeRe).join("|") + ")", "gi");
    return text.replace(re, "<mark>$1</mark>");
  }

  function snippet(doc, phrase, list) {
    if (!doc.sentences) doc.sentences = sentences(doc.html);
    var lower = function (s) { return s.toLowerCase(); };
    // a whole sentence (ends with 。！？；) before a label or a badge line that happens to match
    var whole = function (s) { return /[。！？；]$/.test(s); };
    var withPhrase = doc.sentences.filter(function (s) { return lower(s).indexOf(lower(phrase)) >= 0; });
    var withWord = doc.sentences.filter(function (s) { return list.some(function (w) { return lower(s).indexOf(lower(w)) >= 0; }); });
    var hit = withPhrase.filter(whole)[0] || withWord.filter(whole)[0] || withPhrase[0] || withWord[0];
    if (!hit) return "";
    if (hit.length > 120) {  // long sentence: a window around the first word found
      var at = Math.max(0, lower(hit).indexOf(lower(phrase)) >= 0 ? lower(hit).indexOf(lower(phrase))
        : Math.min.apply(null, list.map(function (w) { var k = lower(hit).indexOf(lower(w)); return k < 0 ? 1e9 : k; })));
      var start = Math.max(0, at - 40);
      hit = (start ? "…" : "") + hit.slice(start, start + 120) + "…";
    }
    return "<p>" + mark(hit, list) + "</p>";
  }

  // How well one search document answers: 3 phrase in the title, 2 phrase in the text,
  // 1 every word somewhere, 0 only some words.
  function tier(doc, phrase, list) {
    var title = doc.title.toLowerCase(), text = doc.text.toLowerCase(), p = phrase.toLowerCase();
    if (title.indexOf(p) >= 0) return 3;
    if (text.indexOf(p) >= 0) return 2;
    var all = title + " " + text;
    return list.every(function (w) { return all.indexOf(w.toLowerCase()) >= 0; }) ? 1 : 0;
  }

  function refine(result, q) {
    var phrase = q.trim().replace(/\s+/g, " ");
    var list = queryWords(phrase);
    if (!phrase || !list.length) return result;
    var groups = result.items.map(function (group, order) {
      var best = 0, terms = {};  // one page's entries (the page and its sections) share the words
      group.forEach(function (item) {
        var doc = docs.get(item.location);
        item.ckTier = doc ? tier(doc, phrase, list) : 0;
        if (item.ckTier > best) best = item.ckTier;
        list.forEach(function (w) {
          if (doc && (doc.title + " " + doc.text).toLowerCase().indexOf(w.toLowerCase()) >= 0) terms[w] = true;
        });
        item.terms = terms;
        if (doc && item.text) {
          var s = snippet(doc, phrase, list);
          if (s) item.text = s;
        }
      });
      // a section that has none of the words (Material matched a single character of them) is
      // left out; the page itself stays (Material lists sections under it), without a teaser
      group = group.filter(function (item) { return item.ckTier > 0 || item.location.indexOf("#") < 0; });
      group.forEach(function (item) { if (!item.ckTier) item.text = ""; });
      group.sort(function (a, b) { return b.ckTier - a.ckTier || b.score - a.score; });
      return {group: group, tier: best, order: order};
    });
    var complete = groups.filter(function (g) { return g.tier > 0; });
    if (complete.length) groups = complete;
    groups.sort(function (a, b) { return b.tier - a.tier || a.order - b.order; });
    result.items = groups.map(function (g) {
      g.group.forEach(function (item) { delete item.ckTier; });
      return g.group;
    });
    return result;
  }

  var post = self.postMessage.bind(self);
  self.postMessage = function (message) {
    if (message && message.type === RESULT && message.data && message.data.items) {
      try { message.data = refine(message.data, query); } catch (err) { console.warn(err); }
    }
    post(message);
  };
  // Material's worker (and lunr with it, 46 KB) is loaded with the first message, the index
  // (SETUP): the page holds the index back until the reader reaches for search
  // (assets/on-demand.js), and a worker nobody asks stays this small file. The SETUP message
  // is then handed to Material's listener, registered by importScripts after this one's.
  var material = null, replaying = false;
  self.addEventListener("message", function (ev) {
    if (replaying) return;  // the first message, handed on to Material's listener below
    var m = ev.data || {};
    if (m.type === SETUP && m.data && m.data.docs) remember(m.data.docs);
    if (m.type === QUERY) query = String(m.data || "");
    if (!material) {
      material = decodeURIComponent(self.location.hash.slice(1)) || "search.a7633da7.min.js";
      importScripts(material);
      replaying = true;
      try { self.dispatchEvent(new MessageEvent("message", {data: ev.data})); } finally { replaying = false; }
    }
  });
})();
