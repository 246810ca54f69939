/**
 * The sandbox runner: the entry point of the child process (bundled to dist/runner.js and
 * copied into each job directory). See protocol.ts for the job and message shapes.
 *
 * Order matters. Before any user or candidate code is loaded this module:
 * 1. imports tinybench (its clock binds now) and captures every function it needs later
 *    (fd 3 writer, JSON, v8, clock, gc, timers, hashing, Reflect);
 * 2. reads the job from fd 0;
 * 3. fails closed unless node's permission model is on and denies fs writes, child processes
 *    and workers;
 * 4. installs the network, process and determinism guards and snapshots the built-ins.
 *
 * Wire format on fd 3 (private to spawn.ts and this file): each message is written as
 * "\n" + JSON.stringify({ c: <channel token from the job>, m: <RunnerMessage> }) + "\n".
 * User code can write to fd 3 too, but it cannot know the token (it lived only in the job
 * read from stdin and in this module's closure), so the parent drops any line without it; the
 * leading newline terminates any partial line user code left behind.
 */
import type { Bench as BenchType } from 'tinybench' with { 'resolution-mode': 'import' };
// tinybench is ESM-only; esbuild bundles it into this CJS runner. Loaded first so that its
// clock binds before anything else runs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Bench } = require('tinybench') as { Bench: typeof BenchType };
import * as fs from 'node:fs';
import * as v8 from 'node:v8';
import * as path from 'node:path';
import { encodeValue, checksumOfEncoded } from './encode';
import { fastClone, freshArgs, isPlainObject, isThenable, loadArgLists, MapC, settle } from './args';
import { exposedClasses, isReceiverMarker, materializeInstances, materializeReceiver } from './receiver';
import { createDenialLog, installDenialRecorders } from './denials';
import { installNetworkGuards, installProcessGuards, installDeterminism, snapshotBuiltins, diffBuiltins, NETWORK_BLOCKED_MESSAGE, RECEIVER_SALT, type BuiltinSnapshot, type NetworkOriginals } from './guards';
import { TARGET_EXPORT, OWNER_EXPORT, COVERAGE_GLOBAL, type CallReceiver, type RunnerJob, type RunnerMessage, type PermissionReport, type Tamper, type VerifyJob, type BenchJob, type InputsJob } from './protocol';
import type { CallOutcome, Encoded } from '../types';
import type * as childProcessT from 'node:child_process';
import type * as workerThreadsT from 'node:worker_threads';
import type * as netT from 'node:net';
import { AIsArray, ErrorCtor, JSONStringify, MapForEach, ODefineProp, OGetDesc, OGetProto, OKeys, RApply, ROwnKeys, SetForEach, StringCtor } from './primordials';

// ---- 1. captured built-ins ------------------------------------------------------------------
const writeSync = fs.writeSync;
const readFileSync = fs.readFileSync;
const JSONParse = JSON.parse;
const v8Serialize = v8.serialize;
const perfNow: () => number = performance.now.bind(performance);
const gcFn = (globalThis as unknown as { gc?: () => void }).gc;
// --expose-gc defines a non-configurable (but writable) global: it cannot be deleted, so it is
// overwritten; user code cannot trigger collections in the middle of someone else's timing.
try {
  (globalThis as unknown as { gc?: unknown }).gc = undefined;
} catch {
  // ignore
}
const setTimeoutC = globalThis.setTimeout;
const clearTimeoutC = globalThis.clearTimeout;
const PromiseC = Promise;
const RDeleteProperty = Reflect.deleteProperty;
const BufferFrom = Buffer.from;
const AbortControllerC = AbortController;
const MapClear = Map.prototype.clear;
const MapSet = Map.prototype.set;
const SetClear = Set.prototype.clear;
const SetAdd = Set.prototype.add;
const TypedSet = (Object.getPrototypeOf(Uint8Array.prototype) as { set: (a: ArrayLike<number>) => void }).set;
const isTypedArrayView = (v: unknown): boolean => ArrayBuffer.isView(v) && !(v instanceof DataView);
const sharedWait = new Int32Array(new SharedArrayBuffer(4));
const AtomicsWait = Atomics.wait;
const procOn = process.on.bind(process);
const nodeVersion = process.versions.node;

// ---- 2. the job -------------------------------------------------------------------------------
const { job, token } = readJob();

/** The job from fd 0, and the channel token it carries (removed from the job, so no code sees it). */
function readJob(): { job: RunnerJob; token: string } {
  let raw: Record<string, unknown>;
  try {
    raw = JSONParse(readFileSync(0, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    raw = { mode: 'invalid', error: String(e) };
  }
  const token = typeof raw.__channel === 'string' ? raw.__channel : '';
  delete raw.__channel;
  return { job: raw as unknown as RunnerJob, token };
}

const scrubTargets: object[] = [Object.prototype, Array.prototype, String.prototype, Number.prototype, Boolean.prototype];
/** Writes one message to fd 3. Never throws (a closed channel just loses the message). */
function send(m: RunnerMessage): void {
  // JSON.stringify would call a toJSON that user code added to a prototype: remove it first.
  for (const p of scrubTargets) if (OGetDesc(p, 'toJSON')) RDeleteProperty(p, 'toJSON');
  let line: string;
  try {
    line = '\n' + JSONStringify({ c: token, m }) + '\n';
  } catch (e) {
    line = '\n' + JSONStringify({ c: token, m: { type: 'fatal', error: 'unserializable message: ' + StringCtor(e) } }) + '\n';
  }
  const buf = BufferFrom(line, 'utf8');
  let off = 0;
  let spins = 0;
  while (off < buf.length) {
    try {
      off += writeSync(3, buf, off, buf.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN' && spins++ < 60_000) {
        RApply(AtomicsWait, Atomics, [sharedWait, 0, 0, 1]);
        continue;
      }
      return;
    }
  }
}

// ---- 3. fail closed ---------------------------------------------------------------------------
// Every access the sandbox denies is recorded here (also when the code catches the error).
const denials = createDenialLog();
const proc = installProcessGuards((api, args) => {
  denials.note(api === 'process.dlopen' ? 'addon' : 'process', api, api === 'process.dlopen' && typeof args[1] === 'string' ? args[1] : null);
});
const exitNow = (code: number): never => proc.originals.reallyExit(code);

function refuse(reason: string): never {
  send({ type: 'refused', reason });
  send({ type: 'done' });
  return exitNow(3);
}

function permissionState(): { ok: boolean; reason: string; fsWrite: boolean; child: boolean; worker: boolean } {
  const perm = (process as unknown as { permission?: { has: (scope: string, ref?: string) => boolean } }).permission;
  if (!perm || typeof perm.has !== 'function') return { ok: false, reason: 'node permission model is not enabled (process.permission is missing)', fsWrite: false, child: false, worker: false };
  const has = (s: string, r?: string): boolean | null => {
    try {
      return r === undefined ? perm.has(s) : perm.has(s, r);
    } catch {
      return null;
    }
  };
  const fsWrite = has('fs.write') === false;
  const child = has('child') === false;
  const worker = has('worker') === false;
  // (has('fs.read') without a path answers true when the cwd is readable: ask about the root.)
  const fsReadAll = has('fs.read', path.parse(__dirname).root) === false && has('fs.read', path.dirname(__dirname)) === false;
  const runnerReadable = has('fs.read', __filename) === true;
  const missing: string[] = [];
  if (!fsWrite) missing.push('fs writes are allowed');
  if (!child) missing.push('child processes are allowed');
  if (!worker) missing.push('workers are allowed');
  if (!fsReadAll) missing.push('fs reads are not restricted');
  if (!runnerReadable) missing.push('the permission check does not answer as expected');
  return { ok: missing.length === 0, reason: missing.join('; '), fsWrite, child, worker };
}

const permState = permissionState();
if (!permState.ok) refuse('Hotpath sandbox refused to run: ' + permState.reason + '.');
if (typeof job !== 'object' || job === null || !['verify', 'bench', 'inputs', 'probe'].includes((job as { mode?: string }).mode ?? '')) {
  send({ type: 'fatal', error: 'invalid job' });
  send({ type: 'done' });
  exitNow(2);
}

// ---- 4. guards ----------------------------------------------------------------------------------
const netGuards = installNetworkGuards((api, args) => denials.note('network', api, networkTarget(args)));
installDenialRecorders(denials);
// The probe's own attempts and anything Node did while starting are not the code's.
denials.take();

/** Where a blocked network call wanted to go: a URL, host:port, or a port. */
function networkTarget(args: unknown[]): string | null {
  try {
    const a = args[0];
    if (typeof a === 'string') return a.slice(0, 300);
    if (typeof a === 'number') return typeof args[1] === 'string' ? args[1] + ':' + StringCtor(a) : 'port ' + StringCtor(a);
    if (a instanceof URL) return a.href;
    if (a !== null && typeof a === 'object') {
      const o = a as { host?: unknown; hostname?: unknown; port?: unknown; path?: unknown; url?: unknown };
      if (typeof o.url === 'string') return o.url.slice(0, 300);
      const host = typeof o.hostname === 'string' ? o.hostname : typeof o.host === 'string' ? o.host : null;
      if (host !== null) return o.port !== undefined ? host + ':' + StringCtor(o.port) : host;
      if (typeof o.path === 'string') return o.path;
      if (o.port !== undefined) return 'port ' + StringCtor(o.port);
    }
  } catch {
    // ignore
  }
  return null;
}
const determinism = installDeterminism('seed' in job ? job.seed : 0, 'frozenNowMs' in job ? job.frozenNowMs : 0);

procOn('uncaughtException', (e: unknown) => {
  send({ type: 'fatal', error: 'uncaught exception outside a call: ' + describeError(e) });
  send({ type: 'done' });
  exitNow(70);
});
procOn('unhandledRejection', () => {
  // A stray rejected promise of user code: ignored (calls are judged by what they return).
});

function describeError(e: unknown): string {
  try {
    if (e instanceof ErrorCtor) return StringCtor(e.name) + ': ' + StringCtor(e.message);
    return StringCtor(e);
  } catch {
    return '[unprintable]';
  }
}

function permissionReport(osNetworkIsolated: boolean | null): PermissionReport {
  return {
    permissionModel: permState.ok,
    fsWriteDenied: permState.fsWrite,
    childProcessDenied: permState.child,
    workerDenied: permState.worker,
    networkGuards: netGuards.installed,
    osNetworkIsolated,
  };
}

/** The runner's mutable state: what loadTarget found, the built-ins snapshot and the tampers reported from it, the last call's duration. */
const state: {
  /** The function under test (TARGET_EXPORT). */
  target: (...args: unknown[]) => unknown;
  /** The method's owner (OWNER_EXPORT) for method targets, and how calls get their `this`. */
  owner: unknown;
  /** The classes generated instances are built from (NEW_MARKER), as the bundle exposes them. */
  classes: unknown[];
  /** The built-ins as they were before the code loaded (null until then). */
  snapshot: BuiltinSnapshot | null;
  /** Tampers already reported (each is reported once). */
  reportedTampers: Set<string>;
  /** Duration of the last callOnce, in ms (to settlement for async targets). */
  lastCallMs: number;
} = { target: () => undefined, owner: undefined, classes: [], snapshot: null, reportedTampers: new Set<string>(), lastCallMs: 0 };
const receiverMode: CallReceiver = 'receiver' in job && (job.receiver === 'instance' || job.receiver === 'owner') ? job.receiver : 'none';
const ASlice = Array.prototype.slice;

/**
 * `this` and the arguments for one call of an argument list as sent by the parent: for
 * instance methods the first element is a receiver marker, materialized here (never inside a
 * timed region); throws (inside the caller's try) when it is not one or construction throws.
 */
function callParts(list: unknown[]): { self: unknown; args: unknown[] } {
  if (state.classes.length > 0) materializeInstances(list, state.classes);
  if (receiverMode === 'none') return { self: undefined, args: list };
  if (receiverMode === 'owner') return { self: state.owner, args: list };
  const marker = list[0];
  if (!isReceiverMarker(marker)) throw new ErrorCtor('the argument list has no receiver for the instance method');
  return { self: materializeReceiver(marker, state.owner), args: RApply(ASlice, list, [1]) as unknown[] };
}

/** Tampers not reported before. */
function newTampers(): Tamper[] {
  if (!state.snapshot) return [];
  const out: Tamper[] = [];
  for (const t of diffBuiltins(state.snapshot)) {
    if (state.reportedTampers.has(t.what)) continue;
    state.reportedTampers.add(t.what);
    out.push(t);
  }
  return out;
}

function loadModule(file: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as unknown;
}

function loadTarget(bundle: string): boolean {
  state.snapshot = snapshotBuiltins();
  let mod: unknown;
  try {
    mod = loadModule(bundle);
  } catch (e) {
    send({ type: 'load-error', error: describeError(e) });
    return false;
  }
  let fn: unknown;
  try {
    fn = mod !== null && (typeof mod === 'object' || typeof mod === 'function') ? (mod as Record<string, unknown>)[TARGET_EXPORT] : undefined;
  } catch (e) {
    send({ type: 'load-error', error: 'reading the export threw: ' + describeError(e) });
    return false;
  }
  if (typeof fn !== 'function') {
    send({ type: 'load-error', error: `the bundle does not export a function named ${TARGET_EXPORT} (got ${fn === undefined ? 'undefined' : typeof fn})` });
    return false;
  }
  state.target = fn as (...args: unknown[]) => unknown;
  try {
    state.classes = exposedClasses(mod);
  } catch (e) {
    send({ type: 'load-error', error: 'reading the class exports threw: ' + describeError(e) });
    return false;
  }
  if (receiverMode !== 'none') {
    try {
      state.owner = (mod as Record<string, unknown>)[OWNER_EXPORT];
    } catch (e) {
      send({ type: 'load-error', error: 'reading the owner export threw: ' + describeError(e) });
      return false;
    }
    if (state.owner === null || (typeof state.owner !== 'object' && typeof state.owner !== 'function')) {
      send({ type: 'load-error', error: `the bundle does not export the method's owner as ${OWNER_EXPORT}` });
      return false;
    }
  }
  send({ type: 'loaded', tampers: newTampers(), denials: denials.take() });
  return true;
}

// ---- verify -------------------------------------------------------------------------------------
/**
 * One call with `this` = self. The outcome's args are the arguments' states after the call; for
 * instance methods the receiver's state comes first (as element 0 of the list the parent sent).
 */
async function callOnce(self: unknown, args: unknown[], timeoutMs: number): Promise<CallOutcome> {
  const t0 = perfNow();
  const outcome = await callOnceRaw(self, args, timeoutMs);
  state.lastCallMs = perfNow() - t0;
  return outcome;
}

async function callOnceRaw(self: unknown, args: unknown[], timeoutMs: number): Promise<CallOutcome> {
  const after = (): Encoded[] => {
    const out = args.map((a) => encodeValue(a));
    if (receiverMode === 'instance') out.unshift(encodeValue(self));
    return out;
  };
  let value: unknown;
  try {
    value = RApply(state.target, self, args);
  } catch (error) {
    denials.noteError(error, 'the call', null);
    return { kind: 'threw', error: encodeValue(error), args: after() };
  }
  const t = isThenable(value);
  if (t) {
    const s = await settle(t, timeoutMs);
    if ('timeout' in s) return { kind: 'timeout' };
    if (!s.ok) {
      denials.noteError(s.error, 'the call', null);
      return { kind: 'threw', error: encodeValue(s.error), args: after() };
    }
    value = s.value;
  }
  return { kind: 'returned', value: encodeValue(value), args: after() };
}

/**
 * callOnce on an argument list as sent by the parent (input `stream`); a receiver that cannot be
 * built is the call's thrown error. The receiver and the call each start their own seeded random
 * stream, so a constructor that draws random numbers sees the same ones on both sides.
 */
async function callList(list: unknown[], timeoutMs: number, stream: number): Promise<{ outcome: CallOutcome; self: unknown; args: unknown[] }> {
  let parts: { self: unknown; args: unknown[] };
  try {
    parts = partsFor(list, stream);
  } catch (error) {
    return { outcome: { kind: 'threw', error: encodeValue(error), args: list.map((a) => encodeValue(a)) }, self: undefined, args: list };
  }
  determinism.reseed(stream);
  return { outcome: await callOnce(parts.self, parts.args, timeoutMs), ...parts };
}

/** callParts with the receiver's own seeded random stream for input `stream`. */
function partsFor(list: unknown[], stream: number): { self: unknown; args: unknown[] } {
  // Receivers and generated instances draw from their own stream, so a constructor that draws
  // random numbers sees the same ones on both sides.
  if (receiverMode === 'instance' || state.classes.length > 0) determinism.reseed(stream, RECEIVER_SALT);
  return callParts(list);
}

/** Overwrites `args` in place with the contents of `next` where shapes allow; returns the list to call with. */
function overwriteInPlace(args: unknown[], next: unknown[]): unknown[] {
  const out: unknown[] = [];
  const n = next.length;
  for (let j = 0; j < n; j++) {
    const a = args[j];
    const b = next[j];
    out.push(overwriteOne(a, b) ? a : b);
  }
  return out;
}

function overwriteOne(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  try {
    if (AIsArray(a) && AIsArray(b)) {
      a.length = 0;
      for (let i = 0; i < b.length; i++) a.push(b[i]);
      return true;
    }
    if (a instanceof Map && b instanceof Map) {
      RApply(MapClear, a, []);
      RApply(MapForEach, b, [(v: unknown, k: unknown) => RApply(MapSet, a, [k, v])]);
      return true;
    }
    if (a instanceof Set && b instanceof Set) {
      RApply(SetClear, a, []);
      RApply(SetForEach, b, [(v: unknown) => RApply(SetAdd, a, [v])]);
      return true;
    }
    if (isTypedArrayView(a) && isTypedArrayView(b)) {
      const ta = a as unknown as Uint8Array;
      const tb = b as unknown as Uint8Array;
      if (ta.length !== tb.length || OGetProto(ta) !== OGetProto(tb)) return false;
      RApply(TypedSet, ta, [tb]);
      return true;
    }
    if (isPlainObject(a) && isPlainObject(b)) {
      for (const k of ROwnKeys(a)) RDeleteProperty(a, k);
      for (const k of OKeys(b)) a[k] = b[k];
      return true;
    }
  } catch {
    return false;
  }
  return false;
}

async function runVerify(j: VerifyJob): Promise<void> {
  const lists = loadArgLists(j.inputsFile);
  if (!loadTarget(j.bundle)) return;
  const n = lists.length;
  const order = j.order ?? null;
  const count = order ? order.length : n;
  const cost = j.cost ?? null;
  let ceiling = cost?.ceiling ?? null;
  const streak = { count: cost?.streak?.count ?? 0, size: cost?.streak?.size ?? 0 };
  let spentMs = 0;
  for (let pos = Math.max(0, j.startIndex); pos < count; pos++) {
    const i = order ? (order[pos] as number) : pos;
    if (i < 0 || i >= n) continue;
    const size = cost ? (cost.sizes[i] ?? 0) : 0;
    if (cost && ceiling !== null && size >= ceiling) {
      send({ type: 'call-skipped', index: i, ceiling });
      continue;
    }
    const buf = lists[i] as Buffer;
    send({ type: 'call-start', index: i, probe: false });
    const first = await callList(freshArgs(buf), j.callTimeoutMs, i);
    const ms = first.outcome.kind === 'timeout' ? j.callTimeoutMs : state.lastCallMs;
    send({ type: 'call-result', index: i, probe: false, outcome: first.outcome, tampers: newTampers(), denials: denials.take(), ms, ...coverageHits() });
    spentMs += ms;
    // The original's cost decides how large inputs may grow: never beyond two slow calls in a
    // row, or the budget.
    if (cost) {
      if (ms > cost.slowMs) {
        if (streak.count === 0) streak.size = size;
        streak.count++;
      } else streak.count = 0;
      const limit = streak.count >= 2 ? streak.size : spentMs > cost.totalMs ? size : null;
      if (limit !== null && (ceiling === null || limit < ceiling)) ceiling = limit;
    }
    if (j.stalenessProbe) {
      const nextIndex = (i + 1) % n;
      let next: { self: unknown; args: unknown[] } | null = null;
      try {
        next = partsFor(freshArgs(lists[nextIndex] as Buffer), nextIndex);
      } catch {
        next = null;
      }
      send({ type: 'call-start', index: i, probe: true });
      let po: CallOutcome;
      if (next === null) po = (await callList(freshArgs(lists[nextIndex] as Buffer), j.callTimeoutMs, nextIndex)).outcome;
      else {
        // The same objects (receiver included) with the next input's contents.
        const args = overwriteInPlace(first.args, next.args);
        const self = receiverMode === 'instance' && overwriteReceiver(first.self, next.self) ? first.self : next.self;
        determinism.reseed(nextIndex);
        po = await callOnce(self, args, j.callTimeoutMs);
      }
      const pms = po.kind === 'timeout' ? j.callTimeoutMs : state.lastCallMs;
      spentMs += pms;
      send({ type: 'call-result', index: i, probe: true, outcome: po, tampers: newTampers(), denials: denials.take(), ms: pms, ...coverageHits() });
    }
  }
}

// ---- coverage counters ----------------------------------------------------------------------------
/** The counters an instrumented bundle increments (build/instrument.ts), and which were seen. */
const coverageCounters: Uint32Array | null = (() => {
  const k = job.mode === 'verify' ? (job.coverageCounters ?? 0) : 0;
  if (!(k > 0)) return null;
  const counters = new Uint32Array(Math.min(k, 1 << 20));
  // Defined before any code loads and before the built-ins snapshot; not writable.
  ODefineProp(globalThis, COVERAGE_GLOBAL, { value: counters, writable: false, configurable: false, enumerable: false });
  return counters;
})();
const coverageSeen = coverageCounters ? new Uint8Array(coverageCounters.length) : null;

/** Counters hit for the first time since the last call ({} when not instrumented). */
function coverageHits(): { hits?: number[] } {
  if (!coverageCounters || !coverageSeen) return {};
  const hits: number[] = [];
  for (let k = 0; k < coverageCounters.length; k++) {
    if (coverageSeen[k] === 0 && coverageCounters[k] !== 0) {
      coverageSeen[k] = 1;
      hits.push(k);
    }
  }
  return { hits };
}

/** Replaces a receiver's own properties in place with those of `b` (same prototype only). */
function overwriteReceiver(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || OGetProto(a) !== OGetProto(b)) return false;
  try {
    for (const k of ROwnKeys(a)) RDeleteProperty(a, k);
    for (const k of ROwnKeys(b)) {
      const d = OGetDesc(b, k);
      if (d) ODefineProp(a, k, d);
    }
    return true;
  } catch {
    return false;
  }
}

// ---- bench --------------------------------------------------------------------------------------
const THREW = Symbol('threw');
/** Upper bound on the memory of one batch's input clones (estimated), in bytes. */
const MAX_BATCH_BYTES = 96 * 1024 * 1024;
type SinkItem = unknown;

/**
 * The benchmark pool of one size: the argument lists of the inputs file, deserialized once
 * (`masters`; every timed call gets its own deep copy of one). An argument list whose receiver or
 * generated instances cannot be built (a constructor that rejects generated data) does not
 * exercise the target: it is left out, the same way in both arms. Null (after reporting the
 * size's error) when no list is left.
 */
function benchPool(size: number, inputsFile: string): { pool: Buffer[]; masters: unknown[][] } | null {
  let pool = loadArgLists(inputsFile);
  let masters = pool.map((b) => freshArgs(b));
  if (receiverMode === 'instance' || state.classes.length > 0) {
    // Built as a timed call builds them (Batches.prepare): from a copy of the master.
    const built: boolean[] = [];
    let firstError: unknown = null;
    masters.forEach((m, i) => {
      try {
        partsFor(fastClone(m, new MapC()) as unknown[], i);
        built.push(true);
      } catch (e) {
        firstError ??= e;
        built.push(false);
      }
    });
    if (!built.includes(true) && pool.length > 0) {
      send({ type: 'bench-error', size, error: 'building the receiver failed: ' + describeError(firstError) });
      return null;
    }
    pool = pool.filter((_, i) => built[i]);
    masters = masters.filter((_, i) => built[i]);
  }
  if (pool.length === 0) {
    send({ type: 'bench-error', size, error: 'empty input pool' });
    return null;
  }
  return { pool, masters };
}

/** Whether the target returns a thenable, decided on one untimed call (which is awaited) of a copy of the first master. */
async function targetIsAsync(first: unknown[]): Promise<boolean> {
  let r: unknown;
  try {
    const p0 = partsFor(fastClone(first, new MapC()) as unknown[], 0);
    determinism.reseed(0);
    r = RApply(state.target, p0.self, p0.args);
  } catch {
    r = undefined;
  }
  const t = isThenable(r);
  if (!t) return false;
  await settle(t, 60_000);
  return true;
}

/**
 * Prepared batches of calls and their timed runs. Each call gets a fresh clone of its input
 * and its receiver (materialized here, outside the timed region); results go to a preallocated
 * sink. Random streams are reseeded per call from the pool index, as in verify, so both arms of
 * a comparison see the same sequence whatever their batch sizes.
 */
class Batches {
  /** `this` of each prepared call. */
  selves: unknown[] = [];
  sink: SinkItem[] = [];
  /**
   * The cost of preparing one call (a fresh clone of its input, its receiver), measured on every
   * batch: a batch of a cheap call on a large input must not spend seconds or gigabytes on clones.
   */
  prepMsPerCall = 0;

  constructor(
    private readonly masters: unknown[][],
    readonly poolLen: number,
  ) {}

  prepare(count: number, startCall: number): unknown[][] {
    const p0 = perfNow();
    const batch = this.prepareRaw(count, startCall);
    const per = (perfNow() - p0) / Math.max(1, count);
    this.prepMsPerCall = this.prepMsPerCall === 0 ? per : Math.max(per, this.prepMsPerCall * 0.5);
    return batch;
  }

  private prepareRaw(count: number, startCall: number): unknown[][] {
    const poolLen = this.poolLen;
    const batch: unknown[][] = new Array<unknown[]>(count);
    const selves = (this.selves = new Array<unknown>(count));
    for (let k = 0; k < count; k++) {
      const list = fastClone(this.masters[(startCall + k) % poolLen], new MapC()) as unknown[];
      if (receiverMode === 'none') batch[k] = list;
      else {
        let parts: { self: unknown; args: unknown[] };
        try {
          // Each receiver draws from its own stream (pool index), whatever the batch size.
          parts = partsFor(list, (startCall + k) % poolLen);
        } catch (e) {
          throw new ErrorCtor('building the receiver failed: ' + describeError(e));
        }
        selves[k] = parts.self;
        batch[k] = parts.args;
      }
    }
    return batch;
  }

  /** Runs `count` prepared calls; returns their wall time in ms. */
  runSync(batch: unknown[][], count: number, base: number): number {
    const { sink, selves, poolLen } = this;
    const target = state.target;
    const s0 = perfNow();
    for (let k = 0; k < count; k++) {
      determinism.reseed((base + k) % poolLen);
      try {
        sink[k] = RApply(target, selves[k], batch[k] as unknown[]);
      } catch (e) {
        sink[k] = { [THREW]: e };
      }
    }
    return perfNow() - s0;
  }

  async runAsync(batch: unknown[][], count: number, base: number): Promise<number> {
    const { sink, selves, poolLen } = this;
    const target = state.target;
    const s0 = perfNow();
    for (let k = 0; k < count; k++) {
      determinism.reseed((base + k) % poolLen);
      try {
        sink[k] = await (RApply(target, selves[k], batch[k] as unknown[]) as Promise<unknown>);
      } catch (e) {
        sink[k] = { [THREW]: e };
      }
    }
    return perfNow() - s0;
  }
}

async function benchSize(j: BenchJob, size: number, inputsFile: string): Promise<void> {
  const t0 = perfNow();
  const loaded = benchPool(size, inputsFile);
  if (!loaded) return;
  const { pool, masters } = loaded;
  const poolLen = pool.length;
  const maxCalls = Math.max(1, j.maxCalls);
  const minSampleMs = Math.max(0, j.minSampleNs) / 1e6;
  if (gcFn) gcFn();
  const isAsync = await targetIsAsync(masters[0] as unknown[]);
  const B = new Batches(masters, poolLen);

  // Warm-up and batch calibration (the sink is thrown away).
  let batchSize = 1;
  const warmEnd = perfNow() + Math.max(0, j.warmupMs);
  // A batch's clones are bounded in time (a quarter of the sampling time) and in memory (by the
  // serialized size of the inputs, a lower bound of their size on the heap).
  let poolBytes = 0;
  for (const b of pool) poolBytes += (b as Buffer).length;
  const bytesPerCall = Math.max(1, poolBytes / poolLen) * 4;
  const memCap = Math.max(1, Math.floor(MAX_BATCH_BYTES / bytesPerCall));
  const prepBudgetMs = Math.max(5, j.timeMs / 4);
  const maxBatchNow = (): number => Math.max(1, Math.min(maxCalls, 1 << 20, memCap, B.prepMsPerCall > 0 ? Math.floor(prepBudgetMs / B.prepMsPerCall) : maxCalls));
  let maxBatch = Math.max(1, Math.min(maxCalls, 1 << 20, memCap));
  let calibrated = false;
  let warmCalls = 0;
  do {
    B.sink = new Array<SinkItem>(batchSize);
    const batch = B.prepare(batchSize, warmCalls);
    const ms = isAsync ? await B.runAsync(batch, batchSize, warmCalls) : B.runSync(batch, batchSize, warmCalls);
    warmCalls += batchSize;
    maxBatch = maxBatchNow();
    if (batchSize > maxBatch) batchSize = maxBatch;
    // Not sticky: a batch slowed by tier-up or GC early on must not freeze a too-small size;
    // the size only grows, and the last (warmest) batch decides.
    calibrated = ms >= minSampleMs || batchSize >= maxBatch;
    if (!calibrated) batchSize = Math.min(maxBatch, batchSize * 2);
  } while (perfNow() < warmEnd || (!calibrated && perfNow() < warmEnd + 10_000));

  // Sampling with tinybench: every iteration is one batch on fresh clones prepared in
  // beforeEach (outside the timed region); the batch times itself with the captured clock.
  const K = Math.min(poolLen, maxCalls);
  const kept: Encoded[] = [];
  const samplesNs: number[] = [];
  let totalCalls = 0;
  let batch: unknown[][] = [];
  B.sink = new Array<SinkItem>(batchSize);
  const controller = new AbortControllerC();
  const samplingStart = perfNow();
  /** The samples before the last batch-size restart: used when sampling ended before any new one. */
  let restarted: number[] = [];
  // `timeMs` bounds the wall time of sampling, clone preparation included: for cheap targets,
  // fresh clones cost more than the calls, and the number of processes per verdict (rounds ×
  // arms) makes every millisecond here count. Samples stay plentiful (each batch ≥ minSampleNs).
  const samplingWallCapMs = Math.max(1, j.timeMs);
  const bench = new Bench({
    time: Math.max(1, j.timeMs),
    iterations: 1,
    warmup: false,
    retainSamples: true,
    throws: true,
    now: perfNow,
    signal: controller.signal,
  });
  const beforeEach = (): void => {
    batch = B.prepare(batchSize, totalCalls);
  };
  const afterEach = (): void => {
    // Fold the first K calls' results, in call order, into the checksum list (untimed).
    // For instance methods the receiver's state after the call is part of the result.
    for (let k = 0; k < batchSize && totalCalls + k < K; k++) {
      kept.push(receiverMode === 'instance' ? { t: 'array', items: [encodeSinkItem(B.sink[k]), encodeValue(B.selves[k])] } : encodeSinkItem(B.sink[k]));
    }
    totalCalls += batchSize;
    for (let k = 0; k < batchSize; k++) B.sink[k] = undefined;
    batch = [];
    B.selves = [];
    // Code often gets faster after warm-up (late tier-up): while less than half the sampling
    // time has passed, a batch under half of minSampleNs doubles the batch size and restarts the
    // samples (calls made still count in totalCalls and the checksum order is unaffected).
    const lastNs = samplesNs[samplesNs.length - 1];
    // Never when the doubled batch would not fit the calls left: the restart would leave no samples.
    if (lastNs !== undefined && lastNs * batchSize < j.minSampleNs / 2 && batchSize < maxBatch && perfNow() - samplingStart < j.timeMs / 2 && totalCalls + 2 * batchSize <= maxCalls) {
      batchSize = Math.min(maxBatch, batchSize * 2);
      B.sink = new Array<SinkItem>(batchSize);
      restarted = samplesNs.slice();
      samplesNs.length = 0;
    }
    if (totalCalls + batchSize > maxCalls) controller.abort();
    else if (perfNow() - samplingStart > samplingWallCapMs) controller.abort();
  };
  if (isAsync) {
    bench.add('target', async () => {
      const ms = await B.runAsync(batch, batchSize, totalCalls);
      samplesNs.push((ms * 1e6) / batchSize);
      return { overriddenDuration: ms };
    }, { beforeEach, afterEach, async: true });
    await bench.run();
  } else {
    bench.add('target', () => {
      const ms = B.runSync(batch, batchSize, totalCalls);
      samplesNs.push((ms * 1e6) / batchSize);
      return { overriddenDuration: ms };
    }, { beforeEach, afterEach, async: false });
    bench.runSync();
  }
  const task = bench.tasks[0];
  const result = task?.result as { state?: string; error?: unknown } | undefined;
  if (result && result.state === 'errored') {
    send({ type: 'bench-error', size, error: 'tinybench: ' + describeError(result.error) });
    return;
  }
  if (samplesNs.length === 0) for (const x of restarted) samplesNs.push(x);
  if (samplesNs.length === 0) {
    send({ type: 'bench-error', size, error: 'no samples were taken' });
    return;
  }
  send({
    type: 'bench-result',
    size,
    samplesNs,
    callsPerSample: batchSize,
    totalCalls,
    checksum: checksumOfEncoded(kept),
    checksumCalls: kept.length,
    wallMs: perfNow() - t0,
    prepNsPerCall: B.prepMsPerCall * 1e6,
    tampers: newTampers(),
    denials: denials.take(),
  });
}

function encodeSinkItem(v: unknown): Encoded {
  if (v !== null && typeof v === 'object' && THREW in v) {
    return { t: 'object', ctor: 'Thrown', entries: [['error', encodeValue((v as Record<symbol, unknown>)[THREW])]] };
  }
  return encodeValue(v);
}

async function runBench(j: BenchJob): Promise<void> {
  if (!loadTarget(j.bundle)) return;
  for (const s of j.sizes) {
    try {
      await benchSize(j, s.size, s.inputsFile);
    } catch (e) {
      send({ type: 'bench-error', size: s.size, error: describeError(e) });
    }
  }
}

// ---- inputs -------------------------------------------------------------------------------------
function runInputs(j: InputsJob): void {
  state.snapshot = snapshotBuiltins();
  let mod: Record<string, unknown>;
  try {
    mod = loadModule(j.bundle) as Record<string, unknown>;
  } catch (e) {
    send({ type: 'load-error', error: describeError(e) });
    return;
  }
  const out: { size: number | null; data: string }[] = [];
  const encodeLists = (lists: unknown, what: string): string => {
    if (!AIsArray(lists) || !lists.every((l) => AIsArray(l))) throw new ErrorCtor(`${what} must be an array of argument arrays`);
    try {
      return v8Serialize(lists).toString('base64');
    } catch (e) {
      throw new ErrorCtor(`${what} cannot be serialized (functions and class instances with private state cannot cross to the harness): ${describeError(e)}`);
    }
  };
  try {
    const staticInputs = mod?.inputs ?? mod?.default;
    if (staticInputs !== undefined && typeof staticInputs !== 'function') out.push({ size: null, data: encodeLists(staticInputs, 'the `inputs` export') });
    const gen = mod?.generate;
    if (typeof gen === 'function') {
      for (const size of j.sizes) {
        determinism.reseed(size);
        const lists = RApply(gen, mod, [size, determinism.makeRandom(size)]) as unknown;
        out.push({ size, data: encodeLists(lists, `generate(${size})`) });
      }
    }
    if (out.length === 0) throw new ErrorCtor('the inputs module exports neither `inputs` (or a default export) nor `generate(size, random)`');
  } catch (e) {
    send({ type: 'load-error', error: describeError(e) });
    return;
  }
  send({ type: 'inputs-result', sizes: out });
}

// ---- probe --------------------------------------------------------------------------------------
async function osNetworkProbe(orig: NetworkOriginals): Promise<boolean | null> {
  return new PromiseC<boolean | null>((resolve) => {
    let done = false;
    const finish = (v: boolean | null): void => {
      if (done) return;
      done = true;
      clearTimeoutC(timer);
      try {
        sock.destroy();
      } catch {
        // ignore
      }
      resolve(v);
    };
    const timer = setTimeoutC(() => finish(null), 1500);
    const sock = new orig.Socket();
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENETUNREACH' || e.code === 'EHOSTUNREACH' || e.code === 'EADDRNOTAVAIL') finish(true);
      else if (e.code === 'ECONNREFUSED') finish(false);
      else finish(null);
    });
    sock.on('connect', () => finish(false));
    try {
      RApply(orig.socketConnect, sock, [{ host: '127.0.0.1', port: 9 }]);
    } catch {
      finish(null);
    }
  });
}

async function runProbe(): Promise<PermissionReport> {
  const report = permissionReport(await osNetworkProbe(netGuards.originals));
  // Active checks: each must fail.
  const tryIt = (f: () => unknown): boolean => {
    try {
      f();
      return false;
    } catch {
      return true;
    }
  };
  const tmpFile = path.join('/tmp', 'hotpath-probe-' + StringCtor(process.pid) + '-' + StringCtor(perfNow()).replace('.', ''));
  const fsDenied = tryIt(() => fs.writeFileSync(tmpFile, 'x'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const childDenied = tryIt(() => (require('node:child_process') as typeof childProcessT).spawnSync('true'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const workerDenied = tryIt(() => new (require('node:worker_threads') as typeof workerThreadsT).Worker('0', { eval: true }));
  let netDenied = false;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('node:net') as typeof netT).connect(9, '127.0.0.1');
  } catch (e) {
    netDenied = describeError(e).includes(NETWORK_BLOCKED_MESSAGE);
  }
  report.fsWriteDenied = report.fsWriteDenied && fsDenied;
  report.childProcessDenied = report.childProcessDenied && childDenied;
  report.workerDenied = report.workerDenied && workerDenied;
  report.networkGuards = report.networkGuards && netDenied;
  report.permissionModel = report.permissionModel && fsDenied && childDenied && workerDenied;
  return report;
}

// ---- main ---------------------------------------------------------------------------------------
async function main(): Promise<void> {
  const j = job;
  if (j.mode === 'probe') {
    send({ type: 'ready', node: nodeVersion, permissions: await runProbe() });
    return;
  }
  send({ type: 'ready', node: nodeVersion, permissions: permissionReport(null) });
  if (j.mode === 'verify') await runVerify(j);
  else if (j.mode === 'bench') await runBench(j);
  else runInputs(j);
}

main().then(
  () => {
    send({ type: 'done' });
    exitNow(0);
  },
  (e: unknown) => {
    send({ type: 'fatal', error: describeError(e) });
    send({ type: 'done' });
    exitNow(70);
  },
);

