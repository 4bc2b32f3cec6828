// Time to the first page of search results in a real browser (issue 6 goal: under 300 ms on
// the AtomWork-scale database, `make bench-db` -> build/atomwork.db). Starts `phasebook serve`
// over the database (read only: a guest's searches write nothing), drives Debian's headless
// chromium with playwright-core, and for each search URL loads the page REPEAT times, reading
// the app's performance mark 'pb-results' (navigation start -> results table in the DOM) and the
// /api/search request's own time from the Resource Timing entries. The first load of all is
// cold (no cached assets); the figures are for warm loads, as a user moving between searches.
//   node bench/web_first_page.mjs PHASEBOOK DB [--repeat 7]
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { launch, setup, startServer } from '../tests/web/harness.mjs';

const args = process.argv.slice(2);
const [phasebook, db] = args;
const repeat = Number(args[args.indexOf('--repeat') + 1] || 7) || 7;
if (!phasebook || !db || !fs.existsSync(db)) {
  console.error('usage: node bench/web_first_page.mjs PHASEBOOK DB [--repeat N]  (DB must exist: make bench-db)');
  process.exit(2);
}
const sourceDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { chromium, dist } = setup(sourceDir);

// Searches a user makes from the search page (the URL keeps the API's parameter names).
const SEARCHES = [
  'elements=Li,O',
  'elements=Li,La,Zr,O',
  'elements_only=Si,O',
  'formula=LiNbO3',
  'space_group=225',
  'crystal_system=cubic&sort=volume',
  'elements=Li&property=ionic_conductivity&min=1e-4&unit=S/cm',
  'text=garnet',
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const max = (xs) => Math.max(...xs);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-web-bench-'));
const { url: base, proc } = await startServer(phasebook, db, dist, path.join(tmp, 'access.log'));
const browser = await launch(chromium);
let failed = false;
try {
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  page.setDefaultTimeout(60000);
  const cold = Date.now();
  await page.goto(`${base}/search?${SEARCHES[0]}`);
  await page.waitForFunction(() => performance.getEntriesByName('pb-results').length > 0 || document.querySelector('#results .message.error'));
  console.log(`first load with an empty cache: ${Date.now() - cold} ms (wall clock, incl. browser start-up of the tab)`);
  console.log(`${'search'.padEnd(60)} ${'total'.padStart(8)} ${'page p50'.padStart(9)} ${'page max'.padStart(9)} ${'api p50'.padStart(8)}`);
  for (const q of SEARCHES) {
    const pageMs = [];
    const apiMs = [];
    let total = '';
    for (let i = 0; i < repeat; i++) {
      await page.goto(`${base}/search?${q}&_=${i}`);
      await page.waitForFunction(() => performance.getEntriesByName('pb-results').length > 0 || document.querySelector('#results .message.error'));
      const t = await page.evaluate(() => {
        const mark = performance.getEntriesByName('pb-results')[0];
        const api = performance.getEntriesByType('resource').find((e) => e.name.includes('/api/search'));
        return { page: mark ? mark.startTime : null, api: api ? api.responseEnd - api.startTime : null, total: document.querySelector('#result-count')?.getAttribute('data-total') ?? (document.querySelector('#results .message.error') ? document.querySelector('#results .message')?.textContent : 0) };
      });
      if (t.page === null) {
        console.error(`${q}: no results rendered (${t.total})`);
        failed = true;
        break;
      }
      pageMs.push(t.page);
      apiMs.push(t.api);
      total = t.total;
    }
    if (pageMs.length) {
      console.log(`${q.padEnd(60)} ${String(total).padStart(8)} ${median(pageMs).toFixed(0).padStart(6)} ms ${max(pageMs).toFixed(0).padStart(6)} ms ${median(apiMs).toFixed(0).padStart(5)} ms`);
    }
  }
} finally {
  await browser.close();
  proc.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
