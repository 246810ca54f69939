/**
 * Recognizes the test runner of the project that owns a target file: Jest, Vitest, Mocha or
 * node:test, from config files, package.json keys, dependencies and `scripts.test`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TestProject, TestRunnerKind } from './types';

/** The parsed package.json (only the fields used here). */
export interface PackageJson {
  type?: unknown;
  scripts?: Record<string, unknown>;
  dependencies?: Record<string, unknown>;
  devDependencies?: Record<string, unknown>;
  jest?: unknown;
  mocha?: unknown;
  [key: string]: unknown;
}

const CONFIG_EXTS = ['js', 'cjs', 'mjs', 'ts', 'cts', 'mts', 'json'];
const RUNNER_PACKAGE: Record<Exclude<TestRunnerKind, 'node-test'>, string> = { jest: 'jest', vitest: 'vitest', mocha: 'mocha' };

/** Reads and parses `file` as JSON, null when missing or invalid. */
export function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

/** The nearest directory at or above `start` holding a package.json, or null. */
export function findPackageRoot(start: string): string | null {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * Detects the runner of the nearest package at or above `targetFile` that has one: in a monorepo,
 * a package without a test runner of its own is tested from an enclosing one (the workspace
 * root). Null when no package up to the filesystem root has a recognized runner.
 */
export function detectTestProject(targetFile: string): TestProject | null {
  const abs = path.resolve(targetFile);
  let dir: string | null = fs.existsSync(abs) && fs.statSync(abs).isDirectory() ? abs : path.dirname(abs);
  while (dir !== null) {
    const root = findPackageRoot(dir);
    if (!root) return null;
    const found = detectFromRoot(root);
    if (found) return found;
    const parent = path.dirname(root);
    dir = parent === root ? null : parent;
  }
  return null;
}

/** Detects the runner of the package at `root` (a directory with a package.json). Null when none is recognized. */
export function detectFromRoot(root: string): TestProject | null {
  const absRoot = path.resolve(root);
  const pkg = readJson(path.join(absRoot, 'package.json'));
  if (!pkg || typeof pkg !== 'object') return null;
  const p = pkg as PackageJson;
  const moduleType = p.type === 'module' ? 'esm' : 'cjs';
  const deps = { ...asRecord(p.dependencies), ...asRecord(p.devDependencies) };
  const testScript = typeof p.scripts?.test === 'string' ? p.scripts.test : '';
  const make = (runner: TestRunnerKind, configFile: string | null, detectedFrom: string): TestProject => ({
    root: absRoot,
    runner,
    runnerVersion: runner === 'node-test' ? null : installedVersion(absRoot, RUNNER_PACKAGE[runner]),
    configFile,
    moduleType,
    detectedFrom,
  });

  // 1. What `npm test` actually runs decides when it names a runner.
  const fromScript = runnerInScript(testScript);
  // 2. Config files.
  const jestConfig = findConfig(absRoot, 'jest.config');
  const vitestConfig = findConfig(absRoot, 'vitest.config') ?? viteConfigWithTest(absRoot);
  const mochaConfig = findMochaConfig(absRoot);
  const configOf = (r: TestRunnerKind): string | null =>
    r === 'jest' ? jestConfig : r === 'vitest' ? vitestConfig : r === 'mocha' ? mochaConfig : null;
  if (fromScript) return make(fromScript, configOf(fromScript), `scripts.test: ${testScript}`);

  if (jestConfig) return make('jest', jestConfig, `config ${path.basename(jestConfig)}`);
  if (p.jest !== undefined) return make('jest', null, 'package.json "jest" key');
  if (vitestConfig && (deps.vitest !== undefined || installedVersion(absRoot, 'vitest'))) return make('vitest', vitestConfig, `config ${path.basename(vitestConfig)}`);
  if (mochaConfig) return make('mocha', mochaConfig, `config ${path.basename(mochaConfig)}`);
  if (p.mocha !== undefined) return make('mocha', null, 'package.json "mocha" key');
  // 3. Dependencies.
  for (const r of ['vitest', 'jest', 'mocha'] as const) {
    const v = deps[r];
    if (typeof v === 'string') return make(r, configOf(r), `dependency ${r} ${v}`);
  }
  return null;
}

function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

/** The runner a `scripts.test` command line starts, if any (e.g. "vitest run", "node --test", "cross-env X=1 jest"). */
export function runnerInScript(script: string): TestRunnerKind | null {
  for (const cmd of script.split(/&&|\|\||;/)) {
    const words = cmd.trim().split(/\s+/);
    for (let i = 0; i < words.length; i++) {
      const w = (words[i] as string).replace(/^["']|["']$/g, '');
      const base = w.split('/').pop() ?? w;
      if (base === 'jest' || base === 'jest.js') return 'jest';
      if (base === 'vitest' || base === 'vitest.mjs') return 'vitest';
      if (base === 'mocha' || base === '_mocha' || base === 'mocha.js') return 'mocha';
      if ((base === 'node' || base === 'tsx') && words.slice(i + 1).some((a) => a === '--test' || a.startsWith('--test='))) return 'node-test';
    }
  }
  return null;
}

function findConfig(root: string, stem: string): string | null {
  for (const ext of CONFIG_EXTS) {
    const f = path.join(root, `${stem}.${ext}`);
    if (fs.existsSync(f)) return f;
  }
  return null;
}

/** vite.config.* counts as a vitest config when it has a `test` section. */
function viteConfigWithTest(root: string): string | null {
  const f = findConfig(root, 'vite.config');
  if (!f) return null;
  try {
    return /\btest\s*:/.test(fs.readFileSync(f, 'utf8')) ? f : null;
  } catch {
    return null;
  }
}

function findMochaConfig(root: string): string | null {
  for (const name of ['.mocharc.js', '.mocharc.cjs', '.mocharc.mjs', '.mocharc.yaml', '.mocharc.yml', '.mocharc.jsonc', '.mocharc.json']) {
    const f = path.join(root, name);
    if (fs.existsSync(f)) return f;
  }
  return null;
}

/**
 * The version of `pkg` installed for `root`: the nearest node_modules/<pkg>/package.json at or
 * above it (monorepos hoist). Null when not installed.
 */
export function installedVersion(root: string, pkg: string): string | null {
  const dir = installedPackageDir(root, pkg);
  if (!dir) return null;
  const j = readJson(path.join(dir, 'package.json'));
  const v = j && typeof j === 'object' ? (j as { version?: unknown }).version : undefined;
  return typeof v === 'string' ? v : null;
}

/** Directory of the installed package `pkg` as node would find it from `root`, or null. */
export function installedPackageDir(root: string, pkg: string): string | null {
  let dir = path.resolve(root);
  for (;;) {
    const d = path.join(dir, 'node_modules', pkg);
    if (fs.existsSync(path.join(d, 'package.json'))) return d;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}
