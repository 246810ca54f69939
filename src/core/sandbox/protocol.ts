/**
 * What the parent asks of the sandbox runner (dist/runner.js) and what the runner answers.
 *
 * Transport: the parent writes the job as one JSON document to the child's stdin and closes
 * it; the runner answers with newline-delimited JSON messages on file descriptor 3 (a pipe
 * the parent opened). The runner captures every function it needs (fd 3 writer, clocks,
 * JSON, v8) *before* it loads any user or candidate code. The child's stdout/stderr carry
 * only what user code prints; the parent caps them.
 *
 * Bulk data (argument lists) travels as files of `v8.serialize(unknown[][])` in the job
 * directory, which is the only directory the child may read besides the runner itself.
 */
import type { CallOutcome } from '../types';

/** Name under which a bundle exposes the target function (module.exports[TARGET_EXPORT]). */
export const TARGET_EXPORT = '__hotpath_target__';
/** For method targets: name under which a bundle exposes the owner (the class, or the object literal). */
export const OWNER_EXPORT = '__hotpath_owner__';
/**
 * For instance-method targets every argument list sent to the runner is `[receiver, ...args]`,
 * where receiver is `{ [THIS_MARKER]: 'construct', args: unknown[] }` (the runner builds
 * `new Owner(...args)`) or `{ [THIS_MARKER]: 'state', props: Record<string, unknown> }` (the
 * runner builds an object with Owner.prototype and these own properties). The receiver is
 * materialized outside any timed region, and its state after the call is reported as the
 * first element of CallOutcome.args.
 */
export const THIS_MARKER = '__hotpathThis__';
/**
 * A generated instance of a project class: `{ [NEW_MARKER]: ref, name, args }` anywhere in an
 * argument list (or a receiver's constructor arguments) is replaced by the runner, outside any
 * timed region, with `new C(...args)` where C is the bundle's `CLASS_EXPORT + ref` export.
 * `name` is for display only.
 */
export const NEW_MARKER = '__hotpathNew__';
export const CLASS_EXPORT = '__hotpath_class_';

/**
 * How the runner calls the target: 'none' as a plain function (`this` undefined); 'instance'
 * with `this` materialized from each argument list's first element (a THIS_MARKER receiver);
 * 'owner' with `this` = the OWNER_EXPORT (static and object-literal methods).
 */
export type CallReceiver = 'none' | 'instance' | 'owner';

export interface JobCommon {
  /** Absolute path of the CommonJS bundle to load (inside the job directory). */
  bundle: string;
  /** Seed for Math.random / crypto.getRandomValues / crypto.randomUUID replacements. */
  seed: number;
  /** Value of the frozen clock (Date.now(), new Date()) in ms since the epoch. */
  frozenNowMs: number;
  /** Call convention for method targets (absent: 'none'). With 'instance' or 'owner' the bundle must export OWNER_EXPORT. */
  receiver?: CallReceiver;
}

/**
 * Call the target on argument lists of `inputsFile` (in the order of `order`, or all in index
 * order, starting at position `startIndex`), each on a fresh deserialized copy, and report what
 * it returned or threw, the arguments' state afterwards and how long the call took.
 * Math.random is reseeded before each call so both sides see the same sequence.
 *
 * With `stalenessProbe`, each call i is followed by a second call on the *same* argument
 * objects after their contents were overwritten in place with those of input
 * (i + 1) % n (where shapes allow); this exposes caches keyed on object identity.
 */
export interface VerifyJob extends JobCommon {
  mode: 'verify';
  inputsFile: string;
  /** Input indices to run, in this order; absent: every input in index order. */
  order?: number[];
  /** Position in `order` (or index) to start from (after a restart). */
  startIndex: number;
  stalenessProbe: boolean;
  /** Per-call settle timeout for async targets, enforced in the child with a captured timer. The parent enforces it for sync calls by killing the child. */
  callTimeoutMs: number;
  /**
   * Cost calibration (the original's run): inputs come in ascending `sizes` order; once two
   * calls in a row take longer than `slowMs` (or hang), no input of the first one's size or
   * larger runs, nor, once all calls together took longer than `totalMs`, any input of the
   * current size or larger (each gets a 'call-skipped'). `ceiling` and `streak` carry the
   * state over a restart.
   */
  cost?: CostLimit;
  /** Number of coverage counters of an instrumented bundle (build/instrument.ts); absent: none. */
  coverageCounters?: number;
}

export interface CostLimit {
  /** Size of each input (by index), as inputs/cost.ts measures it. */
  sizes: number[];
  slowMs: number;
  totalMs: number;
  /** Inputs of this size or larger are skipped from the start. */
  ceiling: number | null;
  /**
   * Slow (or hung) calls in a row so far, and the size of the first of them: the size limit is
   * set when two calls in a row are slow, so one input that hangs for its own reasons (an empty
   * array the function loops on) does not shut out every larger input.
   */
  streak?: { count: number; size: number };
}

/** Name of the global array of coverage counters an instrumented bundle increments. */
export const COVERAGE_GLOBAL = '__hotpath_cov__';

/**
 * Time the target on each size's input pool. Every timed call receives a distinct object
 * (deserialized outside the timed region); results are kept in a sink and folded into a
 * checksum outside the timed region. Async targets are timed to settlement.
 */
export interface BenchJob extends JobCommon {
  mode: 'bench';
  sizes: { size: number; inputsFile: string }[];
  /** Warm-up time per size before sampling, in ms. */
  warmupMs: number;
  /** Sampling time per size, in ms. */
  timeMs: number;
  /** Lower bound for one sample's duration, in ns: calls are batched until a batch lasts this long. */
  minSampleNs: number;
  /** Upper bound on calls per size (bounds the input clones kept alive). */
  maxCalls: number;
}

/** Load a user's `--inputs` module and return its argument lists, v8-serialized. */
export interface InputsJob {
  mode: 'inputs';
  /** Absolute path of the bundled inputs module. */
  bundle: string;
  seed: number;
  frozenNowMs: number;
  /** Sizes for a `generate(size, random)` export, if the module has one. */
  sizes: number[];
}

/** Report which sandbox layers are active (used by `hotpath doctor` and at boot). */
export interface ProbeJob {
  mode: 'probe';
}

export type RunnerJob = VerifyJob | BenchJob | InputsJob | ProbeJob;

export interface PermissionReport {
  /** process.permission exists and denies what it should (fs write, child_process, worker). */
  permissionModel: boolean;
  fsWriteDenied: boolean;
  childProcessDenied: boolean;
  workerDenied: boolean;
  /** The runner's network guards are installed. */
  networkGuards: boolean;
  /** A connect to 127.0.0.1 failed at the OS level too (network namespace). */
  osNetworkIsolated: boolean | null;
}

/** A change to a built-in that the runner detected after loading or calling code. */
export interface Tamper {
  what: string;
}

/** What kind of access the sandbox denied. */
export type DenialKind = 'fs-read' | 'fs-write' | 'child-process' | 'worker' | 'addon' | 'network' | 'inspector' | 'wasi' | 'process';

/**
 * An access the sandbox denied, recorded by the runner where it happened (see denials.ts), also
 * when the code caught the error and went on.
 */
export interface Denial {
  kind: DenialKind;
  /** The API that was called: 'fs.writeFileSync', 'net.connect', 'process.dlopen', ... */
  api: string;
  /** What it was asked to touch (a path, a command, a host), when known. */
  resource: string | null;
}

export type RunnerMessage =
  /** First message: the runner is up and its guards are in place. */
  | { type: 'ready'; node: string; permissions: PermissionReport }
  /** The runner refuses to run: a guard could not be confirmed (fail closed). */
  | { type: 'refused'; reason: string }
  /** The bundle failed to load (threw at top level). */
  | { type: 'load-error'; error: string }
  | { type: 'loaded'; tampers: Tamper[]; denials: Denial[] }
  | { type: 'call-start'; index: number; probe: boolean }
  | {
      type: 'call-result';
      index: number;
      probe: boolean;
      outcome: CallOutcome;
      tampers: Tamper[];
      denials: Denial[];
      /** How long the call took (to settlement for async targets), in ms, by the runner's captured clock. */
      ms: number;
      /** Coverage counters this call hit for the first time in this process (instrumented bundles only). */
      hits?: number[];
    }
  /** An input not run because of the cost limit (VerifyJob.cost): `ceiling` is the size limit then in force. */
  | { type: 'call-skipped'; index: number; ceiling: number }
  | {
      type: 'bench-result';
      size: number;
      /** Per-call time of each sample (sample duration / calls in the batch), in ns. */
      samplesNs: number[];
      callsPerSample: number;
      totalCalls: number;
      /** Hash of the encoded results of the first `checksumCalls` calls, in input order. */
      checksum: string;
      checksumCalls: number;
      /** Time spent in this size, measured with the runner's captured clock, in ms. */
      wallMs: number;
      /** Time to prepare one call (fresh clone of its input, its receiver), outside the timed region, in ns. */
      prepNsPerCall: number;
      tampers: Tamper[];
      denials: Denial[];
    }
  | { type: 'bench-error'; size: number; error: string }
  | { type: 'inputs-result'; sizes: { size: number | null; data: string /* base64 v8 */ }[] }
  | { type: 'done' }
  /** A failure of the runner itself (not of the target). */
  | { type: 'fatal'; error: string };

/**
 * Functions cannot cross a v8.serialize boundary. A generated argument of function type is
 * written as `{ [FN_MARKER]: kind }` and the runner replaces it (top-level arguments, and
 * elements/values one level inside arrays and plain objects) with a fresh pure function:
 * - 'identity': x => x
 * - 'compare': (a, b) => (a < b ? -1 : a > b ? 1 : 0)
 * - 'predicate': x => deterministic boolean of String(x) (true for about half the values)
 * - 'key': x => String(x).length % 7  (a many-to-one key function)
 * - 'sum': (acc, x) => acc + (typeof x === 'number' ? x : String(x).length)   (a reducer)
 */
export const FN_MARKER = '__hotpathFn__';
export type FnMarkerKind = 'identity' | 'compare' | 'predicate' | 'key' | 'sum';
