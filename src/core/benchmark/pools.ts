/**
 * Benchmark sizes. Enters: the target, the original's bundle, the size ladder (or the user's
 * generate(size) pools; string arguments of the project's own calls, call-sites.ts). Leaves:
 * up to three input pools, written to the scratch directory, at which one call of the original
 * fits DEFAULTS.maxCallNs; the largest is the headline size.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import type { PipelineStage } from '../report/report';
import type { TargetFunction } from '../types';
import { throwIfAborted } from '../errors';
import { generateTargetBenchInputs } from '../inputs/inputs';
import { measureArm, type BenchContext, type SizePool } from './measure';
import { DEFAULTS, PROBE_TIMING } from './defaults';

export type StageFn = (s: PipelineStage, message: string, current?: number, total?: number) => void;

/**
 * Picks benchmark sizes by probing the original up the ladder until a call takes longer than
 * DEFAULTS.maxCallNs: the largest size that fits is the headline size, plus up to two smaller
 * ones for the growth curve.
 */
export async function choosePools(
  target: TargetFunction,
  originalBundle: string,
  ladder: number[],
  userBySize: Map<number, unknown[][]> | null,
  /** String arguments of the project's own calls (call-sites.ts, as the verification set got them). */
  examples: readonly string[],
  ctx: BenchContext,
  stage: StageFn,
  /** Receives why the original's first failed probe failed (for the verdict when no size fits). */
  failure: { reason?: string } = {},
): Promise<SizePool[]> {
  stage('benchmarking', 'Choosing benchmark input sizes');
  // Probe in chunks so that large pools (slow to generate, heavy to clone) are only built when
  // the smaller sizes showed the original is fast enough for them.
  const fit: SizePool[] = [];
  let first: SizePool | null = null;
  let firstMeasured = false;
  let lastFitNs: number | undefined;
  for (let i = 0; i < ladder.length; ) {
    const chunk = ladder.slice(i, i + (i === 0 ? 4 : 3));
    i += chunk.length;
    const pools: SizePool[] = [];
    for (const size of chunk) {
      throwIfAborted(ctx.signal);
      const count = Math.max(4, Math.min(DEFAULTS.poolCount, Math.ceil(262_144 / size)));
      const lists = userBySize?.get(size) ?? generateTargetBenchInputs(target, size, { seed: ctx.seed + size, count, examples });
      if (!lists.length) continue;
      const f = join(ctx.jobDir, `bench-${size}.bin`);
      await writeFile(f, serialize(lists));
      pools.push({ size, inputsFile: f });
    }
    if (pools.length === 0) break;
    first ??= pools[0]!;
    const probe = await measureArm(originalBundle, pools, PROBE_TIMING, ctx, { processTimeoutMs: 8_000, stopAboveNs: DEFAULTS.maxCallNs });
    if (!probe.ok) {
      ctx.logger.debug(`benchmark probe of the original at sizes ${pools.map((p) => p.size).join(', ')}: ${probe.reason}`);
      failure.reason ??= probe.reason;
    }
    if (first === pools[0] && probe.sizes.has(first.size)) firstMeasured = true;
    let allFit = true;
    for (const p of pools) {
      const m = probe.sizes.get(p.size);
      // Larger inputs only help while the call itself grows with them: once preparing a call
      // (cloning its input) costs far more than the call, a larger size measures the clone, and
      // can exhaust the benchmark's time and memory (a constant-time function on huge arrays).
      // A call that still grows with the size (a linear scan over a large instance) keeps growing
      // even when its preparation costs more: only a call that stopped growing is "dominated".
      const stoppedGrowing = lastFitNs !== undefined && m !== undefined && m.medianNs < 1.5 * lastFitNs;
      const dominated = m !== undefined && stoppedGrowing && m.prepNs > Math.max(DEFAULTS.maxPrepNs, DEFAULTS.prepDominance * m.medianNs);
      if (m !== undefined && m.medianNs <= DEFAULTS.maxCallNs && !(dominated && fit.length > 0)) {
        fit.push(p);
        lastFitNs = m.medianNs;
      } else allFit = false;
      if (dominated) allFit = false;
      if (!allFit) break;
    }
    if (!allFit) break;
  }
  if (fit.length === 0) {
    // Even the smallest size of the ladder is too slow (exponential or factorial cost): go down
    // from it by halves until a size fits, so that every function that runs at all gets measured.
    const below = await smallerPools(target, originalBundle, ladder[0] ?? 16, userBySize, ctx, examples);
    if (below.length > 0) return below;
    return first && firstMeasured ? [first] : [];
  }
  return fit.slice(-3);
}

/** The largest sizes below `start` (halving) at which the original's calls fit DEFAULTS.maxCallNs, up to three, ascending. */
async function smallerPools(target: TargetFunction, originalBundle: string, start: number, userBySize: Map<number, unknown[][]> | null, ctx: BenchContext, examples: readonly string[]): Promise<SizePool[]> {
  const out: SizePool[] = [];
  for (let size = Math.floor(start / 2); size >= 1 && out.length < 3; size = Math.floor(size / 2)) {
    throwIfAborted(ctx.signal);
    const lists = userBySize?.get(size) ?? generateTargetBenchInputs(target, size, { seed: ctx.seed + size, count: DEFAULTS.poolCount, examples });
    if (!lists.length) continue;
    const pool = { size, inputsFile: join(ctx.jobDir, `bench-${size}.bin`) };
    await writeFile(pool.inputsFile, serialize(lists));
    if (await fitsAlone(originalBundle, pool, ctx, `at size ${size}`)) out.unshift(pool);
    else if (out.length > 0) break;
  }
  return out;
}

/**
 * The fallback when no generated benchmark input can be run (a constructor that parses its
 * argument rejects every generated string, so no receiver builds): a pool of the verification
 * inputs on which the original returned normally, the largest first, probed like the others.
 * `sizes` are their costs (cost.ts); the pool's size is the largest of those it holds.
 */
export async function verificationPool(originalBundle: string, inputs: readonly unknown[][], returned: (i: number) => boolean, sizes: readonly number[], ctx: BenchContext): Promise<(SizePool & { calls: number }) | null> {
  const order = inputs.map((_, i) => i).filter(returned).sort((a, b) => (sizes[b] ?? 0) - (sizes[a] ?? 0));
  const chosen = order.slice(0, DEFAULTS.poolCount);
  if (chosen.length === 0) return null;
  const size = Math.max(1, Math.round(sizes[chosen[0]!] ?? 1));
  const pool = { size, inputsFile: join(ctx.jobDir, 'bench-verification.bin'), calls: chosen.length };
  await writeFile(pool.inputsFile, serialize(chosen.map((i) => inputs[i]!)));
  return (await fitsAlone(originalBundle, pool, ctx, 'on verification inputs')) ? pool : null;
}

/** Whether one call of the original on `pool` fits DEFAULTS.maxCallNs, probed on its own. */
async function fitsAlone(originalBundle: string, pool: SizePool, ctx: BenchContext, where: string): Promise<boolean> {
  const probe = await measureArm(originalBundle, [pool], PROBE_TIMING, ctx, { processTimeoutMs: 8_000, stopAboveNs: DEFAULTS.maxCallNs });
  if (!probe.ok) ctx.logger.debug(`benchmark probe of the original ${where}: ${probe.reason}`);
  const m = probe.sizes.get(pool.size);
  return m !== undefined && m.medianNs <= DEFAULTS.maxCallNs;
}
