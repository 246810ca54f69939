/**
 * Differential testing: the original runs in a clean process that never loads a candidate and
 * its outcomes become the expectations; each candidate runs the same inputs in its own process
 * and must match call for call (return value, thrown error, arguments after the call).
 */
import type { Logger } from '../logger';
import type { CallOutcome, Counterexample } from '../types';
import type { CallReceiver, RunnerMessage, Tamper, VerifyJob } from '../sandbox/protocol';
import { runSandboxed, type SandboxRun } from '../sandbox/spawn';
import { compareOutcomes } from './equality';
import { renderEncoded, renderOutcome } from '../report/render';
import { SandboxError, throwIfAborted } from '../errors';

export interface VerifyContext {
  nodePath: string;
  jobDir: string;
  /** v8-serialized argument lists. */
  inputsFile: string;
  inputCount: number;
  callTimeoutMs: number;
  memoryMb: number;
  seed: number;
  frozenNowMs: number;
  signal?: AbortSignal;
  logger: Logger;
  /** Call convention of a method target (absent: a plain function). */
  receiver?: CallReceiver;
}

/** Outcome of every call of one variant, by input index; `probe` holds the staleness-probe calls. */
export interface VariantOutcomes {
  calls: Map<number, CallOutcome>;
  probes: Map<number, CallOutcome>;
  /** Built-ins the variant changed, seen after loading or calling it. */
  tampers: string[];
  /** Why the variant could not be run to the end, if it could not. */
  failure: VariantFailure | null;
  wallMs: number;
}

export type VariantFailure =
  | { kind: 'load-error'; message: string }
  | { kind: 'refused'; message: string }
  | { kind: 'memory'; message: string }
  | { kind: 'crashed'; message: string }
  | { kind: 'timeout'; message: string };

const SANDBOX_BLOCK_PATTERNS = [/Hotpath sandbox/i, /ERR_ACCESS_DENIED/, /Access to this API has been restricted/i];

/** True when a thrown error came from a sandbox guard (the code tried something forbidden). */
export function isSandboxBlock(outcome: CallOutcome): string | null {
  if (outcome.kind !== 'threw') return null;
  const e = outcome.error;
  const text = e.t === 'error' ? `${e.name}: ${e.message}` : renderEncoded(e, 400);
  return SANDBOX_BLOCK_PATTERNS.some((p) => p.test(text)) ? text : null;
}

function tampersOf(messages: RunnerMessage[]): Tamper[] {
  const out: Tamper[] = [];
  for (const m of messages) {
    if (m.type === 'loaded' || m.type === 'call-result' || m.type === 'bench-result') out.push(...m.tampers);
  }
  return out;
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
 * Runs one variant (original or candidate) over all inputs, restarting after a call that hangs.
 * Calls that hang are recorded as `timeout` outcomes.
 */
export async function runVariant(bundle: string, ctx: VerifyContext, stalenessProbe: boolean): Promise<VariantOutcomes> {
  const calls = new Map<number, CallOutcome>();
  const probes = new Map<number, CallOutcome>();
  const tampers = new Set<string>();
  let start = 0;
  let wallMs = 0;
  let restarts = 0;
  while (start < ctx.inputCount) {
    throwIfAborted(ctx.signal);
    const job: VerifyJob = {
      mode: 'verify',
      bundle,
      seed: ctx.seed,
      frozenNowMs: ctx.frozenNowMs,
      inputsFile: ctx.inputsFile,
      startIndex: start,
      stalenessProbe,
      callTimeoutMs: ctx.callTimeoutMs,
      ...(ctx.receiver && ctx.receiver !== 'none' ? { receiver: ctx.receiver } : {}),
    };
    const run = await runSandboxed(job, {
      nodePath: ctx.nodePath,
      jobDir: ctx.jobDir,
      // Generous whole-process limit: the per-call watchdog is what catches a hanging call.
      timeoutMs: Math.max(30_000, ctx.callTimeoutMs * 4 + 10_000),
      callTimeoutMs: ctx.callTimeoutMs,
      memoryMb: ctx.memoryMb,
      signal: ctx.signal,
      logger: ctx.logger,
    });
    wallMs += run.wallMs;
    throwIfAborted(ctx.signal);
    for (const t of tampersOf(run.messages)) tampers.add(t.what);
    let lastIndex = start - 1;
    let done = false;
    for (const m of run.messages) {
      if (m.type === 'refused') return { calls, probes, tampers: [...tampers], failure: { kind: 'refused', message: m.reason }, wallMs };
      if (m.type === 'load-error') return { calls, probes, tampers: [...tampers], failure: { kind: 'load-error', message: m.error }, wallMs };
      if (m.type === 'fatal') throw new SandboxError(`The sandbox runner failed: ${m.error}`);
      if (m.type === 'call-result') {
        (m.probe ? probes : calls).set(m.index, m.outcome);
        lastIndex = Math.max(lastIndex, m.index);
      }
      if (m.type === 'done') done = true;
    }
    if (done) break;
    if (run.end === 'call-timeout' && run.hungCall) {
      const i = run.hungCall.index;
      (run.hungCall.probe ? probes : calls).set(i, { kind: 'timeout' });
      start = i + 1;
      if (++restarts > 20) {
        return { calls, probes, tampers: [...tampers], failure: { kind: 'timeout', message: 'it timed out on more than 20 inputs' }, wallMs };
      }
      continue;
    }
    const kind: VariantFailure['kind'] = run.end === 'memory' ? 'memory' : run.end === 'timeout' ? 'timeout' : 'crashed';
    const at = lastIndex + 1 < ctx.inputCount ? ` while running input #${lastIndex + 2}` : '';
    return { calls, probes, tampers: [...tampers], failure: { kind, message: `${describeEnd(run)}${at}` }, wallMs };
  }
  return { calls, probes, tampers: [...tampers], failure: null, wallMs };
}

export type Comparison =
  | { kind: 'equivalent'; compared: number }
  /** `index` is the failing input (of the regular calls, or of the staleness probes when `probe`). */
  | { kind: 'incorrect'; reason: string; counterexample: Counterexample; index: number; probe: boolean }
  | { kind: 'unsafe'; reason: string }
  | { kind: 'timeout'; reason: string }
  | { kind: 'error'; reason: string };

/** Compares a candidate's outcomes with the original's, in input order. `inputText(i)` renders input i for a human. */
export function compareVariant(
  original: VariantOutcomes,
  candidate: VariantOutcomes,
  inputText: (index: number) => string,
  inputCount: number,
  receiver: CallReceiver = 'none',
): Comparison {
  const newTampers = candidate.tampers.filter((t) => !original.tampers.includes(t));
  if (newTampers.length > 0) {
    return { kind: 'unsafe', reason: `It changes built-ins the harness relies on: ${newTampers.slice(0, 3).join('; ')}.` };
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
      const blocked = isSandboxBlock(a);
      if (blocked && !isSandboxBlock(e)) {
        return { kind: 'unsafe', reason: `It attempted an operation the sandbox forbids on input ${inputText(i)}: ${blocked.slice(0, 200)}.` };
      }
      if (a.kind === 'timeout') {
        return { kind: 'timeout', reason: `It did not finish within the per-call time limit on input ${inputText(i)}, where the original did.` };
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
    if (f.kind === 'memory') return { kind: 'unsafe', reason: `It was stopped because ${f.message}.` };
    if (f.kind === 'timeout') return { kind: 'timeout', reason: `It was stopped because ${f.message}.` };
    if (f.kind === 'load-error') return { kind: 'error', reason: `It failed to load: ${f.message}` };
    if (f.kind === 'refused') return { kind: 'error', reason: `The sandbox refused to run it: ${f.message}` };
    return { kind: 'unsafe', reason: `It was stopped because ${f.message}.` };
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
  const expected = valueAspect ? renderEncoded(diff.expected) : renderOutcome(e);
  const actual = diff.actual && valueAspect ? renderEncoded(diff.actual) : renderOutcome(a);
  const where = diff.path ? ` at ${diff.path}` : '';
  // 'return value', 'thrown error', 'argument 2 after the call' name a part; other aspects
  // ('threw instead of returning', ...) say what happened.
  const part = valueAspect || diff.aspect === 'thrown error';
  const the = diff.aspect.startsWith('`this`') ? '' : 'the ';
  const what = part ? `Differs from the original in ${the}${diff.aspect}${where}` : `Differs from the original: it ${diff.aspect}${where}`;
  return {
    reason: `${what} for input ${input}${label}: expected ${expected}, got ${actual}.`,
    counterexample: { input, expected, actual, aspect: diff.aspect + label },
  };
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
