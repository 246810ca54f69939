// The same mocha suite in a desktop VS Code through @vscode/test-electron (needs internet to
// download VS Code; use run-exthost-tests.mjs on offline machines).
// usage: node scripts/build.mjs && node scripts/e2e/build-tests.mjs && node scripts/e2e/run-electron.mjs
import { runTests } from '@vscode/test-electron';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const ws = mkdtempSync(join(tmpdir(), 'hotpath-electron-ws-'));
cpSync(join(root, 'test/fixtures/vscode'), ws, { recursive: true });
try {
  await runTests({
    version: process.env.VSCODE_VERSION || 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out/test/vscode/index'),
    launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (e) {
  console.error(e);
  process.exit(1);
}
