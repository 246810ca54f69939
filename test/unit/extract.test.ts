import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { exportedNames, extractTarget, listFunctions, parseSource } from '../../src/core/target/extract';
import { InputError } from '../../src/core/errors';
import type { TypeSchema } from '../../src/core/types';

const FIX = path.join(__dirname, '..', 'fixtures', 'extract');
const shapes = path.join(FIX, 'shapes.ts');
const shapesText = readFileSync(shapes, 'utf8');

function lineOf(text: string, needle: string): number {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `fixture contains ${needle}`);
  return text.slice(0, i).split('\n').length;
}

function inputError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InputError, `expected InputError, got ${String(err)}`);
    assert.match(err.message, pattern);
    assert.ok(!err.message.includes('\n'), 'message is one line');
    return true;
  });
}

void test('function declaration: statement range, text, params, exported, context', () => {
  const t = extractTarget(shapes, { name: 'sum' });
  assert.equal(t.file, shapes);
  assert.equal(t.shape, 'declaration');
  assert.equal(t.language, 'typescript');
  assert.equal(t.exported, true);
  assert.equal(t.async, false);
  assert.equal(t.generator, false);
  assert.equal(t.text, t.fileText.slice(t.statementStart, t.statementEnd));
  assert.ok(t.text.startsWith('export function sum(xs: number[]): number {'), 'no leading JSDoc');
  assert.ok(t.text.endsWith('}'));
  assert.equal(t.start.line, lineOf(shapesText, 'export function sum'));
  assert.equal(t.start.column, 1);
  assert.equal(t.end.line, t.start.line + 4);
  assert.deepEqual(t.params, [{ name: 'xs', typeText: 'number[]', type: { kind: 'array', element: { kind: 'number' } }, optional: false, rest: false }]);
  assert.equal(t.returnTypeText, 'number');
  assert.deepEqual(t.context.imports, ["import { readFileSync } from 'node:fs';", "import type { Stats } from 'node:fs';"]);
  const names = t.context.declarations.map((d) => `${d.kind}:${d.name}`);
  assert.ok(names.includes('interface:Point'));
  assert.ok(names.includes('type:Pair'));
  assert.ok(names.includes('function:double'));
  assert.ok(names.includes('class:Foo'));
  assert.ok(names.includes('variable:stats'));
  assert.ok(!names.includes('function:sum'), 'the target itself is not a context declaration');
  assert.equal(t.context.declarations.find((d) => d.name === 'Point')?.text.split('\n')[0], 'export interface Point {');
  assert.equal(t.context.moduleKind, 'esm');
});

void test('arrow, function expressions (named or not), async, export default', () => {
  const arrow = extractTarget(shapes, { name: 'double' });
  assert.equal(arrow.shape, 'arrow');
  assert.equal(arrow.exported, false);
  assert.equal(arrow.text, 'const double = (n: number): number => n * 2;');
  assert.equal(arrow.returnTypeText, 'number');

  const fexpr = extractTarget(shapes, { name: 'triple' });
  assert.equal(fexpr.shape, 'function-expression');
  assert.equal(fexpr.exported, true);
  assert.ok(fexpr.text.startsWith('export const triple = function (n: number) {'));
  assert.ok(fexpr.text.endsWith('};'));

  const named = extractTarget(shapes, { name: 'named' });
  assert.equal(named.shape, 'function-expression');
  assert.equal(named.exported, false);

  const load = extractTarget(shapes, { name: 'load' });
  assert.equal(load.async, true);
  assert.equal(load.returnTypeText, 'Promise<string>');
  assert.deepEqual(load.params[0]?.type, { kind: 'string' });

  const main = extractTarget(shapes, { name: 'main' });
  assert.equal(main.exported, true);
  assert.ok(main.text.startsWith('export default function main('));
  assert.deepEqual(main.params[0]?.type, {
    kind: 'array',
    element: {
      kind: 'object',
      properties: [
        { name: 'x', type: { kind: 'number' }, optional: false },
        { name: 'y', type: { kind: 'number' }, optional: false },
        { name: 'label', type: { kind: 'string' }, optional: true },
      ],
    },
  });
});

void test('rich TypeScript signature: parameter schemas', () => {
  const t = extractTarget(shapes, { name: 'rich' });
  const by = new Map(t.params.map((p) => [p.name, p]));
  const type = (n: string): TypeSchema | undefined => by.get(n)?.type;
  assert.deepEqual(type('a'), { kind: 'array', element: { kind: 'number' } });
  assert.deepEqual(type('b'), { kind: 'map', key: { kind: 'string' }, value: { kind: 'number' } });
  assert.deepEqual(type('c'), {
    kind: 'object',
    properties: [
      { name: 'a', type: { kind: 'number' }, optional: false },
      { name: 'b', type: { kind: 'string' }, optional: true },
    ],
  });
  assert.deepEqual(type('d'), { kind: 'union', options: [{ kind: 'string' }, { kind: 'number' }, { kind: 'null' }] });
  assert.deepEqual(type('e'), { kind: 'tuple', elements: [{ kind: 'number' }, { kind: 'string' }] });
  assert.deepEqual(type('f'), { kind: 'record', value: { kind: 'boolean' } });
  assert.equal(type('g')?.kind, 'object');
  assert.deepEqual(type('h'), { kind: 'array', element: { kind: 'set', element: { kind: 'bigint' } } });
  assert.deepEqual(type('i'), { kind: 'date' });
  assert.deepEqual(type('j'), { kind: 'typedArray', name: 'Float64Array' });
  assert.deepEqual(type('k'), { kind: 'union', options: [{ kind: 'literal', value: 'x' }, { kind: 'literal', value: 'y' }] });
  assert.deepEqual(type('l'), { kind: 'function', returns: 'number', arity: 1 });
  assert.equal(by.get('m')?.optional, true);
  assert.deepEqual(type('m'), { kind: 'union', options: [{ kind: 'number' }, { kind: 'undefined' }] });
  assert.equal(by.get('rest')?.rest, true);
  assert.deepEqual(type('rest'), { kind: 'array', element: { kind: 'string' } });
  assert.equal(by.get('e')?.typeText, 'Pair');
  assert.equal(by.get('b')?.typeText, 'Map<string, number>');
});

void test('recursive types terminate', () => {
  const text = 'interface Tree { value: number; children: Tree[] }\nexport function size(t: Tree): number { return 1; }\n';
  const t = extractTarget('/virtual/tree.ts', { name: 'size' }, text);
  const s = t.params[0]!.type;
  assert.equal(s.kind, 'object');
  assert.ok(JSON.stringify(s).includes('"unknown"'), 'expansion stops with unknown');
  assert.ok(JSON.stringify(s).length < 2000);
});

void test('JavaScript with JSDoc types', () => {
  const file = path.join(FIX, 'jsdoc.js');
  const t = extractTarget(file, { name: 'tally' });
  assert.equal(t.language, 'javascript');
  assert.equal(t.exported, true);
  assert.deepEqual(t.params[0], { name: 'xs', typeText: 'number[]', type: { kind: 'array', element: { kind: 'number' } }, optional: false, rest: false });
  assert.deepEqual(t.params[1]?.type, {
    kind: 'object',
    properties: [
      { name: 'id', type: { kind: 'string' }, optional: false },
      { name: 'count', type: { kind: 'number' }, optional: true },
    ],
  });
  assert.equal(t.params[2]?.optional, true);
  assert.deepEqual(t.params[2]?.type, { kind: 'union', options: [{ kind: 'string' }, { kind: 'undefined' }] });
  assert.equal(t.returnTypeText, 'number');

  const arrow = extractTarget(file, { name: 'joinAll' });
  assert.equal(arrow.shape, 'arrow');
  assert.equal(arrow.exported, true, 'exported through export { joinAll }');
  assert.deepEqual(arrow.params[0]?.type, { kind: 'array', element: { kind: 'string' } });

  const lookup = extractTarget(file, { name: 'lookup' });
  assert.equal(lookup.exported, false);
  assert.deepEqual(lookup.params[0]?.type, { kind: 'record', value: { kind: 'number' } });
  assert.deepEqual(lookup.params[1]?.type, { kind: 'union', options: [{ kind: 'number' }, { kind: 'null' }] });
  assert.equal(lookup.context.moduleKind, 'esm');
});

void test('CommonJS module: require imports, module kind, exported via module.exports', () => {
  const file = path.join(FIX, 'common.cjs');
  const t = extractTarget(file, { name: 'shout' });
  assert.equal(t.language, 'javascript');
  assert.equal(t.context.moduleKind, 'cjs');
  assert.equal(t.exported, true);
  assert.deepEqual(t.context.imports, ["const path = require('node:path');", "const { pad } = require('tiny-pad');"]);
  assert.deepEqual(
    t.context.declarations.map((d) => d.name),
    ['base'],
  );
  // Untyped, but used as `s.toUpperCase()`: TypeScript's inference from usage makes it a string.
  assert.deepEqual(t.params[0]?.type, { kind: 'string' });
  assert.equal(t.params[0]?.inferred, 'string');

  // A .js file using require/module.exports without import/export is CommonJS too.
  const js = extractTarget('/virtual/a.js', { name: 'f' }, "const x = require('x');\nfunction f(a) { return a; }\nmodule.exports = f;\n");
  assert.equal(js.context.moduleKind, 'cjs');
  assert.equal(js.exported, true);
  const esm = extractTarget('/virtual/b.js', { name: 'f' }, 'function f(a) { return a; }\n');
  assert.equal(esm.context.moduleKind, 'esm');
});

void test('line selection: innermost supported function, nested functions report the outer one', () => {
  const inSum = extractTarget(shapes, { line: lineOf(shapesText, 'for (const x of xs)') });
  assert.equal(inSum.name, 'sum');
  // The JSDoc line above a function selects it.
  assert.equal(extractTarget(shapes, { line: lineOf(shapesText, '/** Sums numbers. */') }).name, 'sum');
  // A line inside a nested function selects the top-level function around it.
  assert.equal(extractTarget(shapes, { line: lineOf(shapesText, 'const helper = (p: Point)') }).name, 'main');
  // A line inside a method of a top-level class selects the method.
  assert.equal(extractTarget(shapes, { line: lineOf(shapesText, 'bar(a: number): number') }).name, 'Foo.bar');
  inputError(() => extractTarget(shapes, { line: lineOf(shapesText, 'yield 1') }), /'gen' is a generator function; Hotpath supports plain and async functions\./);
  inputError(() => extractTarget(shapes, { line: 1 }), /^No function at line 1 of .*shapes\.ts\. Functions there: sum \(line \d+\)/);
});

void test('unsupported functions by name give a reason', () => {
  inputError(() => extractTarget(shapes, { name: 'gen' }), /^'gen' is a generator function; Hotpath supports plain and async functions\.$/);
  // Methods of top-level classes are targets now (by Owner.member, or by member when unique).
  assert.equal(extractTarget(shapes, { name: 'Foo.bar' }).method?.member, 'bar');
  assert.equal(extractTarget(shapes, { name: 'bar' }).name, 'Foo.bar');
  inputError(() => extractTarget(shapes, { name: 'helper' }), /^'helper' is nested inside 'main'; Hotpath supports top-level functions for now\.$/);
  inputError(() => extractTarget(shapes, { name: 'nestedDecl' }), /'nestedDecl' is nested inside 'main'/);
});

void test('unknown name lists the functions with lines', () => {
  inputError(
    () => extractTarget(shapes, { name: 'nope' }),
    new RegExp(`^No function named 'nope' in .*shapes\\.ts\\. Functions there: sum \\(line ${lineOf(shapesText, 'export function sum')}\\), double \\(line \\d+\\),`),
  );
  inputError(() => extractTarget('/virtual/empty.ts', { name: 'x' }, 'const a = 1;\n'), /There are no functions in it\./);
});

void test('bad input: syntax error with line:col, missing file, unsupported extension', () => {
  inputError(() => extractTarget(path.join(FIX, 'syntax-error.ts'), { name: 'broken' }), /syntax-error\.ts:1:34: ',' expected\.$/);
  inputError(() => extractTarget(path.join(FIX, 'missing.ts'), { name: 'x' }), /^File not found: .*missing\.ts$/);
  inputError(() => extractTarget(path.join(FIX, 'a.py'), { name: 'x' }, ''), /Hotpath supports \.ts \.tsx \.js \.jsx \.mjs \.cjs \.mts \.cts files\./);
});

void test('fileText overrides the file on disk', () => {
  const t = extractTarget(shapes, { name: 'fresh' }, 'export const fresh = async (a: string) => a;\n');
  assert.equal(t.async, true);
  assert.equal(t.shape, 'arrow');
  assert.equal(t.fileText, 'export const fresh = async (a: string) => a;\n');
});

void test('listFunctions lists supported and unsupported functions in order', () => {
  const list = listFunctions(shapes, shapesText);
  const names = list.map((f) => f.name);
  assert.deepEqual(names, ['sum', 'double', 'triple', 'named', 'load', 'main', 'helper', 'nestedDecl', 'gen', 'Foo.bar', 'rich']);
  const gen = list.find((f) => f.name === 'gen')!;
  assert.equal(gen.supported, false);
  assert.match(gen.reason ?? '', /generator/);
  const sum = list.find((f) => f.name === 'sum')!;
  assert.equal(sum.supported, true);
  assert.equal(sum.reason, null);
  assert.equal(sum.start.line, lineOf(shapesText, 'export function sum'));
  assert.ok(sum.end.line > sum.start.line);
  // Cheap: a few ms for a small file.
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) listFunctions(shapes, shapesText);
  assert.ok((performance.now() - t0) / 20 < 20);
});

void test('schemas: enums, Partial, intersections, keyed Records, defaults, JSDoc nullable', () => {
  const text = [
    'enum Color { Red, Green = 5, Blue }',
    "enum Dir { Up = 'up', Down = 'down' }",
    'interface A { a: number }',
    'interface B extends A { b: string[] }',
    'type AB = A & { c: boolean };',
    "export function f(c: Color, d: Dir, p: Partial<A>, b: B, ab: AB, r: Record<'x' | 'y', number>, n = 10, s = 'x', u: unknown, t: [number, ...string[]]) {}",
  ].join('\n');
  const t = extractTarget('/virtual/s.ts', { name: 'f' }, text);
  const type = (i: number) => t.params[i]?.type;
  assert.deepEqual(type(0), { kind: 'union', options: [0, 5, 6].map((value) => ({ kind: 'literal', value })) });
  assert.deepEqual(type(1), { kind: 'union', options: ['up', 'down'].map((value) => ({ kind: 'literal', value })) });
  assert.deepEqual(type(2), { kind: 'object', properties: [{ name: 'a', type: { kind: 'number' }, optional: true }] });
  assert.deepEqual(type(3), {
    kind: 'object',
    properties: [
      { name: 'a', type: { kind: 'number' }, optional: false },
      { name: 'b', type: { kind: 'array', element: { kind: 'string' } }, optional: false },
    ],
  });
  assert.deepEqual(type(4), {
    kind: 'object',
    properties: [
      { name: 'a', type: { kind: 'number' }, optional: false },
      { name: 'c', type: { kind: 'boolean' }, optional: false },
    ],
  });
  assert.deepEqual(type(5), {
    kind: 'object',
    properties: [
      { name: 'x', type: { kind: 'number' }, optional: false },
      { name: 'y', type: { kind: 'number' }, optional: false },
    ],
  });
  assert.equal(t.params[6]?.optional, true);
  assert.deepEqual(type(6), { kind: 'union', options: [{ kind: 'number' }, { kind: 'undefined' }] });
  assert.deepEqual(type(7), { kind: 'union', options: [{ kind: 'string' }, { kind: 'undefined' }] });
  assert.deepEqual(type(8), { kind: 'unknown' });
  assert.deepEqual(type(9), { kind: 'array', element: { kind: 'union', options: [{ kind: 'number' }, { kind: 'string' }] } });
});

void test('CommonJS assignments are refused with what to write instead, an anonymous module.exports too', () => {
  const list = listFunctions('lib.cjs', "'use strict'\nexports.parse = function parse(s) { return s }\nmodule.exports.fmt = (x) => String(x)\nmodule.exports = function (a) { return a }\n");
  const reasons = list.map((f) => [f.name, f.supported, f.reason]);
  assert.deepEqual(reasons.map((r) => r[1]), [false, false, false], JSON.stringify(reasons));
  assert.match(String(reasons[0]![2]), /'parse' is assigned to exports\.parse; declare it as a top-level function \(function parse\(\.\.\.\)\)/);
  assert.match(String(reasons[2]![2]), /^The function assigned to module\.exports has no name; declare it as a top-level function/);
});

void test('exportedNames: ESM declarations and lists, CommonJS assignments and object literals', () => {
  const esm = exportedNames(parseSource('m.ts', 'export function a() {}\nfunction b() {}\nconst c = () => 1\nexport { c }\nexport class D {}\n'));
  assert.ok(['a', 'c', 'D'].every((n) => esm.has(n)) && !esm.has('b'), JSON.stringify([...esm]));
  const cjs = exportedNames(parseSource('m.cjs', 'const f = () => 1\nfunction g() {}\nexports.h = function named() {}\nmodule.exports = { f, k() {} }\n'));
  assert.ok(['f', 'h', 'named', 'k', 'module.exports'].every((n) => cjs.has(n)) && !cjs.has('g'), JSON.stringify([...cjs]));
});
