// Bundles the CLI, the sandbox runner, the coverage runner (a separate bundle: it is what the child process loads
// before any candidate code) and the VS Code extension into dist/.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  legalComments: 'none',
  // jsonc-parser's "main" is a UMD build whose factory require()s its parts at run time, which a
  // bundle cannot follow: bundle its ES module build instead.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
};
const builds = [
  // typescript and esbuild stay external: they are large and resolved from node_modules at run time.
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', external: ['typescript', 'esbuild'] },
  { ...common, entryPoints: ['src/core/sandbox/runner.ts'], outfile: 'dist/runner.js', sourcemap: false },
  // Coverage by replay (coverage.ts): a child without the permission model, which blocks V8 coverage output.
  { ...common, entryPoints: ['src/core/sandbox/coverage-runner.ts'], outfile: 'dist/coverage-runner.js', sourcemap: false },
];
if (existsSync('src/extension.ts')) {
  builds.push({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', 'typescript', 'esbuild'] });
}
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
