/**
 * Mocha entry point for the integration tests, in the @vscode/test-electron style: the
 * extension host loads this file (extensionTestsPath) and calls run(). Works the same under
 * test-electron (scripts/e2e/run-electron.mjs, needs internet) and inside code-server's
 * extension host (scripts/e2e/run-exthost-tests.mjs, offline).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 120_000, reporter: 'spec' });
  const grep = process.env['HOTPATH_TEST_GREP'];
  if (grep) mocha.grep(grep);
  for (const f of fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} test(s) failed.`)) : resolve()));
  });
}
