/**
 * Inputs the user or the model wrote. Enters: an --inputs module (argument lists and/or
 * generate(size, random)), or the model's input generator. Leaves: argument lists for
 * verification and per-size benchmark pools, produced in the sandbox; a module that fails to
 * build, load or produce lists is an InputError naming it, a model generator that fails is a note.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { serialize, deserialize } from 'node:v8';
import { build } from 'esbuild';
import type { CandidateSource } from '../options';
import type { TargetFunction } from '../types';
import type { Logger } from '../logger';
import { CancelledError, InputError, throwIfAborted } from '../errors';
import { runSandboxed } from '../sandbox/spawn';
import type { InputsJob } from '../sandbox/protocol';
import { askInputGenerator } from '../candidates/llm';
import type { SearchController } from '../candidates/search';
import { measureArm, type BenchContext } from '../benchmark/measure';
import { DEFAULTS, FROZEN_NOW_MS, PROBE_TIMING } from '../benchmark/defaults';

export async function loadUserInputs(
  modulePath: string,
  ctx: { nodePath: string; jobDir: string; memoryMb: number; seed: number; signal?: AbortSignal; logger: Logger },
  sizes: number[],
): Promise<{ fixed: unknown[][]; bySize: Map<number, unknown[][]> }> {
  const abs = resolve(modulePath);
  const outfile = join(ctx.jobDir, 'user-inputs.cjs');
  try {
    await build({
      entryPoints: [abs],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile,
      logLevel: 'silent',
    });
  } catch (e) {
    const first = (e as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors?.[0];
    const where = first?.location ? `${first.location.file}:${first.location.line}:${first.location.column}: ` : '';
    throw new InputError(`Cannot load --inputs ${modulePath}: ${where}${first?.text ?? String(e)}`);
  }
  const job: InputsJob = { mode: 'inputs', bundle: outfile, seed: ctx.seed, frozenNowMs: FROZEN_NOW_MS, sizes };
  const run = await runSandboxed(job, { nodePath: ctx.nodePath, jobDir: ctx.jobDir, timeoutMs: 30_000, memoryMb: ctx.memoryMb, signal: ctx.signal, logger: ctx.logger });
  throwIfAborted(ctx.signal);
  const fixed: unknown[][] = [];
  const bySize = new Map<number, unknown[][]>();
  for (const m of run.messages) {
    if (m.type === 'load-error') throw new InputError(`The --inputs module ${modulePath} failed to load: ${m.error}`);
    if (m.type === 'fatal') throw new InputError(`The --inputs module ${modulePath} failed: ${m.error}`);
    if (m.type === 'inputs-result') {
      for (const s of m.sizes) {
        const lists = deserialize(Buffer.from(s.data, 'base64')) as unknown;
        if (!Array.isArray(lists) || !lists.every((l) => Array.isArray(l))) {
          throw new InputError(`The --inputs module ${modulePath} must export an array of argument arrays (e.g. export const inputs = [[1, 2], [3, 4]]).`);
        }
        if (s.size === null) fixed.push(...(lists as unknown[][]));
        else bySize.set(s.size, lists as unknown[][]);
      }
    }
  }
  if (!run.messages.some((m) => m.type === 'inputs-result')) {
    throw new InputError(`The --inputs module ${modulePath} produced no inputs (${run.end}).`);
  }
  return { fixed, bySize };
}

/**
 * Asks the model for a realistic input generator and uses it for the benchmark only if it runs
 * in the sandbox and the original accepts what it makes; otherwise the type-driven generator stays.
 */
export async function llmInputGenerator(
  source: CandidateSource,
  target: TargetFunction,
  controller: SearchController,
  o: {
    ladder: number[];
    sizeMeaning: string;
    nodeVersion: string;
    nodePath: string;
    jobDir: string;
    memoryMb: number;
    seed: number;
    signal?: AbortSignal;
    logger: Logger;
    notes: string[];
    originalBundle: string;
    bctx: BenchContext;
  },
): Promise<Map<number, unknown[][]> | null> {
  const g = await askInputGenerator(source, target, {
    nodeVersion: o.nodeVersion,
    sizes: o.ladder,
    sizeMeaning: o.sizeMeaning,
    count: DEFAULTS.poolCount,
    signal: o.signal,
    logger: o.logger,
  });
  controller.chargeExternal(g.budgetTokens);
  if (!g.source) {
    o.notes.push(`The model's input generator was not usable (${g.reason ?? 'no code'}); benchmarks use inputs generated from the parameter types.`);
    return null;
  }
  const file = join(o.jobDir, 'llm-inputs.mjs');
  await writeFile(file, g.source);
  try {
    const loaded = await loadUserInputs(file, o, o.ladder.slice(0, 6));
    const sizes = [...loaded.bySize.entries()].filter(([, lists]) => lists.length > 0);
    if (sizes.length === 0) throw new InputError('it produced no inputs');
    // The original must accept what it makes.
    const [size, lists] = sizes[0]!;
    const f = join(o.jobDir, `llm-check-${size}.bin`);
    await writeFile(f, serialize(lists));
    const probe = await measureArm(o.originalBundle, [{ size, inputsFile: f }], PROBE_TIMING, o.bctx, { processTimeoutMs: 8_000 });
    if (!probe.ok) throw new InputError(probe.reason);
    o.notes.push(`Benchmarks use the model's input generator (validated in the sandbox on ${o.sizeMeaning} ${size}).`);
    return loaded.bySize;
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    o.notes.push(`The model's input generator was rejected (${e instanceof Error ? e.message : String(e)}); benchmarks use inputs generated from the parameter types.`);
    return null;
  }
}
