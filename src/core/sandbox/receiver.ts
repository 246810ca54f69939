/**
 * Receivers (`this`) of instance-method targets, materialized in a child process from the
 * markers described in protocol.ts (THIS_MARKER). Used by the sandbox runner and the coverage
 * runner. The built-ins it needs are captured when this module is loaded, which is before any
 * user or candidate code runs.
 */
import { THIS_MARKER } from './protocol';

const OCreate = Object.create;
const OKeys = Object.keys;
const ODefineProp = Object.defineProperty;
const OGetProto = Object.getPrototypeOf;
const RConstruct = Reflect.construct;
const AIsArray = Array.isArray;
const ErrorCtor = Error;

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
