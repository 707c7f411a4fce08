/*
 * app.js: the newsidx page.  It reads and writes its whole state in the
 * URL (q, the filters, from/to, page, article), so that a search can be
 * bookmarked and shared and back/forward work, and asks the server's
 * JSON API for everything it shows.  Every text that comes from the
 * index is put into the page as a DOM text node, never parsed as HTML;
 * highlights are cut from the snippet at the code-point offsets the API
 * gives.
 */
'use strict';

(function () {
  const PAGE = 10;
  /* The facets the page asks for, in order; a name the server does not
   * know (an older server) is dropped and the search asked again.
   * place stands in for country where country is not known. */
  const WANTED_FACETS = ['country', 'source', 'month'];
  const FALLBACK = { country: 'place' };
  const FACET_TITLES = {
    country: 'Country', source: 'Source', month: 'Month', place: 'Place',
    lang: 'Language', year: 'Year', org: 'Organisation', person: 'Person',
    topic: 'Topic'
  };
  /* The search parameter each facet filters with (month and year set a
   * date range instead). */
  const FILTER_OF = {
    country: 'country', source: 'source', place: 'place', lang: 'language',
    org: 'org', person: 'person', topic: 'topic'
  };
  const FILTER_PARAMS = ['country', 'source', 'place', 'language', 'org',
    'person', 'topic'];
  const unsupported = new Set();

  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const kid of kids) {
      if (kid !== null && kid !== undefined)
        e.append(kid);
    }
    return e;
  };
  const SVG = 'http://www.w3.org/2000/svg';
  const svg = (tag, attrs) => {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {}))
      e.setAttribute(k, String(v));
    return e;
  };

  /* ---- state in the URL ------------------------------------------- */

  function readState() {
    const u = new URLSearchParams(location.search);
    const filters = [];
    for (const [k, v] of u) {
      if (FILTER_PARAMS.includes(k) && v)
        filters.push([k, v]);
    }
    const page = parseInt(u.get('page') || '1', 10);
    return {
      q: u.get('q') || '',
      filters,
      from: u.get('from') || '',
      to: u.get('to') || '',
      page: Number.isFinite(page) && page > 0 ? page : 1,
      article: u.get('article') || ''
    };
  }

  function stateQuery(st) {
    const u = new URLSearchParams();
    if (st.q) u.set('q', st.q);
    for (const [k, v] of st.filters) u.append(k, v);
    if (st.from) u.set('from', st.from);
    if (st.to) u.set('to', st.to);
    if (st.page > 1) u.set('page', String(st.page));
    if (st.article) u.set('article', st.article);
    const s = u.toString();
    return s ? '?' + s : location.pathname;
  }

  function go(st, replace) {
    const url = stateQuery(st);
    if (replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    render();
  }

  function hasSearch(st) {
    return Boolean(st.q || st.filters.length || st.from || st.to);
  }

  /* ---- the API ---------------------------------------------------- */

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function api(path, params) {
    const qs = params ? '?' + params.toString() : '';
    const r = await fetch(path + qs, { headers: { Accept: 'application/json' } });
    let doc = null;
    try {
      doc = await r.json();
    } catch (e) {
      throw new ApiError(r.status, 'the server sent no JSON (HTTP ' + r.status + ')');
    }
    if (!r.ok)
      throw new ApiError(r.status, doc && doc.error ? doc.error : 'HTTP ' + r.status);
    return doc;
  }

  function facetList() {
    return WANTED_FACETS.map((f) => unsupported.has(f) ? FALLBACK[f] : f)
      .filter((f) => f && !unsupported.has(f));
  }

  function searchParams(st, extra) {
    const p = new URLSearchParams();
    if (st.q) p.set('q', st.q);
    for (const [k, v] of st.filters) p.append(k, v);
    if (st.from) p.set('from', st.from);
    if (st.to) p.set('to', st.to);
    for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
    return p;
  }

  /* A search; a facet the server does not know is dropped and the
   * search asked again. */
  async function search(st) {
    for (;;) {
      const facets = facetList();
      const p = searchParams(st, {
        limit: String(PAGE), offset: String((st.page - 1) * PAGE)
      });
      if (facets.length) p.set('facets', facets.join(','));
      try {
        return await api('/api/search', p);
      } catch (e) {
        const m = e instanceof ApiError && e.status === 400 &&
          /^bad facet '([a-z]+)'/.exec(e.message);
        if (!m || unsupported.has(m[1])) throw e;
        unsupported.add(m[1]);
      }
    }
  }

  /* ---- showing what came back ------------------------------------- */

  /* The snippet with each [start, end) code-point range in a <mark>. */
  function snippetNode(text, highlights) {
    const p = el('p', { class: 'snippet' });
    const cps = Array.from(text || '');
    let at = 0;
    const ranges = (highlights || [])
      .filter((h) => Array.isArray(h) && h.length === 2 && h[0] < h[1])
      .sort((a, b) => a[0] - b[0]);
    for (const [s, e] of ranges) {
      if (s < at || e > cps.length) continue;
      if (s > at) p.append(document.createTextNode(cps.slice(at, s).join('')));
      p.append(el('mark', { text: cps.slice(s, e).join('') }));
      at = e;
    }
    if (at < cps.length) p.append(document.createTextNode(cps.slice(at).join('')));
    return p;
  }

  function metaNode(h) {
    const m = el('p', { class: 'meta' });
    if (h.date) m.append(el('span', { class: 'date', text: h.date.slice(0, 10) }));
    if (h.source) m.append(el('span', { class: 'source', text: h.source }));
    if (h.place) m.append(el('span', { class: 'place', text: h.place }));
    if (h.lang) m.append(el('span', { class: 'lang', text: h.lang, title: 'language' }));
    return m;
  }

  function articleHref(id) {
    const st = readState();
    st.article = id;
    return stateQuery(st);
  }

  function articleLink(h) {
    return el('a', {
      href: articleHref(h.id),
      class: 'open',
      text: h.title || h.id,
      onclick: (ev) => {
        if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey) return;
        ev.preventDefault();
        const st = readState();
        st.article = h.id;
        go(st);
      }
    });
  }

  /* "+N similar": the other copies of the hit's near-duplicate group,
   * which match the same search: the search again with every copy, its
   * first 100 hits looked through for the group. */
  function copiesNode(h) {
    if (!h.copies) return null;
    const box = el('div');
    const list = el('ul', { class: 'copies', hidden: '' });
    const btn = el('button', {
      type: 'button', class: 'more', 'aria-expanded': 'false',
      text: '+' + h.copies + ' similar',
      onclick: async () => {
        const open = btn.getAttribute('aria-expanded') === 'true';
        btn.setAttribute('aria-expanded', String(!open));
        list.hidden = open;
        if (open || list.childElementCount) return;
        try {
          const p = searchParams(readState(), { all_copies: 'true', limit: '100' });
          const doc = await api('/api/search', p);
          const same = doc.hits.filter((o) => h.group && o.group === h.group && o.id !== h.id);
          for (const o of same)
            list.append(el('li', {}, articleLink(o), ' ', metaNode(o)));
          if (!same.length) list.append(el('li', { text: 'The copies could not be listed.' }));
        } catch (e) {
          list.append(el('li', { text: e.message }));
        }
      }
    });
    box.append(btn, list);
    return box;
  }

  function hitNode(h) {
    return el('li', { class: 'hit' },
      el('h3', {}, articleLink(h)),
      metaNode(h),
      snippetNode(h.snippet, h.highlights),
      copiesNode(h));
  }

  function filterState(facet, value) {
    const st = readState();
    st.page = 1;
    st.article = '';
    if (facet === 'month' || facet === 'year') {
      st.from = value;
      st.to = value;
    } else {
      const k = FILTER_OF[facet] || facet;
      if (!st.filters.some(([a, b]) => a === k && b === value))
        st.filters.push([k, value]);
    }
    return st;
  }

  function renderFacets(facets) {
    const box = $('facets');
    box.replaceChildren();
    for (const [name, values] of Object.entries(facets || {})) {
      if (!Array.isArray(values) || !values.length) continue;
      const id = 'facet-' + name;
      const ul = el('ul');
      for (const v of values) {
        ul.append(el('li', {},
          el('button', {
            type: 'button', 'data-facet': name, 'data-value': v.value,
            text: v.value,
            onclick: () => go(filterState(name, v.value))
          }),
          el('span', { class: 'count', text: String(v.count) })));
      }
      box.append(el('section', { class: 'facet', id, 'aria-labelledby': id + '-h' },
        el('h2', { id: id + '-h', text: FACET_TITLES[name] || name }), ul));
    }
  }

  function renderActive(st) {
    const items = [];
    const without = (fn) => () => {
      const s = readState();
      fn(s);
      s.page = 1;
      go(s);
    };
    st.filters.forEach(([k, v], i) => items.push(el('li', {},
      el('button', {
        type: 'button', class: 'link', 'aria-label': 'Remove filter ' + k + ' ' + v,
        text: '✕ ' + k + ': ' + v,
        onclick: without((s) => s.filters.splice(i, 1))
      }))));
    if (st.from || st.to) {
      items.push(el('li', {}, el('button', {
        type: 'button', class: 'link', 'aria-label': 'Remove the date range',
        text: '✕ date: ' + (st.from || '…') + ' to ' + (st.to || '…'),
        onclick: without((s) => { s.from = ''; s.to = ''; })
      })));
    }
    $('active-list').replaceChildren(...items);
    $('active').hidden = !items.length;
  }

  /* Months from first to last, gaps filled with zero. */
  function monthSeries(values) {
    const counts = new Map(values.map((v) => [v.value, v.count]));
    const keys = values.map((v) => v.value).filter((k) => /^\d{4}-\d{2}$/.test(k)).sort();
    if (!keys.length) return [];
    const out = [];
    let [y, m] = keys[0].split('-').map(Number);
    const last = keys[keys.length - 1];
    for (let n = 0; n < 1200; n++) {
      const k = y + '-' + String(m).padStart(2, '0');
      out.push([k, counts.get(k) || 0]);
      if (k >= last) break;
      m++;
      if (m > 12) { m = 1; y++; }
    }
    return out;
  }

  function renderTimeline(facets) {
    const fig = $('timeline');
    const series = monthSeries((facets && facets.month) || []);
    const chart = $('chart');
    chart.replaceChildren();
    fig.hidden = series.length < 2;
    if (fig.hidden) return;
    const W = 800, H = 70, pad = 18;
    const max = Math.max(...series.map((s) => s[1]), 1);
    const bw = (W - 2) / series.length;
    const root = svg('svg', {
      viewBox: '0 0 ' + W + ' ' + (H + pad), role: 'img',
      'aria-label': 'Matches per month, ' + series[0][0] + ' to ' + series[series.length - 1][0]
    });
    series.forEach(([month, count], i) => {
      const h = Math.round((count / max) * (H - 4));
      const bar = svg('rect', {
        class: 'bar', x: (1 + i * bw).toFixed(1), y: H - h,
        width: Math.max(1, bw - 2).toFixed(1), height: Math.max(h, count ? 1 : 0),
        tabindex: count ? 0 : -1, role: 'button',
        'aria-label': month + ': ' + count + ' matches', 'data-month': month
      });
      const t = svg('title');
      t.textContent = month + ': ' + count;
      bar.append(t);
      if (count) {
        const pick = () => go(filterState('month', month));
        bar.addEventListener('click', pick);
        bar.addEventListener('keydown', (ev) => {
          if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); pick(); }
        });
      }
      root.append(bar);
    });
    const label = (x, text, anchor) => {
      const t = svg('text', { x, y: H + 13, 'text-anchor': anchor });
      t.textContent = text;
      root.append(t);
    };
    label(1, series[0][0], 'start');
    label(W - 1, series[series.length - 1][0], 'end');
    chart.append(root);
  }

  function setStatus(text, error) {
    const s = $('status');
    s.textContent = text;
    s.classList.toggle('error', Boolean(error));
  }

  let seq = 0; /* answers to an older request are dropped */

  async function renderResults(st) {
    const mine = ++seq;
    $('results').replaceChildren();
    $('pager').hidden = true;
    renderActive(st);
    if (!hasSearch(st)) {
      renderFacets({});
      renderTimeline({});
      setStatus('');
      return;
    }
    setStatus('Searching…');
    let doc;
    try {
      doc = await search(st);
    } catch (e) {
      if (mine !== seq) return;
      renderFacets({});
      renderTimeline({});
      setStatus(e.message, true);
      return;
    }
    if (mine !== seq) return;
    const shown = doc.hits.length;
    const first = doc.offset + 1;
    let text = doc.total === 0 ? 'No matches'
      : (doc.total_exact ? '' : 'About ') + doc.total + (doc.total === 1 ? ' match' : ' matches');
    if (shown) text += ', ' + first + '–' + (doc.offset + shown) + ' shown';
    if (doc.suggestion) text += '. Did you mean: ' + doc.suggestion + '?';
    setStatus(text + '.');
    $('status').dataset.total = String(doc.total);
    $('results').replaceChildren(...doc.hits.map(hitNode));
    renderFacets(doc.facets);
    renderTimeline(doc.facets);
    const pages = doc.total > doc.offset + shown;
    $('pager').hidden = st.page === 1 && !pages;
    $('prev').disabled = st.page === 1;
    $('next').disabled = !pages;
    $('page-label').textContent = 'Page ' + st.page;
  }

  function paragraphs(body) {
    return String(body || '').split(/\n\s*\n/).map((t) => t.trim()).filter(Boolean)
      .map((t) => el('p', { text: t }));
  }

  async function renderArticle(st) {
    const mine = ++seq;
    $('article-title').textContent = 'Loading…';
    $('article-meta').replaceChildren();
    $('article-body').replaceChildren();
    $('similar').replaceChildren();
    const path = '/api/articles/' + encodeURIComponent(st.article);
    let a;
    try {
      a = await api(path);
    } catch (e) {
      if (mine !== seq) return;
      $('article-title').textContent = e.message;
      return;
    }
    if (mine !== seq) return;
    $('article-title').textContent = a.title || a.id;
    const meta = metaNode(a);
    if (a.authors) meta.append(el('span', { text: a.authors }));
    /* Only web addresses become links: never javascript: or data:. */
    if (/^https?:\/\//i.test(a.url || ''))
      meta.append(el('span', {}, el('a', { href: a.url, rel: 'noopener noreferrer', text: 'original' })));
    $('article-meta').replaceWith(meta);
    meta.id = 'article-meta';
    $('article-body').replaceChildren(...paragraphs(a.body));
    document.title = (a.title || a.id) + ' – newsidx';
    try {
      const doc = await api(path + '/similar', new URLSearchParams({ limit: '5' }));
      if (mine !== seq) return;
      $('similar').replaceChildren(...doc.hits.map((h) =>
        el('li', {}, articleLink(h), metaNode(h))));
      if (!doc.hits.length) $('similar').append(el('li', { text: 'None found.' }));
    } catch (e) {
      $('similar').replaceChildren(el('li', { text: e.message }));
    }
  }

  function render() {
    const st = readState();
    const q = $('q');
    if (document.activeElement !== q || !q.value) q.value = st.q;
    $('from').value = /^\d{4}-\d{2}-\d{2}$/.test(st.from) ? st.from : '';
    $('to').value = /^\d{4}-\d{2}-\d{2}$/.test(st.to) ? st.to : '';
    const reading = Boolean(st.article);
    $('content').hidden = reading;
    $('side').hidden = reading;
    $('article').hidden = !reading;
    if (reading) {
      renderArticle(st);
      $('article').focus();
    } else {
      document.title = st.q ? st.q + ' – newsidx' : 'newsidx';
      renderResults(st);
    }
  }

  /* ---- wiring ------------------------------------------------------ */

  $('search').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const st = readState();
    st.q = $('q').value.trim();
    st.page = 1;
    st.article = '';
    go(st);
  });
  $('apply-dates').addEventListener('click', () => {
    const st = readState();
    st.from = $('from').value;
    st.to = $('to').value;
    st.page = 1;
    go(st);
  });
  $('clear-dates').addEventListener('click', () => {
    const st = readState();
    st.from = st.to = '';
    st.page = 1;
    go(st);
  });
  $('prev').addEventListener('click', () => {
    const st = readState();
    st.page = Math.max(1, st.page - 1);
    go(st);
    $('results').focus();
  });
  $('next').addEventListener('click', () => {
    const st = readState();
    st.page += 1;
    go(st);
    $('results').focus();
  });
  $('close-article').addEventListener('click', () => {
    const st = readState();
    st.article = '';
    go(st);
  });
  $('home').addEventListener('click', (ev) => {
    ev.preventDefault();
    go({ q: '', filters: [], from: '', to: '', page: 1, article: '' });
    $('q').focus();
  });
  document.addEventListener('keydown', (ev) => {
    const t = ev.target;
    const typing = t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement ||
      (t && t.isContentEditable);
    if (ev.key === '/' && !typing && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
      ev.preventDefault();
      $('q').focus();
      $('q').select();
    } else if (ev.key === 'Escape' && !$('article').hidden) {
      $('close-article').click();
    }
  });
  window.addEventListener('popstate', render);
  render();
})();
