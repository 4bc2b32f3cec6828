// The web UI in a real browser: Playwright (playwright-core from web/node_modules) drives
// Debian's headless chromium against `phasebook serve` on a fresh demo database.
//   node e2e.mjs PHASEBOOK SOURCE_DIR ARTIFACT_DIR
// Exit 0 passed, 1 failed, 77 skipped (no chromium). Screenshots of each page go to ARTIFACT_DIR.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { apiJson, begin, checkClean, Checks, finish, launch, runner, signIn, startServer, watch } from './harness.mjs';

const { phasebook, sourceDir, artifacts, chromium, dist, tmp } = begin('e2e.mjs', 'pb-web-e2e-');
const TIMEOUT = 30000;
let server = null;
let browser = null;
const checks = new Checks();
const check = (ok, what) => checks.check(ok, what);
const run = runner(phasebook);
const api = (base, p) => apiJson(base, p);

// Pixels of an element screenshot that differ from its background (decoded in the page).
async function paintedPixels(page, locator) {
  const png = (await locator.screenshot()).toString('base64');
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 230 || d[i + 1] < 230 || d[i + 2] < 230) painted++;
    return { painted, total: d.length / 4 };
  }, png);
}

async function main() {
  const db = path.join(tmp, 'demo.db');
  run(['ingest', 'cif', '--db', db, path.join(sourceDir, 'data/demo/structures')]);
  run(['ingest', 'properties', '--db', db, path.join(sourceDir, 'data/demo/ionic_conductivity.csv')]);
  run(['user', 'add', 'alice', '--role', 'member', '--db', db], 'correct horse battery staple\n');
  run(['user', 'add', 'erin', '--role', 'editor', '--db', db], 'editor password 123\n');
  // One structure of the Li-La-Zr-O results becomes members-only data (docs/api.md).
  // (Python's sqlite3 module: python3 is installed by scripts/install-deps, the sqlite3 shell is not.)
  const restrict = "INSERT INTO dataset VALUES ('lab', 'members', 'unpublished', datetime()); UPDATE structure SET dataset = 'lab' WHERE space_group_number = 142 AND chemical_formula_reduced = 'La3Li7O12Zr2';";
  execFileSync('/usr/bin/python3', ['-c', 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()', db, restrict]);
  let base;
  ({ url: base, proc: server } = await startServer(phasebook, db, dist, path.join(tmp, 'access.log')));
  console.log(`server at ${base}`);

  // Serving: cache headers and the single-page fallback.
  const index = await fetch(`${base}/`);
  check(index.ok && (index.headers.get('cache-control') ?? '').includes('no-cache'), 'index.html is served with Cache-Control: no-cache');
  const html = await index.text();
  const asset = html.match(/\/assets\/[^"]+\.js/)?.[0];
  const assetRes = asset ? await fetch(base + asset) : null;
  check(assetRes?.ok && /max-age=31536000/.test(assetRes.headers.get('cache-control') ?? ''), `hashed asset ${asset} is cached for a year`);
  const deep = await fetch(`${base}/substances/anything`);
  check(deep.ok && (await deep.text()).includes('id="main"') && (deep.headers.get('content-type') ?? '').startsWith('text/html'), 'client routes fall back to index.html');
  const apiMiss = await fetch(`${base}/api/no-such-endpoint`);
  check(apiMiss.status === 404 && (apiMiss.headers.get('content-type') ?? '').includes('json'), 'unknown /api paths stay JSON 404s');
  check((await fetch(`${base}/assets/missing.js`)).status === 404, 'a missing asset is a 404');

  browser = await launch(chromium);
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const { external, consoleErrors } = watch(page, base);

  // 1. Search Li + La + Zr + O on the periodic table.
  await page.goto(`${base}/`);
  await page.waitForSelector('.ptable button[data-el="Li"]');
  for (const el of ['Li', 'La', 'Zr', 'O']) await page.click(`.ptable button[data-el="${el}"]`);
  check((await page.getAttribute('.ptable button[data-el="La"]', 'aria-pressed')) === 'true', 'a clicked element is marked as required');
  await page.click('#search-button');
  await page.waitForSelector('#results-table tbody tr');
  const searchUrl = page.url();
  const inUrl = new URL(searchUrl).searchParams.get('elements')?.split(',').sort().join() ?? '';
  check(inUrl === 'La,Li,O,Zr', `the query is in the URL (${searchUrl})`);
  const expected = await api(base, '/api/search?elements=Li,La,Zr,O&limit=50');
  const total = Number(await page.getAttribute('#result-count', 'data-total'));
  check(total === expected.total && total > 0, `result count ${total} equals the API's ${expected.total}`);
  const ids = await page.$$eval('#results-table tbody tr', (rows) => rows.map((r) => r.dataset.structure));
  check(ids.join() === expected.rows.map((r) => String(r.id)).join(), `${ids.length} result rows in the API's order`);
  await page.screenshot({ path: path.join(artifacts, 'search.png'), fullPage: true });

  // 2. The URL of the search reloads to the same results.
  await page.goto(searchUrl);
  await page.waitForSelector('#results-table tbody tr');
  const again = await page.$$eval('#results-table tbody tr', (rows) => rows.map((r) => r.dataset.structure));
  check(again.join() === ids.join(), 'reloading the search URL shows the same results');
  check((await page.getAttribute('.ptable button[data-el="Zr"]', 'aria-pressed')) === 'true', 'the periodic table is restored from the URL');

  // 3. Open the Li7La3Zr2O12 substance from the results.
  let llzo = null;
  for (const sid of new Set(expected.rows.map((r) => r.substance_id).filter(Boolean))) {
    const s = await api(base, `/api/substances/${sid}`);
    if (s.host_formula === 'Li7La3Zr2O12' && (!llzo || s.properties.length > llzo.properties.length)) llzo = s;
  }
  if (!check(llzo !== null, 'the results hold a Li7La3Zr2O12 substance')) throw new Error('no Li7La3Zr2O12 substance');
  // A pseudo-binary diagram with LLZO as one of its phases, to be drawn on the substance page.
  const diagram = {
    system: 'Li2O-La2Zr2O7', kind: 'binary', title: 'Li2O-La2Zr2O7 (test sketch)',
    axes: [{ name: 'x(Li2O)', unit: '1', min: 0, max: 1 }, { name: 'T', unit: 'K', min: 900, max: 1700 }],
    phases: [{ name: 'garnet', formula: 'Li7La3Zr2O12', substance_id: llzo.id }, { name: 'LIQUID' }],
    boundaries: [{ label: 'liquidus', points: [[0.2, 1650], [0.5, 1450], [0.8, 1300]] }, { label: 'solvus', points: [[0.4, 1000], [0.6, 1100]] }],
  };
  fs.writeFileSync(path.join(tmp, 'diagram.json'), JSON.stringify(diagram));
  run(['ingest', 'phase-diagrams', '--db', db, path.join(tmp, 'diagram.json')]);
  llzo = await api(base, `/api/substances/${llzo.id}`);
  await page.click(`#results-table a[href="/substances/${llzo.id}"] >> nth=0`);
  await page.waitForSelector('#substance-title');
  check((await page.textContent('#substance-title')).includes('Li7La3Zr2O12'), 'the substance page shows the host formula');
  check(page.url().endsWith(`/substances/${llzo.id}`), 'the substance has its own URL');
  const structureRows = await page.locator('#structures-table tbody tr').count();
  check(structureRows === llzo.structures.length && structureRows > 0, `${structureRows} linked structures listed (API: ${llzo.structures.length})`);
  const memberRows = await page.locator('#members-table tbody tr').count();
  check(memberRows === llzo.members.length, `${memberRows} members with their rules (API: ${llzo.members.length})`);
  const rule = await page.textContent('#members-table tbody tr:first-child td:nth-child(3)');
  check(rule.length > 10, `member rule text shown ("${rule.slice(0, 60)}...")`);

  // 4. The 3D viewer draws.
  const canvas = page.locator('#structure-viewer canvas').first();
  await canvas.waitFor();
  await page.waitForTimeout(1500);
  const pixels = await paintedPixels(page, page.locator('#structure-viewer'));
  check(pixels.painted > pixels.total * 0.01, `the 3D viewer drew ${pixels.painted} of ${pixels.total} pixels`);

  // 5. The property plot has one point per property value.
  const kind = 'ionic_conductivity';
  const withT = llzo.properties.filter((p) => p.kind === kind && p.temperature_K !== null && p.value_si !== null).length;
  await page.waitForSelector('main[data-ready="true"]');
  const points = await page.locator(`#plot-${kind} .scatterlayer .point`).count();
  check(points === withT && points === llzo.properties.length && points > 0, `the ${kind} plot has ${points} points (API: ${llzo.properties.length} properties)`);
  const lines = await page.locator('#diagrams .plot .scatterlayer .trace').count();
  check(llzo.phase_diagrams.length === 1 && lines === 2, `the linked phase diagram is drawn with its ${lines} boundaries`);
  await page.screenshot({ path: path.join(artifacts, 'substance.png'), fullPage: true });
  await page.locator('#viewer').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, 'substance-viewer.png') });

  // 6. A CIF download parses.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#structures-table a[data-format="cif"] >> nth=0')]);
  const cifPath = path.join(tmp, 'download.cif');
  await download.saveAs(cifPath);
  let info = '';
  try {
    info = run(['cif', 'info', cifPath]);
  } catch (e) {
    info = `error: ${e.stderr ?? e}`;
  }
  check(!info.startsWith('error') && /La/.test(info), `the downloaded CIF parses with phasebook cif info (${info.split('\n')[0].slice(0, 70)})`);

  // 7. Bad input shows a readable message.
  await page.goto(`${base}/search?elements=Li&space_group=999`);
  await page.waitForSelector('#results .message.error');
  const err = await page.textContent('#results .message.error');
  check(/space_group/.test(err), `bad input gives a readable message ("${err.trim()}")`);
  // The browser logs the refused request itself; that 400 is the point of this step.
  for (let i = consoleErrors.length - 1; i >= 0; i--) if (/status of 400/.test(consoleErrors[i])) consoleErrors.splice(i, 1);

  // 8. A guest does not see restricted data, a member does; signing out hides it again.
  async function shownTotal() {
    await page.waitForSelector('#result-count');
    return Number(await page.getAttribute('#result-count', 'data-total'));
  }
  await page.goto(searchUrl);
  const guestTotal = await shownTotal();
  await signIn(page, 'alice', 'correct horse battery staple');
  check((await page.textContent('#whoami')).includes('alice'), 'signing in shows the user');
  await page.waitForFunction((n) => Number(document.querySelector('#result-count')?.getAttribute('data-total')) === n + 1, guestTotal).catch(() => {});
  const memberTotal = await shownTotal();
  check(memberTotal === guestTotal + 1, `a member sees the restricted structure (${memberTotal} results, a guest ${guestTotal})`);
  await page.click('#logout');
  await page.waitForSelector('#login-open');
  await page.waitForFunction((n) => Number(document.querySelector('#result-count')?.getAttribute('data-total')) === n, guestTotal).catch(() => {});
  check((await shownTotal()) === guestTotal, 'after signing out the restricted structure is hidden again');

  // 8b. An editor merges two substances; the old id redirects and the audit has the entry.
  const other = [...new Set(expected.rows.map((r) => r.substance_id).filter((x) => x && x !== llzo.id))][0];
  await page.goto(`${base}/substances/${other}`);
  await page.waitForSelector('#substance-title');
  await signIn(page, 'erin', 'editor password 123');
  await page.waitForSelector('#merge-form');
  await page.fill('#merge-into', llzo.id);
  page.once('dialog', (d) => d.accept());
  await page.click('#merge-form button[type="submit"]');
  await page.waitForURL(`${base}/substances/${llzo.id}`);
  await page.waitForSelector('main[data-ready="true"] #substance-title');
  const notice = (await page.textContent('main .message.info')) ?? '';
  check(notice.includes(`Merged ${other}`), `the merge is confirmed ("${notice.trim()}")`);
  const redirected = await api(base, `/api/substances/${other}`);
  check(redirected.id === llzo.id, `the merged id ${other} now answers for ${llzo.id}`);
  const audit = run(['substance', 'audit', '--db', db]);
  check(audit.includes(other) && audit.includes('erin'), 'the audit trail records the merge by erin');
  await page.waitForSelector('#audit-table tbody tr[data-action="merge"]');
  const auditRow = await page.textContent('#audit-table tbody tr[data-action="merge"]');
  check(auditRow.includes(other) && auditRow.includes('erin'), `the substance page's audit trail shows the merge ("${auditRow.trim().slice(0, 80)}")`);
  // 8c. The editor adds a property value in S/cm at 350 K; table and plot gain it.
  const before = (await api(base, `/api/substances/${llzo.id}`)).properties;
  await page.fill('#p-kind', 'ionic_conductivity');
  await page.fill('#p-value', '5e-4');
  await page.fill('#p-unit', 'S/cm');
  await page.fill('#p-temperature', '350');
  await page.click('#property-form button[type="submit"]');
  await page.waitForFunction((n) => document.querySelectorAll('#properties-table tbody tr').length === n, before.length + 1);
  await page.waitForSelector('main[data-ready="true"]');
  const after = (await api(base, `/api/substances/${llzo.id}`)).properties;
  const added = after.find((p) => !before.some((q) => q.id === p.id));
  check(added && Math.abs(added.value_si - 0.05) < 1e-12 && added.temperature_K === 350, 'the added value is stored in SI (5e-4 S/cm = 0.05 S/m) at 350 K');
  const plotted = after.filter((p) => p.kind === 'ionic_conductivity' && p.temperature_K !== null && p.value_si !== null).length;
  check((await page.locator('#plot-ionic_conductivity .scatterlayer .point').count()) === plotted, `the plot shows the new value (${plotted} points)`);
  await page.screenshot({ path: path.join(artifacts, 'substance-editor.png'), fullPage: true });
  await page.click('#logout');
  await page.waitForSelector('#login-open');

  // 9. Keyboard: arrows move through the periodic table.
  await page.goto(`${base}/search`);
  await page.focus('.ptable button[data-el="H"]');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  check((await page.getAttribute('.ptable button[data-el="Li"]', 'aria-pressed')) === 'true', 'ArrowDown from H reaches Li and Enter selects it');

  checkClean(checks, { external, consoleErrors });
}

await finish(main, checks, tmp, () => ({ browser, server }));
