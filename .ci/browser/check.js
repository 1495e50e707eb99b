// Browser tests of the HTML reports: loads each generated report in Debian's headless
// Chromium (driven by playwright-core, executablePath /usr/bin/chromium) as a user would, at
// 1400 px and 390 px, and asserts what issue 18 asks: the banner is the exit status, failures
// come first and link to their detail, the status filters and the search work, nothing widens
// the page (also with every fold open), and markup and bidi controls from implementations are
// shown as text. Writes screenshots of the failing report when SHOTS is set.
//
//   node check.js FIXTURES_DIR [SHOTS_DIR]      (NODE_PATH must find playwright-core)
'use strict';
const path = require('path');
const { chromium } = require('playwright-core');

const dir = path.resolve(process.argv[2] || 'target/report-fixtures');
const shots = process.argv[3] ? path.resolve(process.argv[3]) : null;
let failures = 0;
function check(cond, what) {
  if (cond) {
    console.log(`  ok   ${what}`);
  } else {
    console.log(`  FAIL ${what}`);
    failures++;
  }
}

async function overflow(page) {
  return page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const wide = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      // Inside a box that scrolls on its own (hexdumps, tables), width is that box's business.
      if (r.right > w + 1 && !el.closest('.scroll, pre.hex') && r.width > 0) {
        wide.push(`${el.tagName.toLowerCase()}.${el.className}`);
      }
    }
    return { scroll: document.documentElement.scrollWidth, width: w, wide: wide.slice(0, 5) };
  });
}

async function openAll(page) {
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
}

async function visible(page, selector) {
  return page.evaluate(
    (s) => [...document.querySelectorAll(s)].filter((e) => e.offsetParent !== null).length,
    selector,
  );
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  for (const width of [1400, 390]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    page.on('pageerror', (e) => check(false, `no script error: ${e}`));
    for (const name of ['all-pass', 'failing', 'live', 'hostile', 'matrix']) {
      const file = path.join(dir, `${name}.html`);
      console.log(`${name}.html at ${width} px`);
      await page.goto('file://' + file);
      const banner = await page.textContent('#verdict');
      const failing = name !== 'all-pass';
      // The matrix command exits 0 whatever its rows hold: its banner says what it is.
      const [word, cls] = name === 'matrix' ? ['PEER MATRIX', 'info'] : failing ? ['FAILED', 'fail'] : ['PASSED', 'pass'];
      check(banner.includes(word), `banner says ${word}: ${banner.trim().slice(0, 90)}`);
      check((await page.$eval('#verdict', (e) => e.className)).includes(cls), 'banner class');
      if (name === 'matrix') {
        check((await page.$$('#matrix table')).length >= 2, 'the matrix: a summary and a table per protocol');
      }
      // The banner and the first failure are above the fold, before any passing row.
      const cards = await page.$$('#failures article.card');
      if (failing) {
        check(cards.length > 0, `${cards.length} failure cards`);
        const top = await page.$eval('#failures article.card', (e) => e.getBoundingClientRect().top);
        const firstRow = await page.evaluate(() => {
          const r = document.querySelector('#results li.row');
          return r ? r.getBoundingClientRect().top : Infinity;
        });
        check(top < firstRow, 'failures come before the grouped results');
        const idx = await page.$eval('#failures ol.index a', (a) => a.getAttribute('href'));
        await page.click('#failures ol.index a');
        check((await page.evaluate(() => location.hash)) === idx, `index link goes to ${idx}`);
        const inView = await page.$eval(idx, (e) => e.getBoundingClientRect().top);
        check(inView >= -1 && inView < 900, 'the linked failure is in view');
      } else {
        check(cards.length === 0, 'no failure cards');
      }
      // Skipped hidden by default; the checkbox shows them; search narrows the rows.
      const skipped = await page.$$('#results li.row[data-status=skipped]');
      if (skipped.length > 0) {
        check((await visible(page, '#results li.row[data-status=skipped]')) === 0, 'skipped rows hidden by default');
        await page.check('input[data-filter=skipped]');
        await openAll(page);
        check((await visible(page, '#results li.row[data-status=skipped]')) === skipped.length, 'the skipped filter shows them');
        await page.uncheck('input[data-filter=skipped]');
      }
      await page.uncheck('input[data-filter=passed]');
      await openAll(page);
      check((await visible(page, '#results li.row[data-status=passed]')) === 0, 'the passed filter hides passing rows');
      await page.check('input[data-filter=passed]');
      const first = await page.$eval('#results li.row', (e) => e.querySelector('code').textContent);
      await page.fill('#q', first);
      const shown = await visible(page, '#results li.row');
      check(shown >= 1 && shown <= 4, `search "${first}" leaves ${shown} row(s)`);
      check((await page.textContent('#shown')).includes('shown'), 'the search says how many are shown');
      await page.fill('#q', 'no such case id at all');
      check((await visible(page, '#results li.row')) === 0, 'a search without hits shows no rows');
      await page.fill('#q', '');
      // Nothing widens the page, folded or with every fold open.
      let o = await overflow(page);
      check(o.scroll <= o.width + 1, `no horizontal overflow (${o.scroll} <= ${o.width}) ${o.wide.join(' ')}`);
      await openAll(page);
      o = await overflow(page);
      check(o.scroll <= o.width + 1, `no horizontal overflow with every fold open (${o.scroll} <= ${o.width}) ${o.wide.join(' ')}`);
      // Markup and bidi from implementations are text.
      const text = await page.evaluate(() => document.body.innerText);
      check(!/[\u202a-\u202e\u2066-\u2069]/.test(text), 'no bidi control characters in the page text');
      const foreign = await page.evaluate(() => ({
        scripts: document.scripts.length,
        imgs: document.images.length,
        handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
        bold: document.querySelectorAll('b').length,
        title: document.title,
      }));
      check(foreign.scripts === 1 && foreign.imgs === 0, `only the report's own script, no images (${foreign.scripts}, ${foreign.imgs})`);
      check(foreign.handlers === 0, 'no inline event handlers');
      check(!foreign.title.startsWith('1'), 'no injected script ran');
      if (name === 'hostile') {
        check(text.includes('[U+202E]') && text.includes('<img src=x onerror=alert(1)>'), 'hostile text shown escaped, bidi shown as [U+202E]');
      }
      if (name === 'live') {
        check((await page.$$('#failures .frame')).length > 0, 'wire log frames in the failure cards');
      }
      if (shots && name === 'failing') {
        await page.fill('#q', '');
        await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = false)));
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: path.join(shots, `report-failing-${width}.png`) });
        if (width === 1400) {
          // One failure in full: why (side by side, the difference highlighted) and where;
          // the shortest such card, so that the picture stays small.
          let best = null;
          for (const c of await page.$$('#failures article.card')) {
            if (!(await c.$('mark'))) continue;
            await c.evaluate((e) => e.querySelectorAll('details').forEach((d) => (d.open = true)));
            const h = await c.evaluate((e) => e.getBoundingClientRect().height);
            if (!best || h < best.h) best = { c, h };
          }
          if (best) await best.c.screenshot({ path: path.join(shots, 'report-failing-detail.png') });
        }
      }
    }
    await page.close();
  }
  await browser.close();
  console.log(failures ? `${failures} browser check(s) failed` : 'all browser checks passed');
  process.exit(failures ? 1 : 0);
})().catch((e) => {
  console.error(e);
  process.exit(2);
});
