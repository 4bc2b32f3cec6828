// The editing pages in a real browser (docs/web.md): Playwright drives Debian's headless
// chromium against `phasebook serve` on a fresh demo database. An editor uploads a good and a
// bad CIF and a zip, splits a substance and finds the split in its audit trail and on the audit
// page; the result set of a search downloads as CSV, JSON, multi-block CIF and CIF zip with the
// expected number of rows; guests see none of the editing pages.
//   node e2e_editing.mjs PHASEBOOK SOURCE_DIR ARTIFACT_DIR
// Exit 0 passed, 1 failed, 77 skipped (no chromium). Screenshots go to ARTIFACT_DIR.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { apiJson, begin, checkClean, Checks, finish, launch, runner, signIn, startServer, watch } from './harness.mjs';

const { phasebook, sourceDir, artifacts, chromium, dist, tmp } = begin('e2e_editing.mjs', 'pb-web-edit-');
const checks = new Checks();
const check = (ok, what) => checks.check(ok, what);
const run = runner(phasebook);
let server = null;
let browser = null;
let current = null; // the page, for a failure report

// Rock salt (NaCl, Fm-3m, a = 5.640 Å): not in the demo data, so the upload adds it.
const NACL = `data_NaCl_rocksalt
_cell_length_a 5.640
_cell_length_b 5.640
_cell_length_c 5.640
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
_symmetry_space_group_name_H-M 'F m -3 m'
_symmetry_Int_Tables_number 225
loop_
_symmetry_equiv_pos_as_xyz
x,y,z
-x,-y,z
-x,y,-z
x,-y,-z
z,x,y
z,-x,-y
-z,-x,y
-z,x,-y
y,z,x
-y,z,-x
y,-z,-x
-y,-z,x
y,x,-z
-y,-x,-z
y,-x,z
-y,x,z
x,z,-y
-x,z,y
-x,-z,-y
x,-z,y
z,y,-x
z,-y,x
-z,y,x
-z,-y,-x
-x,-y,-z
x,y,-z
x,-y,z
-x,y,z
-z,-x,-y
-z,x,y
z,x,-y
z,-x,y
-y,-z,-x
y,-z,x
-y,z,x
y,z,-x
-y,-x,z
y,x,z
-y,x,-z
y,-x,-z
-x,-z,y
x,-z,-y
x,z,y
-x,z,-y
-z,-y,x
-z,y,-x
z,-y,-x
z,y,x
x,y+1/2,z+1/2
x+1/2,y,z+1/2
x+1/2,y+1/2,z
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Na1 Na 0 0 0
Cl1 Cl 0.5 0.5 0.5
`;
// _cell_length_c has no value: the error must name bad.cif, a line and the tag.
const BAD = 'data_bad\n_cell_length_a 5.0\n_cell_length_b 5.0\n_cell_length_c\nloop_\n_atom_site_label\n';

/// RFC 4180 CSV (quoted fields with "" escapes, CRLF) -> rows of fields.
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

/// Names in a zip archive, read by Python's zipfile (python3 comes with scripts/install-deps).
function zipNames(file) {
  const out = execFileSync('/usr/bin/python3', ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', file], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

async function download(page, selector, name) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const file = path.join(tmp, name);
  await d.saveAs(file);
  return file;
}

async function main() {
  const db = path.join(tmp, 'demo.db');
  run(['ingest', 'cif', '--db', db, path.join(sourceDir, 'data/demo/structures')]);
  run(['ingest', 'properties', '--db', db, path.join(sourceDir, 'data/demo/ionic_conductivity.csv')]);
  run(['user', 'add', 'erin', '--role', 'editor', '--db', db], 'editor password 123\n');
  let base;
  ({ url: base, proc: server } = await startServer(phasebook, db, dist, path.join(tmp, 'access.log')));
  console.log(`server at ${base}`);

  browser = await launch(chromium);
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  current = page;
  page.setDefaultTimeout(30000);
  const { external, consoleErrors } = watch(page, base);

  // 1. Guests: no editing entries in the navigation, the upload page asks to sign in, the audit
  // API is closed.
  await page.goto(`${base}/upload`);
  await page.waitForSelector('main[data-ready="true"]');
  const guestNav = await page.$$eval('#nav-list a', (as) => as.map((a) => a.textContent));
  check(!guestNav.includes('Upload') && !guestNav.includes('Audit trail'), `a guest's navigation has no editing pages (${guestNav.join(', ')})`);
  check((await page.locator('#upload-form').count()) === 0 && /editor account/.test(await page.textContent('main')), 'the upload page asks a guest to sign in');
  check((await fetch(`${base}/api/audit`)).status === 401, 'GET /api/audit is 401 for a guest');

  // 2. The editor uploads a good CIF, a bad one and a zip (a duplicate and a README).
  await signIn(page, 'erin', 'editor password 123');
  await page.waitForFunction(() => [...document.querySelectorAll('#nav-list a')].some((a) => a.textContent === 'Upload'));
  await page.click('#nav-list a[href="/upload"]');
  await page.waitForSelector('#upload-form');
  fs.writeFileSync(path.join(tmp, 'nacl.cif'), NACL);
  fs.writeFileSync(path.join(tmp, 'bad.cif'), BAD);
  const demoCif = fs.readdirSync(path.join(sourceDir, 'data/demo/structures')).filter((f) => f.endsWith('.cif')).sort()[0];
  execFileSync('/usr/bin/python3', ['-c', 'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED)\nz.write(sys.argv[2], "cifs/" + sys.argv[3])\nz.writestr("README.txt", "not a structure")\nz.close()', path.join(tmp, 'more.zip'), path.join(sourceDir, 'data/demo/structures', demoCif), demoCif]);
  await page.setInputFiles('#upload-files', [path.join(tmp, 'nacl.cif'), path.join(tmp, 'bad.cif'), path.join(tmp, 'more.zip')]);
  await page.click('#upload-button');
  await page.waitForSelector('#upload-status[data-finished="true"]');
  const statuses = Object.fromEntries(await page.$$eval('#upload-table tbody tr', (rows) => rows.map((r) => [r.dataset.file, r.dataset.status])));
  check(statuses['nacl.cif'] === 'ingested', `nacl.cif is ingested (${statuses['nacl.cif']})`);
  check(statuses['bad.cif'] === 'error', `bad.cif is an error (${statuses['bad.cif']})`);
  check(statuses[`more.zip/cifs/${demoCif}`] === 'duplicate' && statuses['more.zip/README.txt'] === 'skipped', `the zip's demo CIF is a duplicate and its README skipped (${JSON.stringify(statuses)})`);
  const badMessage = await page.textContent('#upload-table tr[data-file="bad.cif"] ul.errors');
  check(/^bad\.cif:\d+: error: _cell_length_c has no value/.test(badMessage.trim()), `the error is located ("${badMessage.trim()}")`);
  check((await page.getAttribute('#upload-summary', 'data-ingested')) === '1' && (await page.getAttribute('#upload-summary', 'data-errors')) === '1', `summary: ${await page.textContent('#upload-summary')}`);
  check(Number(await page.getAttribute('#upload-progress', 'value')) === 4, 'the progress bar reached all 4 files');
  const nacl = await apiJson(base, '/api/search?formula=NaCl');
  check(nacl.total === 1 && nacl.rows[0].space_group_number === 225, `the uploaded NaCl is searchable (space group ${nacl.rows[0]?.space_group_number})`);
  await page.screenshot({ path: path.join(artifacts, 'upload.png'), fullPage: true });
  // The substance link of the new structure opens its page.
  await page.click('#upload-table tr[data-file="nacl.cif"] a');
  await page.waitForSelector('#substance-title');
  check((await page.textContent('#substance-title')).includes('NaCl'), 'the upload report links to the new substance');

  // 3. The editor splits a substance with several structures; the audit trail shows it.
  const li = await apiJson(base, '/api/search?elements=Li&limit=10000');
  const counts = new Map();
  for (const r of li.rows) if (r.substance_id) counts.set(r.substance_id, (counts.get(r.substance_id) ?? 0) + 1);
  const [target] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  const before = await apiJson(base, `/api/substances/${target}`);
  await page.goto(`${base}/substances/${target}`);
  await page.waitForSelector('#split-form');
  const moved = before.structures[0].id;
  await page.check(`#split-${moved}`);
  await page.click('#split-form button[type="submit"]');
  await page.waitForSelector('#audit-table tbody tr[data-action="split"]');
  const notice = await page.textContent('main .message.info');
  const into = notice.match(/into (pbs-[0-9a-f]+)/)?.[1];
  check(Boolean(into), `the split is confirmed ("${notice.trim()}")`);
  const splitRow = await page.textContent('#audit-table tbody tr[data-action="split"]');
  check(splitRow.includes(into) && splitRow.includes('erin') && splitRow.includes(`structure:${moved}`), `the audit trail shows the split ("${splitRow.trim().slice(0, 100)}")`);
  const after = await apiJson(base, `/api/substances/${target}`);
  const fresh = await apiJson(base, `/api/substances/${into}`);
  check(after.structures.length === before.structures.length - 1 && fresh.structures.map((s) => s.id).join() === String(moved), `structure ${moved} moved to ${into} (${before.structures.length} -> ${after.structures.length} structures)`);
  await page.screenshot({ path: path.join(artifacts, 'substance-split.png'), fullPage: true });

  // 4. The audit page lists every change (the API's count).
  await page.click('#nav-list a[href="/audit"]');
  await page.waitForSelector('#audit-count');
  const token = await page.evaluate(async () => (await fetch('/api/audit?limit=1')).json());
  check(Number(await page.getAttribute('#audit-count', 'data-total')) === token.total && token.total >= 1, `the audit page counts ${token.total} change(s)`);
  await page.screenshot({ path: path.join(artifacts, 'audit.png'), fullPage: true });

  // 5. The result set downloads as CSV, JSON, CIF and CIF zip with every row.
  await page.goto(`${base}/search?elements=Li,O&limit=25`);
  await page.waitForSelector('#result-count');
  const total = Number(await page.getAttribute('#result-count', 'data-total'));
  const csv = parseCsv(fs.readFileSync(await download(page, '#download-csv', 'r.csv'), 'utf8'));
  const header = csv[0] ?? [];
  check(total > 25 && csv.length - 1 === total && header.includes('id') && header.includes('chemical_formula_reduced'), `the CSV has a header and ${csv.length - 1} rows for ${total} results (more than the page of 25)`);
  const idCol = header.indexOf('id');
  const json = JSON.parse(fs.readFileSync(await download(page, '#download-json', 'r.json'), 'utf8'));
  check(json.rows.length === total && json.rows.map((r) => String(r.id)).join() === csv.slice(1).map((r) => r[idCol]).join(), `the JSON has the same ${json.rows.length} structures in the same order`);
  const cifText = fs.readFileSync(await download(page, '#download-cif', 'r.cif'), 'utf8');
  check((cifText.match(/^data_/gm) ?? []).length === total, `the CIF has ${total} data blocks`);
  const info = run(['cif', 'info', path.join(tmp, 'r.cif')]);
  check(/Li/.test(info), 'phasebook cif info reads the multi-block CIF');
  const names = zipNames(await download(page, '#download-zip', 'r.zip'));
  check(names.length === total && names.every((n) => /^structure-\d+\.cif$/.test(n)), `the CIF zip holds ${names.length} files`);
  await page.screenshot({ path: path.join(artifacts, 'search-downloads.png'), fullPage: false });

  // 6. Signing out hides the editing pages again.
  await page.click('#logout');
  await page.waitForSelector('#login-open');
  await page.waitForFunction(() => ![...document.querySelectorAll('#nav-list a')].some((a) => a.textContent === 'Upload'));
  check(true, 'after signing out the navigation has no Upload entry');

  checkClean(checks, { external, consoleErrors });
}

await finish(main, checks, tmp, () => ({ browser, server, page: current }));
