/**
 * Runs chosen test files of the user's project with its own runner and config, on a scratch
 * copy, in ONE confined node process (see confine.ts), and parses the runner's machine-readable
 * output into TestCaseResults.
 *
 * Per runner:
 * - jest: `jest --runInBand --ci --json --outputFile` with `--cacheDirectory` in the scratch,
 *   `--no-watchman`; no workers, no child processes (jest-haste-map falls back to its node
 *   crawler when it cannot spawn `find`).
 * - vitest: `vitest run --pool=forks --poolOptions.forks.singleFork --reporter=json --outputFile --no-cache`
 *   (no results cache: the file order, and so the seeded Math.random stream, is the same every run).
 *   EXCEPTION: child processes are allowed, because vite transforms TS and bundles the config
 *   through esbuild's native service (a child process), and vitest never runs test files in its
 *   main process (the single fork inherits node's permission flags through execArgv); and native
 *   addons are allowed, because vite's bundler rollup 4 loads its parser as a native addon
 *   (@rollup/rollup-<platform>). Workers stay denied. The esbuild binary itself is not under node's permission model; the network
 *   namespace, process-group kill and scrubbed env still cover it.
 * - mocha: `bin/mocha.js` in-process (no node flags for it to re-spawn with), `--no-parallel`,
 *   `--exit`, and a small reporter that appends JSON lines to a file.
 * - node:test: a generated entry module importing the test files, run directly by node (not
 *   `node --test`, so no child processes), with `--test-reporter` = a small reporter that writes
 *   JSON lines to `--test-reporter-destination` (Node 20 and 22 both support both flags).
 *
 * Every run preloads seed-random.ts (NODE_OPTIONS=--require): Math.random is a fixed-seed PRNG,
 * the same stream for the original and each candidate.
 *
 * The process may read the project root, the scratch dir, node_modules above the project (monorepos)
 * and write only the scratch dir; HOME and TMPDIR point into the scratch.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { silentLogger, type Logger } from '../logger';
import { MINIMAL_PATH } from '../sandbox/nodeinfo';
import { runConfined, type ConfinedRun } from '../sandbox/confine';
import { installedPackageDir } from './detect';
import { workspaceRootProbes } from './discover';
import { ancestorNodeModules, type Scratch } from './scratch';
import { preloadNodeOptions, SEED_RANDOM_PRELOAD } from './seed-random';
import type { TestCaseResult, TestProject, TestRunResult } from './types';
import { stripVTControlCharacters } from 'node:util';

export interface RunProjectTestsOptions {
  nodePath: string;
  /** Wall-clock limit of the whole run, in ms. */
  timeoutMs: number;
  /** Heap cap in MiB (the RSS limit is derived from it, see rssLimitMb). */
  memoryMb: number;
  signal?: AbortSignal;
  logger?: Logger;
  /** Extra environment variables for the runner (on top of the scrubbed base). */
  env?: Record<string, string>;
  /** Skip the OS network namespace even when available (default false). */
  noNetworkNamespace?: boolean;
}

/** Where the run's own files go inside the scratch. */
const WORK = '.hotpath';

interface Plan {
  args: string[];
  /** Extra single files the runner must be able to read (beyond the project, scratch and ancestor node_modules). */
  extraReads?: string[];
  allowWorker: boolean;
  allowChildProcess: boolean;
  allowAddons: boolean;
  resultsFile: string;
  parse(text: string): TestCaseResult[];
}

/**
 * Runs exactly `files` (absolute paths in the project or in the scratch) with the project's
 * runner in the scratch copy. Expected failures (timeout, crash, config error, runner not
 * installed) are TestRunResult data; only infrastructure faults (no usable node) throw.
 */
export async function runProjectTests(project: TestProject, scratch: Scratch, files: string[], opts: RunProjectTestsOptions): Promise<TestRunResult> {
  const logger = opts.logger ?? silentLogger;
  const work = path.join(scratch.root, WORK);
  fs.rmSync(work, { recursive: true, force: true });
  for (const d of ['home', 'tmp', 'cache']) fs.mkdirSync(path.join(work, d), { recursive: true });
  const scratchFiles = files.map((f) => (f.startsWith(scratch.root + path.sep) ? f : scratch.pathOf(f)));

  let plan: Plan | string;
  try {
    plan = makePlan(project, scratch, scratchFiles, work);
  } catch (e) {
    plan = e instanceof Error ? e.message : String(e);
  }
  if (typeof plan === 'string') return { end: 'crashed', results: [], error: plan, wallMs: 0, outputTail: '' };
  if (scratchFiles.length === 0) return { end: 'completed', results: [], error: null, wallMs: 0, outputTail: '' };

  // The same seeded Math.random stream in every run (see seed-random.ts).
  const preload = path.join(work, 'seed-random.cjs');
  fs.writeFileSync(preload, SEED_RANDOM_PRELOAD);
  const readPaths = [fs.realpathSync(project.root), fs.realpathSync(scratch.root), ...ancestorNodeModules(fs.realpathSync(project.root)), ...(plan.extraReads ?? [])];
  const env: Record<string, string> = {
    ...testProcessEnv(work),
    ...(opts.env ?? {}),
  };
  env.NODE_OPTIONS = preloadNodeOptions(preload, opts.env?.NODE_OPTIONS);
  const run = await runConfined({
    nodePath: opts.nodePath,
    args: plan.args,
    cwd: scratch.root,
    readPaths,
    writePaths: [fs.realpathSync(scratch.root)],
    allowWorker: plan.allowWorker,
    allowChildProcess: plan.allowChildProcess,
    allowAddons: plan.allowAddons,
    env,
    timeoutMs: opts.timeoutMs,
    memoryMb: opts.memoryMb,
    signal: opts.signal,
    logger,
    noNetworkNamespace: opts.noNetworkNamespace,
  });
  return toResult(run, plan, scratch.root);
}

/** Turns the process outcome and the results file into a TestRunResult. */
function toResult(run: ConfinedRun, plan: Plan, scratchRoot: string): TestRunResult {
  const outputTail = lastLines(stripAnsi(run.tail), 40);
  let results: TestCaseResult[] = [];
  let parseError: string | null = null;
  try {
    const text = fs.readFileSync(plan.resultsFile, 'utf8');
    results = plan.parse(text).map((r) => ({ ...r, file: relFile(scratchRoot, r.file) }));
  } catch (e) {
    parseError = e instanceof Error && (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no results file' : `unreadable results (${e instanceof Error ? e.message : String(e)})`;
  }
  const base = { results, wallMs: run.wallMs, outputTail };
  if (run.end === 'timeout') return { ...base, end: 'timeout', error: `timed out after ${Math.round(run.wallMs)} ms` };
  if (run.end === 'memory') return { ...base, end: 'memory', error: `over the memory limit (peak RSS ${run.peakRssMb?.toFixed(0) ?? '?'} MiB)` };
  if (run.end === 'aborted') return { ...base, end: 'aborted', error: 'aborted' };
  if (run.end === 'spawn-error') return { ...base, end: 'crashed', error: `could not start node: ${run.stderr}` };
  if (parseError !== null || (results.length === 0 && run.exitCode !== 0)) {
    return { ...base, end: 'crashed', error: crashLine(run) ?? `the runner exited with ${run.exitCode ?? run.signal ?? '?'} (${parseError ?? 'no results'})` };
  }
  return { ...base, end: 'completed', error: null };
}

/** The runner's own one-line error from its output (the first line that looks like an error). */
function crashLine(run: ConfinedRun): string | null {
  const text = stripAnsi(`${run.stderr}\n${run.stdout}`);
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const err =
    lines.find((l) => /^(\w*Error|ERR_[A-Z_]+)\b[:\s]/.test(l)) ??
    lines.find((l) => /\b(Error|ERR_[A-Z_]+)\b|error:|Cannot find|failed to load|not found/i.test(l) && !/^at /.test(l));
  return err ? err.slice(0, 300) : null;
}

function relFile(scratchRoot: string, file: string): string {
  const abs = file.startsWith('file://') ? new URL(file).pathname : file;
  if (!path.isAbsolute(abs)) return abs.split(path.sep).join('/');
  let root = scratchRoot;
  try {
    root = fs.realpathSync(scratchRoot);
  } catch {
    // keep
  }
  const base = abs.startsWith(root + path.sep) ? root : scratchRoot;
  return path.relative(base, abs).split(path.sep).join('/');
}

// ---- plans per runner ---------------------------------------------------------------------------

function makePlan(project: TestProject, scratch: Scratch, files: string[], work: string): Plan {
  const configIn = project.configFile ? scratch.pathOf(project.configFile) : null;
  switch (project.runner) {
    case 'jest': {
      const bin = runnerBin(project, 'jest', 'bin/jest.js');
      const resultsFile = path.join(work, 'jest.json');
      const args = [bin, '--runInBand', '--ci', '--no-watchman', '--json', `--outputFile=${resultsFile}`, `--cacheDirectory=${path.join(work, 'cache')}`, '--forceExit', '--colors=false'];
      if (configIn) args.push(`--config=${configIn}`);
      args.push('--runTestsByPath', ...files);
      return { args, allowWorker: false, allowChildProcess: false, allowAddons: false, resultsFile, parse: parseJestJson };
    }
    case 'vitest': {
      const bin = runnerBin(project, 'vitest', 'vitest.mjs');
      const resultsFile = path.join(work, 'vitest.json');
      const args = [bin, 'run', `--root=${scratch.root}`, '--reporter=json', `--outputFile=${resultsFile}`, '--pool=forks', '--poolOptions.forks.singleFork', '--no-file-parallelism', '--watch=false', '--color=false', '--no-cache'];
      if (configIn) args.push(`--config=${configIn}`);
      args.push(...files);
      // vite's searchForWorkspaceRoot probes these files in every ancestor of the root; under
      // Node 20's permission model existsSync throws instead of returning false, so exactly these
      // (file) paths are readable too.
      return { args, extraReads: workspaceRootProbes(scratch.root), allowWorker: false, allowChildProcess: true, allowAddons: true, resultsFile, parse: parseJestJson };
    }
    case 'mocha': {
      const bin = runnerBin(project, 'mocha', 'bin/mocha.js');
      const resultsFile = path.join(work, 'mocha.jsonl');
      const reporter = path.join(work, 'mocha-reporter.cjs');
      fs.writeFileSync(reporter, MOCHA_REPORTER);
      const args = [bin, '--reporter', reporter, '--reporter-option', `output=${resultsFile}`, '--no-parallel', '--exit', '--no-color'];
      // Mocha merges positional (and --spec) files with the config's `spec`, so the run gets a
      // derived config: the project's options with `spec` replaced by exactly `files`.
      args.push('--config', mochaConfigFor(project, configIn, files, work));
      if (!project.configFile) args.push('--no-package');
      return { args, allowWorker: false, allowChildProcess: false, allowAddons: false, resultsFile, parse: parseJsonLines };
    }
    case 'node-test': {
      const resultsFile = path.join(work, 'node-test.jsonl');
      const reporter = path.join(work, 'node-test-reporter.mjs');
      const entry = path.join(work, 'entry.mjs');
      fs.writeFileSync(reporter, NODE_TEST_REPORTER);
      fs.writeFileSync(entry, files.map((f) => `await import(${JSON.stringify(pathToFileURL(f).href)});\n`).join(''));
      const args = [`--test-reporter=${pathToFileURL(reporter).href}`, `--test-reporter-destination=${resultsFile}`, entry];
      return { args, allowWorker: false, allowChildProcess: false, allowAddons: false, resultsFile, parse: parseJsonLines };
    }
  }
}

/**
 * Writes a mocha config with the project's options and `spec` = `files`: a JSON copy for
 * .mocharc.json(c) and package.json "mocha", a CommonJS wrapper for .mocharc.js/.cjs. (YAML
 * configs are used as they are; their `spec` then adds files to the run.)
 */
function mochaConfigFor(project: TestProject, configIn: string | null, files: string[], work: string): string {
  if (configIn && /\.(c?js)$/.test(configIn)) {
    const f = path.join(work, 'mocharc.cjs');
    fs.writeFileSync(f, `const c = require(${JSON.stringify(configIn)});\nmodule.exports = { ...c, spec: ${JSON.stringify(files)} };\n`);
    return f;
  }
  if (configIn && /\.ya?ml$/.test(configIn)) return configIn;
  let base: Record<string, unknown> = {};
  try {
    if (configIn && /\.jsonc?$/.test(configIn)) base = JSON.parse(fs.readFileSync(configIn, 'utf8').replace(/^\s*\/\/.*$/gm, '')) as Record<string, unknown>;
    else if (!configIn) {
      const pkg = JSON.parse(fs.readFileSync(path.join(project.root, 'package.json'), 'utf8')) as { mocha?: unknown };
      if (pkg.mocha && typeof pkg.mocha === 'object') base = pkg.mocha as Record<string, unknown>;
    }
  } catch {
    base = {};
  }
  const f = path.join(work, 'mocharc.json');
  fs.writeFileSync(f, JSON.stringify({ ...base, spec: files }));
  return f;
}

/** The runner's entry script as installed for the project; throws a one-line message when it is not installed. */
function runnerBin(project: TestProject, pkg: string, rel: string): string {
  const dir = installedPackageDir(project.root, pkg);
  if (!dir) throw new Error(`${pkg} is not installed in ${project.root} (run npm install there).`);
  const bin = path.join(fs.realpathSync(dir), rel);
  if (!fs.existsSync(bin)) throw new Error(`${pkg} ${project.runnerVersion ?? ''} has no ${rel}: unsupported version.`);
  return bin;
}

// ---- parsing ------------------------------------------------------------------------------------

/** Jest's --json output (vitest's json reporter writes the same shape). */
export function parseJestJson(text: string): TestCaseResult[] {
  const j = JSON.parse(text) as {
    testResults?: { name?: string; message?: string; status?: string; assertionResults?: { ancestorTitles?: string[]; title?: string; status?: string; failureMessages?: string[] }[] }[];
  };
  const out: TestCaseResult[] = [];
  for (const file of j.testResults ?? []) {
    const name = file.name ?? '';
    const cases = file.assertionResults ?? [];
    for (const a of cases) {
      const status = a.status === 'passed' ? 'passed' : a.status === 'failed' ? 'failed' : 'skipped';
      out.push({ file: name, name: [...(a.ancestorTitles ?? []), a.title ?? ''].join(' > '), status, message: status === 'failed' ? firstLines(a.failureMessages?.[0] ?? 'failed') : null });
    }
    // A file that failed to run (syntax error, import error, failing hook outside tests).
    if (file.status === 'failed' && !cases.some((c) => c.status === 'failed')) {
      out.push({ file: name, name: FILE_ERROR_NAME, status: 'failed', message: firstLines(file.message || 'the test file failed to run') });
    }
  }
  return out;
}

/** The name of the synthetic failed case for a test file that could not run. */
export const FILE_ERROR_NAME = '(test file failed to run)';

/** The JSON lines the generated mocha and node:test reporters write: one TestCaseResult each. */
export function parseJsonLines(text: string): TestCaseResult[] {
  const out: TestCaseResult[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const r = JSON.parse(line) as { file?: string; name?: string; status?: string; message?: string | null };
    const status = r.status === 'passed' || r.status === 'failed' ? r.status : 'skipped';
    out.push({ file: r.file ?? '', name: r.name ?? '', status, message: status === 'failed' ? firstLines(r.message ?? 'failed') : null });
  }
  return out;
}

/** The first non-empty lines of a failure message, before the stack, ANSI codes removed. */
export function firstLines(msg: string, max = 4): string {
  const lines: string[] = [];
  for (const raw of stripAnsi(msg).split('\n')) {
    const l = raw.trimEnd();
    if (/^\s*at\s/.test(l)) break;
    if (l.trim() === '') continue;
    lines.push(l.trim());
    if (lines.length >= max) break;
  }
  return lines.join('\n') || 'failed';
}

/** Text without ANSI escape sequences (colours, cursor moves, OSC hyperlinks), as Node strips them. */
export function stripAnsi(s: string): string {
  return stripVTControlCharacters(s);
}

function lastLines(s: string, n: number): string {
  const lines = s.split('\n');
  return lines.slice(Math.max(0, lines.length - n)).join('\n');
}

// ---- generated reporters ------------------------------------------------------------------------

/** A mocha reporter (CommonJS) that appends one JSON line per test outcome to `--reporter-option output=<file>`. */
const MOCHA_REPORTER = String.raw`'use strict';
const fs = require('fs');
module.exports = function HotpathReporter(runner, options) {
  const out = (options && options.reporterOptions && options.reporterOptions.output) || 'mocha.jsonl';
  fs.writeFileSync(out, '');
  const titles = (t) => (typeof t.titlePath === 'function' ? t.titlePath() : [t.fullTitle()]).filter((x) => x !== '');
  const write = (t, status, err) => {
    const message = err ? String((err && err.message) || err) : null;
    fs.appendFileSync(out, JSON.stringify({ file: t.file || '', name: titles(t).join(' > '), status, message }) + '\n');
  };
  runner.on('pass', (t) => write(t, 'passed', null));
  runner.on('fail', (t, err) => write(t, 'failed', err));
  runner.on('pending', (t) => write(t, 'skipped', null));
};
`;

/**
 * A node:test reporter (ESM async generator) yielding one JSON line per test outcome. Full
 * names come from the test:start nesting; suites report only their own failures (hooks), not
 * "N subtests failed".
 */
const NODE_TEST_REPORTER = String.raw`export default async function* hotpathReporter(source) {
  const stack = [];
  for await (const ev of source) {
    const d = ev.data || {};
    if (ev.type === 'test:start') {
      stack.length = d.nesting;
      stack[d.nesting] = d.name;
      continue;
    }
    if (ev.type !== 'test:pass' && ev.type !== 'test:fail') continue;
    const details = d.details || {};
    const names = stack.slice(0, d.nesting);
    names.push(d.name);
    const name = names.join(' > ');
    if (details.type === 'suite') {
      if (ev.type === 'test:pass') continue;
      const e = details.error;
      if (e && (e.failureType === 'subtestsFailed' || (e.cause && e.cause.failureType === 'subtestsFailed'))) continue;
    }
    let status = ev.type === 'test:pass' ? 'passed' : 'failed';
    if (d.skip !== undefined || d.todo !== undefined) status = 'skipped';
    let message = null;
    if (status === 'failed') {
      const e = details.error;
      const cause = e && e.cause !== undefined ? e.cause : e;
      message = cause && typeof cause === 'object' && 'message' in cause ? String(cause.message) : String(cause);
    }
    yield JSON.stringify({ file: d.file || '', name, status, message }) + '\n';
  }
}
`;

/**
 * The scrubbed environment of a process that runs the project's test runner (a test run, or
 * asking the runner for its test files): no secrets, caches and temp files under `work`.
 */
export function testProcessEnv(work: string): Record<string, string> {
  return {
    PATH: MINIMAL_PATH,
    LANG: 'C',
    HOME: path.join(work, 'home'),
    TMPDIR: path.join(work, 'tmp'),
    TMP: path.join(work, 'tmp'),
    TEMP: path.join(work, 'tmp'),
    CI: 'true',
    NODE_ENV: 'test',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
}
