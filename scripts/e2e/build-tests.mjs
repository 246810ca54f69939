// Bundles the VS Code integration tests (test/vscode/**/*.test.ts + index.ts) into out/test/vscode/,
// one file per test file (mocha loads them after setting up its globals), vscode and mocha external.
// test/support/* (the fake OpenAI server) is bundled into the tests that use it.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const dir = 'test/vscode';
const entryPoints = readdirSync(dir)
  .filter((f) => f.endsWith('.test.ts') || f === 'index.ts')
  .map((f) => join(dir, f));
rmSync('out/test/vscode', { recursive: true, force: true });
await esbuild.build({
  entryPoints,
  outdir: 'out/test/vscode',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  logLevel: 'warning',
  external: ['vscode', 'mocha'],
});
// The UI test's driver (plain Node) needs the fake server too.
await esbuild.build({
  entryPoints: ['test/support/fake-openai.ts'],
  outfile: 'out/test/support/fake-openai.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  logLevel: 'warning',
});
console.log(`built ${entryPoints.length} test entry points into out/test/vscode/`);
