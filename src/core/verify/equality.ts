/**
 * Equivalence of two call outcomes as encoded by the sandbox (types.ts `Encoded`). The
 * original is the oracle: a candidate is equivalent on an input when it returns an equal
 * value (or throws an equal error) and leaves the arguments in an equal state.
 *
 * What counts as equal, and why:
 * - Deep structural equality of the encoded trees; constructor names must match (a plain
 *   object differs from a class instance, a null-prototype object from a plain one).
 * - Numbers: NaN equals NaN; -0 differs from 0 (Object.is semantics: `1 / x` tells them apart).
 * - Arrays: order significant; a hole differs from an explicit `undefined`.
 * - Plain objects: compared as key sets, key order NOT significant. Order is observable through
 *   Object.keys / JSON.stringify, but almost no caller depends on it, and candidates routinely
 *   build the same object in another order; flagging that would make verdicts unbelievable.
 * - Map and Set: insertion order IS significant. Iteration order is the only way to read a Set
 *   or enumerate a Map, so it is observable behaviour that callers (and `[...set]`) depend on.
 * - Errors: same constructor, name and message (stacks are not encoded).
 * - Typed arrays: same constructor and content. 'truncated' values: equal iff same hash.
 *   'ref' back-references: equal iff same depth. Functions: same name.
 */
import type { CallOutcome, Encoded } from '../types';
import { renderEncoded } from '../report/render';

export interface Difference {
  /**
   * 'return value' | 'thrown error' | 'argument N after the call' | 'returned instead of throwing'
   * | 'threw instead of returning' | 'timed out'
   */
  aspect: string;
  /** Where inside the value, e.g. '[3].name', '.get('a')', '' for the value itself. */
  path: string;
  /** The original's value at `path` (for 'timed out': what the original returned or threw). */
  expected: Encoded;
  /** The candidate's value at `path`; null when it has none (timed out, argument missing). */
  actual: Encoded | null;
}

export interface CompareOptions {
  /**
   * 'exact' (default): thrown errors must agree on constructor, name and message.
   * 'ctor-only': only constructor and name (for callers that accept different engine messages).
   */
  errorMessages?: 'exact' | 'ctor-only';
}

interface Mismatch {
  path: string;
  expected: Encoded;
  actual: Encoded;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function keyPath(key: string): string {
  return IDENT.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function numberValue(v: number | 'NaN' | 'Infinity' | '-Infinity' | '-0'): number {
  if (typeof v === 'number') return v;
  switch (v) {
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case '-0':
      return -0;
  }
}

/** First difference between two encoded values (depth-first, expected's order), or null. */
function diffEncoded(a: Encoded, b: Encoded, path: string, errorMessages: 'exact' | 'ctor-only'): Mismatch | null {
  const here: Mismatch = { path, expected: a, actual: b };
  if (a.t !== b.t) return here;
  switch (a.t) {
    case 'undefined':
    case 'null':
    case 'promise':
      return null;
    case 'boolean':
    case 'bigint':
    case 'string':
    case 'symbol':
    case 'date':
    case 'regexp':
      return a.v === (b as typeof a).v ? null : here;
    case 'number':
      return Object.is(numberValue(a.v), numberValue((b as typeof a).v)) ? null : here;
    case 'function':
      return a.name === (b as typeof a).name ? null : here;
    case 'typed': {
      const bb = b as typeof a;
      return a.ctor === bb.ctor && a.v === bb.v ? null : here;
    }
    case 'error': {
      const bb = b as typeof a;
      if (a.ctor !== bb.ctor || a.name !== bb.name) return here;
      return errorMessages === 'ctor-only' || a.message === bb.message ? null : here;
    }
    case 'ref':
      return a.depth === (b as typeof a).depth ? null : here;
    case 'truncated':
      return a.hash === (b as typeof a).hash ? null : here;
    case 'array': {
      const bb = b as typeof a;
      if (a.items.length !== bb.items.length) return here;
      for (let i = 0; i < a.items.length; i++) {
        const x = a.items[i] ?? null;
        const y = bb.items[i] ?? null;
        if (x === null || y === null) {
          // A hole against a value: shown on the whole array, where the renderer can show the hole.
          if (x !== y) return here;
          continue;
        }
        const d = diffEncoded(x, y, `${path}[${i}]`, errorMessages);
        if (d) return d;
      }
      return diffEntries(a.extra ?? [], bb.extra ?? [], path, here, errorMessages);
    }
    case 'map': {
      const bb = b as typeof a;
      if (a.entries.length !== bb.entries.length) return here;
      for (let i = 0; i < a.entries.length; i++) {
        const [ka, va] = a.entries[i] as [Encoded, Encoded];
        const [kb, vb] = bb.entries[i] as [Encoded, Encoded];
        // Keys in another order (or different keys) are reported on the whole map.
        if (diffEncoded(ka, kb, path, errorMessages)) return here;
        const d = diffEncoded(va, vb, `${path}.get(${renderEncoded(ka, 40)})`, errorMessages);
        if (d) return d;
      }
      return null;
    }
    case 'set': {
      const bb = b as typeof a;
      if (a.items.length !== bb.items.length) return here;
      for (let i = 0; i < a.items.length; i++) {
        if (diffEncoded(a.items[i] as Encoded, bb.items[i] as Encoded, path, errorMessages)) return here;
      }
      return null;
    }
    case 'object': {
      const bb = b as typeof a;
      if (a.ctor !== bb.ctor) return here;
      return diffEntries(a.entries, bb.entries, path, here, errorMessages);
    }
  }
}

function diffEntries(
  ea: readonly [string, Encoded][],
  eb: readonly [string, Encoded][],
  path: string,
  whole: Mismatch,
  errorMessages: 'exact' | 'ctor-only',
): Mismatch | null {
  if (ea.length !== eb.length) return whole;
  const mb = new Map<string, Encoded>();
  for (const [k, v] of eb) mb.set(k, v);
  for (const [k] of ea) if (!mb.has(k)) return whole;
  for (const [k, va] of ea) {
    const d = diffEncoded(va, mb.get(k) as Encoded, `${path}${keyPath(k)}`, errorMessages);
    if (d) return d;
  }
  return null;
}

/** Deep equality of two encoded values under the rules above. */
export function encodedEqual(a: Encoded, b: Encoded, opts: CompareOptions = {}): boolean {
  return diffEncoded(a, b, '', opts.errorMessages ?? 'exact') === null;
}

/** The first difference in `a` against `b`, with its path, or null when equal. */
export function diffValues(a: Encoded, b: Encoded, opts: CompareOptions = {}): { path: string; expected: Encoded; actual: Encoded } | null {
  return diffEncoded(a, b, '', opts.errorMessages ?? 'exact');
}

/**
 * Compares the candidate's outcome (`actual`) with the original's (`expected`). Checks, in
 * order: the kind of outcome, the return value or thrown value, then each argument's state
 * after the call. Returns the first difference, or null when the outcomes are equivalent.
 *
 * When the original timed out there is nothing to compare against (a censored observation):
 * the result is null, and callers should exclude such inputs rather than count them as passed.
 */
export function compareOutcomes(expected: CallOutcome, actual: CallOutcome, opts: CompareOptions = {}): Difference | null {
  const mode = opts.errorMessages ?? 'exact';
  if (expected.kind === 'timeout') return null;
  const expectedValue = expected.kind === 'returned' ? expected.value : expected.error;
  if (actual.kind === 'timeout') return { aspect: 'timed out', path: '', expected: expectedValue, actual: null };
  if (expected.kind === 'returned' && actual.kind === 'threw') {
    return { aspect: 'threw instead of returning', path: '', expected: expected.value, actual: actual.error };
  }
  if (expected.kind === 'threw' && actual.kind === 'returned') {
    return { aspect: 'returned instead of throwing', path: '', expected: expected.error, actual: actual.value };
  }
  const actualValue = actual.kind === 'returned' ? actual.value : actual.error;
  const main = diffEncoded(expectedValue, actualValue, '', mode);
  if (main) return { aspect: expected.kind === 'returned' ? 'return value' : 'thrown error', ...main };
  const n = Math.max(expected.args.length, actual.args.length);
  for (let i = 0; i < n; i++) {
    const ea = expected.args[i];
    const aa = actual.args[i];
    const aspect = `argument ${i + 1} after the call`;
    if (ea === undefined) {
      if (aa !== undefined) return { aspect, path: '', expected: { t: 'undefined' }, actual: aa };
      continue;
    }
    if (aa === undefined) return { aspect, path: '', expected: ea, actual: null };
    const d = diffEncoded(ea, aa, '', mode);
    if (d) return { aspect, ...d };
  }
  return null;
}
