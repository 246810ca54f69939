/**
 * In-process guards of the sandbox runner, installed before any user or candidate code loads:
 * network blocking, process-control blocking, determinism (seeded randomness, frozen clock)
 * and tamper detection on built-ins.
 *
 * These are a second layer behind node's permission model (which confines fs, child
 * processes, workers and addons) and the parent's kill/memory/time limits. Code running in
 * the same realm can always find creative ways around in-realm guards; what matters is that
 * the originals are kept only in this module's closures (unreachable from user code) and that
 * changes to the built-ins the harness depends on are detected and reported.
 */
import type { Tamper } from './protocol';
import type * as netT from 'node:net';
import type * as dgramT from 'node:dgram';
import type * as dnsT from 'node:dns';
import type * as httpT from 'node:http';
import type * as httpsT from 'node:https';
import type * as http2T from 'node:http2';
import type * as tlsT from 'node:tls';
import type * as cryptoT from 'node:crypto';
import { ErrorCtor, ODefineProp, OGetDesc, OGetProto, RApply, ROwnKeys, StringCtor, SymbolToString } from './primordials';

// The real module objects (what user code's require() returns), not import-namespace copies:
// an `import * as` namespace made by a bundler is a separate object of getters, and patching it
// would leave the real modules untouched.
/* eslint-disable @typescript-eslint/no-require-imports */
const net = require('node:net') as typeof netT;
const dgram = require('node:dgram') as typeof dgramT;
const dns = require('node:dns') as typeof dnsT;
const http = require('node:http') as typeof httpT;
const https = require('node:https') as typeof httpsT;
const http2 = require('node:http2') as typeof http2T;
const tls = require('node:tls') as typeof tlsT;
const nodeCrypto = require('node:crypto') as typeof cryptoT;
/* eslint-enable @typescript-eslint/no-require-imports */

const MathImul = Math.imul;
const BufferAlloc = Buffer.alloc;
const Uint8ArrayCtor = Uint8Array;
const isView = ArrayBuffer.isView;
const nextTick = process.nextTick;

export const NETWORK_BLOCKED_MESSAGE = 'Hotpath sandbox: network access is blocked';

function replace(obj: object, key: string, value: unknown, writable = false): boolean {
  const desc = OGetDesc(obj, key);
  if (desc && !desc.configurable && !desc.writable) return false;
  try {
    ODefineProp(obj, key, { value, writable, configurable: false, enumerable: desc ? desc.enumerable === true : false });
    return true;
  } catch {
    return false;
  }
}

/** Called with the blocked API and its arguments each time a guard refuses (the runner records it as a denial). */
export type BlockedHook = (api: string, args: unknown[]) => void;

function networkBlocker(what: string, onBlocked?: BlockedHook): () => never {
  const f = function blockedNetworkAccess(...args: unknown[]): never {
    try {
      onBlocked?.(what, args);
    } catch {
      // recording must never change what the caller sees
    }
    throw new ErrorCtor(NETWORK_BLOCKED_MESSAGE + ' (' + what + ')');
  };
  return f;
}

export interface NetworkOriginals {
  /** The original net.Socket.prototype.connect, for the runner's own OS-isolation probe. */
  socketConnect: (...args: unknown[]) => unknown;
  Socket: typeof net.Socket;
}

/** Replaces every network entry point with a function that throws. Returns the originals the probe needs. */
export function installNetworkGuards(onBlocked?: BlockedHook): { originals: NetworkOriginals; installed: boolean } {
  const originals: NetworkOriginals = {
    socketConnect: net.Socket.prototype.connect as unknown as (...args: unknown[]) => unknown,
    Socket: net.Socket,
  };
  let ok = true;
  const block = (obj: object | undefined, keys: string[], prefix: string): void => {
    if (!obj) return;
    for (const k of keys) {
      if (!(k in obj)) continue;
      if (!replace(obj, k, networkBlocker(prefix + k, onBlocked))) ok = false;
    }
  };
  block(net.Socket.prototype, ['connect'], 'net.Socket.prototype.');
  block(net.Server.prototype, ['listen'], 'net.Server.prototype.');
  block(net, ['connect', 'createConnection', 'createServer'], 'net.');
  block(dgram, ['createSocket'], 'dgram.');
  block(dgram.Socket.prototype, ['bind', 'connect', 'send'], 'dgram.Socket.prototype.');
  const dnsFns = ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCaa', 'resolveCname', 'resolveMx', 'resolveNaptr', 'resolveNs', 'resolvePtr', 'resolveSoa', 'resolveSrv', 'resolveTxt', 'reverse'];
  block(dns, dnsFns, 'dns.');
  block(dns.Resolver.prototype, dnsFns, 'dns.Resolver.prototype.');
  const dnsPromises = dns.promises as unknown as Record<string, unknown> & { Resolver?: { prototype: object } };
  block(dnsPromises, dnsFns, 'dns.promises.');
  block(dnsPromises.Resolver?.prototype, dnsFns, 'dns.promises.Resolver.prototype.');
  block(http, ['request', 'get', 'createServer'], 'http.');
  block(https, ['request', 'get', 'createServer'], 'https.');
  block(http2, ['connect', 'createServer', 'createSecureServer'], 'http2.');
  block(tls, ['connect', 'createServer'], 'tls.');
  block(tls.TLSSocket.prototype, ['connect'], 'tls.TLSSocket.prototype.');
  const g = globalThis as unknown as Record<string, unknown>;
  for (const k of ['fetch', 'WebSocket', 'EventSource']) {
    const blocked = networkBlocker(k, onBlocked);
    try {
      ODefineProp(g, k, { value: blocked, writable: false, configurable: false, enumerable: false });
    } catch {
      ok = false;
    }
  }
  return { originals, installed: ok };
}

export interface ProcessOriginals {
  /** Exits the process immediately, without running 'exit' listeners. */
  reallyExit: (code: number) => never;
}

const PROCESS_BLOCKED = [
  'exit',
  'reallyExit',
  'abort',
  'kill',
  '_kill',
  'dlopen',
  'chdir',
  'setuid',
  'setgid',
  'seteuid',
  'setegid',
  'setgroups',
  'initgroups',
  '_debugProcess',
  '_debugEnd',
  '_startProfilerIdleNotifier',
  '_stopProfilerIdleNotifier',
  '_linkedBinding',
  'binding',
];

/** Blocks process control (exit, kill, abort, chdir, uid changes, addons). Returns the private exit. */
export function installProcessGuards(onBlocked?: BlockedHook): { originals: ProcessOriginals; installed: boolean } {
  const proc = process as unknown as Record<string, unknown>;
  const rawExit = proc.reallyExit as (code: number) => never;
  const originals: ProcessOriginals = {
    reallyExit: (code: number): never => RApply(rawExit, process, [code]) as never,
  };
  let ok = typeof rawExit === 'function';
  for (const k of PROCESS_BLOCKED) {
    if (typeof proc[k] !== 'function') continue;
    const f = function blockedProcessControl(...args: unknown[]): never {
      try {
        onBlocked?.('process.' + k, args);
      } catch {
        // recording must never change what the caller sees
      }
      throw new ErrorCtor('Hotpath sandbox: process.' + k + ' is blocked');
    };
    // Writable: Node's own lazily loaded internals assign some of these (node:internal/worker
    // wraps process.chdir on Node 22). Overwriting a blocker never gives back the original.
    if (!replace(process, k, f, true)) ok = false;
  }
  return { originals, installed: ok };
}

// ---- determinism --------------------------------------------------------------------------

export interface Determinism {
  /**
   * Restarts every seeded random stream from `seed` mixed with `stream` (e.g. the call index) and
   * `salt` (0 for the call itself, RECEIVER_SALT for building an instance method's receiver), so
   * that both sides of a comparison see the same numbers call for call, whatever ran before.
   */
  reseed(stream: number, salt?: number): void;
  /** A fresh seeded `random()` (for `generate(size, random)` in inputs modules). */
  makeRandom(stream: number): () => number;
}

/** The reseed salt for materializing a receiver (its constructor may draw random numbers too). */
export const RECEIVER_SALT = 1;

function mix(seed: number, stream: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = MathImul(h ^ (stream >>> 0), 0x85ebca6b) >>> 0;
  h = MathImul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** mulberry32: small, fast, good enough for test data. */
function mulberry(state: { s: number }): () => number {
  return () => {
    let t = (state.s = (state.s + 0x6d2b79f5) >>> 0);
    t = MathImul(t ^ (t >>> 15), t | 1);
    t ^= t + MathImul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Math.random, crypto.randomUUID / getRandomValues / randomBytes / randomFillSync / randomInt
 * (node:crypto and globalThis.crypto) become seeded; Date.now() and `new Date()` return
 * `frozenNowMs`. `Date` stays the real constructor behind a proxy, so `instanceof Date`,
 * `Date.UTC`, `Date.parse` and `new Date(x)` work as usual.
 */
export function installDeterminism(seed: number, frozenNowMs: number): Determinism {
  const mathState = { s: mix(seed, 0) };
  const cryptoState = { s: mix(seed ^ 0x5bd1e995, 0) };
  const mathRandom = mulberry(mathState);
  const cryptoRandom = mulberry(cryptoState);
  const fillBytes = (bytes: Uint8Array): void => {
    for (let i = 0; i < bytes.length; i++) bytes[i] = (cryptoRandom() * 256) | 0;
  };
  ODefineProp(Math, 'random', { value: function random() { return mathRandom(); }, writable: true, configurable: true, enumerable: false });

  const getRandomValues = function getRandomValues<T>(arr: T): T {
    if (!isView(arr)) throw new TypeError('The data argument must be an integer-type TypedArray');
    const v = arr as unknown as ArrayBufferView;
    fillBytes(new Uint8ArrayCtor(v.buffer, v.byteOffset, v.byteLength));
    return arr;
  };
  const randomUUID = function randomUUID(): string {
    const b = new Uint8ArrayCtor(16);
    fillBytes(b);
    b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
    b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
    let h = '';
    for (let i = 0; i < 16; i++) {
      const x = b[i] ?? 0;
      h += (x < 16 ? '0' : '') + x.toString(16);
      if (i === 3 || i === 5 || i === 7 || i === 9) h += '-';
    }
    return h;
  };
  const randomBytes = function randomBytes(size: number, cb?: (err: Error | null, buf: Buffer) => void): Buffer | undefined {
    const buf = BufferAlloc(size);
    fillBytes(buf);
    if (typeof cb === 'function') {
      nextTick(cb, null, buf);
      return undefined;
    }
    return buf;
  };
  const randomFillSync = function randomFillSync<T>(buf: T, offset = 0, size?: number): T {
    const v = buf as unknown as ArrayBufferView;
    const len = size ?? v.byteLength - offset;
    fillBytes(new Uint8ArrayCtor(v.buffer, v.byteOffset + offset, len));
    return buf;
  };
  const randomInt = function randomInt(a: number, b?: number | ((e: Error | null, n: number) => void), c?: (e: Error | null, n: number) => void): number | undefined {
    let min = 0;
    let max = a;
    let cb = c;
    if (typeof b === 'number') {
      min = a;
      max = b;
    } else if (typeof b === 'function') cb = b;
    const n = min + Math.floor(cryptoRandom() * (max - min));
    if (typeof cb === 'function') {
      nextTick(cb, null, n);
      return undefined;
    }
    return n;
  };
  const nc = nodeCrypto as unknown as Record<string, unknown>;
  replaceLoose(nc, 'randomUUID', randomUUID);
  replaceLoose(nc, 'getRandomValues', getRandomValues);
  replaceLoose(nc, 'randomBytes', randomBytes);
  replaceLoose(nc, 'pseudoRandomBytes', randomBytes);
  replaceLoose(nc, 'randomFillSync', randomFillSync);
  replaceLoose(nc, 'randomInt', randomInt);
  const web = nodeCrypto.webcrypto as unknown as Record<string, unknown> | undefined;
  if (web) {
    replaceLoose(web, 'getRandomValues', getRandomValues);
    replaceLoose(web, 'randomUUID', randomUUID);
  }
  const gc = (globalThis as unknown as { crypto?: Record<string, unknown> }).crypto;
  if (gc && gc !== web) {
    replaceLoose(gc, 'getRandomValues', getRandomValues);
    replaceLoose(gc, 'randomUUID', randomUUID);
  }

  // Frozen clock.
  const RealDate = Date;
  ODefineProp(RealDate, 'now', { value: function now() { return frozenNowMs; }, writable: true, configurable: true, enumerable: false });
  const DateProxy: DateConstructor = new Proxy(RealDate, {
    construct(target, args: unknown[], newTarget: unknown): object {
      const nt: DateConstructor = newTarget === DateProxy ? target : (newTarget as DateConstructor);
      return Reflect.construct(target, args.length === 0 ? [frozenNowMs] : args, nt) as object;
    },
    apply() {
      return new RealDate(frozenNowMs).toString();
    },
  });
  ODefineProp(globalThis, 'Date', { value: DateProxy, writable: true, configurable: true, enumerable: false });

  return {
    reseed(stream: number, salt = 0) {
      const s = (seed ^ MathImul(salt, 0x632be5ab)) >>> 0;
      mathState.s = mix(s, stream);
      cryptoState.s = mix(s ^ 0x5bd1e995, stream);
    },
    makeRandom(stream: number) {
      return mulberry({ s: mix(seed ^ 0x27d4eb2f, stream) });
    },
  };
}

function replaceLoose(obj: Record<string, unknown>, key: string, value: unknown): void {
  try {
    ODefineProp(obj, key, { value, writable: true, configurable: true, enumerable: OGetDesc(obj, key)?.enumerable ?? false });
  } catch {
    // A non-configurable property stays as it is; the determinism layer is best effort.
  }
}

// ---- tamper detection -----------------------------------------------------------------------

interface PropIdentity {
  value: unknown;
  get: unknown;
  set: unknown;
}
type ObjectSnapshot = { name: string; obj: object; props: Map<PropertyKey, PropIdentity>; global: boolean };
export interface BuiltinSnapshot {
  objects: ObjectSnapshot[];
}

function keyName(k: PropertyKey): string {
  return typeof k === 'symbol' ? '[' + (RApply(SymbolToString, k, []) as string) + ']' : StringCtor(k);
}

function identities(obj: object, only?: string[]): Map<PropertyKey, PropIdentity> {
  const m = new Map<PropertyKey, PropIdentity>();
  const keys = only ?? ROwnKeys(obj);
  for (const k of keys) {
    const d = OGetDesc(obj, k);
    if (!d) continue;
    m.set(k, { value: d.value, get: d.get, set: d.set });
  }
  return m;
}

/**
 * Records the identity of every own property (value, or getter/setter) of the built-ins the
 * harness and the comparison depend on, and the set of globals.
 */
export function snapshotBuiltins(): BuiltinSnapshot {
  const g = globalThis as unknown as Record<string, object>;
  // Materialize lazily defined globals so their first use is not mistaken for tampering.
  for (const k of ROwnKeys(globalThis)) {
    try {
      void (g as Record<PropertyKey, unknown>)[k];
    } catch {
      // ignore
    }
  }
  const RealDate = OGetProto(new Date(0)).constructor as object;
  const targets: [string, object, string[]?][] = [
    ['Array.prototype', Array.prototype],
    ['Object.prototype', Object.prototype],
    ['String.prototype', String.prototype],
    ['Number.prototype', Number.prototype],
    ['Boolean.prototype', Boolean.prototype],
    ['Function.prototype', Function.prototype],
    ['Map.prototype', Map.prototype],
    ['Set.prototype', Set.prototype],
    ['Promise.prototype', Promise.prototype],
    ['Date.prototype', Date.prototype],
    ['RegExp.prototype', RegExp.prototype],
    ['Symbol', Symbol],
    ['Math', Math],
    ['JSON', JSON],
    ['Object', Object],
    ['Array', Array],
    ['Promise', Promise],
    ['Reflect', Reflect],
    ['Date', RealDate],
    ['performance', performance],
    ['Performance.prototype', OGetProto(performance) as object, ['now', 'timeOrigin']],
    ['process', process, ['hrtime', 'nextTick']],
    ['process.hrtime', process.hrtime],
  ];
  const objects: ObjectSnapshot[] = targets.map(([name, obj, only]) => ({ name, obj, props: identities(obj, only), global: false }));
  objects.push({ name: 'globalThis', obj: globalThis, props: identities(globalThis), global: true });
  return { objects };
}

/** Differences between the built-ins now and `snap`, one Tamper per changed property. */
export function diffBuiltins(snap: BuiltinSnapshot): Tamper[] {
  const out: Tamper[] = [];
  for (const o of snap.objects) {
    const only = o.global ? undefined : o.name === 'Performance.prototype' ? ['now', 'timeOrigin'] : o.name === 'process' ? ['hrtime', 'nextTick'] : undefined;
    let now: Map<PropertyKey, PropIdentity>;
    try {
      now = identities(o.obj, only);
    } catch {
      out.push({ what: o.name + ' could not be inspected' });
      continue;
    }
    for (const [k, before] of o.props) {
      const after = now.get(k);
      const label = o.global ? 'global ' + keyName(k) : o.name + '.' + keyName(k);
      if (!after) out.push({ what: label + ' was removed' });
      else if (!Object.is(after.value, before.value) || after.get !== before.get || after.set !== before.set) out.push({ what: label + ' was replaced' });
    }
    for (const k of now.keys()) {
      if (o.props.has(k)) continue;
      out.push({ what: o.global ? 'global variable ' + keyName(k) + ' was added' : o.name + '.' + keyName(k) + ' was added' });
    }
  }
  return out;
}
