/**
 * Literals from the project's own calls: how the code around the target calls it and constructs
 * the classes its inputs are built from (`new SemVer('0.0.0')`, `slugify('Hello World')` in a
 * test file). A valid version string or a well-formed range is what a constructor that parses
 * its argument needs, and random strings almost never are one.
 *
 * Enters: the target (its file, name, method owner and the classes its inputs construct).
 * Leaves: a `Literals` set of the string and number arguments of those calls, read from the
 * source files of the package that holds the target (its nearest package.json, node_modules
 * excluded), consumed by the generators like the target's own literals.
 */
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { TargetFunction } from '../types';
import { emptyLiterals, type Literals } from './literals';

const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'coverage']);
/** Bounds on the scan: a project's sources are read, not the whole disk. */
const MAX_FILES = 3_000;
const MAX_FILE_BYTES = 512 * 1024;
const MAX_STRINGS = 16;
const MAX_NUMBERS = 16;
const MAX_STRING_LENGTH = 200;

/** The nearest directory at or above `file`'s that has a package.json (the file's own directory when none). */
function packageRoot(file: string): string {
  let dir = path.dirname(file);
  for (;;) {
    try {
      if (statSync(path.join(dir, 'package.json')).isFile()) return dir;
    } catch {
      // not here
    }
    const up = path.dirname(dir);
    if (up === dir) return path.dirname(file);
    dir = up;
  }
}

function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries: Dirent[];
    try {
      // Sorted: the same examples on every checkout (directory order differs between file systems).
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= MAX_FILES) return;
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name) && !e.name.startsWith('.')) walk(path.join(dir, e.name));
      } else if (e.isFile() && SOURCE_FILE.test(e.name) && !e.name.endsWith('.d.ts')) out.push(path.join(dir, e.name));
    }
  };
  walk(root);
  return out;
}

/** The name a call's callee ends in: `f`, `ns.f`, `new ns.C`. */
function calleeName(e: ts.Expression): string | null {
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return null;
}

function literalArgument(a: ts.Expression): string | number | null {
  if (ts.isStringLiteral(a) || ts.isNoSubstitutionTemplateLiteral(a)) return a.text;
  if (ts.isNumericLiteral(a)) return Number(a.text);
  if (ts.isPrefixUnaryExpression(a) && a.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(a.operand)) return -Number(a.operand.text);
  return null;
}

/**
 * The string and number arguments of calls to the target and of `new C(...)` for the classes
 * its inputs (and, for a method, its receiver) are built from, anywhere in its package.
 */
export function callSiteLiterals(target: Pick<TargetFunction, 'file' | 'name' | 'method' | 'classes'>): Literals {
  const calls = new Set<string>();
  const constructs = new Set<string>();
  if (target.method) {
    constructs.add(target.method.owner);
    calls.add(target.method.member);
  } else calls.add(target.name);
  for (const c of target.classes ?? []) constructs.add(c.name);
  const needles = [...[...calls].map((n) => `${n}(`), ...[...constructs].map((n) => `new ${n}`)];
  const strings: string[] = [];
  const numbers: number[] = [];
  const seen = new Set<string>();
  const add = (v: string | number): void => {
    const key = typeof v === 'number' ? `n${Object.is(v, -0) ? '-0' : v}` : `s${v}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (typeof v === 'number') {
      if (numbers.length < MAX_NUMBERS && Number.isFinite(v)) numbers.push(v);
    } else if (strings.length < MAX_STRINGS && v.length > 0 && v.length <= MAX_STRING_LENGTH) strings.push(v);
  };
  try {
    for (const file of sourceFiles(packageRoot(target.file))) {
      if (strings.length >= MAX_STRINGS && numbers.length >= MAX_NUMBERS) break;
      let text: string;
      try {
        if (statSync(file).size > MAX_FILE_BYTES) continue;
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      if (!needles.some((n) => text.includes(n))) continue;
      const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, file.endsWith('x') ? ts.ScriptKind.TSX : undefined);
      const visit = (n: ts.Node): void => {
        const wanted = ts.isNewExpression(n) ? constructs : ts.isCallExpression(n) ? calls : null;
        if (wanted) {
          const e = n as ts.NewExpression | ts.CallExpression;
          const name = calleeName(e.expression);
          if (name && wanted.has(name)) for (const a of e.arguments ?? []) {
            const v = literalArgument(a);
            if (v !== null) add(v);
          }
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
    }
  } catch {
    return emptyLiterals();
  }
  return { ...emptyLiterals(), strings, numbers, examples: strings };
}
