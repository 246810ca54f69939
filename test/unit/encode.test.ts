import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeValue, checksumOf, canonicalHash } from '../../src/core/sandbox/encode';

void describe('encodeValue', () => {
  void it('spells out special numbers and keeps primitives exact', () => {
    assert.deepEqual(encodeValue(-0), { t: 'number', v: '-0' });
    assert.deepEqual(encodeValue(0), { t: 'number', v: 0 });
    assert.deepEqual(encodeValue(NaN), { t: 'number', v: 'NaN' });
    assert.deepEqual(encodeValue(Infinity), { t: 'number', v: 'Infinity' });
    assert.deepEqual(encodeValue(-Infinity), { t: 'number', v: '-Infinity' });
    assert.deepEqual(encodeValue(0.1 + 0.2), { t: 'number', v: 0.30000000000000004 });
    assert.deepEqual(encodeValue(12345678901234567890n), { t: 'bigint', v: '12345678901234567890' });
    assert.deepEqual(encodeValue('hi'), { t: 'string', v: 'hi' });
    assert.deepEqual(encodeValue(undefined), { t: 'undefined' });
    assert.deepEqual(encodeValue(null), { t: 'null' });
    assert.deepEqual(encodeValue(true), { t: 'boolean', v: true });
    assert.deepEqual(encodeValue(Symbol('s')), { t: 'symbol', v: 'Symbol(s)' });
    assert.deepEqual(encodeValue(function named() {}), { t: 'function', name: 'named' });
  });

  void it('encodes arrays with holes and extra keys', () => {
    // eslint-disable-next-line no-sparse-arrays
    const a: unknown[] & { tag?: string } = [1, , 3];
    a.tag = 'x';
    assert.deepEqual(encodeValue(a), { t: 'array', items: [{ t: 'number', v: 1 }, null, { t: 'number', v: 3 }], extra: [['tag', { t: 'string', v: 'x' }]] });
    assert.deepEqual(encodeValue([undefined]), { t: 'array', items: [{ t: 'undefined' }] });
  });

  void it('encodes typed arrays, buffers, dates, regexps', () => {
    assert.deepEqual(encodeValue(new Uint8Array([1, 2, 255])), { t: 'typed', ctor: 'Uint8Array', v: '1,2,255' });
    assert.deepEqual(encodeValue(new Float64Array([-0, NaN, 1.5])), { t: 'typed', ctor: 'Float64Array', v: '-0,NaN,1.5' });
    assert.deepEqual(encodeValue(new BigInt64Array([1n, -2n])), { t: 'typed', ctor: 'BigInt64Array', v: '1,-2' });
    assert.deepEqual(encodeValue(Buffer.from('ab')), { t: 'typed', ctor: 'Buffer', v: '97,98' });
    assert.deepEqual(encodeValue(new Uint8Array([0, 16, 255]).buffer), { t: 'typed', ctor: 'ArrayBuffer', v: '0010ff' });
    assert.deepEqual(encodeValue(new Date(0)), { t: 'date', v: '1970-01-01T00:00:00.000Z' });
    assert.deepEqual(encodeValue(new Date(NaN)), { t: 'date', v: 'Invalid Date' });
    assert.deepEqual(encodeValue(/a+b/gi), { t: 'regexp', v: '/a+b/gi' });
  });

  void it('keeps Map and Set insertion order', () => {
    const m = new Map<unknown, unknown>([['b', 1], ['a', 2]]);
    assert.deepEqual(encodeValue(m), { t: 'map', entries: [[{ t: 'string', v: 'b' }, { t: 'number', v: 1 }], [{ t: 'string', v: 'a' }, { t: 'number', v: 2 }]] });
    assert.deepEqual(encodeValue(new Set([3, 1])), { t: 'set', items: [{ t: 'number', v: 3 }, { t: 'number', v: 1 }] });
    assert.notDeepEqual(encodeValue(new Set([1, 3])), encodeValue(new Set([3, 1])));
  });

  void it('encodes errors with ctor, name and message', () => {
    assert.deepEqual(encodeValue(new RangeError('bad')), { t: 'error', ctor: 'RangeError', name: 'RangeError', message: 'bad' });
    class MyErr extends Error {
      override name = 'MyErr';
    }
    assert.deepEqual(encodeValue(new MyErr('m')), { t: 'error', ctor: 'MyErr', name: 'MyErr', message: 'm' });
  });

  void it('encodes objects with their constructor name and own enumerable string keys in order', () => {
    assert.deepEqual(encodeValue({ b: 1, a: 'x' }), { t: 'object', ctor: 'Object', entries: [['b', { t: 'number', v: 1 }], ['a', { t: 'string', v: 'x' }]] });
    const nullProto = Object.create(null) as Record<string, unknown>;
    nullProto.k = 1;
    assert.deepEqual(encodeValue(nullProto), { t: 'object', ctor: null, entries: [['k', { t: 'number', v: 1 }]] });
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
    }
    assert.deepEqual(encodeValue(new Point(1, 2)), { t: 'object', ctor: 'Point', entries: [['x', { t: 'number', v: 1 }], ['y', { t: 'number', v: 2 }]] });
    const withSymbol = { a: 1, [Symbol('s')]: 2 };
    assert.deepEqual(encodeValue(withSymbol), { t: 'object', ctor: 'Object', entries: [['a', { t: 'number', v: 1 }]] });
    const hidden = { a: 1 };
    Object.defineProperty(hidden, 'h', { value: 2, enumerable: false });
    assert.deepEqual(encodeValue(hidden), { t: 'object', ctor: 'Object', entries: [['a', { t: 'number', v: 1 }]] });
  });

  void it('encodes promises and boxed primitives', () => {
    assert.deepEqual(encodeValue(Promise.resolve(1)), { t: 'promise' });
    assert.deepEqual(encodeValue(new Number(3)), { t: 'object', ctor: 'Number', entries: [['[[PrimitiveValue]]', { t: 'number', v: 3 }]] });
  });

  void it('encodes cycles as refs', () => {
    const o: Record<string, unknown> = { a: 1 };
    o.self = o;
    assert.deepEqual(encodeValue(o), { t: 'object', ctor: 'Object', entries: [['a', { t: 'number', v: 1 }], ['self', { t: 'ref', depth: 1 }]] });
    const arr: unknown[] = [];
    arr.push({ up: arr });
    assert.deepEqual(encodeValue(arr), { t: 'array', items: [{ t: 'object', ctor: 'Object', entries: [['up', { t: 'ref', depth: 2 }]] }] });
    // Shared, non-cyclic references are encoded in full each time.
    const shared = { s: 1 };
    const enc = encodeValue([shared, shared]);
    assert.equal(enc.t, 'array');
    assert.deepEqual(enc.t === 'array' && enc.items[0], enc.t === 'array' && enc.items[1]);
  });

  void it('never throws: throwing getters and proxies become error values', () => {
    const o = {
      get bad(): never {
        throw new TypeError('getter threw');
      },
    };
    assert.deepEqual(encodeValue(o), { t: 'object', ctor: 'Object', entries: [['bad', { t: 'error', ctor: 'TypeError', name: 'TypeError', message: 'getter threw' }]] });
    const p = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    const enc = encodeValue(p);
    assert.equal(enc.t, 'object');
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    assert.doesNotThrow(() => encodeValue(revocable.proxy));
    assert.doesNotThrow(() => encodeValue({ a: revocable.proxy }));
  });

  void it('truncates large or deep values with a full hash', () => {
    const big = Array.from({ length: 10_000 }, (_, i) => i);
    const e1 = encodeValue(big, { maxNodes: 100 });
    assert.equal(e1.t, 'truncated');
    const big2 = [...big];
    big2[9_999] = -1;
    const e2 = encodeValue(big2, { maxNodes: 100 });
    assert.ok(e1.t === 'truncated' && e2.t === 'truncated');
    assert.notEqual(e1.hash, e2.hash, 'a difference past the cut still changes the hash');
    assert.equal(e1.hash, (encodeValue([...big], { maxNodes: 100 }) as { hash: string }).hash);
    assert.match(e1.preview, /^\[/);
    let deep: unknown = 0;
    for (let i = 0; i < 500; i++) deep = [deep];
    assert.equal(encodeValue(deep, { maxDepth: 20 }).t, 'truncated');
    assert.equal(encodeValue(big).t, 'truncated');
    assert.equal(encodeValue('x'.repeat(10_000)).t, 'string');
    let veryDeep: unknown = 0;
    for (let i = 0; i < 100_000; i++) veryDeep = { n: veryDeep };
    assert.doesNotThrow(() => encodeValue(veryDeep));
    assert.equal(typeof canonicalHash(veryDeep), 'string');
  });

  void it('checksumOf distinguishes values and ignores identity', () => {
    assert.equal(checksumOf([1, [2, 3], { a: NaN }]), checksumOf([1, [2, 3], { a: NaN }]));
    assert.notEqual(checksumOf([1, 2]), checksumOf([2, 1]));
    assert.notEqual(checksumOf([0]), checksumOf([-0]));
    assert.notEqual(checksumOf([[1]]), checksumOf([1]));
    assert.match(checksumOf([]), /^[0-9a-f]{64}$/);
  });
});
