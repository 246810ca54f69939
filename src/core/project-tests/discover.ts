/**
 * The runner's own list of test files: Hotpath asks the project's runner, from the project's
 * node_modules, in the project root, confined (no network, no writes to the project, a timeout):
 * - jest: `jest --listTests --json` (with the project's config);
 * - vitest (2.1 and newer): `vitest list --filesOnly --json=<file>`;
 * - mocha: its own option loader and file collector (lib/cli/options + lib/cli/collect-files),
 *   which read .mocharc.* / package.json exactly as `mocha` does (mocha has no list command);
 * - node:test: no list command in Node 20/22, so its documented default patterns (or the paths
 *   after `--test` in scripts.test).
 * When asking fails, the files come from reading the runner's config (configFallback) and
 * `fallback` says why, as data.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseYaml } from 'yaml';
import { oneLine } from '../errors';
import { silentLogger, type Logger } from '../logger';
import { runConfined, type ConfinedRun } from '../sandbox/confine';
import { installedPackageDir, installedVersion, readJson, type PackageJson } from './detect';
import { stripAnsi, testProcessEnv } from './run';
import { ancestorNodeModules } from './scratch';
import type { TestDiscovery, TestDiscoveryFallback, TestProject } from './types';

/** Directories never searched for test files. */
export const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'coverage', '.nyc_output', '.cache', '.next', '.nuxt', '.turbo', '.vite', '.svelte-kit', '.parcel-cache', '.hotpath']);
const MAX_WALK_FILES = 50_000;

export interface DiscoverOptions {
  nodePath: string;
  /** Limit of one ask, in ms (default 30 s). */
  timeoutMs?: number;
  /** Heap cap of the asked runner, in MiB (default 1024). */
  memoryMb?: number;
  signal?: AbortSignal;
  logger?: Logger;
  /** Skip the OS network namespace even when available (default false). */
  noNetworkNamespace?: boolean;
}

export interface DiscoveredTests {
  /** The runner's test files (absolute realpaths, sorted). */
  files: string[];
  discovery: TestDiscovery;
}

export const DISCOVER_DEFAULTS = { timeoutMs: 30_000, memoryMb: 1024 } as const;

/** The runner's test files of the project: asked from the runner, else read from its config. */
export async function discoverTestFiles(project: TestProject, opts: DiscoverOptions): Promise<DiscoveredTests> {
  const t0 = performance.now();
  const asked = await askRunner(project, opts);
  const wallMs = (): number => performance.now() - t0;
  if (asked.files) {
    return { files: normalize(project.root, asked.files), discovery: { source: 'runner', command: asked.command, fallback: null, wallMs: wallMs() } };
  }
  const files = configTestFiles(project);
  return { files, discovery: { source: 'config', command: asked.command, fallback: asked.fallback, wallMs: wallMs() } };
}

/** The runner's test files according to its config as read by Hotpath (no process started). */
export function configTestFiles(project: TestProject): string[] {
  const isTest = testFilePredicate(project);
  return normalize(project.root, listFiles(project.root).filter(isTest));
}

function normalize(root: string, files: string[]): string[] {
  const out = new Set<string>();
  for (const f of files) {
    const abs = path.resolve(root, f);
    try {
      if (fs.statSync(abs).isFile()) out.add(fs.realpathSync(abs));
    } catch {
      // a listed file that is gone: skip
    }
  }
  return [...out].sort();
}

// ---- asking the runner ----------------------------------------------------------------------------

interface Asked {
  files: string[] | null;
  /** The command line asked (runner-relative), null when nothing was started. */
  command: string | null;
  fallback: TestDiscoveryFallback | null;
}

interface AskPlan {
  command: string;
  args: string[];
  allowChildProcess: boolean;
  allowAddons: boolean;
  allowWorker: boolean;
  extraReads: string[];
  /** Reads the files from the finished process (stdout or the output file); throws when unusable. */
  read(run: ConfinedRun, outFile: string): string[];
}

function fallback(reason: TestDiscoveryFallback['reason'], detail: string): TestDiscoveryFallback {
  return { reason, detail: detail.slice(0, 300) };
}

async function askRunner(project: TestProject, opts: DiscoverOptions): Promise<Asked> {
  if (project.runner === 'node-test') {
    return { files: null, command: null, fallback: fallback('no-list-command', 'node --test has no option that lists its test files') };
  }
  const dir = installedPackageDir(project.root, project.runner);
  if (!dir) return { files: null, command: null, fallback: fallback('not-installed', `${project.runner} is not installed for ${project.root}`) };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-list-'));
  try {
    const plan = askPlan(project, fs.realpathSync(dir), work);
    if (typeof plan === 'string') return { files: null, command: null, fallback: fallback('unsupported-version', plan) };
    for (const d of ['home', 'tmp', 'cache']) fs.mkdirSync(path.join(work, d), { recursive: true });
    const root = fs.realpathSync(project.root);
    // The node_modules that really holds the runner (and, as installed, its dependencies) when it
    // lies outside the project (a symlinked node_modules). Node 20's permission model misbehaves
    // when a granted path lies inside another granted one, so only then.
    const reads = [root, fs.realpathSync(work), ...ancestorNodeModules(root)];
    const runnerModules = path.dirname(fs.realpathSync(dir));
    if (!reads.some((r) => runnerModules === r || runnerModules.startsWith(r + path.sep))) reads.push(runnerModules);
    const run = await runConfined({
      nodePath: opts.nodePath,
      args: plan.args,
      cwd: root,
      readPaths: [...reads, ...plan.extraReads],
      writePaths: [fs.realpathSync(work)],
      allowWorker: plan.allowWorker,
      allowChildProcess: plan.allowChildProcess,
      allowAddons: plan.allowAddons,
      env: testProcessEnv(work),
      timeoutMs: opts.timeoutMs ?? DISCOVER_DEFAULTS.timeoutMs,
      memoryMb: opts.memoryMb ?? DISCOVER_DEFAULTS.memoryMb,
      signal: opts.signal,
      logger: opts.logger ?? silentLogger,
      noNetworkNamespace: opts.noNetworkNamespace,
    });
    if (run.end === 'timeout') return { files: null, command: plan.command, fallback: fallback('timeout', `no answer within ${Math.round(run.wallMs)} ms`) };
    if (run.end === 'memory') return { files: null, command: plan.command, fallback: fallback('memory', 'over the memory limit') };
    if (run.end === 'aborted') return { files: null, command: plan.command, fallback: fallback('aborted', 'aborted') };
    if (run.end === 'spawn-error') return { files: null, command: plan.command, fallback: fallback('spawn-error', run.stderr) };
    if (run.exitCode !== 0) {
      return { files: null, command: plan.command, fallback: fallback('exit-code', `exit ${run.exitCode ?? run.signal ?? '?'}: ${errorLine(run) ?? 'no message'}`) };
    }
    try {
      return { files: plan.read(run, path.join(work, 'out.json')), command: plan.command, fallback: null };
    } catch (e) {
      return { files: null, command: plan.command, fallback: fallback('bad-output', oneLine(e)) };
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The ask for the installed runner at `dir`, or a one-line reason why this version cannot be asked. */
function askPlan(project: TestProject, dir: string, work: string): AskPlan | string {
  const config = project.configFile;
  switch (project.runner) {
    case 'jest': {
      const bin = path.join(dir, 'bin', 'jest.js');
      if (!fs.existsSync(bin)) return `jest ${project.runnerVersion ?? '?'} has no bin/jest.js`;
      // --runInBand: no workers; no watchman (a child process); the haste map crawls with node's fs.
      const args = [bin, '--listTests', '--json', '--runInBand', '--no-watchman', '--ci', `--cacheDirectory=${path.join(work, 'cache')}`];
      if (config) args.push(`--config=${config}`);
      return {
        command: `jest --listTests --json${config ? ` --config=${path.basename(config)}` : ''}`,
        args,
        allowChildProcess: false,
        allowAddons: false,
        allowWorker: false,
        extraReads: [],
        read: (run) => stringArray(lastJsonLine(run.stdout, '['), 'jest --listTests'),
      };
    }
    case 'vitest': {
      const bin = path.join(dir, 'vitest.mjs');
      if (!fs.existsSync(bin)) return `vitest ${project.runnerVersion ?? '?'} has no vitest.mjs`;
      if (!versionAtLeast(project.runnerVersion, 2, 1)) return `vitest ${project.runnerVersion ?? '?'} has no 'list --filesOnly' (added in 2.1)`;
      // vite's default config loader writes the bundled config into node_modules/.vite-temp (the
      // project: not writable here); the 'runner' loader (vite 6.1+) evaluates it in memory.
      const vite = installedVersion(project.root, 'vite');
      if (!versionAtLeast(vite, 6, 1)) return `vite ${vite ?? '?'} cannot load the config without writing into node_modules (needs vite 6.1+ for --configLoader=runner)`;
      const out = path.join(work, 'out.json');
      const args = [bin, 'list', '--filesOnly', `--json=${out}`, `--root=${project.root}`, '--configLoader=runner', '--watch=false', '--color=false'];
      if (config) args.push(`--config=${config}`);
      return {
        command: `vitest list --filesOnly --json${config ? ` --config=${path.basename(config)}` : ''}`,
        args,
        // vite transforms the config through esbuild's service (a child process) and rollup's native
        // parser (an addon); the runner loader registers module hooks (a worker thread). Only the
        // config is evaluated: --filesOnly never loads a test file.
        allowChildProcess: true,
        allowAddons: true,
        allowWorker: true,
        extraReads: workspaceRootProbes(project.root),
        read: (_run, file) => {
          const j = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
          if (!Array.isArray(j)) throw new Error('vitest list: not a JSON array');
          return j.map((e: unknown) => {
            const f = e && typeof e === 'object' ? (e as { file?: unknown }).file : undefined;
            if (typeof f !== 'string') throw new Error('vitest list: an entry without "file"');
            return f;
          });
        },
      };
    }
    case 'mocha': {
      const options = path.join(dir, 'lib', 'cli', 'options.js');
      const collect = path.join(dir, 'lib', 'cli', 'collect-files.js');
      if (!fs.existsSync(options) || !fs.existsSync(collect)) return `mocha ${project.runnerVersion ?? '?'} has no lib/cli/options.js and lib/cli/collect-files.js`;
      const script = path.join(work, 'mocha-list.cjs');
      fs.writeFileSync(script, mochaListScript(options, collect, path.join(work, 'out.json'), config));
      return {
        command: `mocha (its loadOptions + collect-files)${config ? ` --config=${path.basename(config)}` : ''}`,
        args: [script],
        allowChildProcess: false,
        allowAddons: false,
        allowWorker: false,
        extraReads: [],
        read: (_run, file) => stringArray(JSON.parse(fs.readFileSync(file, 'utf8')) as unknown, 'mocha collect-files'),
      };
    }
    case 'node-test':
      return 'node --test has no list command';
  }
}

/**
 * A CommonJS script that lists mocha's test files the way `mocha` does: loadOptions() reads the
 * rc file, package.json "mocha" and the defaults; collect-files expands spec/extension/recursive/ignore.
 */
function mochaListScript(options: string, collect: string, out: string, config: string | null): string {
  return `'use strict';
const fs = require('node:fs');
const { loadOptions } = require(${JSON.stringify(options)});
const collect = require(${JSON.stringify(collect)});
const o = loadOptions(${JSON.stringify(config ? ['--config', config] : [])});
const list = (v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]).map(String);
const spec = list(o._).length ? list(o._) : ['./test'];
const r = collect({ ignore: list(o.ignore), extension: list(o.extension), file: list(o.file), recursive: Boolean(o.recursive), sort: Boolean(o.sort), spec });
const files = Array.isArray(r) ? r : r.files;
fs.writeFileSync(${JSON.stringify(out)}, JSON.stringify(files));
`;
}

function stringArray(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new Error(`${what}: not a JSON array of paths`);
  return v as string[];
}

/** The last stdout line that parses as JSON and starts with `open` (runners may log before it). */
function lastJsonLine(stdout: string, open: string): unknown {
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith(open));
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      return JSON.parse(lines[i] as string) as unknown;
    } catch {
      // an earlier line
    }
  }
  throw new Error(`no JSON in the output${stdout.trim() ? `: ${oneLine(stdout).slice(0, 120)}` : ''}`);
}

function errorLine(run: ConfinedRun): string | null {
  const lines = stripAnsi(`${run.stderr}\n${run.stdout}`)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return (
    lines.find((l) => /^(\w*Error|ERR_[A-Z_]+)\b[:\s]/.test(l)) ??
    lines.find((l) => /\b(Error|ERR_[A-Z_]+)\b|error:|Cannot find|not found/i.test(l) && !/^at /.test(l) && !/⎯/.test(l)) ??
    lines[0] ??
    null
  );
}

export function versionAtLeast(version: string | null, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return false;
  const [maj, min] = [Number(m[1]), Number(m[2])];
  return maj > major || (maj === major && min >= minor);
}

/** The files vite checks in each ancestor of `root` to find a workspace root (readable under Node 20's permission model). */
export function workspaceRootProbes(root: string): string[] {
  const names = ['.git', 'lerna.json', 'pnpm-workspace.yaml', '.yarnrc.yml', 'rush.json', 'bun.lockb', 'bun.lock', 'package.json'];
  const out: string[] = [];
  let dir = path.dirname(fs.realpathSync(root));
  for (;;) {
    for (const n of names) out.push(path.join(dir, n));
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return out;
}

// ---- the config, as Hotpath reads it (fallback) ----------------------------------------------------

function toRel(root: string, f: string): string {
  return path.relative(root, f).split(path.sep).join('/');
}

/** Every regular file under `root`, skipping node_modules, VCS and cache directories (symlinks not followed). */
export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= MAX_WALK_FILES) return;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(p);
      } else if (e.isFile()) out.push(p);
    }
  };
  walk(root);
  return out;
}

/** picomatch with the options the runners use (dotfiles matched, as jest and vitest do). */
function matcher(patterns: string[]): (rel: string) => boolean {
  if (patterns.length === 0) return () => false;
  return picomatch(patterns.map(stripDot), { dot: true });
}

function stripDot(p: string): string {
  let s = p.replace(/\\/g, '/');
  while (s.startsWith('./')) s = s.slice(2);
  return s;
}

/** A predicate on absolute paths: is this one of the runner's test files, by its config as Hotpath reads it? */
export function testFilePredicate(project: TestProject): (abs: string) => boolean {
  const root = project.root;
  const rel = (f: string): string => toRel(root, f);
  switch (project.runner) {
    case 'jest':
      return jestPredicate(project);
    case 'vitest': {
      const { include, exclude } = vitestPatterns(project);
      const inc = matcher(include);
      const exc = matcher(exclude);
      return (f) => inc(rel(f)) && !exc(rel(f));
    }
    case 'mocha': {
      const { spec, recursive, extensions, ignore } = mochaSpec(project);
      const ign = matcher(ignore);
      const globs = spec.filter((s) => picomatch.scan(s).isGlob);
      const globMatch = matcher(globs);
      const plain = spec.filter((s) => !picomatch.scan(s).isGlob).map((s) => path.resolve(root, s));
      return (f) => {
        const r = rel(f);
        if (ign(r)) return false;
        if (globMatch(r)) return true;
        return plain.some((abs) => {
          if (abs === f) return true;
          // A directory spec: its files with the given extensions (recursive with --recursive).
          const inDir = f.startsWith(abs + path.sep) && (recursive || path.dirname(f) === abs);
          return inDir && extensions.some((x) => f.endsWith(`.${x.replace(/^\./, '')}`));
        });
      };
    }
    case 'node-test': {
      const m = matcher(nodeTestPatterns(project));
      return (f) => m(rel(f));
    }
  }
}

function jestConfigObject(project: TestProject): Record<string, unknown> | null {
  if (project.configFile?.endsWith('.json')) {
    const j = readJsonc(project.configFile);
    return j && typeof j === 'object' ? (j as Record<string, unknown>) : null;
  }
  if (project.configFile) return null;
  const pkg = readJson(path.join(project.root, 'package.json')) as PackageJson | null;
  const j = pkg?.jest;
  return j && typeof j === 'object' ? (j as Record<string, unknown>) : null;
}

function stringList(v: unknown): string[] | null {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return null;
}

/** Jest: testMatch / testRegex / roots / testPathIgnorePatterns from a JSON config or package.json, else the defaults. */
function jestPredicate(project: TestProject): (abs: string) => boolean {
  const root = project.root;
  const cfg = jestConfigObject(project) ?? {};
  const rootDir = typeof cfg.rootDir === 'string' ? path.resolve(root, cfg.rootDir) : root;
  const sub = (s: string): string => s.replace(/<rootDir>/g, rootDir);
  const roots = (stringList(cfg.roots) ?? ['<rootDir>']).map((r) => path.resolve(root, sub(r)));
  const ignore = (stringList(cfg.testPathIgnorePatterns) ?? ['/node_modules/']).map((p) => new RegExp(sub(p)));
  const regexes = stringList(cfg.testRegex)?.map((r) => new RegExp(r)) ?? null;
  const matches = (stringList(cfg.testMatch) ?? ['**/__tests__/**/*.[jt]s?(x)', '**/?(*.)+(spec|test).[jt]s?(x)']).map(sub);
  // Like jest: absolute patterns match the absolute path, relative ones ('**/...') anywhere below rootDir.
  const abs = matcher(matches.filter((m) => path.isAbsolute(m)).map((m) => m.replace(/^\//, '')));
  const relm = matcher(matches.filter((m) => !path.isAbsolute(m)));
  return (f) => {
    if (!roots.some((r) => f === r || f.startsWith(r + path.sep))) return false;
    const posix = f.split(path.sep).join('/');
    if (ignore.some((re) => re.test(posix))) return false;
    if (regexes) return regexes.some((re) => re.test(posix));
    return abs(posix.replace(/^\//, '')) || relm(toRel(rootDir, f));
  };
}

/** Vitest: `include` / `exclude` string arrays in the config's text where present, else the defaults. */
function vitestPatterns(project: TestProject): { include: string[]; exclude: string[] } {
  let text = '';
  try {
    if (project.configFile) text = fs.readFileSync(project.configFile, 'utf8');
  } catch {
    text = '';
  }
  const arr = (key: string): string[] | null => {
    const m = new RegExp(`\\b${key}\\s*:\\s*\\[([^\\]]*)\\]`).exec(text);
    if (!m) return null;
    const items = [...(m[1] as string).matchAll(/(['"`])((?:(?!\1).)*)\1/g)].map((x) => x[2] as string);
    return items.length > 0 ? items : null;
  };
  return {
    include: arr('include') ?? ['**/*.{test,spec}.?(c|m)[jt]s?(x)'],
    exclude: [...(arr('exclude') ?? []), '**/node_modules/**', '**/dist/**', '**/.{idea,git,cache,output,temp}/**'],
  };
}

function readJsonc(file: string): unknown {
  try {
    return parseJsonc(fs.readFileSync(file, 'utf8'), [], { allowTrailingComma: true }) as unknown;
  } catch {
    return null;
  }
}

/** Mocha: `spec`, `recursive`, `extension`, `ignore` from .mocharc.json(c)/.yml or package.json "mocha", else ./test. */
export function mochaSpec(project: TestProject): { spec: string[]; recursive: boolean; extensions: string[]; ignore: string[] } {
  let cfg: Record<string, unknown> = {};
  const file = project.configFile;
  let parsed: unknown = null;
  if (file && /\.jsonc?$/.test(file)) parsed = readJsonc(file);
  else if (file && /\.ya?ml$/.test(file)) {
    try {
      parsed = parseYaml(fs.readFileSync(file, 'utf8')) as unknown;
    } catch {
      parsed = null;
    }
  } else if (!file) parsed = (readJson(path.join(project.root, 'package.json')) as PackageJson | null)?.mocha ?? null;
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) cfg = parsed as Record<string, unknown>;
  return {
    spec: stringList(cfg.spec) ?? ['./test'],
    recursive: cfg.recursive === true,
    extensions: stringList(cfg.extension) ?? ['js', 'cjs', 'mjs'],
    ignore: stringList(cfg.ignore) ?? [],
  };
}

/** node:test: the paths/globs after `--test` in scripts.test, else Node's default patterns. */
function nodeTestPatterns(project: TestProject): string[] {
  const pkg = readJson(path.join(project.root, 'package.json')) as PackageJson | null;
  const script = typeof pkg?.scripts?.test === 'string' ? pkg.scripts.test : '';
  const words = script.split(/\s+/);
  const at = words.findIndex((w) => w === '--test');
  const explicit: string[] = [];
  if (at >= 0) {
    for (const w of words.slice(at + 1)) {
      if (w === '&&' || w === ';' || w === '||') break;
      if (w.startsWith('-')) continue;
      const s = w.replace(/^["']|["']$/g, '');
      const abs = path.resolve(project.root, s);
      if (!picomatch.scan(s).isGlob && fs.existsSync(abs) && fs.statSync(abs).isDirectory()) explicit.push(`${s.replace(/\/+$/, '')}/**/*.?(c|m)js`);
      else explicit.push(s);
    }
  }
  if (explicit.length > 0) return explicit;
  return ['**/*.test.?(c|m)js', '**/*-test.?(c|m)js', '**/*_test.?(c|m)js', '**/test-*.?(c|m)js', '**/test.?(c|m)js', '**/test/**/*.?(c|m)js'];
}
