/* vstar view: filters, counts, pages and record cards over data/index.js and data/chunk-N.js.
   Plain DOM code: no framework, no network; record text is only ever set as text, never as HTML. */
(function () {
  'use strict';
  var IX = window.VSTAR_INDEX;
  var countsEl = document.getElementById('counts');
  if (!IX) { countsEl.textContent = 'data/index.js is missing: rebuild the site with vstar view.'; return; }

  var N = IX.n, CS = IX.chunkSize, cols = IX.cols;
  var FACETS = ['cycle', 'status', 'label', 'kind', 'source', 'reason', 'file'];
  var MULTI = { label: true, kind: true };
  var fmt = function (n) { return n.toLocaleString('en-US'); };

  // Facet value names; multi-valued facets (label types, verifier kinds) are stored as combinations.
  var names = {}, comboItems = {};
  FACETS.forEach(function (f) {
    if (f === 'file') { names.file = IX.files.map(function (x) { return x.name; }); return; }
    var values = IX.facets[f];
    if (!MULTI[f]) { names[f] = values.map(String); return; }
    var ids = new Map(), list = [];
    comboItems[f] = values.map(function (combo) {
      return combo.map(function (t) {
        if (!ids.has(t)) { ids.set(t, list.length); list.push(t); }
        return ids.get(t);
      });
    });
    names[f] = list;
  });
  var col = {};
  FACETS.forEach(function (f) { col[f] = Int32Array.from(cols[f]); });

  var state = { filter: {}, query: '', hits: null, page: 0, perPage: 50, sel: 0, visible: new Int32Array(0) };
  FACETS.forEach(function (f) { state.filter[f] = -1; });

  // ---- chunks, loaded on demand by script tags (file:// pages cannot fetch) ----
  var chunks = new Map(), waiting = new Map();
  window.vstarChunk = function (k, data) {
    chunks.set(k, data);
    var w = waiting.get(k);
    if (w) { waiting.delete(k); w.resolve(data); }
  };
  function loadChunk(k) {
    if (chunks.has(k)) return Promise.resolve(chunks.get(k));
    if (waiting.has(k)) return waiting.get(k).promise;
    var w = {};
    w.promise = new Promise(function (res, rej) { w.resolve = res; w.reject = rej; });
    waiting.set(k, w);
    var s = document.createElement('script');
    s.src = 'data/chunk-' + k + '.js';
    s.onload = function () { s.remove(); };
    s.onerror = function () { s.remove(); waiting.delete(k); w.reject(new Error('cannot load data/chunk-' + k + '.js')); };
    document.head.appendChild(s);
    return w.promise;
  }
  function recordAt(i) { return chunks.get(Math.floor(i / CS))[i % CS]; }

  // ---- filtering and counts: one pass; a record failing exactly one filter counts for that facet ----
  function accept() {
    var ok = {};
    FACETS.forEach(function (f) {
      var want = state.filter[f];
      if (want < 0) { ok[f] = null; return; }
      if (MULTI[f]) {
        ok[f] = Uint8Array.from(comboItems[f], function (items) { return items.indexOf(want) >= 0 ? 1 : 0; });
      } else {
        var a = new Uint8Array(names[f].length); a[want] = 1; ok[f] = a;
      }
    });
    return ok;
  }

  function recompute() {
    var ok = accept(), hits = state.hits;
    var counts = {};
    FACETS.forEach(function (f) { counts[f] = new Int32Array(MULTI[f] ? comboItems[f].length : names[f].length); });
    var active = FACETS.filter(function (f) { return ok[f]; });
    var out = new Int32Array(N), n = 0;
    for (var i = 0; i < N; i++) {
      var miss = hits && !hits[i] ? 1 : 0, missed = null;
      for (var a = 0; a < active.length && miss < 2; a++) {
        var f = active[a];
        if (!ok[f][col[f][i]]) { miss++; missed = f; }
      }
      if (miss === 0) {
        out[n++] = i;
        for (var b = 0; b < FACETS.length; b++) counts[FACETS[b]][col[FACETS[b]][i]]++;
      } else if (miss === 1 && missed) {
        counts[missed][col[missed][i]]++;
      }
    }
    state.visible = out.subarray(0, n);
    FACETS.forEach(function (f) {
      if (!MULTI[f]) return;
      var per = new Int32Array(names[f].length);
      comboItems[f].forEach(function (items, c) { items.forEach(function (t) { per[t] += counts[f][c]; }); });
      counts[f] = per;
    });
    state.counts = counts;
  }

  var selects = {};
  FACETS.forEach(function (f) { selects[f] = document.getElementById('f-' + f); });

  function fillSelects() {
    FACETS.forEach(function (f) {
      var sel = selects[f], c = state.counts[f];
      var order = names[f].map(function (_, i) { return i; });
      if (f === 'reason' || f === 'label' || f === 'kind' || f === 'source') order.sort(function (x, y) { return c[y] - c[x]; });
      var frag = document.createDocumentFragment();
      var all = document.createElement('option');
      all.value = '-1'; all.textContent = 'all';
      frag.appendChild(all);
      order.forEach(function (i) {
        var o = document.createElement('option');
        o.value = String(i);
        o.textContent = names[f][i] + ' (' + fmt(c[i]) + ')';
        if (c[i] === 0 && state.filter[f] !== i) o.disabled = true;
        frag.appendChild(o);
      });
      sel.replaceChildren(frag);
      sel.value = String(state.filter[f]);
    });
    document.getElementById('cycle-box').hidden = names.cycle.length < 2;
  }

  function statusSummary() {
    var c = state.counts.status;
    return names.status.map(function (s, i) { return s + ' ' + fmt(c[i]); }).join(' · ');
  }

  // ---- rendering ----
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function show(v) {
    if (typeof v === 'string') return v;
    if (Array.isArray(v) && v.every(function (x) { return x === null || typeof x !== 'object'; })) {
      return '[' + v.map(function (x) { return typeof x === 'string' ? x : JSON.stringify(x); }).join(', ') + ']';
    }
    return JSON.stringify(v);
  }
  // A key read off a record's object: its own, never Object.prototype's ("__proto__", "constructor").
  function own(o, k) { return o !== null && typeof o === 'object' && Object.prototype.hasOwnProperty.call(o, k); }
  function asList(v) { return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]; }

  function frames(p, rec) {
    var box = el('div', 'frames');
    var strip = p.v ? IX.strips[p.v] : null;
    var video = rec.video_path || rec.video;
    if (!strip || !strip.file) {
      box.classList.add('noframes');
      box.textContent = strip ? 'no frames: ' + strip.error : (video ? 'frames not built' : 'no video in this record');
      return box;
    }
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', strip.n + ' frames the model saw, from ' + video);
    for (var k = 0; k < strip.n; k++) {
      var img = document.createElement('img');
      img.className = 'tile';
      img.src = 'thumbs/' + strip.file;
      img.width = strip.w; img.height = strip.h;
      img.alt = 'frame ' + (k + 1) + ' of ' + strip.n;
      img.style.objectPosition = (-k * strip.w) + 'px 0';
      box.appendChild(img);
    }
    return box;
  }

  // Spans are code-point offsets (Python's); JS strings index UTF-16 units, so split by code point.
  function answer(rec) {
    var text = typeof rec.output === 'string' ? rec.output : '';
    var p = el('p', 'output');
    var cps = Array.from(text);
    var spans = [];
    var verdict = rec.verdict && typeof rec.verdict === 'object' ? rec.verdict : {};
    Object.keys(verdict).forEach(function (label, li) {
      var v = verdict[label], s = v && typeof v === 'object' ? v.span : null;
      if (!Array.isArray(s) || s.length !== 2) return;
      var a = s[0], b = s[1];
      if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b <= a || b > cps.length) return;
      spans.push({ a: a, b: b, label: label, ok: !!v.ok, i: li });
    });
    spans.sort(function (x, y) { return x.a - y.a || y.b - x.b; });
    var at = 0;
    spans.forEach(function (s) {
      if (s.a < at) return; // overlapping reads: the first one is shown
      if (s.a > at) p.appendChild(document.createTextNode(cps.slice(at, s.a).join('')));
      var m = el('mark', (s.ok ? 'ok' : 'bad') + ' m' + (s.i % 4), cps.slice(s.a, s.b).join(''));
      m.title = s.label + ': ' + (s.ok ? 'verified' : 'rejected');
      m.dataset.label = s.label;
      p.appendChild(m);
      at = s.b;
    });
    if (at < cps.length) p.appendChild(document.createTextNode(cps.slice(at).join('')));
    if (!text) p.appendChild(el('em', null, 'no answer'));
    return p;
  }

  function verdicts(rec) {
    var verdict = rec.verdict && typeof rec.verdict === 'object' ? rec.verdict : null;
    var types = asList(rec.label_type), kinds = asList(rec.verifier_type);
    if (!types.length && verdict) types = Object.keys(verdict);
    if (!types.length) return null;
    var t = el('table', 'verdicts');
    var head = el('tr');
    ['label', 'verifier', 'gold', 'extracted', 'verdict', 'reason'].forEach(function (h) { head.appendChild(el('th', null, h)); });
    var thead = el('thead'); thead.appendChild(head); t.appendChild(thead);
    var body = el('tbody');
    types.forEach(function (lt, i) {
      var v = own(verdict, lt) && verdict[lt] && typeof verdict[lt] === 'object' ? verdict[lt] : null;
      var tr = el('tr', v ? (v.ok ? 'ok' : 'bad') : '');
      var gold = rec.label && typeof rec.label === 'object' && own(rec.label, lt) ? rec.label[lt] : undefined;
      tr.appendChild(el('td', null, show(lt)));
      tr.appendChild(el('td', null, kinds[i] === undefined || kinds[i] === null ? '' : show(kinds[i])));
      tr.appendChild(el('td', null, gold === undefined ? '' : show(gold)));
      tr.appendChild(el('td', 'extracted', v ? (v.extracted === null || v.extracted === undefined ? '—' : show(v.extracted)) : ''));
      tr.appendChild(el('td', 'verdict', v ? (v.ok ? '✔ verified' : '✘ rejected') : 'not verified'));
      tr.appendChild(el('td', null, v && v.reason !== undefined && v.reason !== null ? show(v.reason) : ''));
      body.appendChild(tr);
    });
    t.appendChild(body);
    var wrap = el('div', 'table-wrap'); wrap.appendChild(t);
    return wrap;
  }

  function card(i, pos) {
    var p = recordAt(i), rec = p.r || {};
    var art = el('article', 'rec st-' + p.s);
    art.id = 'rec-' + i;
    art.tabIndex = -1;
    art.dataset.pos = String(pos);
    var head = el('header', 'meta');
    head.appendChild(el('span', 'badge ' + p.s, p.s));
    var qid = rec.question_id !== undefined ? rec.question_id : rec.id;
    if (qid !== undefined) head.appendChild(el('span', 'qid', show(qid)));
    if (rec.sample_index !== undefined) head.appendChild(el('span', 'chip', 'sample ' + show(rec.sample_index)));
    head.appendChild(el('span', 'chip', 'source: ' + (rec.source ? show(rec.source) : '-')));
    if (rec.model) head.appendChild(el('span', 'chip model', 'model: ' + show(rec.model)));
    if (p.c !== '-') head.appendChild(el('span', 'chip', 'cycle ' + p.c));
    var file = IX.files[p.f];
    var link = el('a', 'line', file.name + (p.l ? ':' + p.l : ''));
    link.href = file.href;
    link.title = 'the file this record is line ' + (p.l || '?') + ' of';
    head.appendChild(link);
    var perma = el('a', 'perma', '#');
    perma.href = '#r=' + i;
    perma.title = 'link to this record';
    head.appendChild(perma);
    art.appendChild(head);

    if (p.s === 'error') {
      var err = el('div', 'errbox');
      err.appendChild(el('strong', null, 'Error: '));
      err.appendChild(document.createTextNode(p.e || ''));
      if (p.il) err.appendChild(el('span', 'chip', ' (input line ' + p.il + ')'));
      if (p.raw) err.appendChild(el('pre', 'raw', p.raw));
      art.appendChild(err);
    }
    if (rec.video_path || rec.video || p.v) art.appendChild(frames(p, rec));
    var video = rec.video_path || rec.video;
    if (video) {
      var vp = el('p', 'video', show(video));
      if (rec.video_note) vp.appendChild(el('span', 'note', ' · ' + show(rec.video_note)));
      art.appendChild(vp);
    }
    if (rec.question !== undefined) {
      art.appendChild(el('h3', null, 'Question'));
      art.appendChild(el('p', 'question', show(rec.question)));
      if (Array.isArray(rec.choices) && rec.choices.length) {
        var ol = el('ol', 'choices');
        rec.choices.forEach(function (c) { ol.appendChild(el('li', null, show(c))); });
        art.appendChild(ol);
      }
    }
    if (p.h) {
      var hint = el('p', 'hint');
      var given = p.h.inPrompt !== false;
      hint.appendChild(el('strong', null, given ? 'Hint given (rationalization): ' : 'Gold label (rationalization; not found in its prompt): '));
      hint.appendChild(document.createTextNode(p.h.text));
      art.appendChild(hint);
    }
    if (rec.output !== undefined) {
      art.appendChild(el('h3', null, 'Answer'));
      art.appendChild(answer(rec));
    }
    var vt = verdicts(rec);
    if (vt) art.appendChild(vt);
    var more = el('details', 'more');
    more.appendChild(el('summary', null, rec.prompt ? 'Prompt and record' : 'Record'));
    if (rec.prompt) { more.appendChild(el('h4', null, 'Prompt')); more.appendChild(el('pre', 'prompt', rec.prompt)); }
    more.appendChild(el('h4', null, 'Record'));
    more.appendChild(el('pre', 'json', JSON.stringify(rec, null, 1)));
    art.appendChild(more);
    return art;
  }

  // A record of an unexpected shape still shows, as its JSON, instead of breaking the page.
  function safeCard(i, pos) {
    try { return card(i, pos); } catch (e) {
      var art = el('article', 'rec st-error');
      art.id = 'rec-' + i; art.tabIndex = -1; art.dataset.pos = String(pos);
      art.appendChild(el('p', 'errbox', 'cannot show this record (' + e.message + '); its JSON:'));
      art.appendChild(el('pre', 'json', JSON.stringify(recordAt(i), null, 1)));
      return art;
    }
  }

  var list = document.getElementById('list');
  var renderToken = 0;

  function pages() { return Math.max(1, Math.ceil(state.visible.length / state.perPage)); }

  function render(focusSel) {
    var token = ++renderToken;
    var start = state.page * state.perPage;
    var ids = Array.prototype.slice.call(state.visible.subarray(start, start + state.perPage));
    var need = Array.from(new Set(ids.map(function (i) { return Math.floor(i / CS); })));
    var info = ids.length ? 'page ' + fmt(state.page + 1) + ' of ' + fmt(pages()) : 'no records';
    document.getElementById('page-info').textContent = info;
    document.getElementById('page-info2').textContent = info;
    var shown = ids.length ? fmt(start + 1) + '–' + fmt(start + ids.length) + ' of ' : '0 of ';
    var extra = IX.missingVideos ? ' · ' + fmt(IX.missingVideos) + ' video(s) without frames' : '';
    countsEl.textContent = shown + fmt(state.visible.length) + ' records shown (' + fmt(N) + ' in all) — ' + statusSummary() + extra;
    ['prev', 'prev2'].forEach(function (b) { document.getElementById(b).disabled = state.page === 0; });
    ['next', 'next2'].forEach(function (b) { document.getElementById(b).disabled = state.page >= pages() - 1; });
    return Promise.all(need.map(loadChunk)).then(function () {
      if (token !== renderToken) return;
      var frag = document.createDocumentFragment();
      ids.forEach(function (i, k) { frag.appendChild(safeCard(i, start + k)); });
      list.replaceChildren(frag);
      if (!ids.length) list.appendChild(el('p', 'empty', 'No record matches these filters.'));
      select(Math.min(Math.max(state.sel, start), start + ids.length - 1), focusSel);
      document.body.dataset.ready = '1';
      if (!window.vstarFirstRender) window.vstarFirstRender = performance.now();
    }, function (e) { countsEl.textContent = String(e.message || e); });
  }

  function select(pos, focus) {
    var old = list.querySelector('.rec.selected');
    if (old) old.classList.remove('selected');
    if (pos < 0) return;
    state.sel = pos;
    var card = list.querySelector('[data-pos="' + pos + '"]');
    if (!card) return;
    card.classList.add('selected');
    if (focus) { card.focus({ preventScroll: true }); card.scrollIntoView({ block: 'nearest' }); }
  }

  function update() {
    recompute();
    fillSelects();
    state.page = 0; state.sel = 0;
    return render(false);
  }

  // ---- search: loads every chunk once, in small batches, then filters like a facet ----
  var searchToken = 0;
  function search(q) {
    var token = ++searchToken;
    q = q.trim().toLowerCase();
    state.query = q;
    if (!q) { state.hits = null; return update(); }
    var total = Math.ceil(N / CS), done = 0, hits = new Uint8Array(N);
    var words = q.split(/\s+/);
    function scan(k) {
      var data = chunks.get(k);
      for (var j = 0; j < data.length; j++) {
        var r = data[j].r || {};
        var hay = (show(r.question || '') + '\n' + show(r.output || '') + '\n' + show(r.question_id || r.id || '')).toLowerCase();
        var all = true;
        for (var w = 0; w < words.length && all; w++) all = hay.indexOf(words[w]) >= 0;
        if (all) hits[k * CS + j] = 1;
      }
    }
    function batch(from) {
      if (token !== searchToken) return null;
      if (from >= total) { state.hits = hits; return update(); }
      countsEl.textContent = 'searching… ' + fmt(done) + ' of ' + fmt(total) + ' data chunks';
      var ks = [];
      for (var k = from; k < Math.min(total, from + 8); k++) ks.push(k);
      return Promise.all(ks.map(loadChunk)).then(function () {
        ks.forEach(scan); done += ks.length;
        return batch(from + ks.length);
      });
    }
    return batch(0);
  }

  // ---- controls ----
  FACETS.forEach(function (f) {
    selects[f].addEventListener('change', function () { state.filter[f] = parseInt(selects[f].value, 10); update(); });
  });
  var q = document.getElementById('q'), qTimer = null;
  q.addEventListener('input', function () { clearTimeout(qTimer); qTimer = setTimeout(function () { search(q.value); }, 250); });
  q.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter') { ev.preventDefault(); clearTimeout(qTimer); search(q.value); }
    if (ev.key === 'Escape') q.blur();
  });
  document.getElementById('filters').addEventListener('submit', function (ev) { ev.preventDefault(); });
  document.getElementById('clear').addEventListener('click', function () {
    FACETS.forEach(function (f) { state.filter[f] = -1; });
    q.value = ''; state.query = ''; state.hits = null; update();
  });
  function goPage(p) { state.page = Math.max(0, Math.min(pages() - 1, p)); state.sel = state.page * state.perPage; render(false).then(function () { window.scrollTo(0, 0); }); }
  ['prev', 'prev2'].forEach(function (b) { document.getElementById(b).addEventListener('click', function () { goPage(state.page - 1); }); });
  ['next', 'next2'].forEach(function (b) { document.getElementById(b).addEventListener('click', function () { goPage(state.page + 1); }); });
  document.getElementById('per-page').addEventListener('change', function (ev) {
    state.perPage = parseInt(ev.target.value, 10); state.page = Math.floor(state.sel / state.perPage); render(false);
  });

  function move(delta) {
    var n = state.visible.length;
    if (!n) return;
    var pos = Math.max(0, Math.min(n - 1, state.sel + delta));
    var page = Math.floor(pos / state.perPage);
    state.sel = pos;
    if (page !== state.page) { state.page = page; render(true); } else select(pos, true);
  }
  function only(status) {
    var id = names.status.indexOf(status);
    if (id < 0) return;
    state.filter.status = state.filter.status === id ? -1 : id;
    update();
  }
  document.addEventListener('keydown', function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA')) return;
    var keys = { j: function () { move(1); }, k: function () { move(-1); }, v: function () { only('verified'); },
      r: function () { only('rejected'); }, e: function () { only('error'); }, '/': function () { q.focus(); } };
    if (keys[ev.key]) { ev.preventDefault(); keys[ev.key](); }
  });

  function openHash() {
    var m = /^#r=(\d+)$/.exec(location.hash);
    if (!m) return false;
    var i = parseInt(m[1], 10);
    if (i >= N) return false;
    var pos = Array.prototype.indexOf.call(state.visible, i);
    if (pos < 0) {
      FACETS.forEach(function (f) { state.filter[f] = -1; });
      state.hits = null; q.value = '';
      recompute(); fillSelects();
      pos = i;
    }
    state.sel = pos; state.page = Math.floor(pos / state.perPage);
    render(true);
    return true;
  }
  window.addEventListener('hashchange', openHash);

  // ---- summary tables (vstar view --summary) and report plots ----
  if (IX.tables && IX.tables.length) {
    var tbox = document.getElementById('tables');
    IX.tables.forEach(function (tb) {
      tbox.appendChild(el('p', 'table-title', tb.title));
      var table = el('table', 'summary'), head = el('tr');
      tb.headers.forEach(function (h) { head.appendChild(el('th', null, h)); });
      table.appendChild(head);
      tb.rows.forEach(function (r) {
        var tr = el('tr');
        r.forEach(function (cell) { tr.appendChild(el('td', null, cell)); });
        table.appendChild(tr);
      });
      tbox.appendChild(table);
    });
    if (IX.tablesNote) tbox.appendChild(el('p', 'table-title', IX.tablesNote));
    document.getElementById('summary-box').hidden = false;
    document.getElementById('report').hidden = false;
  }
  if (IX.plots && IX.plots.length) {
    var box = document.getElementById('plots');
    IX.plots.forEach(function (pl) {
      var fig = el('figure');
      var img = document.createElement('img');
      img.src = pl.src; img.alt = pl.title; img.className = 'plot';
      fig.appendChild(img);
      fig.appendChild(el('figcaption', null, pl.title));
      box.appendChild(fig);
    });
    document.getElementById('plots-box').hidden = false;
    document.getElementById('report').hidden = false;
  }

  recompute();
  fillSelects();
  if (!openHash()) render(false);
})();
