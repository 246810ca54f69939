/**
 * Receivers (`this`) of instance-method targets, materialized in a child process from the
 * markers described in protocol.ts (THIS_MARKER). Used by the sandbox runner and the coverage
 * runner. The built-ins it needs are captured when this module is loaded, which is before any
 * user or candidate code runs.
 */
import { CLASS_EXPORT, NEW_MARKER, THIS_MARKER } from './protocol';
import { AIsArray, ErrorCtor, OCreate, ODefineProp, OGetDesc, OGetProto, OKeys, ObjectProto, RConstruct } from './primordials';

/** How deep NEW_MARKER values are looked for (the generator nests far less). */
const MAX_INSTANCE_DEPTH = 10;

export type ReceiverMarker = { [THIS_MARKER]: 'construct'; args: unknown[] } | { [THIS_MARKER]: 'state'; props: Record<string, unknown> };

/** True for a receiver marker object as written by the parent. */
export function isReceiverMarker(v: unknown): v is ReceiverMarker {
  if (v === null || typeof v !== 'object' || AIsArray(v)) return false;
  const p = OGetProto(v) as unknown;
  if (p !== Object.prototype && p !== null) return false;
  const kind = (v as Record<string, unknown>)[THIS_MARKER];
  return kind === 'construct' || kind === 'state';
}

/**
 * Builds the receiver a marker describes: `new Owner(...args)` for 'construct', or an object
 * with Owner.prototype and the given own properties for 'state'. Throws (in the child, inside
 * the call's try) when the owner is not a constructor.
 */
export function materializeReceiver(marker: ReceiverMarker, owner: unknown): unknown {
  if (typeof owner !== 'function') throw new ErrorCtor('the method owner is not a class');
  if (marker[THIS_MARKER] === 'construct') {
    const args = AIsArray(marker.args) ? marker.args : [];
    return RConstruct(owner, args) as unknown;
  }
  const proto = (owner as { prototype?: unknown }).prototype;
  const self = OCreate(proto !== null && typeof proto === 'object' ? proto : null) as Record<string, unknown>;
  const props = marker.props;
  for (const k of OKeys(props)) {
    ODefineProp(self, k, { value: props[k], writable: true, enumerable: true, configurable: true });
  }
  return self;
}

/** The classes a bundle exposes for NEW_MARKER values (CLASS_EXPORT + 0, 1, ...), in order. */
export function exposedClasses(mod: unknown): unknown[] {
  const out: unknown[] = [];
  if (mod === null || (typeof mod !== 'object' && typeof mod !== 'function')) return out;
  for (let i = 0; ; i++) {
    const c = (mod as Record<string, unknown>)[CLASS_EXPORT + String(i)];
    if (c === undefined) return out;
    out.push(c);
  }
}

/**
 * `v` with every NEW_MARKER object in it (inside arrays, plain objects and receiver markers)
 * replaced by `new C(...args)`, innermost first; arrays and plain objects are updated in place.
 * Throws (in the child, inside the call's try) when a constructor throws.
 */
export function materializeInstances(v: unknown, classes: readonly unknown[], depth = 0): unknown {
  if (depth > MAX_INSTANCE_DEPTH || v === null || typeof v !== 'object') return v;
  if (AIsArray(v)) {
    for (let i = 0; i < v.length; i++) {
      if (!(i in v)) continue;
      const r = materializeInstances(v[i], classes, depth + 1);
      if (r !== v[i]) v[i] = r;
    }
    return v;
  }
  const p = OGetProto(v) as unknown;
  if (p !== ObjectProto && p !== null) return v;
  const o = v as Record<string, unknown>;
  const ref = OGetDesc(o, NEW_MARKER)?.value as unknown;
  if (typeof ref === 'number') {
    const C = classes[ref];
    if (typeof C !== 'function') throw new ErrorCtor(`class #${ref} is not exposed by the bundle`);
    const args = AIsArray(o.args) ? (materializeInstances(o.args, classes, depth + 1) as unknown[]) : [];
    return RConstruct(C, args) as unknown;
  }
  for (const k of OKeys(o)) {
    const d = OGetDesc(o, k);
    if (!d || !('value' in d)) continue;
    const r = materializeInstances(d.value, classes, depth + 1);
    // By descriptor: an own '__proto__' key is data, and assigning to it would set the prototype.
    if (r !== d.value) ODefineProp(o, k, { value: r, writable: true, enumerable: true, configurable: true });
  }
  return o;
}
