import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { targetLineCoverage } from '../../src/core/verify/coverage';
import { extractTarget } from '../../src/core/target/extract';
import { instrumentModule, readCaptures, receiverFromCapture } from '../../src/core/project-tests/capture';
import { THIS_MARKER } from '../../src/core/sandbox/protocol';
import type { MethodInfo, TargetFunction } from '../../src/core/types';

const TSX_LOADER = pathToFileURL(path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs')).href;

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-capture-'));
}

/** Writes files into dir; returns their absolute paths. */
function write(dir: string, files: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) {
    const p = path.join(dir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    out[name] = p;
  }
  return out;
}

/** Runs a test script with plain node (optionally through tsx); returns stdout. */
function runNode(script: string, opts: { tsx?: boolean } = {}): string {
  const args = opts.tsx ? ['--import', TSX_LOADER, script] : [script];
  return execFileSync(process.execPath, args, { cwd: path.dirname(script), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Instruments `file` for `target` in place. */
function instrument(target: TargetFunction, captureDir: string, testFiles: string[], extra: { maxCalls?: number; maxCallBytes?: number } = {}): string {
  const text = instrumentModule(target, { captureDir, testFiles, ...extra });
  fs.writeFileSync(target.file, text);
  return text;
}

/** A method target built from the file's text (extraction of methods is done elsewhere). */
function methodTarget(file: string, helperName: string, owner: string, member: string, kind: MethodInfo['kind'], accessor: MethodInfo['accessor']): TargetFunction {
  const base = extractTarget(file, { name: helperName });
  const sf = ts.createSourceFile(file, base.fileText, ts.ScriptTarget.Latest, true);
  const st = sf.statements.find(
    (s) => (ts.isClassDeclaration(s) && s.name?.text === owner) || (ts.isVariableStatement(s) && s.declarationList.declarations[0]?.name.getText(sf) === owner),
  );
  assert.ok(st, `owner ${owner}`);
  // The member's own range, as extraction reports it for methods.
  let node: ts.Node | undefined;
  const find = (n: ts.Node): void => {
    if (node) return;
    if ((ts.isMethodDeclaration(n) || ts.isGetAccessor(n)) && n.name.getText(sf) === member) node = n;
    else ts.forEachChild(n, find);
  };
  find(st);
  assert.ok(node, `member ${member}`);
  return {
    ...base,
    name: `${owner}.${member}`,
    statementStart: node.getStart(sf),
    statementEnd: node.end,
    text: node.getText(sf),
    method: { kind, accessor, owner, member, ownerStart: st.getStart(sf), ownerEnd: st.end },
  };
}

const LIB_CJS = `'use strict';
module.exports = { fib, total, boom };

/** Naive Fibonacci (recursive: inner calls must not be recorded). */
function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

function total(list) {
  let s = 0;
  while (list.length) s += list.pop();
  return s;
}

function boom(x) {
  if (x < 0) throw new RangeError('negative: ' + x);
  return x;
}
`;

void test('CJS: counts per test file, recursion not counted, transparent wrapper', () => {
  const dir = tempDir();
  const capDir = path.join(dir, 'cap');
  const f = write(dir, {
    'lib.js': LIB_CJS,
    'test/a.test.js': `const { fib } = require('../lib.js');\nconst r = [fib(10), fib(3), fib(3)];\nprocess.stdout.write(JSON.stringify({ r, name: fib.name, length: fib.length }));\n`,
    'test/b.test.js': `const { fib } = require('../lib.js');\nfunction helper() { return fib(7); }\nhelper();\n`,
  });
  instrument(extractTarget(f['lib.js']!, { name: 'fib' }), capDir, [f['test/a.test.js']!, f['test/b.test.js']!]);
  const out = JSON.parse(runNode(f['test/a.test.js']!)) as { r: number[]; name: string; length: number };
  assert.deepEqual(out, { r: [55, 2, 2], name: 'fib', length: 1 });
  runNode(f['test/b.test.js']!);

  const res = readCaptures(capDir, { projectRoot: '/project', scratchRoot: dir });
  assert.equal(res.totalCalls, 4, 'recursive calls are not counted');
  assert.deepEqual(res.callsByFile, { 'test/a.test.js': 3, 'test/b.test.js': 1 });
  // Deduplicated, ordered by file then sequence.
  assert.deepEqual(res.calls, [{ args: [10] }, { args: [3] }, { args: [7] }]);
  assert.deepEqual(res.skipped, []);
});

void test('CJS: arguments captured before mutation; exceptions pass through unchanged', () => {
  const dir = tempDir();
  const capDir = path.join(dir, 'cap');
  const f = write(dir, {
    'lib.js': LIB_CJS,
    't.test.js': `const { total, boom } = require('./lib.js');
const list = [1, 2, 3];
const s = total(list);
let caught = null;
try { boom(-2); } catch (e) { caught = e instanceof RangeError ? e.message : 'wrong type'; }
process.stdout.write(JSON.stringify({ s, left: list.length, caught }));
`,
  });
  instrument(extractTarget(f['lib.js']!, { name: 'total' }), path.join(capDir, 'total'), [f['t.test.js']!]);
  const lib2 = extractTarget(f['lib.js']!, { name: 'boom' });
  instrument(lib2, path.join(capDir, 'boom'), [f['t.test.js']!]);
  const out = JSON.parse(runNode(f['t.test.js']!)) as { s: number; left: number; caught: string };
  assert.deepEqual(out, { s: 6, left: 0, caught: 'negative: -2' });
  const totals = readCaptures(path.join(capDir, 'total'), { projectRoot: dir, scratchRoot: dir });
  assert.deepEqual(totals.calls, [{ args: [[1, 2, 3]] }], 'the list as it was at entry');
  const booms = readCaptures(path.join(capDir, 'boom'), { projectRoot: dir, scratchRoot: dir });
  assert.deepEqual(booms.calls, [{ args: [-2] }]);
});

void test('uncapturable values are skipped with reasons; built-ins are kept', () => {
  const dir = tempDir();
  const capDir = path.join(dir, 'cap');
  const f = write(dir, {
    'lib.js': `function id(...xs) { return xs.length; }\nmodule.exports = { id };\n`,
    't.test.js': `const { id } = require('./lib.js');
class Point { constructor(x) { this.x = x; } }
id(1, () => 2);
id({ nested: { cb() {} } });
id(new Point(1));
id([new Point(2)]);
id(Promise.resolve(1));
id(new WeakMap());
id(Symbol('s'));
id({ get g() { return 1; } });
id(new Map([[1, new Set([2])]]), new Date(0), /re/g, new Uint8Array([1, 2]), Buffer.from('hi'), new TypeError('t'), 10n);
id(Object.create(null));
`,
  });
  instrument(extractTarget(f['lib.js']!, { name: 'id' }), capDir, [f['t.test.js']!]);
  runNode(f['t.test.js']!);
  const res = readCaptures(capDir, { projectRoot: dir, scratchRoot: dir });
  assert.equal(res.totalCalls, 10);
  const reasons = Object.fromEntries(res.skipped.map((s) => [s.reason, s.count]));
  assert.deepEqual(reasons, {
    'argument 2 is a function': 1,
    'argument 1 contains a function': 1,
    'argument 1 is a Point instance': 1,
    'argument 1 contains a Point instance': 1,
    'argument 1 is a promise': 1,
    'argument 1 is a WeakMap': 1,
    'argument 1 is a symbol': 1,
    'argument 1 is an object with a getter or setter': 1,
  });
  assert.equal(res.calls.length, 2);
  const builtins = res.calls[0]!.args;
  assert.ok(builtins[0] instanceof Map && (builtins[0].get(1) as Set<number>).has(2));
  assert.ok(builtins[1] instanceof Date);
  assert.ok(builtins[2] instanceof RegExp && builtins[2].flags === 'g');
  assert.ok(builtins[3] instanceof Uint8Array);
  assert.ok(Buffer.isBuffer(builtins[4]));
  assert.ok(builtins[5] instanceof TypeError);
  assert.equal(builtins[6], 10n);
});

void test('values from another realm (vm context, as in Jest) are checked by prototype chains', () => {
  const dir = tempDir();
  const capDir = path.join(dir, 'cap');
  const f = write(dir, {
    'lib.js': `function id(...xs) { return xs.length; }\nmodule.exports = { id };\n`,
    't.test.js': `const vm = require('node:vm');
const { id } = require('./lib.js');
const ctx = vm.createContext({ id });
vm.runInContext('id({ a: [1, 2], m: new Map([[1, 2]]) }); class Q {}; id(new Q()); id(new Float64Array([1.5]))', ctx, { filename: __filename });
`,
  });
  instrument(extractTarget(f['lib.js']!, { name: 'id' }), capDir, [f['t.test.js']!]);
  runNode(f['t.test.js']!);
  const res = readCaptures(capDir, { projectRoot: dir, scratchRoot: dir });
  assert.equal(res.totalCalls, 3);
  assert.deepEqual(res.skipped, [{ reason: 'argument 1 is a Q instance', count: 1 }]);
  assert.equal(res.calls.length, 2);
  assert.deepEqual(res.calls[0]!.args, [{ a: [1, 2], m: new Map([[1, 2]]) }]);
  assert.deepEqual(res.callsByFile, { 't.test.js': 3 });
});

void test('ESM TypeScript: async arrow, renamed const binding, file URLs in stacks, stays valid TS', () => {
  const dir = tempDir();
  const capDir = path.join(dir, 'cap');
  const f = write(dir, {
    'package.json': '{ "type": "module" }',
    'src/lib.ts': `export interface Item { id: number; tags: string[] }

/** Sums ids after a tick. */
export const sumIds = async (items: Item[], scale: number = 1): Promise<number> => {
  await Promise.resolve();
  if (items.length === 0) throw new Error('empty');
  return items.reduce((s, it) => s + it.id, 0) * scale;
};

export function other(): number {
  return 1;
}
`,
    'test/lib.test.ts': `import { sumIds } from '../src/lib.ts';
const p = sumIds([{ id: 1, tags: ['a'] }, { id: 2, tags: [] }], 2);
const isPromise = p instanceof Promise;
const v = await p;
let err = '';
try { await sumIds([]); } catch (e) { err = (e as Error).message; }
process.stdout.write(JSON.stringify({ isPromise, v, err, name: sumIds.name, length: sumIds.length }));
`,
  });
  const target = extractTarget(f['src/lib.ts']!, { name: 'sumIds' });
  const text = instrument(target, capDir, [f['test/lib.test.ts']!]);

  // The instrumented module still type-checks under strict settings, without @types/node.
  const host = ts.createCompilerHost({});
  const program = ts.createProgram([f['src/lib.ts']!], {
    strict: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    noImplicitReturns: true,
    noEmit: true,
    types: [],
    lib: ['lib.es2022.d.ts'],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
  }, host);
  const diags = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
  assert.deepEqual(diags, [], text.slice(text.indexOf('export interface')));

  const out = JSON.parse(runNode(f['test/lib.test.ts']!, { tsx: true })) as Record<string, unknown>;
  assert.deepEqual(out, { isPromise: true, v: 6, err: 'empty', name: 'sumIds', length: 1 });
  const res = readCaptures(capDir, { projectRoot: dir, scratchRoot: dir });
  assert.equal(res.totalCalls, 2);
  assert.deepEqual(res.callsByFile, { 'test/lib.test.ts': 2 });
  assert.deepEqual(res.calls, [{ args: [[{ id: 1, tags: ['a'] }, { id: 2, tags: [] }], 2] }, { args: [[]] }]);
});

void test('ESM: export default function and a module-level call before the tests', () => {
  const dir = tempDir();
  const capDir = path.join(dir, 'cap');
  const f = write(dir, {
    'lib.mjs': `export const TABLE = [slug('A B')];\nexport default function slug(s) {\n  return s.toLowerCase().replace(/ /g, '-');\n}\n`,
    't.test.mjs': `import slug, { TABLE } from './lib.mjs';\nprocess.stdout.write(JSON.stringify([slug('Hello World'), TABLE[0], slug.name]));\n`,
  });
  instrument(extractTarget(f['lib.mjs']!, { name: 'slug' }), capDir, [f['t.test.mjs']!]);
  assert.deepEqual(JSON.parse(runNode(f['t.test.mjs']!)), ['hello-world', 'a-b', 'slug']);
  const res = readCaptures(capDir, { projectRoot: dir, scratchRoot: dir });
  assert.equal(res.totalCalls, 2);
  assert.deepEqual(res.callsByFile, { '(unknown)': 1, 't.test.mjs': 1 }, 'the module-level call has no test file on its stack');
  assert.deepEqual(res.calls, [{ args: ['Hello World'] }, { args: ['A B'] }]);
});

const CLASS_LIB = `class Counter {
  constructor(step) { this.step = step; this.history = []; }
  add(n) { this.history.push(n); return n + this.step; }
  get last() { return this.history[this.history.length - 1]; }
  static make(step) { return new Counter(step); }
}
class Secret {
  #k = 1;
  peek(n) { return n + this.#k; }
}
function helper() { return 0; }
module.exports = { Counter, Secret, helper };
`;

void test('instance method: this state captured before the call; receiver marker for the runner', () => {
  const dir = tempDir();
  const capDir = path.join(dir, 'cap');
  const f = write(dir, {
    'lib.js': CLASS_LIB,
    't.test.js': `const { Counter } = require('./lib.js');
const c = new Counter(2);
const r = [c.add(1), c.add(5)];
class Sub extends Counter {}
new Sub(1).add(3);
process.stdout.write(JSON.stringify({ r, name: Counter.prototype.add.name, len: Counter.prototype.add.length }));
`,
  });
  instrument(methodTarget(f['lib.js']!, 'helper', 'Counter', 'add', 'instance', 'method'), capDir, [f['t.test.js']!]);
  assert.deepEqual(JSON.parse(runNode(f['t.test.js']!)), { r: [3, 7], name: 'add', len: 1 });
  const res = readCaptures(capDir, { projectRoot: dir, scratchRoot: dir });
  assert.equal(res.totalCalls, 3);
  assert.deepEqual(res.calls, [
    { args: [1], thisState: { step: 2, history: [] } },
    { args: [5], thisState: { step: 2, history: [1] } },
  ]);
  assert.deepEqual(res.skipped, [{ reason: 'the receiver is a Sub, not a direct Counter instance', count: 1 }]);
  assert.deepEqual(receiverFromCapture(res.calls[1]!), [{ [THIS_MARKER]: 'state', props: { step: 2, history: [1] } }, 5]);
  assert.deepEqual(receiverFromCapture({ args: [1, 2] }), [1, 2]);
});

void test('getter, static method, object-literal method, and #private classes', () => {
  const dir = tempDir();
  const f = write(dir, {
    'lib.js': CLASS_LIB + `const ops = { twice(x) { return 2 * x; } };\nmodule.exports.ops = ops;\n`,
    't.test.js': `const { Counter, Secret, ops } = require('./lib.js');
const c = Counter.make(3);
c.add(1);
const out = [c.last, ops.twice(4), new Secret().peek(1), Object.getOwnPropertyDescriptor(Counter.prototype, 'last').get.name];
process.stdout.write(JSON.stringify(out));
`,
  });
  const tests = [f['t.test.js']!];
  const base = fs.readFileSync(f['lib.js']!, 'utf8');
  const cases: [string, MethodInfo['kind'], MethodInfo['accessor'], string, string][] = [
    ['Counter', 'instance', 'getter', 'last', 'getter'],
    ['Counter', 'static', 'method', 'make', 'static'],
    ['ops', 'object', 'method', 'twice', 'object'],
    ['Secret', 'instance', 'method', 'peek', 'private'],
  ];
  const results: Record<string, ReturnType<typeof readCaptures>> = {};
  for (const [owner, kind, accessor, member, dirName] of cases) {
    fs.writeFileSync(f['lib.js']!, base);
    instrument(methodTarget(f['lib.js']!, 'helper', owner, member, kind, accessor), path.join(dir, dirName), tests);
    assert.deepEqual(JSON.parse(runNode(f['t.test.js']!)), [1, 8, 2, 'get last']);
    results[dirName] = readCaptures(path.join(dir, dirName), { projectRoot: dir, scratchRoot: dir });
  }
  assert.deepEqual(results.getter!.calls, [{ args: [], thisState: { step: 3, history: [1] } }]);
  assert.deepEqual(results.static!.calls, [{ args: [3] }]);
  assert.deepEqual(results.object!.calls, [{ args: [4] }]);
  assert.equal(results.private!.totalCalls, 1);
  assert.deepEqual(results.private!.skipped, [{ reason: 'the Secret class has #private members', count: 1 }]);
});

void test('limits: records stop at maxCalls but the total stays exact; oversized records are skipped', () => {
  const dir = tempDir();
  const capDir = path.join(dir, 'cap');
  const f = write(dir, {
    'lib.js': LIB_CJS,
    't.test.js': `const { total } = require('./lib.js');
for (let i = 0; i < 1000; i++) total([i]);
total(new Array(5000).fill(1));
`,
  });
  instrument(extractTarget(f['lib.js']!, { name: 'total' }), capDir, [f['t.test.js']!], { maxCalls: 3, maxCallBytes: 4096 });
  runNode(f['t.test.js']!);
  const res = readCaptures(capDir, { projectRoot: dir, scratchRoot: dir });
  assert.equal(res.totalCalls, 1001);
  assert.deepEqual(res.callsByFile, { 't.test.js': 1001 });
  assert.deepEqual(res.calls, [{ args: [[0]] }, { args: [[1]] }, { args: [[2]] }]);
  assert.deepEqual(res.skipped, [{ reason: 'over the 3-call limit', count: 998 }]);

  // The reader's own limit spreads calls across files and counts the rest as skipped.
  const capped = readCaptures(capDir, { projectRoot: dir, scratchRoot: dir, maxCalls: 2 });
  assert.equal(capped.calls.length, 2);
  assert.deepEqual(capped.skipped.find((s) => s.reason === 'over the 2-call limit'), { reason: 'over the 2-call limit', count: 1 });

  const capDir2 = path.join(dir, 'cap2');
  fs.writeFileSync(f['lib.js']!, LIB_CJS);
  fs.writeFileSync(f['t.test.js']!, `const { total } = require('./lib.js');\ntotal(new Array(5000).fill(1));\ntotal([1]);\n`);
  instrument(extractTarget(f['lib.js']!, { name: 'total' }), capDir2, [f['t.test.js']!], { maxCallBytes: 4096 });
  runNode(f['t.test.js']!);
  const big = readCaptures(capDir2, { projectRoot: dir, scratchRoot: dir });
  assert.equal(big.totalCalls, 2);
  assert.deepEqual(big.calls, [{ args: [[1]] }]);
  assert.deepEqual(big.skipped, [{ reason: 'exceeds 4 KiB', count: 1 }]);
});

void test('a truncated capture file (process killed mid-write) is read up to the cut', () => {
  const dir = tempDir();
  const capDir = path.join(dir, 'cap');
  const f = write(dir, {
    'lib.js': LIB_CJS,
    't.test.js': `const { fib } = require('./lib.js');\nfib(1); fib(2); fib(3);\n`,
  });
  instrument(extractTarget(f['lib.js']!, { name: 'fib' }), capDir, [f['t.test.js']!]);
  runNode(f['t.test.js']!);
  const [name] = fs.readdirSync(capDir);
  const file = path.join(capDir, name!);
  const whole = fs.readFileSync(file);
  fs.writeFileSync(file, whole.subarray(0, whole.length - 3));
  const res = readCaptures(capDir, { projectRoot: dir, scratchRoot: dir });
  assert.deepEqual(res.calls, [{ args: [1] }, { args: [2] }]);
  assert.equal(res.totalCalls, 3);
  assert.equal(res.skipped.length, 1);
  assert.match(res.skipped[0]!.reason, /cut off/);
  // Garbage files and an empty directory do not throw.
  fs.writeFileSync(path.join(capDir, 'zzz.bin'), Buffer.from([1, 2]));
  assert.equal(readCaptures(capDir, { projectRoot: dir, scratchRoot: dir }).calls.length, 2);
  assert.deepEqual(readCaptures(path.join(dir, 'missing'), { projectRoot: dir, scratchRoot: dir }), { totalCalls: 0, calls: [], callsByFile: {}, skipped: [] });
});

// ---- coverage by replay ---------------------------------------------------------------------------

void test('coverage: a branch the calls never take is uncovered, and the counts are right', async () => {
  const dir = tempDir();
  const f = write(dir, {
    'cov.ts': `import { helper } from './helper';

export function classify(n: number): string {
  let out = 'small';
  if (n > 1000) {
    out = 'huge';
    helper(n);
  }
  for (let i = 0; i < 2; i++) out += '.';
  return out;
}
`,
    'helper.ts': `export function helper(n: number): number {\n  return n * 2;\n}\n`,
  });
  const target = extractTarget(f['cov.ts']!, { name: 'classify' });
  const common = { target, nodePath: process.execPath, timeoutMs: 20_000, memoryMb: 256 };
  const cov = await targetLineCoverage({ ...common, argLists: [[1], [5]], workDir: path.join(dir, 'w1') });
  // Code lines: 4 (let), 5 (if), 6, 7 (inside the branch), 9 (for), 10 (return).
  assert.deepEqual(cov, { coveredLines: 4, totalLines: 6, uncoveredLines: [6, 7] });
  const all = await targetLineCoverage({ ...common, argLists: [[1], [5000]], workDir: path.join(dir, 'w2') });
  assert.deepEqual(all, { coveredLines: 6, totalLines: 6, uncoveredLines: [] });
  const none = await targetLineCoverage({ ...common, argLists: [], workDir: path.join(dir, 'w3') });
  assert.deepEqual(none, { coveredLines: 0, totalLines: 6, uncoveredLines: [4, 5, 6, 7, 9, 10] });
});

void test('coverage: captured instance-method calls replayed through the receiver marker; hangs give null', async () => {
  const dir = tempDir();
  const f = write(dir, {
    'lib.js': `class Acc {
  constructor() { this.items = []; }
  push(x) {
    if (this.items.length >= 2) {
      return false;
    }
    this.items.push(x);
    return true;
  }
}
function helper() { return 0; }
function spin(n) {
  while (n >= 0) n++;
  return n;
}
module.exports = { Acc, helper, spin };
`,
    't.test.js': `const { Acc } = require('./lib.js');\nconst a = new Acc();\na.push(1);\na.push(2);\n`,
  });
  const original = fs.readFileSync(f['lib.js']!, 'utf8');
  const target = methodTarget(f['lib.js']!, 'helper', 'Acc', 'push', 'instance', 'method');
  instrument(target, path.join(dir, 'cap'), [f['t.test.js']!]);
  runNode(f['t.test.js']!);
  fs.writeFileSync(f['lib.js']!, original);
  const res = readCaptures(path.join(dir, 'cap'), { projectRoot: dir, scratchRoot: dir });
  assert.equal(res.calls.length, 2);
  const argLists = res.calls.map(receiverFromCapture);
  const common = { target, nodePath: process.execPath, timeoutMs: 20_000, memoryMb: 256 };
  const cov = await targetLineCoverage({ ...common, argLists, workDir: path.join(dir, 'w1') });
  assert.deepEqual(cov, { coveredLines: 3, totalLines: 4, uncoveredLines: [5] }, 'lines 4, 5, 7, 8 hold code');
  // A receiver that already holds two items takes the early return.
  const full = await targetLineCoverage({ ...common, argLists: [...argLists, [{ [THIS_MARKER]: 'state', props: { items: [1, 2] } }, 3]], workDir: path.join(dir, 'w2') });
  assert.deepEqual(full, { coveredLines: 4, totalLines: 4, uncoveredLines: [] });

  const spin = extractTarget(f['lib.js']!, { name: 'spin' });
  const hung = await targetLineCoverage({ target: spin, argLists: [[1]], nodePath: process.execPath, timeoutMs: 1500, memoryMb: 128, workDir: path.join(dir, 'w3') });
  assert.equal(hung, null);
});
