/**
 * Schema-level helpers of input generation: schemas guessed from parameter names, the schema a
 * parameter's values are drawn from, which schemas are scalars or collections, and the markers
 * that stand for functions and class instances in generated data (see sandbox/protocol.ts).
 */
import { FN_MARKER, type FnMarkerKind, NEW_MARKER } from '../sandbox/protocol';
import type { ParamInfo, TypeSchema } from '../types';

// ---------------------------------------------------------------------------------------------
// Schema helpers
// ---------------------------------------------------------------------------------------------

const INT_NAMES = /^(n|k|i|j|m|count|size|len|length|limit|index|idx|steps|depth|times|digits|num|number|rows|cols|width|height|places|precision|amount)$/i;
const NUM_NAMES = /^(x|y|z|max|min|lo|hi|low|high|start|end|from|to|base|exp|exponent|power|rate|ratio|threshold|total|factor|step|radius|celsius|fahrenheit)$/i;
const NUM_ARRAY_NAMES = /^(arr|array|list|items|nums|numbers|values|vals|xs|ys|data|elements|scores|prices|ints|integers|weights|costs|heights|a?rr\d?|nums\d|list\d|arr[A-Z]\w*)$/;
const STR_ARRAY_NAMES = /^(words|strings|strs|names|lines|tokens|keys|labels|tags|ids)$/i;
const STR_NAMES = /^(s|s\d|str|str\d|string|text|word|name|line|input|sentence|prefix|suffix|pattern|needle|haystack|sub|substr|substring|char|ch|sep|separator|delimiter|delim|email|url|path|query|source|src|html|csv|json|message|msg|title|s1|s2|t)$/i;
const FN_NAMES = /^(fn|func|f|callback|cb|compare|comparator|cmp|compareFn|predicate|pred|test|mapper|mapFn|reducer|iteratee|keyFn|getKey|keyOf|selector|by)$/i;
const OBJ_NAMES = /^(obj|object|dict|record|counts|freq|frequencies|lookup|table|hash)$/i;

export const UNKNOWN: TypeSchema = { kind: 'unknown' };

/** What an untyped parameter's name suggests it holds, if anything. */
export function guessSchemaFromName(name: string): TypeSchema | null {
  if (INT_NAMES.test(name)) return { kind: 'number', integer: true };
  if (NUM_NAMES.test(name)) return { kind: 'number' };
  if (NUM_ARRAY_NAMES.test(name)) return { kind: 'array', element: { kind: 'number' } };
  if (STR_ARRAY_NAMES.test(name)) return { kind: 'array', element: { kind: 'string' } };
  if (STR_NAMES.test(name)) return { kind: 'string' };
  if (FN_NAMES.test(name)) return { kind: 'function' };
  if (OBJ_NAMES.test(name)) return { kind: 'record', value: { kind: 'number', integer: true } };
  return null;
}

/** The schema a parameter is generated from: its type, or a name-based guess for untyped parameters. */
export function effectiveSchema(p: ParamInfo): TypeSchema {
  if (p.type.kind === 'unknown') return guessSchemaFromName(p.name) ?? UNKNOWN;
  return p.type;
}

/** The schema of one value of a rest parameter (`...xs: T[]` is described as T[]). */
export function restElement(p: ParamInfo): TypeSchema {
  const s = effectiveSchema(p);
  if (s.kind === 'array') return s.element;
  if (s.kind === 'unknown') return guessSchemaFromName(p.name.replace(/s$/, '')) ?? UNKNOWN;
  return s;
}

/** The schema without null/undefined options (what an optional parameter is "really"). */
export function stripNullish(s: TypeSchema): TypeSchema {
  if (s.kind !== 'union') return s;
  const opts = s.options.filter((o) => o.kind !== 'null' && o.kind !== 'undefined');
  if (opts.length === 0) return s;
  if (opts.length === 1) return opts[0] as TypeSchema;
  return { kind: 'union', options: opts };
}

export function isScalarSchema(s: TypeSchema): boolean {
  switch (s.kind) {
    case 'number':
    case 'bigint':
    case 'boolean':
    case 'literal':
    case 'null':
    case 'undefined':
    case 'function':
      return true;
    case 'union':
      return s.options.every(isScalarSchema);
    default:
      return false;
  }
}

export function isMagnitudeSchema(s: TypeSchema): boolean {
  const b = stripNullish(s);
  return b.kind === 'number' || b.kind === 'bigint';
}

/**
 * True when no parameter is a collection or a string: every parameter is a number, bigint,
 * boolean, literal, null/undefined or callback (untyped parameters count by their name guess).
 * Then the benchmark size is the magnitude of the first numeric argument.
 */
export function inputsAreScalarOnly(params: readonly ParamInfo[]): boolean {
  return params.every((p) => !p.rest && isScalarSchema(effectiveSchema(p)));
}

// ---------------------------------------------------------------------------------------------
// Function markers
// ---------------------------------------------------------------------------------------------

function arrowArity(text: string): number | null {
  const m = /^\s*(?:<[^>]*>\s*)?\(([^()]*)\)\s*=>/.exec(text);
  if (!m) return null;
  const inner = (m[1] ?? '').trim();
  return inner === '' ? 0 : inner.split(',').length;
}

/** Which pure function stands in for a callback parameter, from its type text and name. */
export function functionKind(p: Pick<ParamInfo, 'name' | 'typeText'>): FnMarkerKind {
  const text = (p.typeText ?? '').replace(/\s+/g, ' ');
  const name = p.name;
  const ret = /=>\s*([A-Za-z_$][\w$]*|\{|\[)?[^=>]*$/.exec(text)?.[1] ?? '';
  const arity = arrowArity(text);
  const paramNames = /^\s*(?:<[^>]*>\s*)?\(([^()]*)\)/.exec(text)?.[1] ?? '';
  if (/^(compare|comparator|cmp|compareFn|sorter|order)/i.test(name)) return 'compare';
  if (/^(pred|predicate|test|filter|is[A-Z]|where|matches|should)/.test(name)) return 'predicate';
  if (/^(reducer|reduce|combine|accumulate|fold|merge)/i.test(name)) return 'sum';
  if (/^(key|keyFn|getKey|keyOf|keySelector|by|groupBy|hash|selector)/i.test(name)) return 'key';
  if (ret === 'boolean') return 'predicate';
  if (/\b(acc|accumulator|prev|previous|total|sum|memo|carry)\b/i.test(paramNames)) return 'sum';
  if (ret === 'number' && arity === 2) return 'compare';
  if (ret === 'string' || ret === 'PropertyKey' || ret === 'number') return 'key';
  if (text === '' && /^(fn|f|func|callback|cb|mapper|mapFn|iteratee)$/i.test(name)) return 'identity';
  return 'identity';
}

type FunctionSchema = Extract<TypeSchema, { kind: 'function' }>;

/**
 * The stand-in for a function-typed value: from its signature when the schema has one (a
 * callback returning boolean is a predicate wherever it sits, an option's `enabled: (q) => boolean`
 * included), else `inherited` (the parameter's kind, from its name and type text).
 */
export function functionMarker(s: FunctionSchema, inherited: FnMarkerKind): Record<string, FnMarkerKind> {
  return marker(signatureKind(s) ?? inherited);
}

function signatureKind(s: FunctionSchema): FnMarkerKind | null {
  switch (s.returns) {
    case 'boolean':
      return 'predicate';
    case 'number':
      return s.arity === 2 ? 'compare' : 'key';
    case 'string':
      return 'key';
    default:
      return null;
  }
}

export function marker(kind: FnMarkerKind): Record<string, FnMarkerKind> {
  return { [FN_MARKER]: kind };
}

type InstanceSchema = Extract<TypeSchema, { kind: 'instance' }>;

/** A generated instance of a project class: the runner builds `new C(...args)` (see sandbox/protocol.ts). */
export function newMarker(s: InstanceSchema, args: unknown[]): Record<string, unknown> {
  return { [NEW_MARKER]: s.ref, name: s.name, args };
}
