/**
 * What a benchmark size means for a signature (a collection's length, a magnitude, nothing) and
 * the ladder of sizes the pipeline probes.
 */
import type { ParamInfo, TypeSchema } from '../types';
import { effectiveSchema, inputsAreScalarOnly, isMagnitudeSchema, stripNullish } from './schemas';

// ---------------------------------------------------------------------------------------------
// Benchmark inputs
// ---------------------------------------------------------------------------------------------

type SizeRole =
  | { kind: 'magnitude'; index: number; name: string }
  | { kind: 'collections'; first: number; what: string }
  | { kind: 'none' };

function collectionWhat(s: TypeSchema, name: string, rest: boolean): string | null {
  if (rest) return `number of arguments (${name})`;
  const b = stripNullish(s);
  switch (b.kind) {
    case 'array':
      return `array length (${name})`;
    case 'set':
      return `set size (${name})`;
    case 'map':
      return `map entries (${name})`;
    case 'record':
      return `number of keys (${name})`;
    case 'typedArray':
      return `typed array length (${name})`;
    case 'string':
      return `string length (${name})`;
    case 'tuple': {
      for (const [i, e] of b.elements.entries()) {
        const w = collectionWhat(e, `${name}[${i}]`, false);
        if (w && stripNullish(e).kind !== 'string') return w;
      }
      return null;
    }
    case 'instance': {
      for (const [i, e] of b.args.entries()) {
        const w = collectionWhat(e, `${name}: new ${b.name}(argument ${i + 1})`, false);
        if (w && stripNullish(e).kind !== 'string') return w;
      }
      return null;
    }
    case 'object': {
      for (const p of b.properties) {
        const w = collectionWhat(p.type, `${name}.${p.name}`, false);
        if (w && stripNullish(p.type).kind !== 'string') return w;
      }
      return null;
    }
    case 'unknown':
      return `array length (${name})`;
    default:
      return null;
  }
}

export function isStringish(s: TypeSchema): boolean {
  return stripNullish(s).kind === 'string';
}

export function sizeRole(params: readonly ParamInfo[]): SizeRole {
  if (inputsAreScalarOnly(params)) {
    const schemas = params.map(effectiveSchema);
    let idx = schemas.findIndex((s) => {
      const b = stripNullish(s);
      return b.kind === 'number' && !!b.integer;
    });
    if (idx < 0) idx = schemas.findIndex(isMagnitudeSchema);
    if (idx < 0) return { kind: 'none' };
    return { kind: 'magnitude', index: idx, name: (params[idx] as ParamInfo).name };
  }
  // Non-string collections first; strings carry the size only when nothing else does.
  for (const pass of ['collections', 'strings'] as const) {
    for (let i = 0; i < params.length; i++) {
      const p = params[i] as ParamInfo;
      const s = effectiveSchema(p);
      if ((pass === 'strings') !== (isStringish(s) && !p.rest)) continue;
      const w = collectionWhat(s, p.name, p.rest);
      if (w) return { kind: 'collections', first: i, what: w };
    }
  }
  return { kind: 'none' };
}

/** What the benchmark size means for these parameters: "array length (xs)", "value of n", ... */
export function describeSizeMeaning(params: readonly ParamInfo[]): string {
  const role = sizeRole(params);
  if (role.kind === 'magnitude') return `value of ${role.name}`;
  if (role.kind === 'collections') return role.what;
  return 'none (the inputs do not scale)';
}

/**
 * The default ascending ladder of sizes from which the pipeline picks by probing. For
 * magnitude-sized signatures (fib(n), isPrime(n)) it starts finer, since running time may be
 * exponential in n, and reaches further, since it may be logarithmic or a square root.
 */
export function sizeLadder(params?: readonly ParamInfo[]): number[] {
  if (params && sizeRole(params).kind === 'magnitude') {
    return [4, 8, 12, 16, 20, 24, 28, 32, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576];
  }
  return [16, 64, 256, 1024, 4096, 16384, 65536];
}
