// End-to-end tests of the newsidx page in headless Chromium, driven by
// playwright-core.  run.sh starts the server (BASE) over the bundled
// corpus and fixtures/hostile-title.jsonl.  Each check is counted; the
// last line is "N checks, F failed" and the exit status is nonzero when
// any failed.  No check depends on timing: each waits for the state it
// needs (with playwright's default timeout as the bound).
'use strict';

const { chromium } = require('playwright-core');

const BASE = process.env.BASE;
// The facet the count check clicks: 'source' until every server knows
// 'country'; then this one line becomes 'country'.
const FACET = 'country';

let checks = 0;
let failed = 0;

function check(cond, what, detail) {
  checks++;
  if (cond) {
    console.log('ok: ' + what);
  } else {
    failed++;
    console.log('FAIL: ' + what + (detail !== undefined ? ': ' + detail : ''));
  }
}

// Run one named part; an exception fails it (one check) and the rest go on.
async function part(name, fn) {
  try {
    await fn();
  } catch (e) {
    check(false, name, String(e && e.message ? e.message.split('\n')[0] : e));
  }
}

// A search from a fresh page: filters left by an earlier part (the page
// keeps them across new queries) do not carry over.
async function search(page, q) {
  await page.goto(BASE + '/');
  await page.fill('#q', q);
  await page.press('#q', 'Enter');
  await page.waitForFunction(
    (want) => new URLSearchParams(location.search).get('q') === want &&
      !/^Searching/.test(document.getElementById('status').textContent) &&
      document.getElementById('status').textContent !== '',
    q);
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']
  });
  const context = await browser.newContext();
  const page = await context.newPage();
  const dialogs = [];
  const errors = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('pageerror', (e) => errors.push('page error: ' + e.message));
  // Chromium logs every HTTP error as a console error: those are judged
  // by their responses instead, where a facet an older server does not
  // know (which the page drops and asks again without) is expected.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text()))
      errors.push('console: ' + m.text());
  });
  page.on('response', async (r) => {
    if (r.status() < 400) return;
    let msg = '';
    try { msg = (await r.json()).error || ''; } catch (e) { /* not JSON */ }
    if (!(r.status() === 400 && /^bad facet /.test(msg)))
      errors.push('HTTP ' + r.status() + ' ' + r.url() + ': ' + msg);
  });

  await part('the page loads', async () => {
    const r = await page.goto(BASE + '/');
    check(r.status() === 200, 'GET / is 200', r.status());
    const csp = r.headers()['content-security-policy'] || '';
    check(/script-src 'self'/.test(csp) && !/unsafe-inline/.test(csp),
      "the page's CSP allows its own script and nothing inline", csp);
    check(await page.getAttribute('#q', 'type') === 'search', 'the search box is there');
  });

  await part('keyboard', async () => {
    await page.focus('#from');
    await page.click('h1');
    await page.keyboard.press('/');
    check(await page.evaluate(() => document.activeElement.id) === 'q',
      "'/' focuses the search box");
    const label = await page.evaluate(() => document.querySelector('label[for=q]').textContent);
    check(/search/i.test(label), 'the search box has a label', label);
  });

  await part('"high-speed railway"', async () => {
    await search(page, '"high-speed railway"');
    const first = await page.textContent('#results .hit:first-child h3');
    check(/India and Japan/.test(first), 'the EAM report comes first', first);
    const marks = await page.$$eval('#results .hit:first-child mark', (ms) => ms.map((m) => m.textContent.toLowerCase()));
    check(marks.includes('high-speed') || marks.includes('railway'),
      'the snippet highlights the phrase', JSON.stringify(marks));
    const meta = await page.textContent('#results .hit:first-child .meta');
    check(/2024-03-07/.test(meta) && /en/.test(meta), 'a result shows its date and language', meta);
  });

  await part('the facet filters', async () => {
    await search(page, 'japan');
    const sel = '#facet-' + FACET + ' button';
    await page.waitForSelector(sel);
    const btn = page.locator(sel).first();
    const value = await btn.getAttribute('data-value');
    const count = Number(await page.locator('#facet-' + FACET + ' .count').first().textContent());
    const before = Number(await page.getAttribute('#status', 'data-total'));
    await btn.click();
    await page.waitForFunction(
      ([k, v]) => new URLSearchParams(location.search).getAll(k).includes(v) &&
        !/^Searching/.test(document.getElementById('status').textContent),
      [FACET, value]);
    const total = Number(await page.getAttribute('#status', 'data-total'));
    const hits = await page.locator('#results .hit').count();
    check(total === count, 'the ' + FACET + ' "' + value + '" count agrees with the total', total + ' vs ' + count);
    check(hits === Math.min(count, 10), 'and with the results listed', hits + ' vs ' + count);
    check(total < before || before === count, 'the facet narrowed the search', before + ' -> ' + total);
    await page.goBack();
    await page.waitForFunction(() => !new URLSearchParams(location.search).has('source') &&
      !/^Searching/.test(document.getElementById('status').textContent));
    check(Number(await page.getAttribute('#status', 'data-total')) === before,
      'back undoes the filter');
  });

  await part('the timeline and the date range', async () => {
    await search(page, 'japan');
    await page.waitForSelector('#timeline:not([hidden]) rect.bar');
    const bars = await page.locator('#chart rect.bar').count();
    check(bars >= 2, 'the timeline draws a bar per month', bars);
    const bar = page.locator('#chart rect.bar[data-month="2024-03"]');
    const want = Number(/: (\d+) matches/.exec(await bar.getAttribute('aria-label'))[1]);
    await bar.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('from') === '2024-03' &&
      !/^Searching/.test(document.getElementById('status').textContent));
    check(Number(await page.getAttribute('#status', 'data-total')) === want,
      "a month's bar, chosen from the keyboard, filters to its count", want);
    await page.goBack();
    await page.waitForFunction(() => !new URLSearchParams(location.search).has('from'));
    await page.fill('#from', '2024-03-01');
    await page.fill('#to', '2024-03-31');
    await page.click('#apply-dates');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('from') === '2024-03-01' &&
      !/^Searching/.test(document.getElementById('status').textContent));
    const dates = await page.$$eval('#results .hit .date', (ds) => ds.map((d) => d.textContent));
    check(dates.length > 0 && dates.every((d) => d >= '2024-03-01' && d <= '2024-03-31'),
      'the date range filters the results', JSON.stringify(dates));
  });

  await part('an article and its similar articles', async () => {
    await search(page, '"high-speed railway"');
    const title = await page.textContent('#results .hit:first-child h3 a');
    await page.click('#results .hit:first-child h3 a');
    await page.waitForSelector('#article:not([hidden])');
    await page.waitForFunction(() => document.getElementById('article-title').textContent !== 'Loading…');
    check((await page.textContent('#article-title')) === title, 'the article view shows the article', title);
    check(/article=/.test(page.url()), 'the open article is in the URL', page.url());
    const body = await page.textContent('#article-body');
    check(/high-speed railway/.test(body), 'the article body is shown');
    await page.waitForSelector('#similar li a');
    const similar = await page.locator('#similar li a').count();
    check(similar >= 1, 'similar articles are listed', similar);
    const other = await page.textContent('#similar li:first-child a');
    await page.click('#similar li:first-child a');
    await page.waitForFunction((t) => document.getElementById('article-title').textContent === t, other);
    check(true, 'a similar article opens');
    await page.goBack();
    await page.waitForFunction((t) => document.getElementById('article-title').textContent === t, title);
    await page.goBack();
    await page.waitForSelector('#content:not([hidden]) #results .hit');
    check(await page.isHidden('#article'), 'back returns to the results');
  });

  await part('+N similar', async () => {
    await search(page, 'eclipse Mazatlan');
    const more = page.locator('#results .hit .more').first();
    const label = await more.textContent();
    check(/^\+1 similar$/.test(label), 'a hit with a copy offers it', label);
    await more.click();
    await page.waitForSelector('#results .copies:not([hidden]) li a');
    check(await more.getAttribute('aria-expanded') === 'true', 'the copies expand');
    const copy = await page.textContent('#results .copies li a');
    check(/eclipse/i.test(copy), 'the copy is listed', copy);
  });

  await part('markup in a title is text', async () => {
    await search(page, 'Quillmouth');
    await page.waitForSelector('#results .hit');
    const title = await page.textContent('#results .hit:first-child h3');
    check(title.includes('<script>alert(1)</script>'), 'the <script> title is shown as text', title);
    check(await page.locator('#results script, #results b, #results img').count() === 0,
      'no element was made of the index text');
    await page.click('#results .hit:first-child h3 a');
    await page.waitForFunction(() => /Quillmouth/.test(document.getElementById('article-title').textContent));
    check((await page.textContent('#article-body')).includes('<img src=x onerror=alert(2)>'),
      'markup in a body is text');
    check(await page.locator('#article a[href^="javascript:"]').count() === 0,
      'a javascript: url is not made a link');
    check(dialogs.length === 0, 'no dialog fired', JSON.stringify(dialogs));
  });

  await part('the URL keeps the search', async () => {
    await search(page, 'japan');
    await page.locator('#facet-source button').first().click();
    await page.waitForFunction(() => new URLSearchParams(location.search).has('source') &&
      !/^Searching/.test(document.getElementById('status').textContent));
    const status = await page.textContent('#status');
    const url = page.url();
    await page.reload();
    await page.waitForFunction((s) => document.getElementById('status').textContent === s, status);
    check(await page.inputValue('#q') === 'japan', 'reload restores the query');
    check(page.url() === url, 'reload keeps the URL');
    const fresh = await context.newPage();
    await fresh.goto(url);
    await fresh.waitForFunction((s) => document.getElementById('status').textContent === s, status);
    check(await fresh.locator('#active-list li').count() === 1, 'a shared link restores the filter');
    await fresh.close();
  });

  check(errors.length === 0, 'no script errors and no CSP violations', errors.join(' | '));
  await browser.close();
}

main().catch((e) => {
  check(false, 'the browser run', e && e.message ? e.message : String(e));
}).finally(() => {
  console.log(checks + ' checks, ' + failed + ' failed');
  process.exit(failed ? 1 : 0);
});
