// Curating mined records in a real browser (docs/web.md, /mining; docs/mining.md §6): Playwright
// drives Debian's headless chromium against `phasebook serve` on a database made by the test with
// `phasebook mine add` + `mine extract` on two real SOFC-Exp papers and a CeO2 substance
// (curation_fixture.py). A guest filters the queue by paper class and pages through it without
// edit buttons; a member has the history but no edit buttons; the editor edits a CeO2 conductivity
// (value, measurement temperature, sintering temperature), is told why a bad value and an unknown
// substance are refused (nothing written), links the record to the CeO2 substance found by
// formula, accepts it from the keyboard and publishes it to members only. Then the record's audit
// trail lists each change (on the page, in the API and in `phasebook mine review audit`), and the
// CeO2 substance page shows the new property to a member and not to a guest.
//   node e2e_curation.mjs PHASEBOOK SOURCE_DIR ARTIFACT_DIR
// Exit 0 passed, 1 failed, 77 skipped (no chromium or no ../shared data). Screenshots go to
// ARTIFACT_DIR.
import path from 'node:path';
import { apiJson, begin, checkClean, Checks, finish, launch, openPage, runFixture, runner, signIn, startServer } from './harness.mjs';

const { phasebook, sourceDir, artifacts, chromium, dist, tmp } = begin('e2e_curation.mjs', 'pb-web-curation-');
const checks = new Checks();
const check = (ok, what) => checks.check(ok, what);
const run = runner(phasebook);
const PASSWORD = 'correct horse battery';
let server = null;
let browser = null;
let current = null;

async function main() {
  const db = path.join(tmp, 'curation.db');
  const fixture = runFixture(sourceDir, 'curation_fixture.py', phasebook, db);
  let base;
  ({ url: base, proc: server } = await startServer(phasebook, db, dist, path.join(tmp, 'access.log')));
  console.log(`server at ${base}`);
  browser = await launch(chromium);
  const { page, external, consoleErrors } = await openPage(browser, base);
  current = page;
  const rid = fixture.conductivities[0];
  const ceo2 = fixture.ceo2;
  const electrolyte = fixture.records['PMC4495617.txt'];
  const ready = async () => page.waitForSelector('main[data-ready="true"]');
  const apiRecord = () => page.evaluate(async (id) => (await fetch(`/api/mining/records/${id}`)).json(), rid);

  // The record as extracted (the extraction rules may change; the checks follow them).
  const orig = await apiJson(base, `/api/mining/records/${rid}`);

  // 1. A guest filters by paper class from the form and pages through: no edit controls.
  await page.goto(`${base}/mining?state=`);
  await ready();
  await page.selectOption('#mining-class', 'solid_electrolyte');
  await page.selectOption('#mining-limit', '10');
  await page.click('#mining-apply');
  await page.waitForURL(/class=solid_electrolyte/);
  await ready();
  const first = await page.$$eval('#mining-table tbody tr[data-record]', (rows) => rows.map((r) => Number(r.dataset.record)));
  check(JSON.stringify(first) === JSON.stringify(electrolyte.slice(0, 10)), `the class filter shows the solid-electrolyte paper's records, 10 per page (${first})`);
  await page.click('nav[aria-label="Record pages"] >> text=Next');
  await page.waitForURL(/offset=10/);
  await ready();
  const second = await page.$$eval('#mining-table tbody tr[data-record]', (rows) => rows.map((r) => Number(r.dataset.record)));
  check(JSON.stringify(second) === JSON.stringify(electrolyte.slice(10)), `the next page holds the other ${electrolyte.length - 10} (${second})`);
  check((await page.locator('button[data-edit], button[data-publish], button[data-review]').count()) === 0, 'a guest has no edit, review or publish buttons');
  const docOptions = await page.$$eval('#mining-document option', (os) => os.length);
  check(docOptions === 3, `the paper filter offers both papers and "any" (${docOptions} options)`);

  // 2. A member reads the history but cannot edit.
  await signIn(page, 'alice', PASSWORD);
  await page.goto(`${base}/mining?state=pending&property=ionic_conductivity&class=solid_electrolyte`);
  await ready();
  check((await page.locator('button[data-history]').count()) > 0 && (await page.locator('button[data-edit]').count()) === 0, 'a member sees History buttons and no Edit buttons');
  await page.click('#logout');
  await page.waitForSelector('#login-open');

  // 3. The editor opens the edit form from the keyboard.
  await signIn(page, 'erin', PASSWORD);
  await page.goto(`${base}/mining?state=pending&property=ionic_conductivity&class=solid_electrolyte`);
  await page.waitForSelector(`main[data-ready="true"] button[data-edit="${rid}"]`);
  await page.focus(`button[data-edit="${rid}"]`);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`#edit-${rid}`);
  const focused = await page.evaluate(() => document.activeElement?.id);
  check(focused === `edit-${rid}-value`, `the form takes the focus on its first field (${focused})`);
  const labelled = await page.$$eval(`#edit-${rid} input`, (inputs) => inputs.filter((i) => !document.querySelector(`label[for="${i.id}"]`)).map((i) => i.id));
  check(labelled.length === 0, `every field of the edit form has a label${labelled.length ? ` (missing: ${labelled})` : ''}`);
  const expanded = await page.getAttribute(`button[data-edit="${rid}"]`, 'aria-expanded');
  check(expanded === 'true', 'the Edit button says its form is open (aria-expanded)');
  await page.keyboard.press('Escape');
  await page.waitForSelector(`#edit-${rid}`, { state: 'detached' });
  const back = await page.evaluate(() => document.activeElement?.getAttribute('data-edit'));
  check(back === String(rid) && (await page.getAttribute(`button[data-edit="${rid}"]`, 'aria-expanded')) === 'false', 'Escape closes the form and gives the focus back to its Edit button');
  await page.keyboard.press('Enter');
  await page.waitForSelector(`#edit-${rid}`);

  // 4. Refused values: the page says why, nothing is written.
  await page.fill(`#edit-${rid}-value`, 'abc');
  await page.click(`#edit-${rid}-save`);
  const bad = await page.waitForSelector(`#edit-${rid} [role="alert"]`);
  const badText = await bad.textContent();
  check(badText.includes(`not changed: 'abc ${orig.unit}' is not a value with a unit`), `a non-numeric value is refused with the reason ("${badText}")`);
  await page.fill(`#edit-${rid}-value`, '0.15');
  await page.fill(`#edit-${rid}-substance-id`, 'pbs-000000000000');
  await page.click(`#edit-${rid}-save`);
  await page.waitForFunction((id) => /no substance 'pbs-000000000000'/.test(document.querySelector(`#edit-${id} [role="alert"]`)?.textContent ?? ''), rid);
  check(true, 'an unknown substance id is refused with the reason');
  let rec = await apiRecord();
  check(rec.value === orig.value && rec.state === 'pending' && rec.audit.length === 0 && rec.substance_id === null, `after the refusals the record is unchanged (value ${rec.value}, ${rec.audit.length} audit rows)`);

  // 5. Value, temperature, sintering temperature and the substance found by formula.
  await page.fill(`#edit-${rid}-temperature-K`, '923.15');
  await page.fill(`#edit-${rid}-condition-sintering-temperature`, '1400 °C');
  await page.fill(`#edit-${rid}-substance-id`, '');
  await page.fill(`#edit-${rid}-substance-q`, 'CeO2');
  await page.click(`#edit-${rid}-find`);
  await page.waitForSelector(`#edit-${rid} button[data-substance="${ceo2}"]`);
  await page.click(`#edit-${rid} button[data-substance="${ceo2}"]`);
  check((await page.inputValue(`#edit-${rid}-substance-id`)) === ceo2, `the search by formula fills in the CeO2 substance ${ceo2}`);
  await page.screenshot({ path: path.join(artifacts, 'mining-curation-edit.png'), fullPage: false });
  await page.click(`#edit-${rid}-save`);
  await page.waitForSelector(`#mining-table tr[data-record="${rid}"][data-state="edited"]`);
  const rowText = (await page.textContent(`#mining-table tr[data-record="${rid}"]`)).replace(/\s+/g, ' ');
  check(rowText.includes(`0.15 ${orig.unit}`) && /T = 923\.1 K/.test(rowText) && /sintering temperature: 1400 °C/.test(rowText) && rowText.includes(ceo2), `the row shows the new value, temperature, sintering temperature and substance (${rowText.slice(0, 160)})`);
  rec = await apiRecord();
  check(rec.value === '0.15' && Math.abs(rec.value_si - 15) < 1e-9 && rec.temperature_K === 923.15 && rec.substance_id === ceo2 && rec.conditions.sintering_temperature === '1400 °C', 'the API holds the edited record (15 S/m at 923.15 K, sintered at 1400 °C, linked to CeO2)');

  // 6. Accept from the keyboard, publish to members only.
  await page.fill('#review-note', 'checked against the abstract');
  await page.focus(`#mining-table tr[data-record="${rid}"] button[data-review="accept"]`);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`#mining-table tr[data-record="${rid}"][data-state="accepted"]`);
  const countLine = await page.textContent('#mining-count');
  check(/^4 pending records/.test(countLine), `the count line follows the review ("${countLine}")`);
  await page.selectOption(`#publish-${rid}-dataset`, 'members');
  await page.click(`button[data-publish="${rid}"]`);
  await page.waitForSelector(`#mining-table tr[data-record="${rid}"][data-published="true"]`);
  const status = await page.textContent('#review-status');
  rec = await apiRecord();
  const prop = rec.property_id;
  check(Number.isInteger(prop) && rec.restricted && new RegExp(`published as property ${prop} \\(members only\\) of substance ${ceo2}`).test(status), `the page reports the publication ("${status.trim()}")`);

  // 7. The audit trail lists each change: page, API and CLI agree.
  const actions = ['edit value', 'edit temperature', 'edit substance', 'edit condition.sintering_temperature', 'accept', 'edit restricted', 'publish'];
  await page.click(`button[data-history="${rid}"]`);
  await page.waitForSelector(`#record-history[data-record="${rid}"]`);
  const history = await page.$$eval('#record-history tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  check(JSON.stringify(history.map((r) => r[2])) === JSON.stringify(actions) && history.every((r) => r[1] === 'erin'), `the page's history lists each change by erin: ${history.map((r) => r[2]).join(', ')}`);
  check(history[0][5] === `value_as_given: ${orig.value} → 0.15; value_si: ${orig.value_si} → 15` && history[1][5].startsWith(`temperature_K: ${orig.temperature_K ?? '∅'} → 923.15`) && history[2][5] === `substance_id: ∅ → ${ceo2}` && history[3][5] === 'sintering_temperature: ∅ → 1400 °C' && history[6][5] === `property_id: ∅ → ${prop}`, `each history row says what changed (${history.map((r) => r[5]).join(' | ')})`);
  check(history[4][4] === 'checked against the abstract' && (await page.inputValue('#review-note')) === '', `the review note is in the accept row ("${history[4][4]}") and the field is cleared`);
  check(JSON.stringify(rec.audit.map((a) => a.action)) === JSON.stringify(actions), 'the API audit has the same changes');
  const cli = run(['mine', 'review', 'audit', String(rid), '--db', db, '--json']).trim().split('\n').map((l) => JSON.parse(l));
  check(JSON.stringify(cli.map((a) => [a.user, a.action, a.time])) === JSON.stringify(rec.audit.map((a) => [a.user, a.action, a.time])), '`phasebook mine review audit` lists the same rows');
  await page.screenshot({ path: path.join(artifacts, 'mining-curation-history.png'), fullPage: false });

  // 8. The substance page: the property for a member, not for a guest.
  const propertyRow = `#properties-table tr[data-property="${prop}"]`;
  await page.click('#logout');
  await page.waitForSelector('#login-open');
  await page.goto(`${base}/substances/${ceo2}`);
  await ready();
  check((await page.locator(propertyRow).count()) === 0, `a guest does not see property ${prop} on the CeO2 page`);
  await page.waitForSelector('#substance-mined :is(ul, p)');
  check(!(await page.textContent('#substance-mined')).includes(`record ${rid}`), "nor the curated record in the page's mined-records section");
  const guestApi = await apiJson(base, `/api/substances/${ceo2}`);
  check(!guestApi.properties.some((p) => p.id === prop), "nor in the substance's API answer");
  await signIn(page, 'alice', PASSWORD);
  await page.goto(`${base}/substances/${ceo2}`);
  await page.waitForSelector(`main[data-ready="true"] ${propertyRow}`);
  const propText = (await page.textContent(propertyRow)).replace(/\s+/g, ' ');
  check(/ionic conductivity|ionic_conductivity/.test(propText) && /923\.15|923\.2/.test(propText), `a member sees it: ${propText.slice(0, 140)}`);
  await page.waitForSelector(`#substance-mined li:has-text("record ${rid}")`);
  check(true, 'and the curated record in the mined-records section');
  await page.screenshot({ path: path.join(artifacts, 'substance-curated-member.png'), fullPage: false });

  // The two refused edits are the only resource errors in the console (400 answers).
  const refused = consoleErrors.filter((m) => /status of 400/.test(m)).length;
  check(refused === 2, `the browser logged the two refused edits (${refused})`);
  for (let i = consoleErrors.length - 1; i >= 0; i--) if (/status of 400/.test(consoleErrors[i])) consoleErrors.splice(i, 1);
  checkClean(checks, { external, consoleErrors });
}

await finish(main, checks, tmp, () => ({ browser, server, page: current }));
