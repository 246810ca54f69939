/** Methods as targets: extraction, receivers, substitution, prompts, and real sandbox runs through runHotpath. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { extractTarget, listFunctions } from '../../src/core/target/extract';
import { InputError } from '../../src/core/errors';
import { callPlan, receiverShape, renderCall } from '../../src/core/target/methods';
import { applyCandidate, originalCandidate, parseCandidate } from '../../src/core/candidates/substitute';
import { generateTargetBenchInputs, generateTargetVerifyInputs, describeTargetSizeMeaning } from '../../src/core/inputs/inputs';
import { crossCallState } from '../../src/core/verify/statecheck';
import { buildMessages } from '../../src/core/candidates/llm/prompt';
import { pickCandidateSource } from '../../src/core/candidates/llm/parse';
import { methodAspect } from '../../src/core/verify/verify';
import { runHotpath } from '../../src/core/pipeline';
import { THIS_MARKER } from '../../src/core/sandbox/protocol';
import { byOrigin } from '../support/report-helpers';

const FIX = resolve(__dirname, '../fixtures/methods');
const HIST = join(FIX, 'histogram.ts');
const INV = join(FIX, 'inventory.cjs');

const KINDS = `export class Shapes {
  #secret = 1;
  static count = 0;
  side: number;

  constructor(side: number) {
    this.side = side;
  }

  area(): number {
    return this.side * this.side;
  }

  static unit(n: number): number {
    return n * 2;
  }

  get perimeter(): number {
    return this.side * 4;
  }

  set perimeter(p: number) {
    this.side = p / 4;
  }

  #hidden(): number {
    return this.#secret;
  }

  *corners(): Generator<number> {
    yield 1;
  }

  async load(x: number): Promise<number> {
    return x;
  }
}

const tools = {
  twice(x: number) {
    return x * 2;
  },
  half: (x: number) => x / 2,
  get zero() {
    return 0;
  },
};

let loose = {
  f(x: number) {
    return x;
  },
};

function outer() {
  class Inner {
    m() {
      return 1;
    }
  }
  return Inner;
}

export class Other {
  area(): number {
    return 0;
  }
}
`;

function throwsInput(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof InputError && re.test(e.message));
}

void test('extraction: instance, static, getter and object-literal members are targets with MethodInfo', () => {
  const f = '/virtual/kinds.ts';
  const area = extractTarget(f, { name: 'Shapes.area' }, KINDS);
  assert.deepEqual({ ...area.method, ownerStart: undefined, ownerEnd: undefined }, {
    kind: 'instance',
    accessor: 'method',
    owner: 'Shapes',
    member: 'area',
    ownerStart: undefined,
    ownerEnd: undefined,
  });
  assert.equal(area.text, 'area(): number {\n    return this.side * this.side;\n  }');
  assert.equal(KINDS.slice(area.method!.ownerStart, area.method!.ownerStart + 19), 'export class Shapes');
  assert.equal(area.exported, true);
  assert.equal(area.context.declarations.some((d) => d.name === 'Shapes'), false, 'the owner is not module context');

  const unit = extractTarget(f, { name: 'unit' }, KINDS);
  assert.equal(unit.name, 'Shapes.unit');
  assert.equal(unit.method?.kind, 'static');
  assert.deepEqual(unit.params.map((p) => [p.name, p.type.kind]), [['n', 'number']]);
  const per = extractTarget(f, { name: 'Shapes.perimeter' }, KINDS);
  assert.equal(per.method?.accessor, 'getter');
  assert.ok(per.text.startsWith('get perimeter()'));
  const load = extractTarget(f, { name: 'Shapes.load' }, KINDS);
  assert.equal(load.async, true);

  const twice = extractTarget(f, { name: 'tools.twice' }, KINDS);
  assert.equal(twice.method?.kind, 'object');
  assert.equal(twice.exported, false);
  const half = extractTarget(f, { name: 'half' }, KINDS);
  assert.equal(half.shape, 'arrow');
  assert.equal(half.text, 'half: (x: number) => x / 2');
  assert.equal(extractTarget(f, { name: 'tools.zero' }, KINDS).method?.accessor, 'getter');
  // --line inside a method body.
  const line = KINDS.split('\n').findIndex((l) => l.includes('return n * 2;')) + 1;
  assert.equal(extractTarget(f, { line }, KINDS).name, 'Shapes.unit');

  const listed = listFunctions(f, KINDS);
  const supported = (n: string) => listed.filter((x) => x.name === n).map((x) => x.supported);
  for (const n of ['Shapes.area', 'Shapes.unit', 'tools.twice', 'tools.half', 'tools.zero']) assert.deepEqual(supported(n), [true], n);
  // The getter is supported, its setter is not.
  assert.deepEqual(supported('Shapes.perimeter'), [true, false]);
  for (const n of ['Shapes.constructor', 'Shapes.#hidden', 'Shapes.corners', 'loose.f', 'Inner.m']) assert.deepEqual(supported(n), [false], n);
});

void test('extraction: setters, #private, constructors, generators, nested and non-const owners stay unsupported with a reason', () => {
  const f = '/virtual/kinds.ts';
  throwsInput(() => extractTarget(f, { name: 'Shapes.constructor' }, KINDS), /is a constructor; Hotpath supports methods, static methods and getters/);
  throwsInput(() => extractTarget(f, { name: 'Shapes.#hidden' }, KINDS), /'Shapes\.#hidden' is a #private member/);
  throwsInput(() => extractTarget(f, { name: 'hidden' }, KINDS), /'Shapes\.#hidden' is a #private member/);
  throwsInput(() => extractTarget(f, { name: 'Shapes.corners' }, KINDS), /is a generator method/);
  throwsInput(() => extractTarget(f, { name: 'Inner.m' }, KINDS), /not declared at the top level/);
  throwsInput(() => extractTarget(f, { name: 'loose.f' }, KINDS), /not a top-level const/);
  // The setter shares the getter's name: by line it is the setter that is meant.
  const setLine = KINDS.split('\n').findIndex((l) => l.includes('this.side = p / 4;')) + 1;
  throwsInput(() => extractTarget(f, { line: setLine }, KINDS), /'Shapes\.perimeter' is a setter/);
  // A member name shared by two classes is ambiguous.
  throwsInput(() => extractTarget(f, { name: 'area' }, KINDS), /'area' is ambiguous .*Shapes\.area \(line \d+\), Other\.area \(line \d+\)\. Select one as Owner\.area/);
});

void test('receivers: declared fields give state receivers; constructors with logic, #private or extends give construct receivers', () => {
  const hist = extractTarget(HIST, { name: 'Histogram.countAbove' });
  const shape = receiverShape(hist);
  assert.equal(shape.mode, 'state');
  assert.deepEqual(shape.mode === 'state' ? shape.fields.map((x) => [x.name, x.type.kind]) : [], [
    ['values', 'array'],
    ['label', 'string'],
  ]);
  assert.equal(describeTargetSizeMeaning(hist), 'array length (this.values)');
  const verify = generateTargetVerifyInputs(hist, { seed: 3 });
  assert.ok(verify.length > 20);
  for (const row of verify) {
    const marker = row[0] as Record<string, unknown>;
    assert.equal(marker[THIS_MARKER], 'state');
    assert.ok(Array.isArray((marker.props as { values: unknown }).values));
  }
  // The benchmark size sizes the receiver's collection.
  for (const size of [16, 256]) {
    for (const row of generateTargetBenchInputs(hist, size, { seed: 1, count: 3 })) {
      assert.equal(((row[0] as { props: { values: unknown[] } }).props.values).length, size);
      assert.equal(typeof row[1], 'number');
    }
  }
  assert.match(renderCall(hist, [{ [THIS_MARKER]: 'state', props: { values: [1, 2], label: 'a' } }, 3]), /^Histogram\{ values: \[1, 2\], label: 'a' \}\.countAbove\(3\)$/);

  const inv = extractTarget(INV, { name: 'Inventory.countWith' });
  const ishape = receiverShape(inv);
  assert.equal(ishape.mode, 'construct');
  assert.deepEqual(ishape.mode === 'construct' ? ishape.params.map((p) => [p.name, p.type.kind]) : [], [
    ['names', 'array'],
    ['minLen', 'number'],
  ]);
  const rows = generateTargetBenchInputs(inv, 64, { seed: 1, count: 2 });
  for (const row of rows) {
    const m = row[0] as { args: unknown[] };
    assert.equal((m as Record<string, unknown>)[THIS_MARKER], 'construct');
    assert.equal((m.args[0] as unknown[]).length, 64);
  }
  assert.match(renderCall(inv, [{ [THIS_MARKER]: 'construct', args: [['ab'], 1] }, 'a']), /^new Inventory\(\['ab'\], 1\)\.countWith\('a'\)$/);
  // JSDoc @type on a constructor assignment (JS).
  const ledger = receiverShape(extractTarget(INV, { name: 'Ledger.sum' }));
  assert.equal(ledger.mode, 'state');
  assert.deepEqual(ledger.mode === 'state' ? ledger.fields.map((x) => [x.name, x.type.kind]) : [], [['entries', 'array']]);

  const f = '/virtual/r.ts';
  const priv = `class P {\n  #n = 1;\n  xs: number[] = [];\n  m() {\n    return this.xs.length + this.#n;\n  }\n}\n`;
  assert.equal(receiverShape(extractTarget(f, { name: 'P.m' }, priv)).mode, 'construct');
  const ext = `class B {}\nclass D extends B {\n  xs: number[] = [];\n  m() {\n    return this.xs.length;\n  }\n}\n`;
  assert.equal(receiverShape(extractTarget(f, { name: 'D.m' }, ext)).mode, 'construct');
  // Static and object methods take no receiver element.
  const unit = extractTarget('/virtual/kinds.ts', { name: 'Shapes.unit' }, KINDS);
  assert.equal(callPlan(unit).params.length, 1);
  assert.ok(generateTargetVerifyInputs(unit, { seed: 1 }).every((r) => r.length <= 1 && typeof r[0] !== 'object'));
});

void test('substitution: the owner with just the member, or a bare member; kind is kept; other members rejected; indentation kept', () => {
  const t = extractTarget(HIST, { name: 'Histogram.countAbove' });
  assert.equal(applyCandidate(t, originalCandidate(t)), t.fileText);
  const asOwner = parseCandidate(t, 'function above(v: number, t: number) {\n  return v > t;\n}\n\nclass Histogram {\n  values: number[];\n  countAbove(threshold: number): number {\n    let c = 0;\n    for (const v of this.values) if (above(v, threshold)) c++;\n    return c;\n  }\n}\n');
  assert.ok(asOwner.ok, asOwner.ok ? '' : asOwner.reason);
  const out = applyCandidate(t, asOwner.candidate);
  assert.ok(out.includes('  countAbove(threshold: number): number {\n    let c = 0;\n    for (const v of this.values) if (above(v, threshold)) c++;\n    return c;\n  }\n\n  get total()'), out);
  assert.ok(out.indexOf('function above(') < out.indexOf('export class Histogram'), 'helpers go before the owner');
  assert.ok(out.includes('  constructor(values: number[], label: string) {'), 'the rest of the class is kept');

  const bare = parseCandidate(t, 'countAbove(threshold: number): number {\n  return this.values.filter((v) => v > threshold).length;\n}');
  assert.ok(bare.ok, bare.ok ? '' : bare.reason);
  assert.ok(applyCandidate(t, bare.candidate).includes('  countAbove(threshold: number): number {\n    return this.values.filter((v) => v > threshold).length;\n  }\n'));

  const other = parseCandidate(t, 'class Histogram {\n  private sorted(): number[] {\n    return [];\n  }\n  countAbove(threshold: number): number {\n    return 0;\n  }\n}');
  assert.equal(other.ok, false);
  assert.match(other.ok ? '' : other.reason, /defines other members of 'Histogram' \('sorted'\); it may only redefine 'countAbove'\. Put helpers in top-level functions/);
  const made = parseCandidate(t, 'class Histogram {\n  static countAbove(threshold: number): number {\n    return 0;\n  }\n}');
  assert.match(made.ok ? '' : made.reason, /changes the kind of 'Histogram\.countAbove' \(a static method instead of a method\)/);
  const asyncd = parseCandidate(t, 'async countAbove(threshold: number) {\n  return 0;\n}');
  assert.match(asyncd.ok ? '' : asyncd.reason, /makes 'Histogram\.countAbove' async/);

  const total = extractTarget(HIST, { name: 'Histogram.total' });
  const asMethod = parseCandidate(total, 'class Histogram {\n  total(): number {\n    return 0;\n  }\n}');
  assert.match(asMethod.ok ? '' : asMethod.reason, /a method instead of a getter/);
  const range = extractTarget(HIST, { name: 'Histogram.range' });
  const inst = parseCandidate(range, 'range(lo: number, hi: number): number[] {\n  return [];\n}');
  assert.match(inst.ok ? '' : inst.reason, /a method instead of a static method/);
  const stat = parseCandidate(range, 'static range(lo: number, hi: number): number[] {\n  return [];\n}');
  assert.ok(stat.ok);

  const maxOf = extractTarget(HIST, { name: 'stats.maxOf' });
  assert.equal(applyCandidate(maxOf, originalCandidate(maxOf)), maxOf.fileText);
  const obj = parseCandidate(maxOf, 'const stats = {\n  maxOf(xs: number[]): number {\n    let m = -Infinity;\n    for (const x of xs) if (x > m) m = x;\n    return m;\n  },\n};');
  assert.ok(obj.ok, obj.ok ? '' : obj.reason);
  const objOut = applyCandidate(maxOf, obj.candidate);
  assert.ok(objOut.includes('  maxOf(xs: number[]): number {\n    let m = -Infinity;\n    for (const x of xs) if (x > m) m = x;\n    return m;\n  },\n};'), objOut);
  const none = parseCandidate(maxOf, 'function maxOf(xs: number[]) {\n  return 0;\n}');
  assert.match(none.ok ? '' : none.reason, /does not define 'stats\.maxOf': give the object with just that member \(const stats = \{ \.\.\. \}\)/);
});

void test('tab-indented class: the new member gets the file\'s indentation', () => {
  const text = 'class T {\n\tvals: number[] = [];\n\n\tsum(): number {\n\t\treturn this.vals.reduce((a, b) => a + b, 0);\n\t}\n}\n';
  const t = extractTarget('/virtual/t.ts', { name: 'T.sum' }, text);
  const p = parseCandidate(t, 'class T {\n  sum(): number {\n    let s = 0;\n    for (const v of this.vals) s += v;\n    return s;\n  }\n}');
  assert.ok(p.ok);
  assert.equal(applyCandidate(t, p.candidate), 'class T {\n\tvals: number[] = [];\n\n\tsum(): number {\n\t\tlet s = 0;\n\t\tfor (const v of this.vals) s += v;\n\t\treturn s;\n\t}\n}\n');
});

void test('static state check: caches on the class or object are module state; caches on this are left to the receiver comparison', () => {
  const f = '/virtual/s.ts';
  const orig = 'class C {\n  static seen = new Map<number, number>();\n  xs: number[] = [];\n  static sq(n: number) {\n    return n * n;\n  }\n  m(n: number) {\n    return n;\n  }\n}\n';
  const staticCache = orig.replace('return n * n;', 'if (!this.seen.has(n)) this.seen.set(n, n * n);\n    return this.seen.get(n)!;');
  assert.match(crossCallState(f, orig, staticCache, 'C.sq') ?? '', /module-level 'C' \(written by C\.sq\)/);
  const viaHelper = orig.replace('return n;\n  }\n}', 'return C.keep(n);\n  }\n  static keep(n: number) {\n    C.seen.set(n, n);\n    return n;\n  }\n}');
  assert.match(crossCallState(f, orig, viaHelper, 'C.m') ?? '', /'C' \(written by C\.keep\)/);
  const onThis = orig.replace('m(n: number) {\n    return n;', 'm(n: number) {\n    (this as any).last = n;\n    return n;');
  assert.equal(crossCallState(f, orig, onThis, 'C.m'), null);
  const objOrig = 'const o = {\n  f(n: number) {\n    return n;\n  },\n};\n';
  assert.match(crossCallState(f, objOrig, objOrig.replace('return n;', '(this as any).c = n;\n    return n;'), 'o.f') ?? '', /'o' \(written by o\.f\)/);
});

void test('prompts show the owner and ask for it with only the member; answers in that form are picked', () => {
  const t = extractTarget(HIST, { name: 'Histogram.countAbove' });
  const [sys, user] = buildMessages(t, { strategy: { id: 'passes', title: 'fewer passes', hint: 'one pass' }, nodeVersion: 'v20' });
  assert.match(sys!.content, /rewrite one method of class 'Histogram'/);
  assert.match(sys!.content, /Do not add properties to `this`/);
  assert.match(user!.content, /Method to optimize \('Histogram\.countAbove'\)/);
  assert.ok(user!.content.includes(t.fileText.slice(t.method!.ownerStart, t.method!.ownerEnd)), 'the class is shown');
  assert.match(user!.content, /containing class Histogram \{ \.\.\. \} holding only the complete faster 'countAbove' member/);
  const answer = 'Sure.\n```ts\nclass Histogram {\n  countAbove(threshold: number): number {\n    return 0;\n  }\n}\n```\n';
  const picked = pickCandidateSource(answer, t.name);
  assert.ok(picked.source?.startsWith('class Histogram {'));
  assert.ok(parseCandidate(t, picked.source!).ok);
  assert.equal(methodAspect('argument 1 after the call'), '`this` after the call');
  assert.equal(methodAspect('argument 3 after the call'), 'argument 2 after the call');
});

void test('sandbox: instance method over this-state (ESM TS): faster, in-place sort of this.values, hidden cache field on this', { timeout: 240_000 }, async () => {
  const report = await runHotpath({
    file: HIST,
    selector: { name: 'Histogram.countAbove' },
    variants: [
      { origin: 'fast', source: 'class Histogram {\n  countAbove(threshold: number): number {\n    let c = 0;\n    for (const v of this.values) if (v > threshold) c++;\n    return c;\n  }\n}\n' },
      { origin: 'sorts', source: 'class Histogram {\n  countAbove(threshold: number): number {\n    this.values.sort((a, b) => a - b);\n    let c = 0;\n    for (const v of this.values) if (v > threshold) c++;\n    return c;\n  }\n}\n' },
      {
        origin: 'cache',
        source: 'countAbove(threshold: number): number {\n  const self = this as unknown as { calls?: number };\n  self.calls = (self.calls ?? 0) + 1;\n  let c = 0;\n  for (const v of this.values) if (v > threshold) c++;\n  return c;\n}\n',
      },
    ],
  });
  const by = (o: string) => byOrigin(report, o);
  assert.equal(by('fast').verdict, 'faster', by('fast').reason);
  assert.match(by('fast').reason, /array length \(this\.values\)/);
  const sorts = by('sorts');
  assert.equal(sorts.verdict, 'incorrect', sorts.reason);
  assert.equal(sorts.counterexample?.aspect, '`this` after the call');
  assert.match(sorts.counterexample?.input ?? '', /^Histogram\{ values: \[.*\], label: .*\}\.countAbove\(.*\)$/);
  const cache = by('cache');
  assert.equal(cache.verdict, 'incorrect', cache.reason);
  assert.match(cache.reason, /Differs from the original in `this` after the call/);
  assert.match(cache.counterexample?.actual ?? '', /calls: 1/);
});

void test('sandbox: static method, getter and object-literal method (ESM TS)', { timeout: 240_000 }, async () => {
  const range = await runHotpath({
    file: HIST,
    selector: { name: 'Histogram.range' },
    variants: [{ origin: 'off-by-one', source: 'static range(lo: number, hi: number): number[] {\n  const out: number[] = [];\n  for (let i = lo; i <= hi; i++) out.push(i);\n  return out;\n}' }],
  });
  const r = range.candidates[0]!;
  // Two faults, both refusals: one more element than the original, and a loop that never ends on
  // range(Infinity, Infinity). Which one an input meets first depends on the coverage-guided
  // inputs (their rounds are bounded by wall time), so either verdict is right; each names its input.
  assert.ok(r.verdict === 'incorrect' || r.verdict === 'timeout', r.reason);
  if (r.verdict === 'incorrect') {
    assert.match(r.counterexample?.input ?? '', /^Histogram\.range\(/);
    assert.equal(r.counterexample?.aspect, 'return value');
  } else assert.match(r.reason, /on input Histogram\.range\(/);

  const total = await runHotpath({
    file: HIST,
    selector: { name: 'Histogram.total' },
    variants: [
      { origin: 'loop', source: 'get total(): number {\n  let s = 0;\n  for (const v of this.values) s += v;\n  return s;\n}' },
      { origin: 'wrong', source: 'class Histogram {\n  get total(): number {\n    return this.values.length;\n  }\n}' },
    ],
  });
  const loop = byOrigin(total, 'loop');
  assert.ok(['faster', 'not-faster'].includes(loop.verdict), loop.reason);
  assert.ok(loop.sizes.length > 0, 'benchmarked');
  const wrong = byOrigin(total, 'wrong');
  assert.equal(wrong.verdict, 'incorrect', wrong.reason);
  assert.match(wrong.counterexample?.input ?? '', /^Histogram\{ values: .*\}\.total$/);

  const obj = await runHotpath({
    file: HIST,
    selector: { name: 'stats.maxOf' },
    variants: [{ origin: 'first', source: 'const stats = {\n  maxOf(xs: number[]): number {\n    return xs.length === 0 ? -Infinity : xs[0]!;\n  },\n};' }],
  });
  const o = obj.candidates[0]!;
  assert.equal(o.verdict, 'incorrect', o.reason);
  assert.match(o.counterexample?.input ?? '', /^stats\.maxOf\(\[/);
});

void test('sandbox: CommonJS JS class whose constructor validates (construct receivers)', { timeout: 240_000 }, async () => {
  const report = await runHotpath({
    file: INV,
    selector: { name: 'countWith' },
    variants: [
      {
        origin: 'loop',
        source: 'class Inventory {\n  countWith(letter) {\n    const one = letter.length === 1;\n    let c = 0;\n    for (const n of this.names) if (one && n.length >= this.minLen && n.includes(letter)) c++;\n    return c;\n  }\n}',
      },
      { origin: 'ignores-min', source: 'countWith(letter) {\n  return this.names.filter((n) => n.includes(letter)).length;\n}' },
    ],
  });
  const loop = byOrigin(report, 'loop');
  assert.ok(['faster', 'not-faster'].includes(loop.verdict), loop.reason);
  assert.ok(loop.sizes.length > 0, 'benchmarked');
  const bad = byOrigin(report, 'ignores-min');
  assert.equal(bad.verdict, 'incorrect', bad.reason);
  assert.match(bad.counterexample?.input ?? '', /^new Inventory\(.*\)\.countWith\(/);
});

const LEDGER = join(FIX, 'ledger.ts');
const REGISTRY = join(FIX, 'registry.ts');

void test('class-typed parameters and constructor arguments become generated instances of the project class', () => {
  const b = extractTarget(LEDGER, { name: 'busiest' });
  assert.deepEqual(b.params[0]?.type, { kind: 'instance', name: 'Registry', ref: 0, args: [{ kind: 'number' }] });
  assert.deepEqual(b.classes, [{ name: 'Registry', file: REGISTRY, exportName: 'Registry' }]);
  assert.deepEqual(b.typeNotes, []);
  // The receiver's constructor takes `{ registry: Registry; name: string }` (an interface using an imported type).
  const m = extractTarget(LEDGER, { name: 'Ledger.totalAbove' });
  assert.equal(m.ctorParams?.[0]?.type.kind, 'object');
  assert.deepEqual(m.classes, b.classes);
  const calls = generateTargetVerifyInputs(m, { seed: 3, count: 40 }).map((args) => renderCall(m, args));
  assert.ok(calls.every((c) => /^new Ledger\(\{ registry: new Registry\(.*\), name: .*\}\)\.totalAbove\(/.test(c)), calls[0]);
});

void test('sandbox: receivers and arguments built from project classes are exercised (wrong variants caught, right ones measured)', { timeout: 300_000 }, async () => {
  const ledger = await runHotpath({
    file: LEDGER,
    selector: { name: 'Ledger.totalAbove' },
    variants: [
      { origin: 'loop', source: 'totalAbove(min: number): number {\n  let s = 0;\n  for (const v of this.slots) if (v > min) s += v;\n  return s;\n}' },
      { origin: 'wrong', source: 'totalAbove(min: number): number {\n  let s = 0;\n  for (const v of this.slots) if (v >= min) s += v;\n  return s;\n}' },
    ],
  });
  const by = (o: string) => byOrigin(ledger, o);
  const loop = by('loop');
  assert.ok(['faster', 'not-faster'].includes(loop.verdict), loop.reason);
  assert.ok(loop.sizes.length > 0, `measured: ${loop.reason}`);
  const wrong = by('wrong');
  assert.equal(wrong.verdict, 'incorrect', wrong.reason);
  assert.match(wrong.counterexample?.input ?? '', /^new Ledger\(\{ registry: new Registry\(\d+\), name: .*\}\)\.totalAbove\(/);

  const busiest = await runHotpath({
    file: LEDGER,
    selector: { name: 'busiest' },
    variants: [{ origin: 'last-wins', source: 'export function busiest(reg: Registry, names: string[]): string | null {\n  let best: string | null = null;\n  let bestCount = -1;\n  for (const name of names) {\n    const c = reg.count(name);\n    if (c >= bestCount) {\n      best = name;\n      bestCount = c;\n    }\n  }\n  return best;\n}' }],
  });
  const lw = busiest.candidates[0]!;
  assert.equal(lw.verdict, 'incorrect', lw.reason);
  assert.match(lw.counterexample?.input ?? '', /^\(new Registry\(/);
});
