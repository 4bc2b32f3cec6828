// Shared by the browser tests (e2e.mjs, e2e_editing.mjs, e2e_results.mjs, e2e_models.mjs) and
// bench/web_first_page.mjs: checks, running the phasebook binary, starting `phasebook serve`,
// launching Debian's chromium through playwright-core (from web/node_modules).
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CHROMIUM = '/usr/bin/chromium';
export const TIMEOUT = 30000;

/// Exits 77 (skipped) without chromium and 1 when the UI or playwright-core is missing; returns
/// playwright-core's chromium launcher and web/dist.
export function setup(sourceDir) {
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`SKIP: ${CHROMIUM} is missing (scripts/install-deps installs chromium)`);
    process.exit(77);
  }
  const webDir = path.join(sourceDir, 'web');
  const dist = path.join(webDir, 'dist');
  for (const [p, hint] of [
    [path.join(dist, 'index.html'), 'the web UI is not built'],
    [path.join(webDir, 'node_modules', 'playwright-core'), 'web/node_modules is missing'],
  ]) {
    if (!fs.existsSync(p)) {
      console.error(`FAIL: ${hint} (${p}); run \`make web\``);
      process.exit(1);
    }
  }
  const { chromium } = createRequire(path.join(webDir, 'package.json'))('playwright-core');
  return { chromium, dist };
}

/// The start of a browser test `node SCRIPT PHASEBOOK SOURCE_DIR ARTIFACT_DIR`: its arguments
/// (exit 2 with the usage when one is missing), setup()'s chromium and web/dist, a fresh temporary
/// directory named PREFIX... and the artifact directory, created.
export function begin(script, prefix) {
  const [phasebook, sourceDir, artifacts] = process.argv.slice(2);
  if (!phasebook || !sourceDir || !artifacts) {
    console.error(`usage: node ${script} PHASEBOOK SOURCE_DIR ARTIFACT_DIR`);
    process.exit(2);
  }
  const { chromium, dist } = setup(sourceDir);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.mkdirSync(artifacts, { recursive: true });
  return { phasebook, sourceDir, artifacts, chromium, dist, tmp };
}

export class Checks {
  failures = 0;
  check(ok, what) {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    if (!ok) this.failures++;
    return ok;
  }
}

export function runner(phasebook) {
  return (args, input) => execFileSync(phasebook, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

/// Starts `phasebook serve --port 0` (with `extra` arguments) and resolves with { url, proc } once
/// it announces the URL.
export function startServer(phasebook, db, dist, logFile, extra = []) {
  return new Promise((resolve, reject) => {
    const proc = spawn(phasebook, ['serve', '--db', db, '--port', '0', '--web', dist, '--access-log', logFile, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), TIMEOUT);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/serving (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], proc });
      }
    });
    proc.stderr.on('data', (d) => process.stderr.write(d));
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

export function launch(chromium) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // CI runs as root (no sandbox); WebGL through SwiftShader since there is no GPU.
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'],
  });
}

export async function apiJson(base, p, headers = {}) {
  const res = await fetch(base + p, { headers });
  if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
  return res.json();
}

/// Signs in through the account box of the page header.
export async function signIn(page, name, password) {
  await page.click('#login-open');
  await page.fill('#login-name', name);
  await page.fill('#login-password', password);
  await page.press('#login-password', 'Enter');
  await page.waitForSelector('#whoami');
}

/// Records requests to other origins and console errors of a page.
export function watch(page, base) {
  const external = [];
  const consoleErrors = [];
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(base) && !u.startsWith('data:') && !u.startsWith('blob:')) external.push(u);
  });
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  return { external, consoleErrors };
}

/// The last checks of every browser test: the watched page asked no other origin for anything
/// and logged no error.
export function checkClean(checks, { external, consoleErrors }) {
  checks.check(external.length === 0, `no requests to other origins${external.length ? `: ${external.slice(0, 3).join(', ')}` : ''}`);
  checks.check(consoleErrors.length === 0, `no errors in the browser console${consoleErrors.length ? `: ${consoleErrors.slice(0, 3).join(' | ')}` : ''}`);
}

/// Runs a browser test's main() and exits 0 (every check passed) or 1. An exception is a failure,
/// reported with the text of the page then open; `live()` gives { browser, server, page } as they
/// are at that moment, which are closed, and `tmp` is removed.
export async function finish(main, checks, tmp, live) {
  try {
    await main();
  } catch (e) {
    console.error(`FAIL ${e.stack ?? e}`);
    const { page } = live();
    if (page) console.error(`page ${page.url()}: ${(await page.textContent('main').catch(() => '')).slice(0, 2000)}`);
    checks.failures++;
  } finally {
    const { browser, server } = live();
    if (browser) await browser.close().catch(() => {});
    if (server && server.exitCode === null) server.kill('SIGTERM');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(checks.failures ? `${checks.failures} check(s) failed` : 'all checks passed');
  process.exit(checks.failures ? 1 : 0);
}

/// Runs a database fixture `python3 SCRIPT PHASEBOOK DB` (tests/web/*_fixture.py) and returns
/// the JSON it prints; exits 77 (skipped) when the fixture does (a tool or ../shared data missing).
export function runFixture(sourceDir, script, phasebook, db) {
  try {
    return JSON.parse(execFileSync('/usr/bin/python3', [path.join(sourceDir, 'tests/web', script), phasebook, db], { encoding: 'utf8' }));
  } catch (e) {
    if (e.status === 77) {
      console.log(String(e.stdout).trim());
      process.exit(77);
    }
    throw e;
  }
}

/// A laptop-sized page of a fresh browser context with the 30 s timeout and watch() on it.
export async function openPage(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  return { page, ...watch(page, base) };
}
