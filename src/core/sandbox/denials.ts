/**
 * Child side of the sandbox: records every access the sandbox denies, even when the code under
 * test catches the error and carries on (a `try { fs.writeFileSync(...) } catch {}` must still
 * be reported as an attempt to write to the user's disk).
 *
 * Enters: nothing but the real module objects (installed before any user or candidate code
 * loads). Leaves: `Denial` records (protocol.ts) taken by the runner and sent with each message.
 *
 * Node's permission model does the denying (fs reads outside the job directory, fs writes,
 * child processes, workers, the inspector, WASI); the runner's guards deny the network and
 * process control. This module wraps the public entry points of those modules so that a denial
 * is noted where it happens: a synchronous throw, an error passed to a callback, a rejected
 * promise. A denial is recognised by the error object's own `code === 'ERR_ACCESS_DENIED'` (and
 * its `permission` / `resource` fields), never by its message. The wrappers call the originals
 * with the same `this` and arguments and rethrow the same error: nothing else changes.
 */
import type { Denial, DenialKind } from './protocol';
import type * as fsT from 'node:fs';
import type * as cpT from 'node:child_process';
import type * as wtT from 'node:worker_threads';
import type * as inspectorT from 'node:inspector';
import { ODefineProp, OGetDesc, RApply, RConstruct, ROwnKeys, StringCtor } from './primordials';

/* eslint-disable @typescript-eslint/no-require-imports */
const fs = require('node:fs') as typeof fsT;
const childProcess = require('node:child_process') as typeof cpT;
const workerThreads = require('node:worker_threads') as typeof wtT;
const inspector = require('node:inspector') as typeof inspectorT;
/* eslint-enable @typescript-eslint/no-require-imports */

const ProxyCtor = Proxy;
const ArrayPush = Array.prototype.push;
const WeakSetCtor = WeakSet;
const WeakSetHas = WeakSet.prototype.has;
const WeakSetAdd = WeakSet.prototype.add;
const MAX_DENIALS = 200;

const PERMISSION_KINDS: Record<string, DenialKind> = {
  FileSystemRead: 'fs-read',
  FileSystemWrite: 'fs-write',
  ChildProcess: 'child-process',
  WorkerThreads: 'worker',
  Inspector: 'inspector',
  WASI: 'wasi',
};

export interface DenialLog {
  /** Notes a denial (deduplicated by kind, API and resource). */
  note(kind: DenialKind, api: string, resource: string | null): void;
  /**
   * Notes `e` when it is a permission-model denial; returns whether it was one. An error object
   * is noted once, by the first (innermost wrapped) API that saw it: the runner's catch-all for
   * a call that threw does not add a second, vaguer record of the same denial.
   */
  noteError(e: unknown, api: string, fallbackResource: unknown): boolean;
  /** Denials noted since the last take(). */
  take(): Denial[];
}

export function createDenialLog(): DenialLog {
  const seen = new Set<string>();
  let pending: Denial[] = [];
  let total = 0;
  const notedErrors = new WeakSetCtor<object>();
  const log: DenialLog = {
    note(kind, api, resource) {
      const key = kind + '\u0000' + api + '\u0000' + StringCtor(resource);
      if (seen.has(key) || total >= MAX_DENIALS) return;
      seen.add(key);
      total++;
      RApply(ArrayPush, pending, [{ kind, api, resource }]);
    },
    noteError(e, api, fallbackResource) {
      if (e === null || typeof e !== 'object') return false;
      let code: unknown;
      let permission: unknown;
      let resource: unknown;
      try {
        code = OGetDesc(e, 'code')?.value;
        permission = OGetDesc(e, 'permission')?.value;
        resource = OGetDesc(e, 'resource')?.value;
      } catch {
        return false;
      }
      if (code !== 'ERR_ACCESS_DENIED') return false;
      if (RApply(WeakSetHas, notedErrors, [e])) return true;
      RApply(WeakSetAdd, notedErrors, [e]);
      const kind = (typeof permission === 'string' && PERMISSION_KINDS[permission]) || 'fs-read';
      const res = typeof resource === 'string' && resource !== '' ? resource : describeResource(fallbackResource);
      log.note(kind, api, res);
      return true;
    },
    take() {
      const out = pending;
      pending = [];
      return out;
    },
  };
  return log;
}

/** A short text for the thing an API was asked to touch (a path, a command, a URL). */
function describeResource(v: unknown): string | null {
  try {
    if (typeof v === 'string') return v.length > 300 ? v.slice(0, 300) + '…' : v;
    if (typeof v === 'number') return 'fd ' + StringCtor(v);
    if (v instanceof URL) return v.href;
    if (v && typeof v === 'object' && 'toString' in v) {
      const s = StringCtor(v);
      return s === '[object Object]' ? null : s.slice(0, 300);
    }
  } catch {
    // ignore
  }
  return null;
}

/**
 * A wrapper of `orig` that notes denials: thrown synchronously, passed to a trailing callback,
 * or as the rejection of a returned promise. Own properties of the original (such as
 * `util.promisify.custom`) are copied, so callers see the same function shape.
 */
/**
 * Wrapped calls in progress. Only the outermost records a synchronous denial: fs.appendFileSync
 * calls fs.writeFileSync inside, and the user should read one attempt, under the API they called.
 */
let activeCalls = 0;

function recording(orig: (...a: unknown[]) => unknown, api: string, log: DenialLog): (...a: unknown[]) => unknown {
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const last = args.length - 1;
    const cb = last >= 0 ? args[last] : undefined;
    if (typeof cb === 'function') {
      args[last] = function (this: unknown, err: unknown, ...rest: unknown[]): unknown {
        log.noteError(err, api, args[0]);
        return RApply(cb as (...a: unknown[]) => unknown, this, [err, ...rest]);
      };
    }
    let result: unknown;
    activeCalls++;
    try {
      result = RApply(orig, this, args);
    } catch (e) {
      if (activeCalls === 1) log.noteError(e, api, args[0]);
      throw e;
    } finally {
      activeCalls--;
    }
    if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
      try {
        // A side branch that only observes the rejection; the caller still gets the original promise.
        RApply((result as { then: (a: unknown, b: (e: unknown) => void) => unknown }).then, result, [undefined, (e: unknown) => void log.noteError(e, api, args[0])]);
      } catch {
        // ignore
      }
    }
    return result;
  };
  for (const k of ROwnKeys(orig)) {
    if (k === 'length' || k === 'name' || k === 'prototype' || k === 'arguments' || k === 'caller') continue;
    const d = OGetDesc(orig, k);
    if (d) {
      try {
        ODefineProp(wrapped, k, d);
      } catch {
        // ignore
      }
    }
  }
  try {
    ODefineProp(wrapped, 'name', { value: orig.name, configurable: true });
    ODefineProp(wrapped, 'length', { value: orig.length, configurable: true });
  } catch {
    // ignore
  }
  return wrapped;
}

function wrapFunctions(obj: object, prefix: string, log: DenialLog, only?: readonly string[]): void {
  const keys = only ?? ROwnKeys(obj).filter((k): k is string => typeof k === 'string');
  for (const k of keys) {
    // Classes (Stats, ReadStream, Dirent, ...) keep their identity: only lower-case functions.
    if (!/^[a-z]/.test(k)) continue;
    const d = OGetDesc(obj, k);
    if (!d || typeof d.value !== 'function' || !d.writable) continue;
    try {
      ODefineProp(obj, k, { ...d, value: recording(d.value as (...a: unknown[]) => unknown, prefix + k, log) });
    } catch {
      // A property that cannot be redefined stays as it is (the permission model still denies).
    }
  }
}

/** A constructor whose `new` notes denials (Worker, WASI), with the same prototype and statics. */
function recordingClass(obj: object, key: string, api: string, log: DenialLog): void {
  const d = OGetDesc(obj, key);
  if (!d || typeof d.value !== 'function' || !d.writable) return;
  const Orig = d.value as new (...a: unknown[]) => object;
  const proxy: new (...a: unknown[]) => object = new ProxyCtor(Orig, {
    construct(target, args: unknown[], newTarget): object {
      try {
        return RConstruct(target, args, newTarget === proxy ? target : newTarget) as object;
      } catch (e) {
        log.noteError(e, api, args[0]);
        throw e;
      }
    },
  });
  try {
    ODefineProp(obj, key, { ...d, value: proxy });
  } catch {
    // ignore
  }
}

/**
 * Installs the recorders on fs (and fs.promises), child_process, worker_threads, inspector and
 * wasi. Call before any user or candidate code loads, and before the built-ins snapshot.
 */
export function installDenialRecorders(log: DenialLog): void {
  wrapFunctions(fs, 'fs.', log);
  if (fs.promises) wrapFunctions(fs.promises, 'fs.promises.', log);
  wrapFunctions(childProcess, 'child_process.', log, ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']);
  recordingClass(workerThreads, 'Worker', 'worker_threads.Worker', log);
  wrapFunctions(inspector, 'inspector.', log, ['open', 'url', 'waitForDebugger']);
  const Session = (inspector as unknown as { Session?: { prototype: object } }).Session;
  if (Session) wrapFunctions(Session.prototype, 'inspector.Session.', log, ['connect', 'connectToMainThread']);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wasi = require('node:wasi') as object;
    recordingClass(wasi, 'WASI', 'wasi.WASI', log);
  } catch {
    // No WASI in this Node: nothing to record.
  }
}
