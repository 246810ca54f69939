// Runs the mocha integration tests (out/test/vscode, built by build-tests.mjs) INSIDE a real VS Code
// extension host: code-server's Node extension host, opened in headless Chromium with
// extensionDevelopmentPath/extensionTestsPath passed through the workbench URL's payload, like
// @vscode/test-electron does with a desktop VS Code. Exits with the tests' status.
// usage: node scripts/e2e/run-exthost-tests.mjs   (env: TEST_TIMEOUT_MS, HOTPATH_TEST_GREP, VERBOSE, KEEP_TMP)
import { chromium } from 'playwright-core';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS, ROOT, checkRuntime, el, makeProfile, startServer } from './common.mjs';

checkRuntime();
const DEV_PATH = process.env.EXT_DEV_PATH ? resolve(process.env.EXT_DEV_PATH) : ROOT;
const testsPath = join(ROOT, 'out/test/vscode/index');
if (!existsSync(testsPath + '.js') || !existsSync(join(DEV_PATH, 'dist/extension.js'))) {
  console.error('out/test/vscode/index.js or dist/extension.js missing: run `node scripts/build.mjs && node scripts/e2e/build-tests.mjs`.');
  process.exit(2);
}
const TIMEOUT_MS = +(process.env.TEST_TIMEOUT_MS || 240_000);
const profile = makeProfile('hotpath-exthost-', {});
const ws = join(profile.tmp, 'workspace');
mkdirSync(ws);
cpSync(join(ROOT, 'test/fixtures/vscode'), ws, { recursive: true });
if (process.env.HOTPATH_TEST_GREP) profile.env.HOTPATH_TEST_GREP = process.env.HOTPATH_TEST_GREP;

let server, browser;
const finish = async (code, why) => {
  console.log(`[${el()}] ${why}; exit ${code}`);
  try { await browser?.close(); } catch {}
  await server?.stop();
  profile.remove();
  process.exit(code);
};
process.on('SIGINT', () => void finish(130, 'interrupted'));

try {
  server = await startServer(profile);
  console.log(`[${el()}] code-server up on :${server.port}`);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  let resolveExit;
  const exited = new Promise((r) => (resolveExit = r));
  await page.exposeFunction('codeAutomationLog', (_type, args) => console.log(...args));
  await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
  page.on('pageerror', (e) => console.log('[page error]', e.message));
  if (process.env.VERBOSE) page.on('console', (m) => console.log('[browser]', m.text()));
  const remote = (p) => `vscode-remote://${server.authority}${p}`;
  const payload = [['extensionDevelopmentPath', remote(DEV_PATH)], ['extensionTestsPath', remote(testsPath)]];
  await page.goto(`http://${server.authority}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  console.log(`[${el()}] workbench loaded, running tests`);
  const timer = setTimeout(() => resolveExit('timeout'), TIMEOUT_MS);
  const code = await exited;
  clearTimeout(timer);
  if (code === 'timeout') {
    if (process.env.VERBOSE) console.log(server.log());
    await finish(4, `timed out after ${TIMEOUT_MS} ms`);
  }
  await finish(code, `extension host reported exit code ${code}`);
} catch (e) {
  console.log(e);
  if (server) console.log(server.log().slice(-4000));
  await finish(3, 'driver error');
}
