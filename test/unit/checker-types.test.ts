import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extractTarget } from '../../src/core/target/extract';
import typescript from 'typescript';
import { buildTypeProgram, findProjectConfig, pruneImports, typeProgramStats } from '../../src/core/target/checker';
import { generateVerifyInputs } from '../../src/core/inputs/inputs';
import type { PropertySchema, TargetFunction, TypeSchema } from '../../src/core/types';

const FIX = path.join(__dirname, '..', 'fixtures', 'checker-types');
const TS_TARGET = path.join(FIX, 'ts-paths', 'src', 'app', 'target.ts');
const JS_TARGET = path.join(FIX, 'js-jsdoc', 'target.js');

const NUM: TypeSchema = { kind: 'number' };
const STR: TypeSchema = { kind: 'string' };
const UNDEF: TypeSchema = { kind: 'undefined' };
const UNKNOWN: TypeSchema = { kind: 'unknown' };
const lit = (value: string | number | boolean): TypeSchema => ({ kind: 'literal', value });
const union = (...options: TypeSchema[]): TypeSchema => ({ kind: 'union', options });
const prop = (name: string, type: TypeSchema, optional = false): PropertySchema => ({ name, type, optional });
const obj = (...properties: PropertySchema[]): TypeSchema => ({ kind: 'object', properties });
const arr = (element: TypeSchema): TypeSchema => ({ kind: 'array', element });
const POINT = obj(prop('x', NUM), prop('y', NUM), prop('label', STR, true));
const LEVEL = union(lit('low'), lit('mid'), lit('high'), lit(3));
const COLOR = union(lit(0), lit(5), lit(6));

function types(t: TargetFunction): Record<string, TypeSchema> {
  return Object.fromEntries(t.params.map((p) => [p.name, p.type]));
}

function ts(name: string): TargetFunction {
  return extractTarget(TS_TARGET, { name });
}

void test('config lookup: the nearest config that includes the file (tsconfig.json; for JS the nearer of it and jsconfig.json)', () => {
  assert.equal(findProjectConfig(TS_TARGET), path.join(FIX, 'ts-paths', 'tsconfig.json'));
  assert.equal(findProjectConfig(JS_TARGET), path.join(FIX, 'js-jsdoc', 'jsconfig.json'));
  // A TS file ignores jsconfig.json; the repository's own tsconfig above it excludes test/fixtures, so none owns it.
  assert.equal(findProjectConfig(path.join(FIX, 'js-jsdoc', 'types.ts')), null);
  // A file the repository's tsconfig includes is owned by it.
  assert.equal(findProjectConfig(path.resolve(__dirname, '..', '..', 'src', 'core', 'pipeline.ts')), path.resolve(__dirname, '..', '..', 'tsconfig.json'));
});

void test('config lookup: a config that does not include the file is skipped (package sources under node_modules, excluded folders, solution-style references)', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'hotpath-owner-'));
  try {
    const write = (rel: string, text: string) => {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), text);
    };
    // The project: Node16 resolution, only src/ included; a package installed under node_modules ships its TS sources.
    write('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'Node16', moduleResolution: 'Node16', strict: true }, include: ['src'] }));
    write('src/a.ts', 'export const a = 1;\n');
    write('scripts/tool.ts', 'export const t = 1;\n');
    write('node_modules/pkg/package.json', JSON.stringify({ name: 'pkg', type: 'module' }));
    write('node_modules/pkg/src/types.ts', 'export interface Opts { depth: number }\n');
    write('node_modules/pkg/src/index.ts', "import type { Opts } from './types'\nexport function walk(o: Opts): number { return o.depth }\n");
    assert.equal(findProjectConfig(path.join(root, 'src', 'a.ts')), path.join(root, 'tsconfig.json'));
    assert.equal(findProjectConfig(path.join(root, 'scripts', 'tool.ts')), null);
    const pkgFile = path.join(root, 'node_modules', 'pkg', 'src', 'index.ts');
    assert.equal(findProjectConfig(pkgFile), null);
    // With default options (bundler resolution) the package's extensionless relative import resolves;
    // the project's Node16 options would have left `Opts` unresolved.
    const walk = extractTarget(pkgFile, { name: 'walk' });
    assert.deepEqual(walk.params[0]?.type, obj(prop('depth', NUM)));
    assert.deepEqual(walk.typeNotes, []);

    // A solution-style tsconfig (no files of its own) owns what its references include.
    write('mono/tsconfig.json', JSON.stringify({ files: [], references: [{ path: './packages/core' }] }));
    write('mono/packages/core/tsconfig.json', JSON.stringify({ compilerOptions: { composite: true, strict: true }, include: ['lib'] }));
    write('mono/packages/core/lib/x.ts', 'export const x = 1;\n');
    assert.equal(findProjectConfig(path.join(root, 'mono', 'packages', 'core', 'lib', 'x.ts')), path.join(root, 'mono', 'packages', 'core', 'tsconfig.json'));
    write('mono/tools/y.ts', 'export const y = 1;\n');
    assert.equal(findProjectConfig(path.join(root, 'mono', 'tools', 'y.ts')), null);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

void test('imported interface (with a base), numeric and string enums, literal union, through a `paths` alias', () => {
  const t = ts('area');
  assert.deepEqual(types(t), {
    p: obj(prop('z', NUM), prop('x', NUM), prop('y', NUM), prop('label', STR, true)),
    color: COLOR,
    mode: union(lit('fast'), lit('safe')),
    level: LEVEL,
  });
  // The annotations stay as written; nothing needed a note.
  assert.deepEqual(
    t.params.map((p) => p.typeText),
    ['Point3', 'Color', 'Mode', 'Level'],
  );
  assert.deepEqual(t.typeNotes, []);
});

void test('generic instantiation (recursive), Record<string, V>, Record<literal keys, V> via a namespace import', () => {
  const t = ts('total');
  const { page, scores, byLevel } = types(t);
  assert.deepEqual(scores, { kind: 'record', value: NUM });
  assert.deepEqual(byLevel, obj(prop('low', arr(POINT)), prop('high', arr(POINT))));
  // Page<Point>: readonly T[] is an array; `next` recurses twice, then is unknown (as the syntactic path does).
  const inner = obj(prop('items', arr(POINT)), prop('total', NUM), prop('next', UNKNOWN));
  assert.deepEqual(page, obj(prop('items', arr(POINT)), prop('total', NUM), prop('next', union({ kind: 'null' }, inner))));
  assert.deepEqual(t.typeNotes, []);
});

void test('tuples (named, optional, readonly), branded primitives, Partial<> of an interface with Set, Date, Map and a callback', () => {
  const { pair, span, ids, opts } = types(ts('shapes'));
  assert.deepEqual(pair, { kind: 'tuple', elements: [STR, NUM] });
  assert.deepEqual(span, { kind: 'tuple', elements: [NUM, union(UNDEF, NUM)] });
  assert.deepEqual(ids, arr(STR));
  assert.deepEqual(
    opts,
    obj(
      prop('limit', NUM, true),
      prop('tags', { kind: 'set', element: STR }, true),
      prop('when', { kind: 'date' }, true),
      prop('lookup', { kind: 'map', key: STR, value: LEVEL }, true),
      prop('pick', { kind: 'function', returns: 'boolean', arity: 1 }, true),
    ),
  );
});

void test('default values (inferred object type), optional parameters, rest of Pick<>, Omit<> | null', () => {
  const d = ts('withDefaults');
  assert.deepEqual(types(d), {
    p: POINT,
    scale: union(NUM, UNDEF),
    origin: union(obj(prop('x', NUM), prop('y', NUM)), UNDEF),
    rest: arr(obj(prop('x', NUM))),
  });
  assert.deepEqual(
    d.params.map((p) => [p.name, p.optional, p.rest]),
    [
      ['p', false, false],
      ['scale', true, false],
      ['origin', true, false],
      ['rest', false, true],
    ],
  );
  assert.deepEqual(types(ts('optional')), {
    p: union(UNDEF, POINT),
    q: union({ kind: 'null' }, obj(prop('x', NUM), prop('y', NUM)), UNDEF),
  });
});

void test('type parameters use their constraints; overloads are joined per position; contextually typed arrows', () => {
  assert.deepEqual(types(ts('generic')), { key: STR, value: POINT, free: UNKNOWN });
  assert.deepEqual(ts('generic').typeNotes, []);
  const conv = ts('convert');
  assert.deepEqual(types(conv), { value: union(STR, NUM), radix: union(UNDEF, NUM) });
  assert.deepEqual(
    conv.params.map((p) => p.typeText),
    ['any', 'any'],
  );
  assert.deepEqual(types(ts('handler')), { p: POINT, level: LEVEL });
});

void test('what inputs cannot be generated for stays unknown, with a note naming the parameter and the type; project classes become instances', () => {
  const t = ts('notGenerated');
  const widget: TypeSchema = { kind: 'instance', name: 'Widget', ref: 0, args: [NUM] };
  assert.deepEqual(types(t), { w: widget, re: UNKNOWN, sym: UNKNOWN, mixed: obj(prop('ok', NUM), prop('w', widget)) });
  assert.deepEqual(t.classes, [{ name: 'Widget', file: path.join(FIX, 'ts-paths', 'src', 'lib', 'types.ts'), exportName: 'Widget' }]);
  assert.deepEqual(t.typeNotes, [{ param: 're', type: 'RegExp', reason: "'RegExp' is a built-in type inputs are not generated for" }]);
});

void test('a missing module is a note, not a crash; type errors in the file do not matter; simple types need no program', () => {
  const b = ts('broken');
  assert.deepEqual(types(b), { m: UNKNOWN, ok: COLOR });
  assert.deepEqual(b.typeNotes, [{ param: 'm', type: "import('./missing').Missing", reason: 'a type it uses cannot be resolved (missing file, module or declaration)' }]);

  const e = ts('typeErrors');
  assert.deepEqual(types(e), { p: POINT, n: NUM });
  assert.deepEqual(e.typeNotes, []);

  const before = typeProgramStats().builds;
  const s = ts('simple');
  assert.deepEqual(types(s), { xs: arr(NUM), name: STR, flag: union({ kind: 'boolean' }, UNDEF) });
  assert.equal(typeProgramStats().builds, before, 'fully resolved annotations build no program');
  // types: 'syntax' never builds one and keeps the old behaviour.
  const syn = extractTarget(TS_TARGET, { name: 'area' }, undefined, { types: 'syntax' });
  assert.equal(typeProgramStats().builds, before);
  assert.deepEqual(types(syn), { p: UNKNOWN, color: UNKNOWN, mode: UNKNOWN, level: UNKNOWN });
  assert.deepEqual(syn.typeNotes, []);
});

void test('unsaved editor text is what the program sees', () => {
  const text = readFileSync(TS_TARGET, 'utf8').replace('export function area(p: Point3,', 'export function area(p: Pair<Level, boolean>,');
  const t = extractTarget(TS_TARGET, { name: 'area' }, text);
  assert.deepEqual(t.params[0]?.type, { kind: 'tuple', elements: [LEVEL, { kind: 'boolean' }] });
});

void test('JS with JSDoc: @param {import("./types").Foo}, an imported @typedef, optional [more], a missing import, default values', () => {
  const d = extractTarget(JS_TARGET, { name: 'describe' });
  const fooInner = obj(prop('id', NUM), prop('name', STR), prop('tags', arr(STR)), prop('parent', UNKNOWN, true));
  const foo = obj(prop('id', NUM), prop('name', STR), prop('tags', arr(STR)), prop('parent', fooInner, true));
  assert.deepEqual(types(d), { foo, kind: union(lit('a'), lit('b')), more: union(UNDEF, arr(foo)), counts: { kind: 'record', value: NUM } });
  assert.equal(d.params[0]?.typeText, "import('./types').Foo");
  assert.equal(d.params[2]?.optional, true);
  assert.deepEqual(d.typeNotes, []);

  const lost = extractTarget(JS_TARGET, { name: 'lost' });
  assert.deepEqual(types(lost), { gone: UNKNOWN, n: NUM });
  assert.deepEqual(lost.typeNotes, [{ param: 'gone', type: "import('./nowhere').Gone", reason: 'a type it uses cannot be resolved (missing file, module or declaration)' }]);

  const defaults = extractTarget(JS_TARGET, { name: 'defaults' });
  assert.deepEqual(types(defaults), { limit: union(NUM, UNDEF), opts: union(obj(prop('deep', { kind: 'boolean' }), prop('keys', arr(STR))), UNDEF) });
});

void test('JS without any config above it uses the default program (allowJs, checkJs)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hotpath-checker-'));
  try {
    for (const f of ['target.js', 'types.ts']) copyFileSync(path.join(FIX, 'js-jsdoc', f), path.join(dir, f));
    const file = path.join(dir, 'target.js');
    assert.equal(findProjectConfig(file), null);
    const tp = buildTypeProgram(file, readFileSync(file, 'utf8'));
    assert.equal(tp.configFile, null);
    assert.equal(tp.configProblem, null);
    assert.equal(tp.program.getCompilerOptions().allowJs, true);
    assert.equal(tp.program.getCompilerOptions().checkJs, true);
    const d = extractTarget(file, { name: 'describe' });
    assert.deepEqual(d.params[1]?.type, union(lit('a'), lit('b')));
    assert.equal(d.params[0]?.type.kind, 'object');
    assert.deepEqual(d.typeNotes, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('a tsconfig that is not JSON falls back to default options, with a note on the parameters it typed', () => {
  const file = path.join(FIX, 'broken-config', 'target.ts');
  const config = path.join(FIX, 'broken-config', 'tsconfig.json');
  const t = extractTarget(file, { name: 'sum' });
  assert.deepEqual(types(t), { items: arr(obj(prop('id', NUM), prop('price', NUM))) });
  assert.deepEqual(t.typeNotes, [{ param: 'items', type: 'Item[]', reason: `${config} cannot be read ('}' expected.), so default compiler options were used` }]);
});

void test('a tsconfig extending a missing file keeps its other options, with a note', () => {
  const file = path.join(FIX, 'bad-extends', 'target.ts');
  const config = path.join(FIX, 'bad-extends', 'tsconfig.json');
  const tp = buildTypeProgram(file, readFileSync(file, 'utf8'));
  assert.equal(tp.configFile, config);
  assert.equal(tp.program.getCompilerOptions().strict, true);
  const t = extractTarget(file, { name: 'cheapest' });
  assert.deepEqual(types(t), { items: arr(obj(prop('id', NUM), prop('price', NUM))), limit: union(NUM, UNDEF) });
  assert.equal(t.typeNotes.length, 1);
  assert.equal(t.typeNotes[0]?.param, 'items');
  assert.match(t.typeNotes[0]?.reason ?? '', /bad-extends\/tsconfig\.json has problems \(.*does-not-exist\.json.*\); its other options were used$/);
});

void test('checker schemas drive input generation: enum values and interface shapes', () => {
  const t = ts('area');
  const rows = generateVerifyInputs(t.params, { seed: 3 });
  assert.ok(rows.length > 0);
  const full = rows.filter((r) => r.length === 4);
  assert.ok(full.length > 0);
  for (const [p, color, mode, level] of full) {
    assert.ok([0, 5, 6].includes(color as number), `color ${String(color)}`);
    assert.ok(['fast', 'safe'].includes(mode as string), `mode ${String(mode)}`);
    assert.ok(['low', 'mid', 'high', 3].includes(level as string | number), `level ${String(level)}`);
    assert.equal(typeof (p as { z: unknown }).z, 'number');
  }
});

void test('the program leaves out imports only function bodies (or other functions) use, without moving positions', () => {
  const text = [
    "import { heavy } from './heavy';",
    "import type { Shape } from './shape';",
    "import type { Other } from './other';",
    "import './augment';",
    "const big = require('./big');",
    '/** @typedef {import("./doc").Doc} Doc */',
    'export function target(s: Shape): number {',
    '  return heavy(s) + big;',
    '}',
    'export function unrelated(o: Other): Other {',
    '  return o;',
    '}',
    '',
  ].join('\n');
  const sf = typescript.createSourceFile('/virtual/t.ts', text, typescript.ScriptTarget.Latest, true);
  const focus = text.indexOf('export function target');
  const pruned = pruneImports(sf, focus).split('\n');
  assert.equal(pruned.join('\n').length, text.length);
  assert.deepEqual(pruned.slice(0, 6).map((l) => l.trim()), ['', "import type { Shape } from './shape';", '', "import './augment';", '', '/** @typedef {import("./doc").Doc} Doc */']);
  // Without a focus every top-level signature counts.
  assert.equal(pruneImports(sf).split('\n')[2], "import type { Other } from './other';");
});

void test('a class that cannot be built from outside stays unknown, with the reason', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hotpath-classes-'));
  try {
    const file = path.join(dir, 'shapes.ts');
    writeFileSync(
      file,
      [
        'abstract class Base {\n  abstract area(): number;\n}',
        'class Hidden {\n  private constructor(readonly n: number) {}\n}',
        'class Point {\n  constructor(readonly x: number, readonly y?: number) {}\n}',
        'export function f(b: Base, h: Hidden, p: Point): number {\n  return b.area() + h.n + p.x;\n}',
      ].join('\n'),
    );
    const t = extractTarget(file, { name: 'f' });
    assert.deepEqual(types(t), { b: UNKNOWN, h: UNKNOWN, p: { kind: 'instance', name: 'Point', ref: 0, args: [NUM, union(UNDEF, NUM)] } });
    // Declared in the target's own file: the bundle refers to it by name.
    assert.deepEqual(t.classes, [{ name: 'Point', file, exportName: null }]);
    assert.deepEqual(t.typeNotes, [
      { param: 'b', type: 'Base', reason: "'Base' is a class instance that cannot be built: it is abstract" },
      { param: 'h', type: 'Hidden', reason: "'Hidden' is a class instance that cannot be built: its constructor is not public" },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
