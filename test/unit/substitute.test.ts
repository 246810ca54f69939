import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { extractTarget, listFunctions } from '../../src/core/target/extract';
import { applyCandidate, originalCandidate, parseCandidate, type ParsedCandidate } from '../../src/core/candidates/substitute';
import { unifiedDiff } from '../../src/core/report/diff';
import type { TargetFunction } from '../../src/core/types';
import { readFileSync } from 'node:fs';

const FIX = path.join(__dirname, '..', 'fixtures', 'extract');
const shapes = path.join(FIX, 'shapes.ts');

function parsed(target: TargetFunction, text: string): ParsedCandidate {
  const r = parseCandidate(target, text);
  if (!r.ok) assert.fail(`expected the candidate to parse: ${r.reason}`);
  return r.candidate;
}

function reason(target: TargetFunction, text: string): string {
  const r = parseCandidate(target, text);
  assert.equal(r.ok, false, 'expected the candidate to be rejected');
  return r.ok ? '' : r.reason;
}

void test('identity round-trip for every supported function of the fixtures, LF and CRLF', () => {
  for (const file of ['shapes.ts', 'jsdoc.js', 'common.cjs']) {
    const full = path.join(FIX, file);
    const lf = readFileSync(full, 'utf8');
    for (const text of [lf, lf.replace(/\n/g, '\r\n')]) {
      for (const f of listFunctions(full, text).filter((x) => x.supported)) {
        const t = extractTarget(full, { name: f.name }, text);
        assert.equal(applyCandidate(t, originalCandidate(t)), text, `${file}:${f.name}`);
        // The original's own text parsed as a candidate gives the file back too.
        assert.equal(applyCandidate(t, parsed(t, t.text)), text, `${file}:${f.name} (parsed)`);
      }
    }
  }
});

void test('a candidate replaces just the statement; export-ness follows the original', () => {
  const sum = extractTarget(shapes, { name: 'sum' });
  const out = applyCandidate(sum, parsed(sum, 'function sum(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0);\n}'));
  assert.ok(out.includes('/** Sums numbers. */\nexport function sum(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0);\n}\n'));
  assert.equal(out.length - sum.fileText.length, 'function sum(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0);\n}'.length + 'export '.length - sum.text.length);

  // An arrow candidate for an exported declaration stays exported.
  const asArrow = applyCandidate(sum, parsed(sum, 'const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);'));
  assert.ok(asArrow.includes('export const sum = (xs: number[]): number =>'));

  // A candidate that adds `export` to an unexported function loses it.
  const double = extractTarget(shapes, { name: 'double' });
  const d = applyCandidate(double, parsed(double, 'export const double = (n: number): number => n + n;'));
  assert.ok(d.includes('\nconst double = (n: number): number => n + n;\n'));
  assert.ok(!d.includes('export const double'));

  // export default is kept; a const candidate is exported by name after it.
  const main = extractTarget(shapes, { name: 'main' });
  const m1 = applyCandidate(main, parsed(main, 'export function main(points: Point[]): number {\n  return points.length;\n}'));
  assert.ok(m1.includes('export default function main(points: Point[]): number {\n  return points.length;\n}'));
  const m2 = applyCandidate(main, parsed(main, 'const main = (points: Point[]): number => points.length;'));
  assert.ok(m2.includes('const main = (points: Point[]): number => points.length;\nexport default main;'));
});

void test('helpers go before the target and its JSDoc, new imports after the last import', () => {
  const sum = extractTarget(shapes, { name: 'sum' });
  const c = parsed(
    sum,
    [
      "import { readFileSync } from 'node:fs';", // already there: dropped
      "import { createHash } from 'node:crypto';",
      '',
      'const ZERO = 0;',
      '',
      '/** a comment on the function */',
      'export function sum(xs: number[]): number {',
      '  return add(xs);',
      '}',
      '',
      'function add(xs: number[]): number {',
      '  let s = ZERO;',
      '  for (let i = 0; i < xs.length; i++) s += xs[i]!;',
      '  return s;',
      '}',
    ].join('\n'),
  );
  assert.deepEqual(c.imports, ["import { createHash } from 'node:crypto';"]);
  assert.deepEqual(c.helpers, ['const ZERO = 0;', 'function add(xs: number[]): number {\n  let s = ZERO;\n  for (let i = 0; i < xs.length; i++) s += xs[i]!;\n  return s;\n}']);
  assert.ok(c.statement.startsWith('export function sum('), 'leading comments are not part of the statement');
  const out = applyCandidate(sum, c);
  assert.ok(out.startsWith("import { readFileSync } from 'node:fs';\nimport type { Stats } from 'node:fs';\nimport { createHash } from 'node:crypto';\n\nexport interface Point"));
  assert.ok(out.includes('type Pair = [number, string];\n\nconst ZERO = 0;\n\nfunction add(xs: number[]): number {\n  let s = ZERO;\n  for (let i = 0; i < xs.length; i++) s += xs[i]!;\n  return s;\n}\n\n/** Sums numbers. */\nexport function sum(xs: number[]): number {\n  return add(xs);\n}\n'));
  // The result parses and still has the same functions plus the helper.
  const names = listFunctions(shapes, out).map((f) => f.name);
  assert.ok(names.includes('add') && names.includes('sum') && names.includes('main'));

  // A file without imports gets them at the top (after 'use strict' when present).
  const plain = extractTarget('/virtual/p.js', { name: 'f' }, '// header\nfunction f(a) {\n  return a;\n}\n');
  const p = applyCandidate(plain, parsed(plain, "import { x } from './x.js';\nfunction f(a) { return x(a); }"));
  assert.equal(p, "import { x } from './x.js';\n\n// header\nfunction f(a) { return x(a); }\n");
  const strict = extractTarget('/virtual/s.cjs', { name: 'f' }, "'use strict';\nfunction f(a) {\n  return a;\n}\nmodule.exports = f;\n");
  const s = applyCandidate(strict, parsed(strict, "const os = require('node:os');\nfunction f(a) { return os.EOL + a; }\nmodule.exports = f;"));
  assert.equal(s, "'use strict';\nconst os = require('node:os');\nfunction f(a) { return os.EOL + a; }\nmodule.exports = f;\n");
});

void test('helpers identical to module declarations are dropped; different ones are rejected', () => {
  const sum = extractTarget(shapes, { name: 'sum' });
  const same = parsed(sum, 'type Pair = [number, string];\nconst double = (n: number): number => n * 2;\nfunction sum(xs: number[]) { return xs.length; }');
  assert.deepEqual(same.helpers, []);
  assert.equal(reason(sum, 'const double = (n: number) => n + n;\nfunction sum(xs: number[]) { return double(xs.length); }'), "The variant redefines 'double' at line 1, which the module already declares differently.");
  assert.equal(reason(sum, 'interface Point { x: number }\nfunction sum(xs: number[]) { return 0; }'), "The variant redefines 'Point' at line 1, which the module already declares differently.");
  assert.equal(reason(sum, 'function readFileSync() {}\nfunction sum(xs: number[]) { return 0; }'), "The variant redefines 'readFileSync' at line 1, which the module already imports.");
});

void test('bad candidates give reasons', () => {
  const sum = extractTarget(shapes, { name: 'sum' });
  assert.equal(reason(sum, 'function total(xs: number[]) { return 0; }'), "The variant does not define a function named 'sum'.");
  assert.match(reason(sum, 'function sum(xs: number[] { return 0; }'), /^The variant has a syntax error at 1:27: ',' expected\.$/);
  // A usage example (a bare call of the target, console output) is not part of the candidate.
  assert.deepEqual(parsed(sum, 'function sum(xs: number[]) { return 0; }\nsum([1, 2]);\nconsole.log(sum([3]));'), { statement: 'function sum(xs: number[]) { return 0; }', helpers: [], imports: [] });
  assert.match(reason(sum, 'const sum = makeSum();'), /not a function declaration, arrow function or function expression/);
  assert.match(reason(sum, 'function* sum(xs: number[]) { yield 1; }'), /generator/);
  assert.match(reason(sum, 'function sum(a: number[]) { return 1; }\nfunction sum(a: number[]) { return 2; }'), /more than once \(again at line 2\)/);

  const js = extractTarget(path.join(FIX, 'jsdoc.js'), { name: 'tally' });
  assert.match(reason(js, 'export function tally(xs: number[], item, sep) { return 0; }'), /TypeScript syntax in a JavaScript file, at 1:27: Type annotations can only be used in TypeScript files\./);
  const cjs = extractTarget(path.join(FIX, 'common.cjs'), { name: 'shout' });
  assert.match(reason(cjs, "import os from 'node:os';\nconst shout = (s) => s;"), /import statement \(line 1\) in a CommonJS module; use require\(\) instead/);
  // A candidate that repeats the module's exports and requires is fine.
  const ok = parsed(cjs, "'use strict';\nconst { pad } = require('tiny-pad');\nconst shout = (s) => pad(s.toUpperCase(), 8);\nmodule.exports = { base, shout };");
  assert.deepEqual(ok, { statement: 'const shout = (s) => pad(s.toUpperCase(), 8);', helpers: [], imports: [] });
  // A Markdown fence around the code is tolerated.
  assert.equal(parsed(sum, '```ts\nfunction sum(xs: number[]) { return 0; }\n```').statement, 'function sum(xs: number[]) { return 0; }');
});

void test('candidates follow the file indentation and line endings; template literals are left alone', () => {
  const text = 'function f(a) {\r\n    if (a) {\r\n        return 1;\r\n    }\r\n    return 2;\r\n}\r\n';
  const t = extractTarget('/virtual/four.js', { name: 'f' }, text);
  const out = applyCandidate(t, parsed(t, 'function f(a) {\n  if (!a) {\n    return `x\n  y`;\n  }\n  return 1;\n}'));
  assert.equal(out, 'function f(a) {\r\n    if (!a) {\r\n        return `x\r\n  y`;\r\n    }\r\n    return 1;\r\n}\r\n');
});

void test('unifiedDiff', () => {
  const sum = extractTarget(shapes, { name: 'sum' });
  const after = applyCandidate(sum, parsed(sum, 'function sum(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0);\n}'));
  const d = unifiedDiff(shapes, sum.fileText, after);
  const lines = d.split('\n');
  assert.equal(lines[0], '--- a/test/fixtures/extract/shapes.ts');
  assert.equal(lines[1], '+++ b/test/fixtures/extract/shapes.ts');
  assert.match(lines[2] ?? '', /^@@ -\d+,\d+ \+\d+,\d+ @@$/);
  assert.ok(lines.includes('-  let s = 0;'));
  assert.ok(lines.includes('+  return xs.reduce((a, b) => a + b, 0);'));
  assert.ok(lines.includes(' export function sum(xs: number[]): number {'));
  assert.equal(unifiedDiff(shapes, 'a\n', 'a\n'), '');
  // Outside the working directory only the basename is shown; context is configurable.
  const outside = unifiedDiff('/elsewhere/x.ts', '1\n2\n3\n4\n5\n', '1\n2\nthree\n4\n5\n', 1);
  assert.equal(outside, '--- a/x.ts\n+++ b/x.ts\n@@ -2,3 +2,3 @@\n 2\n-3\n+three\n 4\n');
});

void test('module-level code a candidate brings runs where it wrote it: before the target, or after it', () => {
  const text = "import { x } from './x';\n\n/** Doc. */\nexport function hexValue(s: string): number {\n  return parseInt(s, 16);\n}\n\nexport const other = 1;\n";
  const t = extractTarget('/virtual/hex.ts', { name: 'hexValue' }, text);
  const cand = [
    'const T = new Int8Array(128).fill(-1);',
    "[...'0123456789abcdef'].forEach((c, i) => { T[c.charCodeAt(0)] = i; });",
    'Object.freeze(T.buffer);',
    'export function hexValue(s: string): number {\n  return T[s.charCodeAt(0)]!;\n}',
    '(() => { T[0] = -1; })();',
    "console.log(hexValue('f'));",
  ].join('\n');
  const p = parsed(t, cand);
  assert.deepEqual(p.helpers, ['const T = new Int8Array(128).fill(-1);', "[...'0123456789abcdef'].forEach((c, i) => { T[c.charCodeAt(0)] = i; });", 'Object.freeze(T.buffer);']);
  assert.deepEqual(p.trailing, ['(() => { T[0] = -1; })();']);
  const out = applyCandidate(t, p);
  assert.equal(
    out,
    "import { x } from './x';\n\nconst T = new Int8Array(128).fill(-1);\n\n[...'0123456789abcdef'].forEach((c, i) => { T[c.charCodeAt(0)] = i; });\n\nObject.freeze(T.buffer);\n\n/** Doc. */\nexport function hexValue(s: string): number {\n  return T[s.charCodeAt(0)]!;\n}\n\n(() => { T[0] = -1; })();\n\nexport const other = 1;\n",
  );
  // A statement the module already runs is not added twice.
  const withInit = extractTarget('/virtual/hex2.ts', { name: 'hexValue' }, 'const T: number[] = [];\nT.push(1);\nexport function hexValue(s: string): number {\n  return T[0]! + s.length;\n}\n');
  assert.deepEqual(parsed(withInit, 'const T: number[] = [];\nT.push(1);\nexport function hexValue(s: string): number {\n  return T[0]!;\n}').helpers, []);
});
