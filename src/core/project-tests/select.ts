/**
 * Picks the project's test files that exercise a target: the runner's test files (its config
 * where practical, else its documented defaults) that import the target's module directly or
 * through other project-local modules.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { globMatch } from './glob';
import { readJson, type PackageJson } from './detect';
import type { TestProject } from './types';

/** Directories never searched for test files or followed by the import graph. */
const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'coverage', '.nyc_output', '.cache', '.next', '.nuxt', '.turbo', '.vite', '.svelte-kit', '.parcel-cache', '.hotpath']);
const MAX_WALK_FILES = 50_000;
const SOURCE_EXTS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

export interface FindTestFilesOptions {
  /** `--tests <glob>` relative to the project root: the matching files, without the import filter. */
  glob?: string;
}

/** The runner's test files that reach `targetFile` through static imports (absolute, sorted). */
export function findTestFiles(project: TestProject, targetFile: string, opts: FindTestFilesOptions = {}): string[] {
  const root = project.root;
  const all = listFiles(root);
  if (opts.glob !== undefined) {
    return all.filter((f) => globMatch(opts.glob as string, toRel(root, f))).sort();
  }
  const isTest = testFilePredicate(project);
  const target = realpath(path.resolve(targetFile));
  const graph = new ImportGraph(root);
  return all.filter((f) => isTest(f) && realpath(f) !== target && graph.reaches(f, target)).sort();
}

/** All the runner's test files of the project (absolute, sorted), without the import filter. */
export function listTestFiles(project: TestProject): string[] {
  const isTest = testFilePredicate(project);
  return listFiles(project.root).filter(isTest).sort();
}

function toRel(root: string, f: string): string {
  return path.relative(root, f).split(path.sep).join('/');
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** Every regular file under `root`, skipping node_modules, VCS and cache directories (symlinks not followed). */
function listFiles(root: string): string[] {
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

// ---- which files are test files -----------------------------------------------------------------

/** A predicate on absolute paths: is this one of the runner's test files? */
export function testFilePredicate(project: TestProject): (abs: string) => boolean {
  const root = project.root;
  const rel = (f: string): string => toRel(root, f);
  switch (project.runner) {
    case 'jest':
      return jestPredicate(project);
    case 'vitest': {
      const { include, exclude } = vitestPatterns(project);
      return (f) => {
        const r = rel(f);
        return include.some((g) => globMatch(g, r)) && !exclude.some((g) => globMatch(g, r));
      };
    }
    case 'mocha': {
      const { spec, recursive, extensions } = mochaSpec(project);
      return (f) => {
        const r = rel(f);
        return spec.some((s) => {
          if (/[*?{[]/.test(s)) return globMatch(s, r);
          const abs = path.resolve(root, s);
          if (abs === f) return true;
          // A directory spec: its files with the given extensions (recursive with --recursive).
          const inDir = f.startsWith(abs + path.sep) && (recursive || path.dirname(f) === abs);
          return inDir && extensions.some((x) => f.endsWith(`.${x}`));
        });
      };
    }
    case 'node-test': {
      const patterns = nodeTestPatterns(project);
      return (f) => patterns.some((g) => globMatch(g, rel(f)));
    }
  }
}

function jestConfigObject(project: TestProject): Record<string, unknown> | null {
  if (project.configFile?.endsWith('.json')) {
    const j = readJson(project.configFile);
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
  const matches = stringList(cfg.testMatch) ?? ['**/__tests__/**/*.[jt]s?(x)', '**/?(*.)+(spec|test).[jt]s?(x)'];
  return (f) => {
    if (!roots.some((r) => f === r || f.startsWith(r + path.sep))) return false;
    const posix = f.split(path.sep).join('/');
    if (ignore.some((re) => re.test(posix))) return false;
    if (regexes) return regexes.some((re) => re.test(posix));
    return matches.some((m) => {
      const pat = sub(m);
      // Absolute patterns (<rootDir>/...) match the absolute path; '**/' patterns match anywhere.
      if (path.isAbsolute(pat)) return globMatch(pat.replace(/^\//, ''), posix.replace(/^\//, ''));
      return globMatch(pat, toRel(rootDir, f));
    });
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

/** Mocha: `spec`, `recursive`, `extension` from .mocharc.json(c)/.yml or package.json "mocha", else ./test. */
function mochaSpec(project: TestProject): { spec: string[]; recursive: boolean; extensions: string[] } {
  let cfg: Record<string, unknown> = {};
  const file = project.configFile;
  if (file && /\.jsonc?$/.test(file)) {
    try {
      const text = fs.readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, '');
      cfg = (JSON.parse(text) as Record<string, unknown>) ?? {};
    } catch {
      cfg = {};
    }
  } else if (file && /\.ya?ml$/.test(file)) {
    cfg = simpleYaml(file);
  } else if (!file) {
    const pkg = readJson(path.join(project.root, 'package.json')) as PackageJson | null;
    if (pkg?.mocha && typeof pkg.mocha === 'object') cfg = pkg.mocha as Record<string, unknown>;
  }
  return {
    spec: stringList(cfg.spec) ?? ['./test'],
    recursive: cfg.recursive === true,
    extensions: stringList(cfg.extension) ?? ['js', 'cjs', 'mjs'],
  };
}

/** The `spec:` / `recursive:` / `extension:` keys of a flat YAML mocharc (strings, lists of strings, booleans). */
function simpleYaml(file: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return out;
  }
  let listKey: string | null = null;
  for (const line of text.split('\n')) {
    const item = /^\s+-\s*['"]?([^'"]+?)['"]?\s*$/.exec(line);
    if (item && listKey) {
      (out[listKey] as string[]).push(item[1] as string);
      continue;
    }
    const kv = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (!kv) continue;
    const key = kv[1] as string;
    const val = (kv[2] as string).trim().replace(/^['"]|['"]$/g, '');
    if (val === '') {
      out[key] = [];
      listKey = key;
    } else {
      listKey = null;
      out[key] = val === 'true' ? true : val === 'false' ? false : val.startsWith('[') ? val.slice(1, -1).split(',').map((s) => s.trim().replace(/^['"]|['"]$/g, '')) : val;
    }
  }
  return out;
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
      if (!/[*?{[]/.test(s) && fs.existsSync(abs) && fs.statSync(abs).isDirectory()) explicit.push(`${s.replace(/\/+$/, '')}/**/*.?(c|m)js`);
      else explicit.push(s);
    }
  }
  if (explicit.length > 0) return explicit;
  return ['**/*.test.?(c|m)js', '**/*-test.?(c|m)js', '**/*_test.?(c|m)js', '**/test-*.?(c|m)js', '**/test.?(c|m)js', '**/test/**/*.?(c|m)js'];
}

// ---- import graph ---------------------------------------------------------------------------------

/** Static import edges between project-local files, parsed lazily and cached. */
class ImportGraph {
  private readonly edges = new Map<string, string[]>();
  constructor(private readonly root: string) {}

  /** Whether `from` reaches `target` (a realpath) through project-local imports. */
  reaches(from: string, target: string): boolean {
    const seen = new Set<string>();
    const queue = [realpath(from)];
    while (queue.length > 0) {
      const f = queue.pop() as string;
      if (seen.has(f)) continue;
      seen.add(f);
      for (const dep of this.depsOf(f)) {
        if (dep === target) return true;
        if (!seen.has(dep)) queue.push(dep);
      }
    }
    return false;
  }

  private depsOf(file: string): string[] {
    let deps = this.edges.get(file);
    if (deps) return deps;
    deps = [];
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      text = '';
    }
    for (const spec of importSpecifiers(text)) {
      const resolved = resolveLocal(path.dirname(file), spec);
      if (resolved && isInside(this.root, resolved) && !resolved.split(path.sep).includes('node_modules')) deps.push(resolved);
    }
    this.edges.set(file, deps);
    return deps;
  }
}

function isInside(root: string, f: string): boolean {
  return f === root || f.startsWith(root + path.sep);
}

/** Relative module specifiers of static imports, re-exports, require() and import('literal'). */
export function importSpecifiers(source: string): string[] {
  const out = new Set<string>();
  const patterns = [
    /\bimport\s+(?:type\s+)?[^'"`;]*?\bfrom\s*(['"])([^'"]+)\1/g,
    /\bexport\s+(?:type\s+)?[^'"`;]*?\bfrom\s*(['"])([^'"]+)\1/g,
    /\bimport\s*(['"])([^'"]+)\1/g,
    /\brequire\s*\(\s*(['"])([^'"]+)\1\s*\)/g,
    /\bimport\s*\(\s*(['"])([^'"]+)\1\s*\)/g,
    // jest.mock('../x') / vi.mock('../x') with a real module path also ties the test to that module.
    /\b(?:jest|vi)\.(?:mock|requireActual|importActual)\s*\(\s*(['"])([^'"]+)\1/g,
  ];
  for (const re of patterns) {
    for (const m of source.matchAll(re)) {
      const s = m[2] as string;
      if (s.startsWith('.') || s.startsWith('/')) out.add(s);
    }
  }
  return [...out];
}

/**
 * Resolves a relative specifier the way TS/ESM tooling does: exact file, added extensions,
 * a `.js`/`.mjs`/`.cjs`/`.jsx` specifier naming a `.ts`/`.mts`/`.cts`/`.tsx` file, a directory's
 * index file. Returns a realpath, or null.
 */
export function resolveLocal(fromDir: string, spec: string): string | null {
  const base = path.resolve(fromDir, spec.split('?')[0] as string);
  const candidates: string[] = [];
  const swap: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'], '.jsx': ['.tsx'] };
  const ext = path.extname(base);
  candidates.push(base);
  for (const alt of swap[ext] ?? []) candidates.push(base.slice(0, -ext.length) + alt);
  for (const e of SOURCE_EXTS) candidates.push(base + e);
  for (const e of SOURCE_EXTS) candidates.push(path.join(base, `index${e}`));
  for (const c of candidates) {
    try {
      if (fs.statSync(c).isFile()) return realpath(c);
    } catch {
      // next
    }
  }
  return null;
}
