/**
 * Benchmark inputs: realistic, size-controlled argument lists, compiled once per call into value
 * generators (vocabularies with duplicates, id-like fields, searched values present and absent).
 *
 * Enters: parameters, a size, a seed and a count. Leaves: argument lists (plain data).
 */
import { type Rng, createRng } from '../rng';
import type { FnMarkerKind } from '../sandbox/protocol';
import type { ParamInfo, TypeSchema } from '../types';
import { effectiveSchema, functionKind, functionMarker, guessSchemaFromName, newMarker, restElement, stripNullish } from './schemas';
import { isStringish, sizeRole } from './sizes';
import { TYPED_RANGES, clone, defineOwn, keyOf, sameShape, typedValue, word } from './values';

export interface BenchInputOptions {
  seed: number;
  /** Number of distinct argument lists to produce. */
  count: number;
  /**
   * String arguments of the project's own calls (call-sites.ts): unsized strings (fields,
   * elements, constructor arguments) are half of the time variants of the same shape, so that a
   * constructor that parses its argument (`new SemVer(v)`) gets values it accepts.
   */
  examples?: readonly string[];
}

/** A value generator for one position of the schema, built once per generateBenchInputs call. */
type Gen = () => unknown;

/** State shared by the compiled generators of one generateBenchInputs call. */
interface BenchEnv {
  rng: Rng;
  /** The benchmark size (element value ranges scale with it). */
  scale: number;
  /** The argument list being built (ids are unique across it). */
  row: number;
  /** A running counter for id-like fields, reset per argument list. */
  nextId: number;
  /** The prefix of string ids in this argument list ('id-<row>-'). */
  idPrefix: string;
  vocabs: Map<string, string[]>;
  examples: readonly string[];
}

/**
 * A vocabulary of word-like strings (3–12 letters), built once per call:
 * - 'ident': keys, identifiers and names (brand, name, key, tag, word, ...) — about size/2
 *   words, so lookups and group-bys meet many distinct values at every size;
 * - 'generic': other string fields — about 2·√size words, so grouping by such a field gives
 *   many groups (32 at size 256, 512 at 65536) and still many duplicates;
 * - 'keys': the keys of small nested records — 8 words, realistic field-like keys.
 */
export function vocabulary(env: BenchEnv, kind: 'ident' | 'generic' | 'keys'): string[] {
  let v = env.vocabs.get(kind);
  if (v) return v;
  const n = env.scale;
  const size = kind === 'ident' ? Math.max(4, Math.floor(n / 2)) : kind === 'generic' ? Math.max(4, Math.round(2 * Math.sqrt(n))) : 8;
  const rng = env.rng;
  v = new Array<string>(size);
  for (let i = 0; i < size; i++) v[i] = word(rng, 3, 12);
  env.vocabs.set(kind, v);
  return v;
}

/** Small realistic vocabularies for categorical fields (a handful of values whatever the size). */
const CATEGORICAL: readonly [RegExp, readonly string[]][] = [
  [/status|state/i, ['active', 'inactive', 'pending', 'archived']],
  [/role/i, ['admin', 'editor', 'viewer', 'guest']],
  [/type|kind|category|genre|department|level|priority|tier/i, ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta']],
];
const IDENT_NAMES = /brand|name|key|id$|ids$|tag|word|label|title|code|sku|user|owner|author|customer|vendor|city|country|company|slug|handle|token|term|product|team|host|domain/i;

function compileString(env: BenchEnv, name: string): Gen {
  const { rng } = env;
  if (/email/i.test(name)) {
    const users = vocabulary(env, 'ident');
    const domains = vocabulary(env, 'generic');
    return () => `${rng.pick(users)}@${rng.pick(domains)}.com`;
  }
  if (/url|href|link/i.test(name)) {
    const paths = vocabulary(env, 'ident');
    const domains = vocabulary(env, 'generic');
    return () => `https://${rng.pick(domains)}.com/${rng.pick(paths)}`;
  }
  if (/^id$|Id$|_id$/.test(name)) return () => `${env.idPrefix}${(env.nextId++).toString(36)}`;
  if (/date/i.test(name)) return () => new Date(rng.int(1.5e12, 1.8e12)).toISOString().slice(0, 10);
  for (const [re, values] of CATEGORICAL) if (re.test(name)) return () => rng.pick(values);
  if (/name/i.test(name)) {
    const names = vocabulary(env, 'ident').map((w) => w.charAt(0).toUpperCase() + w.slice(1));
    return () => rng.pick(names);
  }
  const words = vocabulary(env, IDENT_NAMES.test(name) ? 'ident' : 'generic');
  const examples = env.examples;
  if (examples.length > 0) return () => (rng.bool() ? sameShape(rng.pick(examples), rng) : rng.pick(words));
  return () => rng.pick(words);
}

const TARGET_NAMES = /^(target|x|value|val|needle|key|item|search|elem|element|el|v)$/i;

function compileNumber(env: BenchEnv, name: string, inCollection: boolean, scale: number): Gen {
  const { rng } = env;
  const hi = Math.max(0, scale - 1);
  if (inCollection || TARGET_NAMES.test(name)) return () => rng.int(0, hi);
  if (/id$/i.test(name)) return () => env.nextId++;
  if (/age/i.test(name)) return () => rng.int(0, 99);
  if (/price|amount|cost|balance|salary|total/i.test(name)) return () => Math.round(rng.next() * 100000) / 100;
  if (/score|rating|percent/i.test(name)) return () => rng.int(0, 100);
  if (/year/i.test(name)) return () => rng.int(1950, 2030);
  if (/lat/i.test(name)) return () => Math.round((rng.next() * 180 - 90) * 1e4) / 1e4;
  if (/lon|lng/i.test(name)) return () => Math.round((rng.next() * 360 - 180) * 1e4) / 1e4;
  const top = Math.max(2, Math.min(100, scale));
  return () => rng.int(1, top);
}

/**
 * An array of `n` generated values. Small arrays are built as literals: packed, with exactly
 * their length as capacity (push would reserve 17 slots for each of millions of small nested
 * arrays, which triples the memory and the garbage-collection time of nested inputs).
 */
function fillArray(n: number, el: Gen): unknown[] {
  switch (n) {
    case 0:
      return [];
    case 1:
      return [el()];
    case 2:
      return [el(), el()];
    case 3:
      return [el(), el(), el()];
    case 4:
      return [el(), el(), el(), el()];
    case 5:
      return [el(), el(), el(), el(), el()];
    case 6:
      return [el(), el(), el(), el(), el(), el()];
    default: {
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) out.push(el());
      return out;
    }
  }
}

function isCollectionSchema(s: TypeSchema): boolean {
  return s.kind === 'array' || s.kind === 'set' || s.kind === 'map' || s.kind === 'record' || s.kind === 'typedArray';
}

/**
 * The generator of realistic values of `s`. `size` is the length of a collection at this
 * position (null: small, 1–6); `name` the parameter or property name it is for (values are
 * chosen by name: ids, prices, categories, ...). Everything that depends only on the schema is
 * decided here, once, so generating a value is a tight loop without per-element regex tests,
 * context objects or closures.
 */
function compileBench(s: TypeSchema, env: BenchEnv, name: string, size: number | null, inCollection: boolean, fnKind: FnMarkerKind, scale = env.scale): Gen {
  const { rng } = env;
  const len = size === null ? () => rng.int(1, 6) : () => size;
  switch (s.kind) {
    case 'number':
      return compileNumber(env, name, inCollection, scale);
    case 'string':
      return compileString(env, name);
    case 'boolean':
      return () => rng.bool();
    case 'bigint': {
      const hi = Math.max(0, scale - 1);
      return inCollection ? () => BigInt(rng.int(0, hi)) : () => BigInt(rng.int(1, 1000));
    }
    case 'null':
      return () => null;
    case 'undefined':
      return () => undefined;
    case 'literal': {
      const value = s.value;
      return () => value;
    }
    case 'function': {
      const m = functionMarker(s, fnKind);
      return () => ({ ...m });
    }
    case 'date':
      return () => new Date(rng.int(1.5e12, 1.8e12));
    case 'typedArray': {
      const r = TYPED_RANGES[s.name];
      const Ctor = (globalThis as unknown as Record<string, (new (n: number) => Record<number, number | bigint>) | undefined>)[s.name];
      const lo = r.float ? 0 : Math.max(r.lo, 0);
      const hi = Math.min(r.hi, Math.max(1, scale - 1));
      const name_ = s.name;
      return () => {
        const n = len();
        const vals = new Array<number | bigint>(n);
        for (let i = 0; i < n; i++) vals[i] = typedValue(name_, rng, lo, hi);
        if (!Ctor) return vals;
        const out = new Ctor(n);
        for (let i = 0; i < n; i++) out[i] = vals[i] as number | bigint;
        return out;
      };
    }
    case 'union': {
      if (s.options.every((o) => o.kind === 'literal')) {
        const values = s.options.map((o) => (o as { value: unknown }).value);
        return () => rng.pick(values);
      }
      const main = s.options.find((o) => o.kind !== 'null' && o.kind !== 'undefined' && o.kind !== 'literal') ?? s.options[0];
      if (!main) return () => undefined;
      return compileBench(main, env, name, size, inCollection, fnKind, scale);
    }
    case 'tuple': {
      const gens = s.elements.map((e) => compileBench(stripNullish(e), env, name, stripNullish(e).kind === 'string' ? null : size, inCollection, fnKind, scale));
      return () => gens.map((g) => g());
    }
    case 'instance': {
      const gens = s.args.map((e) => compileBench(stripNullish(e), env, name, stripNullish(e).kind === 'string' ? null : size, inCollection, fnKind, scale));
      return () => newMarker(s, gens.map((g) => g()));
    }
    case 'array': {
      const el = compileBench(stripNullish(s.element), env, name, null, true, fnKind, scale);
      return () => fillArray(len(), el);
    }
    case 'set': {
      const el = compileBench(stripNullish(s.element), env, name, null, true, fnKind, Math.max(scale * 4, 16));
      return () => {
        const n = len();
        const out = new Set<unknown>();
        for (let tries = 0; out.size < n && tries < n * 4 + 10; tries++) out.add(el());
        return out;
      };
    }
    case 'map': {
      const keySchema = stripNullish(s.key);
      const words = keySchema.kind === 'string' ? vocabulary(env, 'ident') : null;
      const key = words ? null : compileBench(keySchema, env, name, null, true, fnKind, Math.max(scale * 4, 16));
      const value = compileBench(stripNullish(s.value), env, name, null, true, fnKind, scale);
      return () => {
        const n = len();
        const out = new Map<unknown, unknown>();
        for (let i = 0, tries = 0; out.size < n && tries < n * 4 + 10; tries++, i++) {
          const k = words ? `${rng.pick(words)}${i}` : (key as Gen)();
          if (!out.has(k)) out.set(k, value());
        }
        return out;
      };
    }
    case 'record': {
      const value = compileBench(stripNullish(s.value), env, name, null, true, fnKind, scale);
      if (size !== null) {
        // A sized record: `size` distinct keys.
        const words = vocabulary(env, 'ident');
        return () => {
          const o: Record<string, unknown> = {};
          for (let i = 0; i < size; i++) defineOwn(o, `${rng.pick(words)}${i}`, value());
          return o;
        };
      }
      // A small nested record: a few keys of a small key set, in a fixed order, so that the
      // engine's hidden classes are shared between records (as they are for real data).
      const keys = vocabulary(env, 'keys');
      return () => {
        const o: Record<string, unknown> = {};
        let any = false;
        for (const k of keys) {
          if (rng.next() < 0.4) {
            o[k] = value();
            any = true;
          }
        }
        if (!any) o[keys[0] as string] = value();
        return o;
      };
    }
    case 'object': {
      const props = s.properties.map((p) => {
        const ps = stripNullish(p.type);
        // A top-level object's collection fields carry the size; scalars inside get realistic values by name.
        const gen = compileBench(ps, env, p.name, isCollectionSchema(ps) ? size : null, false, fnKind, scale);
        return { name: p.name, optional: p.optional, proto: p.name === '__proto__', gen };
      });
      return () => {
        const o: Record<string, unknown> = {};
        for (const p of props) {
          if (p.optional && rng.next() < 0.2) continue;
          if (p.proto) defineOwn(o, p.name, p.gen());
          else o[p.name] = p.gen();
        }
        return o;
      };
    }
    case 'unknown': {
      const guess = guessSchemaFromName(name);
      if (guess && guess.kind !== 'unknown') return compileBench(guess, env, name, size, inCollection, fnKind, scale);
      if (inCollection) {
        const hi = Math.max(0, scale - 1);
        return () => rng.int(0, hi);
      }
      return compileBench({ kind: 'array', element: { kind: 'number', integer: true } }, env, name, size, inCollection, fnKind, scale);
    }
  }
}

const NEEDLE_NAMES = /^(needle|pattern|sub|substr|substring|prefix|suffix|sep|separator|delimiter|delim|char|ch|c|search|query|target|word|token)$/i;
/** Needles that are searched for (not split on or anchored): absent in half the benchmark lists. */
const SEARCHED_NEEDLE_NAMES = /^(needle|pattern|sub|substr|substring|char|ch|c|search|query|target|word|token)$/i;
/** Scalars looked up in a collection argument. */
const SEARCH_NAMES = /^(target|x|value|val|needle|key|item|search|elem|element|el|v|query|word|token|term|id|name|sought|goal|lookup|find)$|[a-z](Id|Key|Name|Value|Target)$/;

/** A scalar parameter searched for in a collection parameter, and where to look. */
interface SearchPlan {
  index: number;
  kind: 'number' | 'string' | 'bigint';
  collection: number;
  /** The element property compared with the scalar (arrays of objects), or null for the elements themselves. */
  prop: string | null;
  /** Map keys or record keys rather than elements. */
  keys: boolean;
}

function searchPlans(params: readonly ParamInfo[]): SearchPlan[] {
  const schemas = params.map((p) => stripNullish(effectiveSchema(p)));
  const collection = schemas.findIndex((s, i) => !(params[i] as ParamInfo).rest && isCollectionSchema(s));
  if (collection < 0) return [];
  const coll = schemas[collection] as TypeSchema;
  const plans: SearchPlan[] = [];
  params.forEach((p, i) => {
    const s = schemas[i] as TypeSchema;
    if (p.rest || i === collection || (s.kind !== 'number' && s.kind !== 'string' && s.kind !== 'bigint') || !SEARCH_NAMES.test(p.name)) return;
    const kind = s.kind;
    if (coll.kind === 'map' || coll.kind === 'record') {
      const keyKind = coll.kind === 'record' ? 'string' : stripNullish(coll.key).kind;
      if (keyKind === kind) plans.push({ index: i, kind, collection, prop: null, keys: true });
      return;
    }
    if (coll.kind === 'typedArray') {
      if (kind === (TYPED_RANGES[coll.name].big ? 'bigint' : 'number')) plans.push({ index: i, kind, collection, prop: null, keys: false });
      return;
    }
    const el = stripNullish((coll as { element: TypeSchema }).element);
    if (el.kind === kind) {
      plans.push({ index: i, kind, collection, prop: null, keys: false });
      return;
    }
    if (el.kind !== 'object') return;
    const same = el.properties.filter((q) => stripNullish(q.type).kind === kind);
    const lower = p.name.toLowerCase();
    const prop =
      same.find((q) => q.name === p.name) ??
      same.find((q) => lower.endsWith(q.name.toLowerCase())) ??
      same.find((q) => /^(id|key|name)$/i.test(q.name)) ??
      same[0];
    if (prop) plans.push({ index: i, kind, collection, prop: prop.name, keys: false });
  });
  return plans;
}

/** The values a search plan compares against, in collection order. */
function searchedValues(plan: SearchPlan, coll: unknown): unknown[] {
  let items: unknown[];
  if (coll instanceof Map) items = [...coll.keys()];
  else if (coll instanceof Set) items = [...coll];
  else if (Array.isArray(coll)) items = coll;
  else if (ArrayBuffer.isView(coll)) items = Array.from(coll as unknown as ArrayLike<unknown>);
  else if (plan.keys && coll && typeof coll === 'object') items = Object.keys(coll);
  else return [];
  if (plan.prop !== null) {
    const prop = plan.prop;
    items = items.map((o) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[prop] : undefined));
  }
  return items.filter((x) => typeof x === plan.kind);
}

/** A value of the plan's kind that `values` does not contain. */
function absentValue(kind: SearchPlan['kind'], values: readonly unknown[], env: BenchEnv): unknown {
  const have = new Set(values);
  const { rng, scale } = env;
  if (kind === 'string') {
    // Generated words never contain 'q' or 'x'.
    for (;;) {
      const w = word(rng, 3, 9);
      const at = rng.int(0, w.length);
      const v = `${w.slice(0, at)}${rng.pick(['q', 'x'])}${w.slice(at)}`;
      if (!have.has(v)) return v;
    }
  }
  let v = rng.int(scale, 2 * scale);
  while (have.has(kind === 'bigint' ? BigInt(v) : v)) v++;
  return kind === 'bigint' ? BigInt(v) : v;
}

/**
 * `count` distinct, realistic argument lists at one size. Collections (arrays, strings when
 * no other collection exists, Maps, Sets, records, typed arrays, rest arguments) get `size`
 * entries; numbers inside them are integers in [0, size) so duplicates occur; strings inside
 * them are word-like (3–12 letters): names, keys and identifiers from a vocabulary of about
 * size/2 words, categorical fields (status, type, category, role, ...) from a handful of
 * values, other strings from about 2·√size words (many groups for group-bys). Scalars are
 * moderate. When every parameter is a scalar number (fib(n), isPrime(n)), `size` is the
 * magnitude of the first integer argument, jittered downwards by up to ~10% so that the
 * argument lists differ (e.g. 16 and 15 for size 16).
 *
 * Searches: a scalar named like a searched value (target, needle, value, x, key, id, name,
 * userId, ...) next to a collection is absent from the collection in every other list (even
 * positions: the worst case, a full scan) and present at a uniformly random position in the
 * others (the first occurrence of an element drawn from a random index), so early-exit
 * searches do not look faster than they are. A searched needle in a sized string (needle,
 * pattern, substring, ...) likewise: absent, or a substring at a random position.
 */
export function generateBenchInputs(params: readonly ParamInfo[], size: number, opts: BenchInputOptions): unknown[][] {
  const count = Math.max(1, Math.floor(opts.count));
  const n = Math.max(0, Math.floor(size));
  const rng = createRng((opts.seed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0);
  if (params.length === 0) return Array.from({ length: count }, () => []);
  const role = sizeRole(params);
  const env: BenchEnv = { rng, scale: Math.max(1, n), row: 0, nextId: 0, idPrefix: 'id-0-', vocabs: new Map(), examples: opts.examples ?? [] };
  const vocab = vocabulary(env, 'ident');
  const stringsSized = role.kind === 'collections' && isStringish(effectiveSchema(params[role.first] as ParamInfo));
  const searches = role.kind === 'collections' ? searchPlans(params) : [];
  const searched = new Set(searches.map((s) => s.index));
  const sized = role.kind === 'collections' ? n : null;
  const gens: (Gen | null)[] = params.map((p, i) => {
    if (role.kind === 'magnitude' && i === role.index) return null;
    const fnKind = functionKind(p);
    if (p.rest) return compileBench(stripNullish(restElement(p)), env, p.name, null, role.kind === 'collections', fnKind);
    const s = stripNullish(effectiveSchema(p));
    if (s.kind === 'string') return null;
    return compileBench(s, env, p.name, sized, false, fnKind);
  });

  const rows: unknown[][] = [];
  const seen = new Set<string>();
  const spread = Math.max(1, Math.floor(n * 0.1) + 1);
  let attempts = 0;
  while (rows.length < count && attempts < count * 4) {
    attempts++;
    const r = rows.length;
    const absent = r % 2 === 0;
    env.row = r;
    env.nextId = 0;
    env.idPrefix = `id-${r.toString(36)}-`;
    const row: unknown[] = [];
    let firstString: string | null = null;
    params.forEach((p, i) => {
      if (role.kind === 'magnitude' && i === role.index) {
        const m = Math.max(0, n - ((attempts - 1) % spread));
        row.push(stripNullish(effectiveSchema(p)).kind === 'bigint' ? BigInt(m) : m);
        return;
      }
      const gen = gens[i];
      if (p.rest) {
        const len = role.kind === 'collections' ? n : rng.int(0, 3);
        for (let j = 0; j < len; j++) row.push((gen as Gen)());
        return;
      }
      if (gen) {
        row.push(gen());
        return;
      }
      // A top-level string.
      let v: string;
      if (searched.has(i)) {
        // Replaced below by a value absent from / present in the collection.
        row.push(rng.pick(vocab));
        return;
      }
      if (stringsSized && (firstString === null || !NEEDLE_NAMES.test(p.name))) v = text(rng, n, vocab);
      else if (firstString !== null && firstString.length > 0 && SEARCHED_NEEDLE_NAMES.test(p.name)) {
        const len = /^(char|ch|c)$/i.test(p.name) ? 1 : Math.min(firstString.length, rng.int(1, Math.max(1, Math.min(12, Math.floor(firstString.length / 4) || 1))));
        if (absent) {
          const hay = firstString;
          v = absentValue('string', [], env) as string;
          if (len === 1) v = rng.pick(['q', 'x', 'Q', 'X', '#']);
          for (let k = 0; hay.includes(v) && k < 50; k++) v = `${v}${rng.pick(['q', 'x'])}`;
        } else {
          const a = rng.int(0, firstString.length - len);
          v = firstString.slice(a, a + len);
        }
      } else if (firstString !== null && firstString.length > 0 && rng.bool(0.6)) {
        const len = Math.min(firstString.length, rng.int(1, Math.max(1, Math.min(12, Math.floor(firstString.length / 4) || 1))));
        const a = rng.int(0, firstString.length - len);
        v = firstString.slice(a, a + len);
      } else v = NEEDLE_NAMES.test(p.name) ? rng.pick(vocab).slice(0, rng.int(1, 4)) : rng.pick(vocab);
      if (firstString === null) firstString = v;
      row.push(v);
    });
    for (const plan of searches) {
      const values = searchedValues(plan, row[plan.collection]);
      if (values.length === 0) continue;
      row[plan.index] = absent ? absentValue(plan.kind, values, env) : values[rng.int(0, values.length - 1)];
    }
    const k = keyOf(row, { left: 4096 });
    if (seen.has(k) && attempts < count * 4) continue;
    seen.add(k);
    rows.push(row);
  }
  // Inputs that cannot differ (e.g. f(flag: boolean)) are repeated rather than returning fewer.
  for (let i = 0; rows.length < count && rows.length > 0; i++) rows.push(clone(rows[i % rows.length]) as unknown[]);
  return rows;
}

/** Word-like text of exactly `len` characters. */
export function text(rng: Rng, len: number, vocab: readonly string[]): string {
  const parts: string[] = [];
  let total = -1; // n words joined by n - 1 spaces
  while (total < len) {
    const w = rng.pick(vocab);
    parts.push(w);
    total += w.length + 1;
  }
  return parts.join(' ').slice(0, len);
}
