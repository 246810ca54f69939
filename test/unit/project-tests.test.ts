/**
 * The project's own tests: runner detection, test-file selection, scratch copies, and confined
 * runs of Jest, Vitest, Mocha and node:test on the fixture projects (test/fixtures/projects,
 * installed by scripts/setup-fixtures.mjs), plus a hostile test file that must not escape.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import {
  createScratch,
  detectFromRoot,
  detectTestProject,
  findTestFiles,
  ImportGraph,
  importSpecifiers,
  Resolver,
  runProjectTests,
  runnerInScript,
  type Scratch,
  type TestProject,
  type TestRunResult,
} from '../../src/core/project-tests/index';
import { networkNamespacePrefix } from '../../src/core/sandbox/nodeinfo';
import { INSTALL_SEEDED_RANDOM } from '../../src/core/project-tests/seed-random';

const FIX = path.resolve(__dirname, '../fixtures/projects');
const fx = (...p: string[]): string => path.join(FIX, ...p);
const RUN = { nodePath: process.execPath, timeoutMs: 60_000, memoryMb: 512 };
/** Options of findTestFiles: the runners are asked with this node. */
const SEL = { nodePath: process.execPath };
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-ptests-'));
process.on('exit', () => fs.rmSync(tmpRoot, { recursive: true, force: true }));

/** A hash of every file of a project outside node_modules (names and contents). */
function treeHash(root: string): string {
  const h = createHash('sha256');
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name === 'node_modules') continue;
      const p = path.join(dir, e.name);
      h.update(path.relative(root, p));
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) h.update(fs.readFileSync(p));
    }
  };
  walk(root);
  return h.digest('hex');
}

function detect(target: string): TestProject {
  const p = detectTestProject(target);
  assert.ok(p, `no runner detected for ${target}`);
  return p;
}

let scratchCount = 0;
function scratchFor(p: TestProject): Scratch {
  return createScratch(p, path.join(tmpRoot, `scratch-${++scratchCount}`));
}

const names = (r: TestRunResult, status: 'passed' | 'failed' | 'skipped'): string[] =>
  r.results.filter((x) => x.status === status).map((x) => `${x.file}: ${x.name}`).sort();

// ---- detection ----------------------------------------------------------------------------------

void test('detect: each fixture runner, version, config and module type; no runner gives null', () => {
  const jest = detect(fx('jest-cjs', 'src', 'summarize.js'));
  assert.equal(jest.runner, 'jest');
  assert.equal(jest.root, fx('jest-cjs'));
  assert.equal(jest.runnerVersion, '29.7.0');
  assert.equal(jest.moduleType, 'cjs');
  assert.equal(jest.configFile, null);

  const vitest = detect(fx('vitest-ts', 'src', 'histogram.ts'));
  assert.equal(vitest.runner, 'vitest');
  assert.equal(vitest.runnerVersion, '3.2.4');
  assert.equal(vitest.configFile, fx('vitest-ts', 'vitest.config.ts'));
  assert.equal(vitest.moduleType, 'esm');

  const node = detect(fx('node-test-esm', 'src', 'duration.js'));
  assert.equal(node.runner, 'node-test');
  assert.equal(node.runnerVersion, null);
  assert.match(node.detectedFrom, /node --test/);

  const mocha = detect(fx('mocha-esm', 'src', 'words.js'));
  assert.equal(mocha.runner, 'mocha');
  assert.equal(mocha.runnerVersion, '10.8.2');
  assert.equal(mocha.configFile, fx('mocha-esm', '.mocharc.json'));

  const none = path.join(tmpRoot, 'no-runner');
  fs.mkdirSync(path.join(none, 'src'), { recursive: true });
  fs.writeFileSync(path.join(none, 'package.json'), JSON.stringify({ name: 'x', scripts: { test: 'echo "no tests"' }, dependencies: { lodash: '4.17.21' } }));
  fs.writeFileSync(path.join(none, 'src', 'a.js'), 'module.exports = 1;\n');
  assert.equal(detectTestProject(path.join(none, 'src', 'a.js')), null);

  // Config files and package.json keys without a test script.
  const cfg = path.join(tmpRoot, 'jest-key');
  fs.mkdirSync(cfg, { recursive: true });
  fs.writeFileSync(path.join(cfg, 'package.json'), JSON.stringify({ name: 'y', jest: { testMatch: ['**/spec/**/*.js'] } }));
  assert.equal(detectFromRoot(cfg)?.runner, 'jest');
  assert.equal(detectFromRoot(cfg)?.runnerVersion, null);
  fs.writeFileSync(path.join(cfg, 'package.json'), JSON.stringify({ name: 'y', type: 'module', mocha: { spec: 'spec' } }));
  assert.equal(detectFromRoot(cfg)?.runner, 'mocha');
  assert.equal(runnerInScript('cross-env NODE_ENV=test jest --coverage'), 'jest');
  assert.equal(runnerInScript('tsc && node --test dist/'), 'node-test');
  assert.equal(runnerInScript('vitest run'), 'vitest');
  assert.equal(runnerInScript('node build.js'), null);
});

// ---- selection ----------------------------------------------------------------------------------

void test('select: only test files that import the target (directly or transitively); --tests glob', async () => {
  const jest = detect(fx('jest-cjs', 'src', 'summarize.js'));
  assert.deepEqual((await findTestFiles(jest, fx('jest-cjs', 'src', 'summarize.js'), SEL)).files, [fx('jest-cjs', 'test', 'summarize.test.js')]);
  assert.deepEqual((await findTestFiles(jest, fx('jest-cjs', 'src', 'format.js'), SEL)).files, [fx('jest-cjs', 'test', 'format.test.js')]);
  // metrics.js is imported by the summarize test directly, and through summarize.js.
  assert.deepEqual((await findTestFiles(jest, fx('jest-cjs', 'src', 'metrics.js'), SEL)).files, [fx('jest-cjs', 'test', 'summarize.test.js')]);
  assert.deepEqual((await findTestFiles(jest, fx('jest-cjs', 'src', 'summarize.js'), { ...SEL, glob: 'test/**/*.test.js' })).files, [fx('jest-cjs', 'test', 'format.test.js'), fx('jest-cjs', 'test', 'summarize.test.js')]);
  assert.deepEqual((await findTestFiles(jest, fx('jest-cjs', 'src', 'summarize.js'), { ...SEL, glob: 'test/{format,nothing}.test.js' })).files, [fx('jest-cjs', 'test', 'format.test.js')]);

  // TS + ESM: '../src/histogram.js' names histogram.ts; latency.test.ts reaches it through latency.ts.
  const vitest = detect(fx('vitest-ts', 'src', 'histogram.ts'));
  assert.deepEqual((await findTestFiles(vitest, fx('vitest-ts', 'src', 'histogram.ts'), SEL)).files, [fx('vitest-ts', 'test', 'histogram.test.ts'), fx('vitest-ts', 'test', 'latency.test.ts')]);

  const node = detect(fx('node-test-esm', 'src', 'duration.js'));
  assert.deepEqual((await findTestFiles(node, fx('node-test-esm', 'src', 'duration.js'), SEL)).files, [fx('node-test-esm', 'test', 'duration.test.js'), fx('node-test-esm', 'test', 'timeout.test.js')]);

  const mocha = detect(fx('mocha-esm', 'src', 'words.js'));
  assert.deepEqual((await findTestFiles(mocha, fx('mocha-esm', 'src', 'words.js'), SEL)).files, [fx('mocha-esm', 'test', 'words.spec.js')]);

  // Jest config from package.json: testMatch honoured, node_modules never searched.
  const proj = path.join(tmpRoot, 'jest-testmatch');
  for (const d of ['spec', 'test', 'lib', 'node_modules/dep']) fs.mkdirSync(path.join(proj, d), { recursive: true });
  fs.writeFileSync(path.join(proj, 'package.json'), JSON.stringify({ name: 'z', jest: { testMatch: ['<rootDir>/spec/**/*.js'] }, devDependencies: { jest: '29.7.0' } }));
  fs.writeFileSync(path.join(proj, 'lib', 'index.ts'), 'export const f = () => 1;\n');
  fs.writeFileSync(path.join(proj, 'spec', 'f.js'), "const { f } = require('../lib');\n");
  fs.writeFileSync(path.join(proj, 'spec', 'dyn.js'), "test('x', async () => { await import('../lib/index.js'); });\n");
  fs.writeFileSync(path.join(proj, 'test', 'f.test.js'), "require('../lib/index');\n");
  fs.writeFileSync(path.join(proj, 'node_modules', 'dep', 'f.test.js'), "require('../../lib/index');\n");
  const p = detectFromRoot(proj);
  assert.ok(p);
  assert.deepEqual((await findTestFiles(p, path.join(proj, 'lib', 'index.ts'), SEL)).files, [path.join(proj, 'spec', 'dyn.js'), path.join(proj, 'spec', 'f.js')]);
});

void test('select: the runner lists its files (jest --listTests, vitest list, mocha); node:test uses its patterns', async () => {
  // jest.config.js (a JS config) with a custom testMatch: only checks/*.check.js, not test/clamp.test.js.
  const jt = detect(fx('jest-testmatch', 'src', 'clamp.js'));
  const j = await findTestFiles(jt, fx('jest-testmatch', 'src', 'clamp.js'), SEL);
  assert.deepEqual(j.files, [fx('jest-testmatch', 'checks', 'clamp.check.js')]);
  assert.deepEqual({ source: j.discovery.source, command: j.discovery.command, fallback: j.discovery.fallback, candidates: j.candidates }, { source: 'runner', command: 'jest --listTests --json --config=jest.config.js', fallback: null, candidates: 1 });

  // vitest include: checks/**/*.check.ts; test/mean.test.ts (vitest's default pattern) is not listed.
  const va = detect(fx('vitest-alias', 'src', 'lib', 'stats', 'mean.ts'));
  const v = await findTestFiles(va, fx('vitest-alias', 'src', 'lib', 'stats', 'mean.ts'), SEL);
  assert.equal(v.discovery.source, 'runner');
  assert.equal(v.discovery.fallback, null);
  assert.equal(v.candidates, 3);
  // alias.check.ts imports '@lib/stats/mean' (tsconfig paths); barrel.check.ts imports '../src' (index.ts -> export * from './lib/stats' -> export * from './mean').
  assert.deepEqual(v.files, [fx('vitest-alias', 'checks', 'alias.check.ts'), fx('vitest-alias', 'checks', 'barrel.check.ts')]);
  // median.ts: reached through `export { median } from './median'` and its own alias import.
  assert.deepEqual((await findTestFiles(va, fx('vitest-alias', 'src', 'lib', 'stats', 'median.ts'), SEL)).files, [fx('vitest-alias', 'checks', 'barrel.check.ts'), fx('vitest-alias', 'checks', 'median.check.ts')]);

  const m = await findTestFiles(detect(fx('mocha-esm', 'src', 'words.js')), fx('mocha-esm', 'src', 'words.js'), SEL);
  assert.equal(m.discovery.source, 'runner');
  const n = await findTestFiles(detect(fx('node-test-esm', 'src', 'duration.js')), fx('node-test-esm', 'src', 'duration.js'), SEL);
  assert.deepEqual({ source: n.discovery.source, reason: n.discovery.fallback?.reason }, { source: 'config', reason: 'no-list-command' });
});

void test('select: monorepo: the nearest package with a runner; workspace links and package exports are followed', async () => {
  const core = fx('monorepo-ws', 'packages', 'core', 'src', 'sum.js');
  // packages/core has no runner: the workspace root's mocha (.mocharc.yml spec) tests it.
  const root = detect(core);
  assert.deepEqual({ root: root.root, runner: root.runner, config: root.configFile }, { root: fx('monorepo-ws'), runner: 'mocha', config: fx('monorepo-ws', '.mocharc.yml') });
  const s = await findTestFiles(root, core, SEL);
  assert.equal(s.discovery.source, 'runner');
  assert.equal(s.candidates, 3);
  // cart.spec.js imports '@mono/core': node_modules/@mono/core -> packages/core, "exports" -> src/index.js -> export * from './sum.js'.
  assert.deepEqual(s.files, [fx('monorepo-ws', 'packages', 'app', 'test', 'cart.spec.js'), fx('monorepo-ws', 'packages', 'core', 'test', 'sum.spec.js')]);
  // packages/app has its own runner (node --test): only its files, by node's default patterns.
  const appTarget = fx('monorepo-ws', 'packages', 'app', 'src', 'total.js');
  const app = detect(appTarget);
  assert.deepEqual({ root: app.root, runner: app.runner }, { root: fx('monorepo-ws', 'packages', 'app'), runner: 'node-test' });
  assert.deepEqual((await findTestFiles(app, appTarget, SEL)).files, [fx('monorepo-ws', 'packages', 'app', 'test', 'total.test.js')]);
});

void test('select: when asking the runner fails, its config is read and the reason recorded', async () => {
  const proj = path.join(tmpRoot, 'jest-broken-config');
  for (const d of ['checks', 'test', 'src']) fs.mkdirSync(path.join(proj, d), { recursive: true });
  fs.writeFileSync(path.join(proj, 'package.json'), JSON.stringify({ name: 'b', scripts: { test: 'jest' }, devDependencies: { jest: '29.7.0' } }));
  fs.symlinkSync(fx('jest-cjs', 'node_modules'), path.join(proj, 'node_modules'));
  fs.writeFileSync(path.join(proj, 'jest.config.json'), JSON.stringify({ testMatch: ['<rootDir>/checks/**/*.js'], preset: 'no-such-preset' }));
  fs.writeFileSync(path.join(proj, 'src', 'f.js'), 'exports.f = () => 1;\n');
  fs.writeFileSync(path.join(proj, 'checks', 'f.js'), "require('../src/f');\n");
  fs.writeFileSync(path.join(proj, 'test', 'f.test.js'), "require('../src/f');\n");
  const p = detectFromRoot(proj);
  assert.ok(p);
  const s = await findTestFiles(p, path.join(proj, 'src', 'f.js'), SEL);
  assert.equal(s.discovery.source, 'config');
  assert.equal(s.discovery.command, 'jest --listTests --json --config=jest.config.json');
  assert.equal(s.discovery.fallback?.reason, 'exit-code');
  assert.match(s.discovery.fallback?.detail ?? '', /Validation Error/);
  assert.deepEqual(s.files, [path.join(proj, 'checks', 'f.js')]);

  // Not installed: no process is started.
  fs.rmSync(path.join(proj, 'node_modules'));
  const t = await findTestFiles(p, path.join(proj, 'src', 'f.js'), SEL);
  assert.deepEqual({ source: t.discovery.source, command: t.discovery.command, reason: t.discovery.fallback?.reason }, { source: 'config', command: null, reason: 'not-installed' });
  assert.deepEqual(t.files, [path.join(proj, 'checks', 'f.js')]);
});

void test('select: import specifiers and TypeScript resolution (paths, index files, .js naming .ts, package imports)', () => {
  assert.deepEqual(
    importSpecifiers("import a from './a';\nexport * from './b';\nexport { c } from \"./c\";\nconst d = require('./d');\nawait import('./e');\njest.mock('./f');\nimport type { G } from './g';\nimport 'x';").sort(),
    ['./a', './b', './c', './d', './e', './f', './g', 'x'],
  );
  const proj = path.join(tmpRoot, 'resolve');
  for (const d of ['src/util', 'test', 'node_modules/dep']) fs.mkdirSync(path.join(proj, d), { recursive: true });
  fs.writeFileSync(path.join(proj, 'package.json'), JSON.stringify({ name: 'r', type: 'module', imports: { '#util/*': './src/util/*.ts' } }));
  fs.writeFileSync(path.join(proj, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', paths: { '~/*': ['./src/*'] } } }));
  fs.writeFileSync(path.join(proj, 'src', 'util', 'index.ts'), 'export const u = 1;\n');
  fs.writeFileSync(path.join(proj, 'src', 'util', 'deep.ts'), 'export const d = 1;\n');
  fs.writeFileSync(path.join(proj, 'node_modules', 'dep', 'index.js'), '');
  fs.writeFileSync(path.join(proj, 'node_modules', 'dep', 'package.json'), '{"name":"dep"}');
  const from = path.join(proj, 'test', 'a.test.ts');
  fs.writeFileSync(from, '');
  const r = new Resolver();
  const real = (p: string): string => fs.realpathSync(p);
  assert.equal(r.resolve('~/util', from), real(path.join(proj, 'src', 'util', 'index.ts')));
  assert.equal(r.resolve('../src/util/deep.js', from), real(path.join(proj, 'src', 'util', 'deep.ts')));
  assert.equal(r.resolve('#util/deep', from), real(path.join(proj, 'src', 'util', 'deep.ts')));
  assert.equal(r.resolve('../src/util', from), real(path.join(proj, 'src', 'util', 'index.ts')));
  assert.equal(r.resolve('./missing', from), null);
  // A package in node_modules resolves, but the graph never follows it.
  assert.ok(r.resolve('dep', from)?.endsWith(path.join('node_modules', 'dep', 'index.js')));
  const g = new ImportGraph({ root: proj, maxFiles: 1 });
  fs.writeFileSync(from, "import '~/util';\nimport 'dep';\n");
  assert.deepEqual(g.depsOf(real(from)), [real(path.join(proj, 'src', 'util', 'index.ts'))]);
  // The bound: a second file is not parsed, and the graph says so.
  assert.deepEqual(g.depsOf(real(path.join(proj, 'src', 'util', 'index.ts'))), []);
  assert.equal(g.truncated, true);
});

// ---- scratch ------------------------------------------------------------------------------------

void test('scratch: copies the project, links node_modules per package, overrides and restores files', () => {
  const p = detect(fx('jest-cjs', 'src', 'summarize.js'));
  const before = treeHash(p.root);
  const s = scratchFor(p);
  const target = fx('jest-cjs', 'src', 'summarize.js');
  assert.equal(s.pathOf(target), path.join(s.root, 'src', 'summarize.js'));
  assert.equal(fs.readFileSync(s.pathOf(target), 'utf8'), fs.readFileSync(target, 'utf8'));
  const nm = path.join(s.root, 'node_modules');
  assert.ok(fs.lstatSync(nm).isDirectory() && !fs.lstatSync(nm).isSymbolicLink());
  assert.ok(fs.lstatSync(path.join(nm, 'jest')).isSymbolicLink());
  assert.equal(fs.realpathSync(path.join(nm, 'jest')), fs.realpathSync(fx('jest-cjs', 'node_modules', 'jest')));
  s.setFile(target, 'module.exports = {};\n');
  assert.equal(fs.readFileSync(s.pathOf(target), 'utf8'), 'module.exports = {};\n');
  assert.deepEqual(s.overrides(), [target]);
  s.setFile(target, null);
  assert.equal(fs.readFileSync(s.pathOf(target), 'utf8'), fs.readFileSync(target, 'utf8'));
  s.setFile(fx('jest-cjs', 'src', 'new.js'), 'x');
  s.resetAll();
  assert.ok(!fs.existsSync(path.join(s.root, 'src', 'new.js')));
  assert.throws(() => s.pathOf('/etc/passwd'), /not inside the project/);
  assert.throws(() => createScratch(p, path.join(p.root, 'scratch')), /inside the project/);
  assert.equal(treeHash(p.root), before);
  s.remove();
  assert.ok(!fs.existsSync(s.root));
});

// ---- runs on the fixtures -----------------------------------------------------------------------

void test('run jest-cjs: passes, then a broken override fails the named test with its message', { timeout: 120_000 }, async () => {
  const target = fx('jest-cjs', 'src', 'summarize.js');
  const p = detect(target);
  const before = treeHash(p.root);
  const s = scratchFor(p);
  const files = (await findTestFiles(p, target, SEL)).files;
  const ok = await runProjectTests(p, s, files, RUN);
  assert.equal(ok.end, 'completed', ok.error ?? ok.outputTail);
  assert.deepEqual(names(ok, 'passed'), [
    'test/summarize.test.js: summarize > does not reorder its input',
    'test/summarize.test.js: summarize > even number of values',
    'test/summarize.test.js: summarize > negative and fractional values',
    'test/summarize.test.js: summarize > odd number of values',
    'test/summarize.test.js: summarize > records one metric per call',
    'test/summarize.test.js: summarize > throws on an empty list',
  ]);
  // A "faster" variant that records the metric twice: same values, the metric test fails.
  const broken = fs.readFileSync(target, 'utf8').replace("metrics.record('summarize');", "metrics.record('summarize');\n  metrics.record('summarize');");
  assert.notEqual(broken, fs.readFileSync(target, 'utf8'));
  s.setFile(target, broken);
  const bad = await runProjectTests(p, s, files, RUN);
  assert.equal(bad.end, 'completed', bad.error ?? bad.outputTail);
  assert.deepEqual(names(bad, 'failed'), ['test/summarize.test.js: summarize > records one metric per call']);
  const failed = bad.results.find((r) => r.status === 'failed');
  assert.match(failed?.message ?? '', /Expected: 3/);
  assert.match(failed?.message ?? '', /Received: 6/);
  assert.equal(names(bad, 'passed').length, 5);
  s.setFile(target, null);
  assert.equal(treeHash(p.root), before);
});

void test('run vitest-ts: passes; an off-by-one override fails the threshold test', { timeout: 120_000 }, async () => {
  const target = fx('vitest-ts', 'src', 'histogram.ts');
  const p = detect(target);
  const before = treeHash(p.root);
  const s = scratchFor(p);
  const files = (await findTestFiles(p, target, SEL)).files;
  const ok = await runProjectTests(p, s, files, RUN);
  assert.equal(ok.end, 'completed', ok.error ?? ok.outputTail);
  assert.deepEqual(names(ok, 'passed'), [
    'test/histogram.test.ts: Histogram > counts everything below the minimum and nothing above the maximum',
    'test/histogram.test.ts: Histogram > counts values above a threshold',
    'test/histogram.test.ts: Histogram > is strict at the threshold',
    'test/histogram.test.ts: Histogram > tracks its size as values are added',
    'test/latency.test.ts: slow share of a latency sample',
  ]);
  s.setFile(target, fs.readFileSync(target, 'utf8').replace('v > threshold', 'v >= threshold'));
  const bad = await runProjectTests(p, s, files, RUN);
  assert.equal(bad.end, 'completed', bad.error ?? bad.outputTail);
  assert.ok(names(bad, 'failed').includes('test/histogram.test.ts: Histogram > is strict at the threshold'), JSON.stringify(bad.results));
  assert.match(bad.results.find((r) => r.name === 'Histogram > is strict at the threshold')?.message ?? '', /expected 4 to be 1/);
  // vite's caches went into the scratch, never into the user's node_modules.
  assert.ok(!fs.existsSync(fx('vitest-ts', 'node_modules', '.vite')));
  assert.ok(!fs.existsSync(fx('vitest-ts', 'node_modules', '.vite-temp')));
  assert.equal(treeHash(p.root), before);
});

void test('run node-test-esm: passes; a broken override fails the named tests', { timeout: 60_000 }, async () => {
  const target = fx('node-test-esm', 'src', 'duration.js');
  const p = detect(target);
  const before = treeHash(p.root);
  const s = scratchFor(p);
  const files = (await findTestFiles(p, target, SEL)).files;
  const ok = await runProjectTests(p, s, files, RUN);
  assert.equal(ok.end, 'completed', ok.error ?? ok.outputTail);
  assert.deepEqual(names(ok, 'passed'), [
    'test/duration.test.js: parseDuration > parses combined units',
    'test/duration.test.js: parseDuration > parses fractional values',
    'test/duration.test.js: parseDuration > parses single units',
    'test/duration.test.js: parseDuration > rejects invalid text',
    'test/timeout.test.js: request timeouts from config strings',
  ]);
  // Minutes counted as seconds.
  s.setFile(target, fs.readFileSync(target, 'utf8').replace('m: 60_000', 'm: 1000'));
  const bad = await runProjectTests(p, s, files, RUN);
  assert.equal(bad.end, 'completed', bad.error ?? bad.outputTail);
  assert.deepEqual(names(bad, 'failed'), [
    'test/duration.test.js: parseDuration > parses combined units',
    'test/duration.test.js: parseDuration > parses single units',
    'test/timeout.test.js: request timeouts from config strings',
  ]);
  assert.match(bad.results.find((r) => r.name === 'parseDuration > parses single units')?.message ?? '', /strictly equal/);
  assert.equal(treeHash(p.root), before);
});

void test('run mocha-esm: passes; a broken override fails the named test', { timeout: 60_000 }, async () => {
  const target = fx('mocha-esm', 'src', 'words.js');
  const p = detect(target);
  const before = treeHash(p.root);
  const s = scratchFor(p);
  const files = (await findTestFiles(p, target, SEL)).files;
  // Another spec matching the config's `spec` exists in the scratch: only `files` may run.
  s.setFile(fx('mocha-esm', 'test', 'extra.spec.js'), "it('extra', () => {});\n");
  const ok = await runProjectTests(p, s, files, RUN);
  assert.equal(ok.end, 'completed', ok.error ?? ok.outputTail);
  assert.deepEqual(names(ok, 'passed'), [
    'test/words.spec.js: topWords > breaks ties by first appearance',
    'test/words.spec.js: topWords > handles empty text',
    'test/words.spec.js: topWords > ignores case and punctuation',
    'test/words.spec.js: topWords > ranks words by frequency',
  ]);
  // Ties broken by the word instead of first appearance.
  s.setFile(target, fs.readFileSync(target, 'utf8').replace('a.i - b.i', 'a.word.localeCompare(b.word)'));
  const bad = await runProjectTests(p, s, files, RUN);
  assert.equal(bad.end, 'completed', bad.error ?? bad.outputTail);
  assert.deepEqual(names(bad, 'failed'), ['test/words.spec.js: topWords > breaks ties by first appearance']);
  assert.match(bad.results.find((r) => r.status === 'failed')?.message ?? '', /deep-equal|deepStrictEqual|Expected values/);
  assert.equal(treeHash(p.root), before);
});

void test('run: every runner sees the same seeded Math.random stream in every run', { timeout: 180_000 }, async () => {
  const expected = vm.runInNewContext(`${INSTALL_SEEDED_RANDOM}; [Math.random(), Math.random()].join(' ')`) as string;
  const body = (pre: string, fn: string): string => `${pre}${fn}('r ' + Math.random() + ' ' + Math.random(), () => {});\n`;
  const cases: { fixture: string; file: string[]; text: string }[] = [
    { fixture: 'jest-cjs', file: ['test', 'random.test.js'], text: body('', 'test') },
    { fixture: 'vitest-ts', file: ['test', 'random.test.ts'], text: body("import { test } from 'vitest';\n", 'test') },
    { fixture: 'mocha-esm', file: ['test', 'random.spec.js'], text: body('', 'it') },
    { fixture: 'node-test-esm', file: ['test', 'random.test.js'], text: body("import { test } from 'node:test';\n", 'test') },
  ];
  for (const c of cases) {
    const file = fx(c.fixture, ...c.file);
    const p = detect(file);
    const s = scratchFor(p);
    s.setFile(file, c.text);
    const seen: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await runProjectTests(p, s, [file], RUN);
      assert.equal(r.end, 'completed', `${c.fixture}: ${r.error ?? r.outputTail}`);
      const name = r.results.find((x) => x.name.startsWith('r '))?.name;
      assert.ok(name, `${c.fixture}: ${JSON.stringify(r.results)}`);
      seen.push(name);
    }
    assert.equal(seen[0], seen[1], c.fixture);
    // Jest makes a fresh context per test file, node:test draws nothing itself: the file sees the
    // stream from the seed. Vitest and mocha draw a few numbers themselves first (the same ones every run).
    if (c.fixture === 'jest-cjs' || c.fixture === 'node-test-esm') assert.equal(seen[0], `r ${expected}`, c.fixture);
    s.remove();
  }
});

void test('run: a runner that is not installed, and a test file that fails to load, are data', { timeout: 60_000 }, async () => {
  const proj = path.join(tmpRoot, 'jest-missing');
  fs.mkdirSync(path.join(proj, 'test'), { recursive: true });
  fs.writeFileSync(path.join(proj, 'package.json'), JSON.stringify({ name: 'm', scripts: { test: 'jest' }, devDependencies: { jest: '29.7.0' } }));
  fs.writeFileSync(path.join(proj, 'test', 'a.test.js'), "test('a', () => {});\n");
  const p = detectFromRoot(proj);
  assert.ok(p);
  const r = await runProjectTests(p, createScratch(p, path.join(tmpRoot, 'scratch-missing')), [path.join(proj, 'test', 'a.test.js')], RUN);
  assert.equal(r.end, 'crashed');
  assert.match(r.error ?? '', /jest is not installed/);

  const target = fx('node-test-esm', 'src', 'duration.js');
  const np = detect(target);
  const s = scratchFor(np);
  s.setFile(target, 'export function parseDuration( {\n');
  const syntax = await runProjectTests(np, s, [fx('node-test-esm', 'test', 'duration.test.js')], RUN);
  assert.equal(syntax.end, 'crashed');
  assert.match(syntax.error ?? '', /SyntaxError/);
});

// ---- confinement --------------------------------------------------------------------------------

void test('run: a hostile test file cannot write outside the scratch, connect, or spawn; an endless loop times out', { timeout: 60_000 }, async () => {
  const proj = path.join(tmpRoot, 'hostile');
  fs.mkdirSync(path.join(proj, 'test'), { recursive: true });
  fs.writeFileSync(path.join(proj, 'package.json'), JSON.stringify({ name: 'h', type: 'module', scripts: { test: 'node --test' } }));
  const outside = path.join(tmpRoot, 'escaped.txt');
  const server = net.createServer((sock) => {
    connections++;
    sock.destroy();
  });
  let connections = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  fs.writeFileSync(
    path.join(proj, 'test', 'hostile.test.js'),
    `import { test } from 'node:test';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { spawnSync } from 'node:child_process';
test('writes outside', () => { fs.writeFileSync(${JSON.stringify(outside)}, 'pwned'); });
test('reads the user home', () => { fs.readFileSync(${JSON.stringify(path.join(os.homedir(), '.bashrc'))}); });
test('connects', async () => {
  await new Promise((resolve, reject) => {
    const s = net.connect(${port}, '127.0.0.1', () => { s.end(); resolve(); });
    s.on('error', reject);
  });
});
test('spawns', () => { const r = spawnSync('/bin/sh', ['-c', 'echo pwned > ${outside}']); if (r.error) throw r.error; });
test('harmless', () => {});
`,
  );
  fs.writeFileSync(path.join(proj, 'test', 'loop.test.js'), "import { test } from 'node:test';\ntest('loops', () => { for (;;) {} });\n");
  const before = treeHash(proj);
  const p = detectFromRoot(proj);
  assert.ok(p);
  const s = scratchFor(p);
  try {
    const r = await runProjectTests(p, s, [path.join(proj, 'test', 'hostile.test.js')], RUN);
    assert.equal(r.end, 'completed', r.error ?? r.outputTail);
    assert.deepEqual(names(r, 'passed'), ['test/hostile.test.js: harmless']);
    for (const n of ['writes outside', 'reads the user home', 'spawns']) assert.ok(names(r, 'failed').includes(`test/hostile.test.js: ${n}`), n);
    assert.match(r.results.find((x) => x.name === 'writes outside')?.message ?? '', /restricted|ERR_ACCESS_DENIED/);
    assert.match(r.results.find((x) => x.name === 'spawns')?.message ?? '', /restricted|ERR_ACCESS_DENIED/);
    assert.ok(!fs.existsSync(outside), 'the write outside the scratch happened');
    if (await networkNamespacePrefix(process.execPath)) {
      assert.equal(r.results.find((x) => x.name === 'connects')?.status, 'failed');
      assert.equal(connections, 0);
    }

    const t0 = performance.now();
    const loop = await runProjectTests(p, s, [path.join(proj, 'test', 'loop.test.js')], { ...RUN, timeoutMs: 3000 });
    assert.equal(loop.end, 'timeout');
    assert.ok(performance.now() - t0 < 10_000);

    const ac = new AbortController();
    setTimeout(() => ac.abort(), 500);
    const aborted = await runProjectTests(p, s, [path.join(proj, 'test', 'loop.test.js')], { ...RUN, signal: ac.signal });
    assert.equal(aborted.end, 'aborted');
    assert.equal(treeHash(proj), before);
  } finally {
    server.close();
  }
});
