// Chinese search on top of Material's search worker (mkdocs-material 9.8.2, pinned).
//
// Material splits a Chinese query into the index's words and looks for ANY of them, ranked by
// frequency: 充电桩 (a word the site never uses) found fourteen pages and no charging point. This
// worker loads Material's own worker unchanged (its file name is after the # of this script's
// URL, see templates/overrides/main.html) and answers each query itself, knowing the whole index
// and the words readers use (the index's "campaign_words": campaignkit/website/search_words.yml
// and site.yml's search_words, in the index's config):
//
// - the query is cut into words (the index's words, jieba's at build time, and the listed ones;
//   the longest first), question words such as 哪里 and 怎么办 left out;
// - a word stands for its whole group (电瓶 also finds 电池; 充电桩 finds 集中充电处); a group's
//   page (充电去哪儿 for 充电桩, 哪里充电 …) comes first;
// - then pages whose title has every word, pages that contain the query as typed, pages with
//   every word in one section, pages with every word somewhere; pages with only some words are
//   left out (unless no page has them all: then those, so a typo still finds something; and if
//   none has any, Material's own answer);
// - the words carried to the landing page (?h=…) are the words found on that page, never
//   single characters; the snippet is the sentence that holds them, marked.
// The count Material announces is the number of pages listed, and every one is listed.
(function () {
  "use strict";
  var SETUP = 0, QUERY = 2, RESULT = 3;
  var HAN = /\p{sc=Han}/u;
  // Words of a question that say nothing about what is looked for.
  var STOP = new Set(["哪里", "哪儿", "哪", "在哪", "在哪里", "在哪儿", "去哪", "去哪里", "去哪儿", "怎么", "怎么办",
    "怎样", "如何", "什么", "为什么", "可以", "能不能", "能", "要", "吗", "呢", "的", "了", "是", "有", "和", "在",
    "我", "我们", "请问", "附近", "一下"]);
  var docs = [];           // index entries in index order: {location, page, title, titleText, text, html}
  var pages = new Map();   // page URL -> [entries], the page's own entry first
  var words = new Set();   // every word of the index (jieba's segmentation, kept by the ​) and the lists'
  var groups = new Map();  // word -> {words: [...], page: "facilities/" | undefined}
  var prefer = [];         // sections in the order their pages come when equally good
  var longest = 1;
  var query = "";

  function plain(html) {
    return String(html || "").replace(/<[^>]*>/g, " ").replace(/\u200b/g, "").replace(/\s+/g, " ").trim();
  }

  // What a query is compared with: lower case, without spaces (第 3 轮巡查 is found as 第3轮巡查).
  function squeeze(html) { return plain(html).toLowerCase().replace(/\s+/g, ""); }

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

  function learn(word) {
    if (word.length > 1 && HAN.test(word)) {
      words.add(word);
      if (word.length > longest) longest = word.length;
    }
  }

  function remember(index) {
    (index.docs || []).forEach(function (doc) {
      var html = String(doc.text || "");
      var entry = {location: doc.location, page: doc.location.split("#")[0], titleHtml: plain(doc.title),
                   title: squeeze(doc.title), text: squeeze(html), html: html, sentences: null};
      docs.push(entry);
      if (!pages.has(entry.page)) pages.set(entry.page, []);
      var list = pages.get(entry.page);
      if (entry.location === entry.page) list.unshift(entry); else list.push(entry);
      (String(doc.title || "") + "\u200b" + html).split(/[\u200b\s<>]+/).forEach(learn);
    });
    var listed = (index.config || {}).campaign_words || {};
    prefer = listed.prefer || [];
    (listed.groups || []).forEach(function (group) {
      var g = {words: group.words.map(function (w) { return String(w).toLowerCase(); }), page: group.page};
      g.words.forEach(function (w) { groups.set(w, g); learn(w); });
    });
    STOP.forEach(learn);
  }

  // The query's words: its parts (split at spaces and punctuation), each Chinese run cut into the
  // longest words known (left to right); a character no word starts with joins the word before.
  function queryWords(q) {
    var out = [];
    q.toLowerCase().split(/[\s,，、。;；:：!！?？"“”'‘’()（）]+/).forEach(function (part) {
      if (!part) return;
      if (!HAN.test(part) || part.length <= 2) { out.push(part); return; }
      var i = 0, cut = [];
      while (i < part.length) {
        var n = Math.min(longest, part.length - i);
        while (n > 1 && !words.has(part.substr(i, n))) n--;
        cut.push(part.substr(i, n));
        i += n;
      }
      var merged = [];
      cut.forEach(function (w) {
        var last = merged.length ? merged[merged.length - 1] : null;
        if (w.length === 1 && STOP.has(w)) merged.push(w);
        else if (w.length === 1 && last !== null && !STOP.has(last)) merged[merged.length - 1] += w;
        else if (last !== null && last.length === 1 && !STOP.has(last)) merged[merged.length - 1] += w;
        else merged.push(w);
      });
      out.push.apply(out, merged);
    });
    out = out.filter(function (w, i, all) { return w && all.indexOf(w) === i; });
    var meaningful = out.filter(function (w) { return !STOP.has(w); });
    return meaningful.length ? meaningful : out;
  }

  function found(entry, w) { return entry.title.indexOf(w) >= 0 || entry.text.indexOf(w) >= 0; }

  // One query word and what stands for it: its group's words, or itself.
  function term(w) {
    var g = groups.get(w);
    return {word: w, alts: g ? g.words : [w], page: g ? g.page : undefined};
  }

  function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  function mark(text, list) {
    if (!list.length) return text;
    var re = new RegExp("(" + list.slice().sort(function (a, b) { return b.length - a.length; })
      .map(escapeRe).join("|") + ")", "gi");
    return text.replace(re, "<mark>$1</mark>");
  }

  function snippet(entry, phrase, list) {
    if (!entry.sentences) entry.sentences = sentences(entry.html);
    var lower = function (s) { return s.toLowerCase(); };
    // a whole sentence (ends with 。！？；) before a label or a badge line that happens to match
    var whole = function (s) { return /[。！？；]$/.test(s); };
    var withPhrase = entry.sentences.filter(function (s) { return lower(s).indexOf(phrase) >= 0; });
    var withWord = entry.sentences.filter(function (s) { return list.some(function (w) { return lower(s).indexOf(w) >= 0; }); });
    var hit = withPhrase.filter(whole)[0] || withWord.filter(whole)[0] || withPhrase[0] || withWord[0];
    if (!hit) return "";
    if (hit.length > (whole(hit) ? 120 : 50)) {  // long (or a run of labels): a window around the first word found
      var at = lower(hit).indexOf(phrase) >= 0 ? lower(hit).indexOf(phrase)
        : Math.min.apply(null, list.map(function (w) { var k = lower(hit).indexOf(w); return k < 0 ? 1e9 : k; }));
      var size = whole(hit) ? 120 : 50;
      var start = Math.max(0, at - Math.round(size / 3));
      hit = (start ? "…" : "") + hit.slice(start, start + size) + "…";
    }
    return "<p>" + mark(hit, list) + "</p>";  // the index's text is HTML: entities stay escaped
  }

  // A page's standing for the query: 6 the page of the query's group (a one-word query), 5 every
  // word in its title as typed, 4 every word in its title (or a word of its group), 3.5 the page
  // of one word's group that has the others too, 3 the query as typed in its text, 2 every word in
  // one of its sections, 1 every word somewhere on it, 0 some words (listed only when no page has
  // them all).
  function rank(url, entries, phrase, terms) {
    var own = entries[0];
    var has = terms.map(function (t) { return t.alts.filter(function (a) { return entries.some(function (e) { return found(e, a); }); }); });
    var matched = has.filter(function (h) { return h.length; }).length;
    if (!matched) return null;
    var inTitle = function (t) { return t.alts.some(function (a) { return own.title.indexOf(a) >= 0; }); };
    var asTyped = terms.every(function (t) { return own.title.indexOf(t.word) >= 0; });
    var tier = 0;
    var groupPage = terms.some(function (t) { return t.page === url; });
    if (groupPage && terms.length === 1) tier = 6;
    else if (matched === terms.length) {
      if (asTyped) tier = 5;
      else if (terms.every(inTitle)) tier = 4;
      else if (groupPage) tier = 3.5;  // 北区充电桩: the 北区 charging point, then 充电去哪儿
      else if (entries.some(function (e) { return e.text.indexOf(phrase) >= 0; })) tier = 3;
      else if (entries.some(function (e) { return terms.every(function (t) { return t.alts.some(function (a) { return found(e, a); }); }); })) tier = 2;
      else tier = 1;
    }
    // how much the page says about each word (up to 10 mentions a word: no word outweighs the rest)
    var count = 0;
    has.forEach(function (h) {
      var n = 0;
      entries.forEach(function (e) { h.forEach(function (a) { n += e.text.split(a).length - 1; }); });
      count += Math.min(n, 10);
    });
    return {url: url, entries: entries, tier: tier, matched: matched, count: count, words: [].concat.apply([], has)};
  }

  function answer(q, fallback) {
    var phrase = q.trim().toLowerCase().replace(/\s+/g, "");
    var list = queryWords(q.trim());
    if (!phrase || !list.length || !docs.length) return fallback;
    var terms = list.map(term);
    var ranked = [];
    var order = 0;
    pages.forEach(function (entries, url) {
      var r = rank(url, entries, phrase, terms);
      if (r) { r.order = order; ranked.push(r); }
      order++;
    });
    if (!ranked.length) return fallback;
    var best = Math.max.apply(null, ranked.map(function (r) { return r.matched; }));
    var complete = ranked.filter(function (r) { return r.tier > 0 || r.matched === terms.length; });
    ranked = complete.length ? complete : ranked.filter(function (r) { return r.matched === best; });
    var section = function (url) {
      var n = prefer.indexOf(url.split("/")[0] + "/");
      return n < 0 ? prefer.length : n;
    };
    ranked.sort(function (a, b) {
      return b.tier - a.tier || b.matched - a.matched || section(a.url) - section(b.url) || b.count - a.count || a.order - b.order;
    });
    var items = ranked.map(function (r) {
      var marks = r.words.slice().sort(function (a, b) { return b.length - a.length; });
      var terms = {};
      marks.forEach(function (w) { terms[w] = true; });
      var out = [];
      r.entries.forEach(function (e, i) {
        var hits = marks.filter(function (w) { return found(e, w); });
        if (i > 0 && !hits.length) return;  // a section without any of the words
        out.push({location: e.location, title: mark(e.titleHtml, hits), text: hits.length ? snippet(e, phrase, marks) : "",
                  score: i === 0 ? 2 : 1, terms: terms});
      });
      return out;
    });
    return {items: items, suggest: fallback && fallback.suggest};
  }

  var post = self.postMessage.bind(self);
  self.postMessage = function (message) {
    if (message && message.type === RESULT && message.data && message.data.items) {
      try { message.data = answer(query, message.data); } catch (err) { console.warn(err); }
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
    if (m.type === SETUP && m.data && m.data.docs) remember(m.data);
    if (m.type === QUERY) query = String(m.data || "");
    if (!material) {
      material = decodeURIComponent(self.location.hash.slice(1)) || "search.a7633da7.min.js";
      importScripts(material);
      replaying = true;
      try { self.dispatchEvent(new MessageEvent("message", {data: ev.data})); } finally { replaying = false; }
    }
  });
})();
