/**
 * Tuning of the benchmark stage: pool sizes, probe limits, rounds and timings. Not options (the
 * user-facing defaults are in ../defaults.ts); bench/calibrate.ts measures with these exports.
 */
import type { BenchTiming } from './measure';

/** The time sandboxed code sees from Date.now() and new Date() (frozen: runs are reproducible). */
export const FROZEN_NOW_MS = Date.UTC(2024, 0, 15, 12, 0, 0);

/** Tuning of the benchmark stage (user-facing defaults are in defaults.ts). */
export const DEFAULTS = {
  /** Distinct inputs per benchmark size. */
  poolCount: 16,
  /** Per-call time above which a size is too large to benchmark, in ns. */
  maxCallNs: 5e6,
  /** A size is not grown past once preparing a call costs more than this (ns) and prepDominance times the call. */
  maxPrepNs: 20_000,
  prepDominance: 50,
  screenRounds: 4,
  /** Screening rounds when a single candidate survives (it only gives the curve, checksums and the pilot's spread). */
  screenRoundsSingle: 3,
  /** Most confirmation rounds when no benchmark budget is given. */
  confirmRounds: 12,
  /** Bounds on confirmation rounds (a budget may raise the most up to maxConfirmRounds). */
  minConfirmRounds: 6,
  maxConfirmRounds: 40,
  /** A `faster` confirmation whose lower bound is below minSpeedup times this is replicated on fresh rounds before it is claimed. */
  replicateBelow: 1.25,
  /** Candidates confirmed at most (the most promising after screening). */
  maxConfirm: 3,
  frozenNowMs: FROZEN_NOW_MS,
} as const;

export const SCREEN_TIMING: BenchTiming = { warmupMs: 40, timeMs: 90, minSampleNs: 200_000, maxCalls: 20_000 };
export const CONFIRM_TIMING: BenchTiming = { warmupMs: 60, timeMs: 100, minSampleNs: 200_000, maxCalls: 40_000 };
export const PROBE_TIMING: BenchTiming = { warmupMs: 5, timeMs: 25, minSampleNs: 100_000, maxCalls: 2_000 };
/** Size key of the real-workload pool (the calls captured from the project's tests) in benchmark results. */
export const WORKLOAD_SIZE = -1;
