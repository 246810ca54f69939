/**
 * Differential testing: the original runs in a clean process that never loads a candidate and
 * its outcomes become the expectations; each candidate runs the same inputs in its own process
 * and must match call for call (return value, thrown error, arguments after the call).
 */
import type { CallOutcome, Counterexample, Encoded } from '../types';
import type { CallReceiver, CostLimit, Denial, RunnerMessage, Tamper, VerifyJob } from '../sandbox/protocol';
import { runSandboxed, type SandboxContext, type SandboxRun } from '../sandbox/spawn';
import { compareOutcomes } from './equality';
import { quoteString, renderEncoded, renderOutcome } from '../report/render';
import { SandboxError, throwIfAborted } from '../errors';
import { describeDenials, formatMs } from '../report/format';

export interface VerifyContext extends SandboxContext {
  /** v8-serialized argument lists. */
  inputsFile: string;
  inputCount: number;
  callTimeoutMs: number;
}

/** Outcome of every call of one variant, by input index; `probe` holds the staleness-probe calls. */
export interface VariantOutcomes {
  calls: Map<number, CallOutcome>;
  probes: Map<number, CallOutcome>;
  /** How long each regular call took, in ms, by input index. */
  durations: Map<number, number>;
  /** Inputs not run because of the cost limit (RunOptions of runVariant: `cost`). */
  skipped: Set<number>;
  /** Inputs on which the process ran out of memory or crashed (cost-limited runs go on after them). */
  aborted: Set<number>;
  /** The size limit in force at the end (cost-limited runs), or null. */
  ceiling: number | null;
  /** Coverage counters hit (instrumented bundles), with the first input that hit each. */
  hits: Map<number, number>;
  /** Built-ins the variant changed, seen after loading or calling it. */
  tampers: string[];
  /** Accesses the sandbox denied (recorded even when the code caught the error). */
  denials: Denial[];
  /** Why the variant could not be run to the end, if it could not. */
  failure: VariantFailure | null;
  wallMs: number;
}

/** How one run of a variant is made (see VerifyJob). */
export interface RunVariantOptions {
  stalenessProbe: boolean;
  /** Input indices to run, in order (default: all). */
  order?: number[];
  /** Cost calibration: inputs in ascending size, stopped at the first slow call (the original's run). */
  cost?: CostLimit;
  /** Coverage counters of an instrumented bundle. */
  coverageCounters?: number;
}

export type VariantFailure =
  | { kind: 'load-error'; message: string }
  | { kind: 'refused'; message: string }
  | { kind: 'memory'; message: string }
  | { kind: 'crashed'; message: string }
  | { kind: 'timeout'; message: string };

function tampersOf(messages: RunnerMessage[]): Tamper[] {
  const out: Tamper[] = [];
  for (const m of messages) {
    if (m.type === 'loaded' || m.type === 'call-result' || m.type === 'bench-result') out.push(...m.tampers);
  }
  return out;
}

function denialsOf(messages: RunnerMessage[]): Denial[] {
  const out: Denial[] = [];
  for (const m of messages) {
    if ((m.type === 'loaded' || m.type === 'call-result' || m.type === 'bench-result') && Array.isArray(m.denials)) out.push(...m.denials);
  }
  return out;
}

/** Identity of a denial for "did the original do this too". */
export function denialKey(d: Denial): string {
  return `${d.kind}\u0000${d.api}\u0000${d.resource ?? ''}`;
}

function describeEnd(run: SandboxRun): string {
  const tail = run.stderr.trim().split('\n').filter(Boolean).slice(-1)[0];
  switch (run.end) {
    case 'memory':
      return `it exceeded the memory limit${run.peakRssMb ? ` (${Math.round(run.peakRssMb)} MiB resident)` : ''}`;
    case 'timeout':
      return 'the process exceeded its time limit';
    case 'aborted':
      return 'the run was cancelled';
    case 'spawn-error':
      return `the sandbox process could not start${tail ? `: ${tail}` : ''}`;
    default:
      return run.signal
        ? `the process was killed by ${run.signal}`
        : `the process exited with code ${String(run.exitCode)} before finishing${tail ? ` (${tail.slice(0, 160)})` : ''}`;
  }
}

/**
 * Runs one variant (original or candidate) over its inputs, restarting after a call that hangs.
 * Calls that hang are recorded as `timeout` outcomes. With `cost`, inputs run in ascending size
 * and, after two slow or hung calls in a row, none at or above the first one's size runs (they
 * are `skipped`).
 */
export async function runVariant(bundle: string, ctx: VerifyContext, opts: RunVariantOptions | boolean): Promise<VariantOutcomes> {
  const o: RunVariantOptions = typeof opts === 'boolean' ? { stalenessProbe: opts } : opts;
  const out: VariantOutcomes = { calls: new Map(), probes: new Map(), durations: new Map(), skipped: new Set(), aborted: new Set(), ceiling: o.cost?.ceiling ?? null, hits: new Map(), tampers: [], denials: [], failure: null, wallMs: 0 };
  const tampers = new Set<string>();
  const denials = new Map<string, Denial>();
  const order = o.order ?? null;
  const count = order ? order.length : ctx.inputCount;
  const posOf = order ? new Map(order.map((i, p) => [i, p])) : null;
  let start = 0;
  let restarts = 0;
  let spentMs = 0;
  /** Slow or hung calls in a row (in run order), as the runner counts them (VerifyJob.cost). */
  const streak = { count: o.cost?.streak?.count ?? 0, size: o.cost?.streak?.size ?? 0 };
  const noteCall = (index: number, slow: boolean): void => {
    if (!o.cost) return;
    if (!slow) {
      streak.count = 0;
      return;
    }
    if (streak.count === 0) streak.size = o.cost.sizes[index] ?? 0;
    streak.count++;
    if (streak.count >= 2 && (out.ceiling === null || streak.size < out.ceiling)) out.ceiling = streak.size;
  };
  const finish = (failure: VariantFailure | null): VariantOutcomes => {
    out.tampers = [...tampers];
    out.denials = [...denials.values()];
    out.failure = failure;
    return out;
  };
  while (start < count) {
    throwIfAborted(ctx.signal);
    const job: VerifyJob = {
      mode: 'verify',
      bundle,
      seed: ctx.seed,
      frozenNowMs: ctx.frozenNowMs,
      inputsFile: ctx.inputsFile,
      ...(order ? { order } : {}),
      startIndex: start,
      stalenessProbe: o.stalenessProbe,
      callTimeoutMs: ctx.callTimeoutMs,
      ...(o.cost ? { cost: { ...o.cost, totalMs: Math.max(0, o.cost.totalMs - spentMs), ceiling: out.ceiling, streak: { ...streak } } } : {}),
      ...(o.coverageCounters ? { coverageCounters: o.coverageCounters } : {}),
      ...(ctx.receiver && ctx.receiver !== 'none' ? { receiver: ctx.receiver } : {}),
    };
    const run = await runSandboxed(job, {
      nodePath: ctx.nodePath,
      jobDir: ctx.jobDir,
      // Generous whole-process limit: the per-call watchdog is what catches a hanging call.
      timeoutMs: Math.max(30_000, ctx.callTimeoutMs * 4 + 10_000) + (o.cost ? o.cost.totalMs : 0),
      callTimeoutMs: ctx.callTimeoutMs,
      memoryMb: ctx.memoryMb,
      signal: ctx.signal,
      logger: ctx.logger,
    });
    out.wallMs += run.wallMs;
    throwIfAborted(ctx.signal);
    for (const t of tampersOf(run.messages)) tampers.add(t.what);
    for (const d of denialsOf(run.messages)) denials.set(denialKey(d), d);
    let lastPos = start - 1;
    let done = false;
    for (const m of run.messages) {
      if (m.type === 'refused') return finish({ kind: 'refused', message: m.reason });
      if (m.type === 'load-error') return finish({ kind: 'load-error', message: m.error });
      if (m.type === 'fatal') throw new SandboxError(`The sandbox runner failed: ${m.error}`);
      if (m.type === 'call-result') {
        (m.probe ? out.probes : out.calls).set(m.index, m.outcome);
        if (!m.probe) out.durations.set(m.index, m.ms);
        spentMs += m.ms;
        for (const h of m.hits ?? []) if (!out.hits.has(h)) out.hits.set(h, m.index);
        lastPos = Math.max(lastPos, posOf ? (posOf.get(m.index) ?? lastPos) : m.index);
        if (!m.probe) noteCall(m.index, o.cost !== undefined && m.ms > o.cost.slowMs);
      }
      if (m.type === 'call-skipped') {
        out.skipped.add(m.index);
        out.ceiling = out.ceiling === null ? m.ceiling : Math.min(out.ceiling, m.ceiling);
        lastPos = Math.max(lastPos, posOf ? (posOf.get(m.index) ?? lastPos) : m.index);
      }
      if (m.type === 'done') done = true;
    }
    if (done) break;
    if (run.end === 'call-timeout' && run.hungCall) {
      const i = run.hungCall.index;
      (run.hungCall.probe ? out.probes : out.calls).set(i, { kind: 'timeout' });
      if (!run.hungCall.probe) out.durations.set(i, ctx.callTimeoutMs);
      spentMs += ctx.callTimeoutMs;
      if (!run.hungCall.probe) noteCall(i, true);
      start = (posOf ? (posOf.get(i) ?? lastPos) : i) + 1;
      if (++restarts > 20) return finish({ kind: 'timeout', message: 'it timed out on more than 20 inputs' });
      continue;
    }
    if (o.cost && (run.end === 'memory' || run.end === 'exited') && lastPos + 1 < count) {
      // The original ran out of memory (or crashed) on one input: that input is beyond what it
      // handles, like a hang; the rest still run.
      const i = order ? (order[lastPos + 1] ?? 0) : lastPos + 1;
      out.aborted.add(i);
      noteCall(i, true);
      start = lastPos + 2;
      if (++restarts > 20) return finish({ kind: run.end === 'memory' ? 'memory' : 'crashed', message: `${describeEnd(run)} on more than 20 inputs` });
      continue;
    }
    const kind: VariantFailure['kind'] = run.end === 'memory' ? 'memory' : run.end === 'timeout' ? 'timeout' : 'crashed';
    const at = lastPos + 1 < count ? ` while running input #${(order ? (order[lastPos + 1] ?? 0) : lastPos + 1) + 1}` : '';
    return finish({ kind, message: `${describeEnd(run)}${at}` });
  }
  return finish(null);
}

export type Comparison =
  | { kind: 'equivalent'; compared: number }
  /** `index` is the failing input (of the regular calls, or of the staleness probes when `probe`). */
  | { kind: 'incorrect'; reason: string; counterexample: Counterexample; index: number; probe: boolean }
  /** It tampered with built-ins, tried something the sandbox denied, or exhausted memory. */
  | { kind: 'unsafe'; reason: string; denied: Denial[]; tampered: string[] }
  /** `index`: the input it hung on (null: the whole run was stopped). */
  | { kind: 'timeout'; reason: string; index: number | null }
  | { kind: 'error'; reason: string };

/**
 * Compares a candidate's outcomes with the original's, in input order. `inputText(i)` renders
 * input i for a human. Inputs the original itself did not finish (or that were left out) are
 * not compared. A candidate that hangs where the original finished is `timeout`: the original's
 * own time on that input is well under the limit (inputs near it were left out), so the
 * candidate is slower there by that factor at least.
 */
export function compareVariant(
  original: VariantOutcomes,
  candidate: VariantOutcomes,
  inputText: (index: number) => string,
  inputCount: number,
  receiver: CallReceiver = 'none',
  callTimeoutMs?: number,
): Comparison {
  const originalDenials = new Set(original.denials.map(denialKey));
  const denied = candidate.denials.filter((d) => !originalDenials.has(denialKey(d)));
  const tampered = candidate.tampers.filter((t) => !original.tampers.includes(t));
  if (denied.length > 0 || tampered.length > 0) {
    const parts: string[] = [];
    if (tampered.length > 0) parts.push(`It changes built-ins the harness relies on: ${tampered.slice(0, 3).join('; ')}${tampered.length > 3 ? `; and ${tampered.length - 3} more` : ''}.`);
    if (denied.length > 0) parts.push(describeDenials(denied));
    return { kind: 'unsafe', reason: parts.join(' '), denied, tampered };
  }
  let compared = 0;
  let firstBad: { index: number; probe: boolean; input: string; reason: string; counterexample: Counterexample } | null = null;
  for (const [label, exp, act] of [
    ['', original.calls, candidate.calls],
    [' (same argument objects, contents changed since the previous call)', original.probes, candidate.probes],
  ] as const) {
    for (let i = 0; i < inputCount; i++) {
      const e = exp.get(i);
      if (!e || e.kind === 'timeout') continue; // dropped: the original itself hangs on it
      const a = act.get(i);
      if (!a) continue; // not reached because of a failure reported below
      if (a.kind === 'timeout') {
        const took = label === '' ? original.durations.get(i) : undefined;
        const limit = callTimeoutMs !== undefined ? `within ${formatMs(callTimeoutMs)}` : 'within the per-call time limit';
        const where = took !== undefined ? `, where the original takes ${formatMs(took)}` : ', where the original finishes';
        return { kind: 'timeout', reason: `It did not finish ${limit} on input ${inputText(i)}${label}${where}.`, index: label === '' ? i : null };
      }
      const diff = compareOutcomes(e, a);
      compared++;
      if (diff) {
        // Report the smallest failing input: it explains the bug best.
        const input = inputText(i);
        if (!firstBad || (label === '' && firstBad.probe === false && input.length < firstBad.input.length)) {
          firstBad = { index: i, probe: label !== '', input, ...describeDifference(e, a, diff, input, label, receiver) };
        }
      }
    }
    if (firstBad) break;
  }
  if (firstBad) {
    const { index, probe, reason, counterexample } = firstBad;
    return { kind: 'incorrect', reason, counterexample, index, probe };
  }
  if (candidate.failure) {
    const f = candidate.failure;
    if (f.kind === 'memory') return { kind: 'unsafe', reason: `It was stopped because ${f.message}.`, denied: [], tampered: [] };
    if (f.kind === 'timeout') return { kind: 'timeout', reason: `It was stopped because ${f.message}.`, index: null };
    if (f.kind === 'load-error') return { kind: 'error', reason: `It failed to load: ${f.message}` };
    if (f.kind === 'refused') return { kind: 'error', reason: `The sandbox refused to run it: ${f.message}` };
    return { kind: 'unsafe', reason: `It was stopped because ${f.message}.`, denied: [], tampered: [] };
  }
  return { kind: 'equivalent', compared };
}

/** The sentence and counterexample for a difference between two outcomes on one input. */
export function describeDifference(
  e: CallOutcome,
  a: CallOutcome,
  diff: NonNullable<ReturnType<typeof compareOutcomes>>,
  input: string,
  label = '',
  receiver: CallReceiver = 'none',
): { reason: string; counterexample: Counterexample } {
  if (receiver === 'instance') diff = { ...diff, aspect: methodAspect(diff.aspect) };
  const valueAspect = diff.aspect === 'return value' || diff.aspect.startsWith('argument') || diff.aspect.startsWith('`this`');
  let expected: string;
  let actual: string;
  let offset: number | null = null;
  let note = '';
  if ((valueAspect || diff.aspect === 'thrown error') && diff.actual) {
    const pair = renderDifferingPair(diff.expected, diff.actual);
    ({ expected, actual, offset, note } = pair);
    if (diff.aspect === 'thrown error') {
      expected = `threw ${expected}`;
      actual = `threw ${actual}`;
    }
  } else {
    expected = valueAspect ? renderEncoded(diff.expected) : renderOutcome(e);
    actual = diff.actual && valueAspect ? renderEncoded(diff.actual) : renderOutcome(a);
  }
  const where = diff.path ? ` at ${diff.path}` : '';
  // 'return value', 'thrown error', 'argument 2 after the call' name a part; other aspects
  // ('threw instead of returning', ...) say what happened.
  const part = valueAspect || diff.aspect === 'thrown error';
  const the = diff.aspect.startsWith('`this`') ? '' : 'the ';
  const what = part ? `Differs from the original in ${the}${diff.aspect}${where}` : `Differs from the original: it ${diff.aspect}${where}`;
  return {
    reason: `${what} for input ${input}${label}: expected ${expected}, got ${actual}${note}.`,
    counterexample: { input, expected, actual, aspect: diff.aspect + label, path: diff.path, offset },
  };
}

const WINDOW_BEFORE = 24;
const WINDOW_AFTER = 48;

/** Index of the first differing UTF-16 unit of two different strings (the shorter length when one is a prefix). */
function firstDifference(x: string, y: string): number {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x.charCodeAt(i) !== y.charCodeAt(i)) return i;
  return n;
}

/** A window of `s` around `at`, quoted, with '…' where it was cut; never splits a surrogate pair. */
function windowAround(s: string, at: number): string {
  let from = Math.max(0, at - WINDOW_BEFORE);
  let to = Math.min(s.length, at + WINDOW_AFTER);
  if (from > 0 && s.charCodeAt(from) >= 0xdc00 && s.charCodeAt(from) <= 0xdfff) from--;
  if (to < s.length && s.charCodeAt(to - 1) >= 0xd800 && s.charCodeAt(to - 1) <= 0xdbff) to++;
  return `${from > 0 ? '…' : ''}${quoteString(s.slice(from, to))}${to < s.length ? '…' : ''}`;
}

/**
 * Renderings of two values that differ, that never look the same: long strings (and error
 * messages) are shown around their first differing character, and values whose short
 * renderings coincide are rendered at length, or said to differ beyond what is shown.
 */
export function renderDifferingPair(x: Encoded, y: Encoded): { expected: string; actual: string; offset: number | null; note: string } {
  const sx = x.t === 'string' ? x.v : x.t === 'error' && y.t === 'error' && x.name === y.name && x.ctor === y.ctor ? x.message : null;
  const sy = y.t === 'string' ? y.v : y.t === 'error' && x.t === 'error' && x.name === y.name && x.ctor === y.ctor ? y.message : null;
  if (sx !== null && sy !== null && sx !== sy && (sx.length > 60 || sy.length > 60)) {
    const at = firstDifference(sx, sy);
    const prefix = x.t === 'error' ? `${x.name}: ` : '';
    const of = Math.max(sx.length, sy.length);
    return { expected: prefix + windowAround(sx, at), actual: prefix + windowAround(sy, at), offset: at, note: ` (they first differ at character ${at} of ${of})` };
  }
  if (sx !== null && sy !== null && sx !== sy) {
    const at = firstDifference(sx, sy);
    return { expected: renderEncoded(x), actual: renderEncoded(y), offset: at, note: '' };
  }
  let expected = renderEncoded(x);
  let actual = renderEncoded(y);
  if (expected === actual) {
    expected = renderEncoded(x, 4000);
    actual = renderEncoded(y, 4000);
  }
  const note = expected === actual ? ' (the two values are too large to show where they differ; their full contents differ)' : '';
  return { expected, actual, offset: null, note };
}

/**
 * For instance methods the first compared "argument" is the receiver: 'argument 1 after the
 * call' becomes '`this` after the call', and the real arguments are numbered from 1.
 */
export function methodAspect(aspect: string): string {
  const m = /^argument (\d+) after the call$/.exec(aspect);
  if (!m) return aspect;
  const n = Number(m[1]);
  return n === 1 ? '`this` after the call' : `argument ${n - 1} after the call`;
}
