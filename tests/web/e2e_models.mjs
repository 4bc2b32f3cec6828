// The ML pages in a real browser (docs/web.md): Playwright drives Debian's headless chromium
// against `phasebook serve --models DIR` over models trained by `phasebook learn` on the OBELiX
// Li-ion conductivity table (models_fixture.py). The Models page lists what a guest may see; a
// model's parity plot draws exactly its out-of-fold rows, coloured by fold, with the CV figures;
// the importance chart has one bar per descriptor the model reports (permutation, then |SHAP|);
// the ablation chart one bar per group; the screen page draws the overlap and filters its
// candidates; the members-only model appears after signing in.
//   node e2e_models.mjs PHASEBOOK SOURCE_DIR ARTIFACT_DIR
// Exit 0 passed, 1 failed, 77 skipped (no chromium or ../shared/data). Screenshots go to
// ARTIFACT_DIR.
import fs from 'node:fs';
import path from 'node:path';
import { apiJson, begin, checkClean, Checks, finish, launch, runFixture, signIn, startServer, watch } from './harness.mjs';

const { phasebook, sourceDir, artifacts, chromium, dist, tmp } = begin('e2e_models.mjs', 'pb-web-models-');
const checks = new Checks();
const check = (ok, what) => checks.check(ok, what);
let server = null;
let browser = null;
let current = null;

// Points and bars Plotly actually drew (SVG), not what was asked for.
const drawnPoints = (page, sel) => page.$$eval(`${sel} .scatterlayer .trace .points path`, (p) => p.length);
const drawnBars = (page, sel) => page.$$eval(`${sel} .barlayer .point`, (p) => p.length);
const barLabels = (page, sel) => page.$$eval(`${sel} .yaxislayer-above .ytick text`, (t) => t.map((x) => x.textContent));

async function main() {
  const started = Date.now();
  const fixture = runFixture(sourceDir, 'models_fixture.py', phasebook, tmp);
  console.log(`trained 3 models and 2 screens in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  let base;
  ({ url: base, proc: server } = await startServer(phasebook, fixture.db, dist, path.join(tmp, 'access.log'), ['--models', fixture.dir]));
  console.log(`server at ${base}`);
  browser = await launch(chromium);
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  current = page;
  page.setDefaultTimeout(30000);
  const { external, consoleErrors } = watch(page, base);

  // 1. The Models page from the navigation, as a guest: the public models and screen only.
  await page.goto(`${base}/`);
  await page.waitForSelector('#nav-list a[href="/models"]');
  await page.click('#nav-list a[href="/models"]');
  await page.waitForSelector('main[data-ready="true"] #models-table');
  const listed = await page.$$eval('#models-table tbody tr', (rows) => rows.map((r) => r.dataset.model));
  check(listed.join() === 'obelix-gbt,obelix-svr', `a guest's Models page lists the two public models, not lab-gpr (${listed})`);
  const screens = await page.$$eval('#screens-table tbody tr', (rows) => rows.map((r) => r.dataset.screen));
  check(screens.join() === 'screen', `and the public screen only (${screens})`);
  const api = await apiJson(base, '/api/models/obelix-gbt');
  const r2 = Number(api.model.cv.r2.mean.toPrecision(3));
  const gbtRow = await page.textContent('#models-table tr[data-model="obelix-gbt"]');
  check(gbtRow.includes('gbt') && gbtRow.includes(String(r2)) && gbtRow.includes('grouped 5-fold CV') && gbtRow.includes('pb-ml-descriptors/1'), `the gbt row shows kind, CV R² ${r2}, the CV scheme and the descriptor set (${gbtRow.replace(/\s+/g, ' ').slice(0, 160)})`);
  await page.screenshot({ path: path.join(artifacts, 'models.png'), fullPage: false });

  // 2. The model page: parity plot, importance, ablation.
  await page.click('#models-table a[href="/models/obelix-gbt"]');
  await page.waitForSelector('main[data-ready="true"] #parity-plot .scatterlayer');
  const cvRows = fixture.models['obelix-gbt'].cv_rows;
  const points = await drawnPoints(page, '#parity-plot');
  check(points === cvRows && cvRows === api.cv_predictions.length && cvRows === api.model.rows, `the parity plot draws ${points} points = the ${cvRows} out-of-fold rows of fit --cv`);
  const legend = await page.$$eval('#parity-plot .legend .traces .legendtext', (t) => t.map((x) => x.textContent));
  check(legend.join() === 'fold 1,fold 2,fold 3,fold 4,fold 5,y = x', `one colour per CV fold and the y = x line in the legend (${legend})`);
  const note = await page.textContent('#parity-plot .annotation-text');
  check(note.includes(`R² = ${r2}`) && note.includes('MAE = ') && note.includes(`n = ${cvRows}`), `the plot carries R², MAE and n (${note})`);
  const features = api.model.features;
  await page.waitForSelector('#importance-plot .barlayer .point');
  let bars = await drawnBars(page, '#importance-plot');
  check(bars === features && features === fixture.models['obelix-gbt'].features && api.importance.permutation.length === features, `the importance chart has ${bars} bars = the ${features} descriptors the model reports`);
  let labels = await barLabels(page, '#importance-plot');
  check(labels[labels.length - 1] === api.importance.permutation[0].name, `the top bar is the largest permutation importance (${labels[labels.length - 1]})`);
  // Keyboard: focus the measure and pick mean |SHAP| with the arrow key.
  await page.focus('#importance-kind');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => document.querySelector('#importance-plot .gtitle')?.textContent?.includes('SHAP'));
  bars = await drawnBars(page, '#importance-plot');
  labels = await barLabels(page, '#importance-plot');
  check(bars === features && labels[labels.length - 1] === api.importance.tree[0].name, `mean |SHAP|: ${bars} bars, the top one ${labels[labels.length - 1]} as the API's tree list`);
  const ablation = await drawnBars(page, '#ablation-plot');
  check(ablation === api.importance.ablation.length && ablation > 0, `the ablation chart has one bar per row (${ablation})`);
  const aria = await page.getAttribute('#parity-plot', 'aria-label');
  check(/Parity plot: \d+ out-of-fold predictions/.test(aria ?? ''), `the parity plot is described for screen readers (${aria})`);
  await page.screenshot({ path: path.join(artifacts, 'model-obelix-gbt.png'), fullPage: true });

  // 3. The screen: overlap bars and the candidates filtered by the set of models keeping them.
  await page.click('#model-screens a[href="/screens/screen"]');
  await page.waitForSelector('main[data-ready="true"] #overlap-plot .barlayer .point');
  const sapi = await apiJson(base, '/api/screens/screen?limit=1000');
  const overlap = await drawnBars(page, '#overlap-plot');
  check(overlap === sapi.overlap.length && overlap === 3, `the overlap chart has a bar per set of models (${overlap}: ${sapi.overlap.map((o) => `${o.kept_by} ${o.count}`).join(', ')})`);
  const shown = await page.$$eval('#screen-table tbody tr', (r) => r.length);
  check(shown === Math.min(50, sapi.rows), `the first page lists ${shown} of ${sapi.rows} candidates`);
  const svrOnly = sapi.overlap.find((o) => o.kept_by === 'obelix-svr').count;
  await page.selectOption('#screen-kept-by', 'obelix-svr');
  await page.focus('#screen-apply');
  await page.keyboard.press('Enter');
  await page.waitForURL(/kept_by=obelix-svr/);
  await page.waitForSelector('main[data-ready="true"] #screen-table');
  const kept = await page.$$eval('#screen-table tbody tr', (rows) => rows.map((r) => r.lastElementChild.textContent));
  check(kept.length === Math.min(50, svrOnly) && kept.every((k) => k === 'obelix-svr'), `filtered to the ${kept.length} candidates only the SVR keeps (API: ${svrOnly})`);
  // Sorting by a model's predictions: the header link, best first, announced with aria-sort.
  await page.click('#screen-table thead a:text-is("obelix-gbt")');
  await page.waitForURL(/sort=obelix-gbt%3Adesc/);
  await page.waitForSelector('main[data-ready="true"] #screen-table th[aria-sort="descending"]');
  const sorted = await page.$$eval('#screen-table tbody tr', (rows) => rows.map((r) => r.cells[1].textContent));
  const best = sapi.page.filter((r) => r[4] === 'obelix-svr').map((r) => Number(r[1])).sort((a, b) => b - a);
  check(sorted.length === best.length && sorted.every((v, i) => Math.abs(Number(v) - best[i]) <= 1e-2 * Math.abs(best[i])), `sorted by the gbt prediction, the SVR-only candidates come best first (${sorted.slice(0, 3).join(', ')} ...)`);
  await page.screenshot({ path: path.join(artifacts, 'screen.png'), fullPage: false });

  // 4. The members-only model: an error for a guest, listed and plotted after signing in.
  await page.goto(`${base}/models/lab-gpr`);
  await page.waitForSelector('main[data-ready="true"] .message.error');
  check(/no model 'lab-gpr'/.test(await page.textContent('main')), 'a guest opening the members-only model reads why it is not there');
  const expected = consoleErrors.findIndex((m) => /status of 404/.test(m));
  check(expected >= 0, 'the browser logged the 404 of the hidden model');
  if (expected >= 0) consoleErrors.splice(expected, 1);
  await page.goto(`${base}/models`);
  await page.waitForSelector('main[data-ready="true"] #models-table');
  await signIn(page, 'alice', 'correct horse battery');
  await page.waitForSelector('#models-table tr[data-model="lab-gpr"]');
  const badge = await page.textContent('#models-table tr[data-model="lab-gpr"] .badge');
  check(badge === 'members only', `a member sees lab-gpr marked members only (${badge})`);
  await page.click('#models-table a[href="/models/lab-gpr"]');
  await page.waitForSelector('main[data-ready="true"] #parity-plot .scatterlayer');
  const labPoints = await drawnPoints(page, '#parity-plot');
  const labBars = await page.$$eval('#parity-plot .scatterlayer .trace .errorbars .errorbar', (e) => e.length);
  check(labPoints === fixture.models['lab-gpr'].cv_rows && labBars === fixture.models['lab-gpr'].with_std, `its parity plot draws its ${labPoints} out-of-fold rows with ${labBars} GP standard deviations as error bars`);

  // 5. A model name with a dot (a file name to the static server) opens through ?model=.
  fs.cpSync(path.join(fixture.dir, 'obelix-gbt'), path.join(fixture.dir, 'gbt.v2'), { recursive: true });
  await page.goto(`${base}/models`);
  await page.waitForSelector('main[data-ready="true"] #models-table tr[data-model="gbt.v2"]');
  await page.click('#models-table tr[data-model="gbt.v2"] a');
  await page.waitForSelector('main[data-ready="true"] #parity-plot .scatterlayer');
  const dotted = await drawnPoints(page, '#parity-plot');
  check(new URL(page.url()).search === '?model=gbt.v2' && dotted === cvRows, `the model gbt.v2 opens at ${new URL(page.url()).pathname}${new URL(page.url()).search} with its ${dotted} points`);

  checkClean(checks, { external, consoleErrors });
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

await finish(main, checks, tmp, () => ({ browser, server, page: current }));
