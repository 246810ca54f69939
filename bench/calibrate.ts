/**
 * Published calibration of Hotpath's benchmark decisions (issue 3).
 *
 *   node --import tsx bench/calibrate.ts [--trials N] [--quick] [--only parts] [--alt configs] [--alt-parts parts]
 *
 * Measures, on this machine, at the engine's default settings:
 * - the A/A false-positive rate: the original against a byte-identical copy (separately built
 *   bundles of the same text), decided as the engine's confirmation decides;
 * - power: a variant doing 80% of the original's work (reported `faster`?) and a 3x variant
 *   (how close is the estimate?), each next to its "true" ratio from one long, careful run;
 * - the naive method for comparison (two tasks in one tinybench Bench in one process, called
 *   different when the mean ± moe intervals do not overlap);
 * - the cost: wall time of runHotpath in `check` mode with 1, 2 and 4 candidates.
 * Writes bench/RESULTS.md and bench/results.json; progress goes to stderr.
 *
 * `--only` re-runs some parts and merges them into the existing results.json (for parts that a
 * busy machine disturbed). Parts: cost, truth, aa, power125, power3, naive. `--alt` tries other
 * confirmation settings, e.g. `--alt "rounds=20;rounds=12,timeMs=300,warmupMs=150"`, on the parts
 * in `--alt-parts` (default aa,power125); alone, `--alt` runs only the alternatives and merges them.
 * `--render` only rewrites RESULTS.md from results.json.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { serialize } from 'node:v8';

import * as pipeline from '../src/core/pipeline';
import { defaultOf } from '../src/core/defaults';
import { DEFAULTS, runHotpath } from '../src/core/pipeline';
import { formatRatio } from '../src/core/report/format';
import { runRounds, pairedRounds, type BenchContext, type BenchTiming, type SizePool } from '../src/core/benchmark/measure';
import { speedupFromRounds, decide, quantile, mean, median } from '../src/core/benchmark/stats';
import { aaNoise, confirmationRun, discountNoise, needsReplication, replicate, type ConfirmationArms } from '../src/core/benchmark/stage';
import { bundleVariant } from '../src/core/build/bundle';
import { extractTarget } from '../src/core/target/extract';
import { applyCandidate, parseCandidate } from '../src/core/candidates/substitute';
import { generateBenchInputs } from '../src/core/inputs/inputs';
import { prepareJobDir, resolveNodePath } from '../src/core/sandbox/spawn';
import { TARGET_EXPORT } from '../src/core/sandbox/protocol';
import { silentLogger } from '../src/core/logger';
import type { TargetFunction } from '../src/core/types';

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

const REPO = path.resolve(__dirname, '..');
const PIPELINE_TS = path.join(REPO, 'src', 'core', 'pipeline.ts');
const OUT_MD = path.join(REPO, 'bench', 'RESULTS.md');
const OUT_JSON = path.join(REPO, 'bench', 'results.json');

/** The benchmark size of every confirmation trial (elements of the array argument). */
const TRIAL_SIZE = 4096;
/** The careful run that establishes a pair's true ratio. */
const TRUTH_TIMING: BenchTiming = { warmupMs: 250, timeMs: 500, minSampleNs: 200_000, maxCalls: 400_000 };

const ALL_PARTS = ['cost', 'truth', 'aa', 'power125', 'power3', 'naive'] as const;
type Part = (typeof ALL_PARTS)[number];

interface Args {
  trials: number;
  quick: boolean;
  only: Set<Part> | null;
  alt: AltConfig[];
  altParts: Part[];
  /** Only re-render RESULTS.md from results.json. */
  render: boolean;
}

interface AltConfig {
  label: string;
  rounds: number;
  timing: BenchTiming;
  /** Benchmark size (array length) of the trials. */
  size: number;
}

/**
 * The engine's timings. SCREEN_TIMING and CONFIRM_TIMING are module constants of pipeline.ts;
 * when they are exported we use the exports, otherwise we read them from its source text, so
 * this calibration always measures the current defaults.
 */
function engineTiming(name: 'SCREEN_TIMING' | 'CONFIRM_TIMING'): { timing: BenchTiming; source: 'export' | 'parsed' } {
  const exported = (pipeline as unknown as Record<string, unknown>)[name];
  if (isTiming(exported)) return { timing: exported, source: 'export' };
  const text = readFileSync(PIPELINE_TS, 'utf8');
  const m = new RegExp(`const ${name}\\s*(?::\\s*\\w+)?\\s*=\\s*\\{([^}]*)\\}`).exec(text);
  if (!m?.[1]) throw new Error(`Cannot find ${name} in ${PIPELINE_TS}`);
  const fields: Record<string, number> = {};
  for (const f of m[1].matchAll(/(\w+)\s*:\s*([\d_.e]+)/g)) fields[f[1]!] = Number(f[2]!.replace(/_/g, ''));
  const timing = { warmupMs: fields.warmupMs, timeMs: fields.timeMs, minSampleNs: fields.minSampleNs, maxCalls: fields.maxCalls };
  if (!isTiming(timing)) throw new Error(`Cannot parse ${name} in ${PIPELINE_TS}: ${m[1]}`);
  return { timing, source: 'parsed' };
}

function isTiming(x: unknown): x is BenchTiming {
  if (typeof x !== 'object' || x === null) return false;
  const t = x as Record<string, unknown>;
  return ['warmupMs', 'timeMs', 'minSampleNs', 'maxCalls'].every((k) => typeof t[k] === 'number' && Number.isFinite(t[k]));
}

/** Does the engine's first confirmation run an A/A arm and withhold claims when it looks different? */
function engineHasAaArm(): boolean {
  return /key:\s*'aa'/.test(readFileSync(path.join(REPO, 'src', 'core', 'benchmark', 'stage.ts'), 'utf8'));
}

// ---------------------------------------------------------------------------------------------
// Workload: a serial chain of LCG steps per element, deterministic and JIT-proof
// ---------------------------------------------------------------------------------------------

const LCG_MUL = 0x2c1b3c6d;
const LCG_ADD = 0x297a2d39;

/** The n-fold composition of v -> MUL*v + ADD (mod 2^32), as int32 constants. */
function lcgPower(n: number): { mul: number; add: number } {
  const M = 2n ** 32n;
  const a = BigInt(LCG_MUL);
  const c = BigInt(LCG_ADD);
  let A = 1n;
  let C = 0n;
  for (let i = 0; i < n; i++) {
    A = (A * a) % M;
    C = (C * a + c) % M;
  }
  const mul = Number(BigInt.asIntN(32, A));
  const add = Number(BigInt.asIntN(32, C));
  // A multiplier the JIT could strength-reduce (±2^k, 2^k ± 1) would not be a unit of real work.
  const u = Math.abs(mul);
  for (let k = 0; k < 32; k++) {
    const p = 2 ** k;
    if (u === p || u === p + 1 || u === p - 1) throw new Error(`LCG power ${n} has a special multiplier ${mul}`);
  }
  return { mul, add };
}

interface ChurnSpec {
  /** Units of work per element. */
  units: number;
  /** LCG steps per unit. */
  steps: number;
  /** Each step applies the LCG `power` times in one multiply-add (so units*steps*power is the function). */
  power: number;
  style?: 'for' | 'while';
}

/**
 * `churn(xs)`: for each element, `units * steps` dependent multiply-adds seeded from the element
 * and the running hash (one serial dependency chain, so time is proportional to the steps).
 * Two specs with the same units*steps*power compute the same function: (p units of P^q) equals
 * (q units of P^p), with p/q the work ratio.
 */
function churnSource(s: ChurnSpec, lang: 'ts' | 'js'): string {
  const { mul, add } = lcgPower(s.power);
  const sig = lang === 'ts' ? 'xs: number[]): number' : 'xs)';
  const elem = lang === 'ts' ? '(xs[i] as number)' : 'xs[i]';
  const step = `v = (Math.imul(v, ${mul}) + ${add}) | 0;`;
  const inner =
    s.style === 'while'
      ? [
          `    let u = 0;`,
          `    while (u < ${s.units}) {`,
          `      let k = 0;`,
          `      while (k < ${s.steps}) {`,
          `        ${step}`,
          `        k++;`,
          `      }`,
          `      u++;`,
          `    }`,
        ]
      : [`    for (let u = 0; u < ${s.units}; u++) {`, `      for (let k = 0; k < ${s.steps}; k++) ${step}`, `    }`];
  return [
    `export function churn(${sig} {`,
    `  let h = 0;`,
    `  for (let i = 0; i < xs.length; i++) {`,
    `    let v = (${elem} | 0) ^ h;`,
    ...inner,
    `    h = (Math.imul(h, 31) + v) | 0;`,
    `  }`,
    `  return h;`,
    `}`,
    ``,
  ].join('\n');
}

function churnFunction(s: ChurnSpec): (xs: number[]) => number {
  const js = churnSource(s, 'js').replace(/^export /, '');
  return new Function(`${js}\nreturn churn;`)() as (xs: number[]) => number;
}

/** The 1.25x pair: 5 units vs 4 units of equal work (100 vs 80 steps per element). */
const PAIR_125 = { original: { units: 5, steps: 20, power: 4 }, variant: { units: 4, steps: 20, power: 5 }, target: 1.25 };
/**
 * The 3x pair: 6 units vs 2 units (96 vs 32 steps per element). Not 3 vs 1: V8 peels a loop of
 * one iteration, which made "1 unit" measure 3.14x faster than "3 units" in-process.
 */
const PAIR_3 = { original: { units: 6, steps: 16, power: 1 }, variant: { units: 2, steps: 16, power: 3 }, target: 3 };
/** Cost fixture: candidates of the 1.25x pair's original (units*steps*power = 400). */
const COST_VARIANTS: { label: string; spec: ChurnSpec }[] = [
  { label: '1.25x (4 units)', spec: { units: 4, steps: 20, power: 5 } },
  { label: '2.5x (2 units)', spec: { units: 2, steps: 20, power: 10 } },
  { label: '5x (1 unit)', spec: { units: 1, steps: 20, power: 20 } },
  { label: '1.25x (while loops)', spec: { units: 4, steps: 20, power: 5, style: 'while' } },
];

function checkEquivalent(a: ChurnSpec, b: ChurnSpec, inputs: unknown[][]): void {
  const fa = churnFunction(a);
  const fb = churnFunction(b);
  const extra: number[][] = [[], [0], [-1, 2 ** 31 - 1, -(2 ** 31)], Array.from({ length: 100 }, (_, i) => i * 7919)];
  for (const args of [...inputs.map((l) => l[0] as number[]), ...extra]) {
    if (fa(args) !== fb(args)) throw new Error(`Fixture bug: ${JSON.stringify(a)} and ${JSON.stringify(b)} differ`);
  }
}

// ---------------------------------------------------------------------------------------------
// Machine and load
// ---------------------------------------------------------------------------------------------

interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  kernel: string;
  date: string;
  commit: string;
}

function machineInfo(nodePath: string): Machine {
  let cpuModel = 'unknown';
  try {
    cpuModel = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  } catch {
    cpuModel = os.cpus()[0]?.model ?? 'unknown';
  }
  let osName = `${os.type()} ${os.release()}`;
  try {
    osName = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? osName;
  } catch {
    // keep os.type()
  }
  let node = process.version;
  try {
    node = execFileSync(nodePath, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // keep this process's version
  }
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: REPO, encoding: 'utf8' }).trim();
    if (dirty) commit += ' (src/ has uncommitted changes)';
  } catch {
    // not a git checkout
  }
  return {
    cpuModel,
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node,
    os: osName,
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
    commit,
  };
}

/**
 * Samples the number of runnable tasks (/proc/loadavg, 4th field) every 200 ms: a momentary view
 * of competition that the 1-minute load average smooths away. Our own share while a trial runs
 * is about 2 (the measured child and the sampler's own read).
 */
class LoadSampler {
  private samples: number[] = [];
  private timer: NodeJS.Timeout | null = null;
  start(): void {
    this.samples = [];
    this.timer = setInterval(() => {
      const r = runnableNow();
      if (r !== null) this.samples.push(r);
    }, 200);
    this.timer.unref();
  }
  stop(): { runnableMean: number; load1: number } {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    return { runnableMean: this.samples.length ? mean(this.samples) : NaN, load1: os.loadavg()[0] ?? NaN };
  }
}

function runnableNow(): number | null {
  try {
    const f = readFileSync('/proc/loadavg', 'utf8').split(/\s+/)[3];
    const n = Number(f?.split('/')[0]);
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------

interface Interval {
  estimate: number;
  low: number;
  high: number;
}

interface Trial {
  i: number;
  seed: number;
  /** The candidate's interval (original / candidate). */
  estimate: number;
  low: number;
  high: number;
  /** decide() alone. */
  raw: 'faster' | 'not-faster';
  /** The engine's verdict: decide(), withheld when the run's A/A arm looks different. */
  verdict: 'faster' | 'not-faster' | 'error';
  /** The run's own A/A arm (original vs a copy), when the engine runs one. */
  aa: Interval | null;
  aaVeto: boolean;
  /** The replication a `faster` near the threshold gets (stage.ts needsReplication), or null when none was needed. */
  replication: (Interval & { verdict: 'faster' | 'not-faster' }) | null;
  rounds: number;
  /** Per-round median ns per call. */
  originalNs: number[];
  candidateNs: number[];
  aaNs: number[];
  wallMs: number;
  load1: number;
  runnableMean: number;
  error?: string;
}

interface ConfirmExperiment {
  key: string;
  label: string;
  /** What a correct method should say: 1 for A/A. */
  target: number;
  rounds: number;
  timing: BenchTiming;
  aaArm: boolean;
  /** Benchmark size (array length); TRIAL_SIZE when absent. */
  size?: number;
  startedAt: string;
  wallMs: number;
  trials: Trial[];
}

interface Truth {
  pair: string;
  target: number;
  rounds: number;
  timing: BenchTiming;
  estimate: number;
  low: number;
  high: number;
  originalNs: number;
  candidateNs: number;
  wallMs: number;
  load1: number;
  runnableMean: number;
  startedAt: string;
}

interface NaiveTrial {
  i: number;
  a: { mean: number; moe: number; samples: number };
  b: { mean: number; moe: number; samples: number };
  /** a.mean / b.mean: > 1 means b looked faster. */
  ratio: number;
  different: boolean;
  bFaster: boolean;
  wallMs: number;
  load1: number;
  runnableMean: number;
  error?: string;
}

interface NaiveExperiment {
  key: string;
  label: string;
  target: number;
  startedAt: string;
  wallMs: number;
  trials: NaiveTrial[];
}

interface CostRun {
  candidates: number;
  /** RunOptions.benchBudgetMs (undefined: the CLI default of DEFAULTS.confirmRounds rounds). */
  benchBudgetMs?: number;
  wallMs: number;
  timing: { totalMs: number; verifyMs: number; benchMs: number };
  headlineSize: number | null;
  verdicts: { id: string; label: string; verdict: string; estimate: number | null; low: number | null; high: number | null }[];
  noiseFloor: Interval | null;
  load1: number;
  runnableMean: number;
  startedAt: string;
}

interface Results {
  version: 1;
  machine: Machine;
  settings: {
    minSpeedup: number;
    screenRounds: number;
    confirmRounds: number;
    maxConfirm: number;
    screenTiming: BenchTiming;
    confirmTiming: BenchTiming;
    timingSource: string;
    aaArm: boolean;
    trialSize: number;
    poolCount: number;
    trials: number;
  };
  parts: {
    cost?: CostRun[];
    /** Cost runs replaced by a later `--only cost` (kept: a busy machine is part of the story). */
    costEarlier?: CostRun[];
    truth?: Truth[];
    aa?: ConfirmExperiment;
    power125?: ConfirmExperiment;
    power3?: ConfirmExperiment;
    naiveAA?: NaiveExperiment;
    naive125?: NaiveExperiment;
    alternatives?: ConfirmExperiment[];
  };
  runs: { startedAt: string; args: string[]; wallMs: number; parts: string[]; load1Start: number; load1End: number }[];
}

// ---------------------------------------------------------------------------------------------
// Experiments
// ---------------------------------------------------------------------------------------------

interface Fixture {
  dir: string;
  jobDir: string;
  nodePath: string;
  pool: SizePool;
  /** The pool of another size, generated on first use. */
  poolOf(size: number): SizePool;
  bundles: {
    original: string;
    copyB: string;
    copyC: string;
    v125: string;
    original3: string;
    original3copy: string;
    v3: string;
  };
  costFile: string;
}

function log(msg: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);
}

function f3(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(3);
}

async function buildFixture(dir: string): Promise<Fixture> {
  const nodePath = await resolveNodePath(undefined);
  const jobDir = path.join(dir, 'job');
  prepareJobDir(jobDir);
  const file125 = path.join(dir, 'churn.ts');
  const file3 = path.join(dir, 'churn3.ts');
  writeFileSync(file125, churnSource(PAIR_125.original, 'ts'));
  writeFileSync(file3, churnSource(PAIR_3.original, 'ts'));
  const t125 = extractTarget(file125, { name: 'churn' });
  const t3 = extractTarget(file3, { name: 'churn' });

  // The pool exactly as the engine's choosePools makes it for this size.
  const pools = new Map<number, { pool: SizePool; lists: unknown[][] }>();
  const poolOf = (size: number) => {
    let p = pools.get(size);
    if (!p) {
      const lists = generateBenchInputs(t125.params, size, { seed: defaultOf('seed') + size, count: DEFAULTS.poolCount });
      const inputsFile = path.join(jobDir, `bench-${size}.bin`);
      writeFileSync(inputsFile, serialize(lists));
      p = { pool: { size, inputsFile }, lists };
      pools.set(size, p);
    }
    return p;
  };
  const poolLists = poolOf(TRIAL_SIZE).lists;

  checkEquivalent(PAIR_125.original, PAIR_125.variant, poolLists);
  checkEquivalent(PAIR_3.original, PAIR_3.variant, poolLists);
  for (const v of COST_VARIANTS) checkEquivalent(PAIR_125.original, v.spec, poolLists);

  const bundle = async (target: TargetFunction, variantText: string | null, name: string): Promise<string> => {
    let text = target.fileText;
    if (variantText !== null) {
      const parsed = parseCandidate(target, variantText);
      if (!parsed.ok) throw new Error(`Fixture ${name}: ${parsed.reason}`);
      text = applyCandidate(target, parsed.candidate);
    }
    const outFile = path.join(jobDir, `${name}.cjs`);
    const b = await bundleVariant({ file: target.file, text, targetName: target.name, moduleKind: target.context.moduleKind, language: target.language, outFile });
    if (!b.ok) throw new Error(`Fixture ${name} does not build: ${b.error}`);
    return outFile;
  };
  const bundles = {
    original: await bundle(t125, null, 'original'),
    copyB: await bundle(t125, null, 'original-copy-b'),
    copyC: await bundle(t125, null, 'original-copy-c'),
    v125: await bundle(t125, churnSource(PAIR_125.variant, 'ts'), 'variant-125'),
    original3: await bundle(t3, null, 'original3'),
    original3copy: await bundle(t3, null, 'original3-copy'),
    v3: await bundle(t3, churnSource(PAIR_3.variant, 'ts'), 'variant-3'),
  };
  if (readFileSync(bundles.original, 'utf8') !== readFileSync(bundles.copyB, 'utf8')) throw new Error('The A/A copies are not byte-identical');
  return { dir, jobDir, nodePath, pool: poolOf(TRIAL_SIZE).pool, poolOf: (size) => poolOf(size).pool, bundles, costFile: file125 };
}

function benchContext(fx: Fixture, seed: number): BenchContext {
  return { nodePath: fx.nodePath, jobDir: fx.jobDir, memoryMb: defaultOf('memoryMb'), seed, frozenNowMs: DEFAULTS.frozenNowMs, logger: silentLogger };
}

/**
 * One confirmation as the engine runs it: fresh rounds, every arm in its own process per
 * round in shuffled order, speedupFromRounds over the paired rounds, decide() at minSpeedup,
 * and (when the engine has it) the A/A arm that withholds a claim when identical code looks
 * different by the required margin.
 */
async function confirmTrial(
  fx: Fixture,
  arms: { original: string; candidate: string; aaCopy: string },
  cfg: { rounds: number; timing: BenchTiming; aaArm: boolean; size?: number },
  i: number,
): Promise<Trial> {
  const pool = cfg.size === undefined ? fx.pool : fx.poolOf(cfg.size);
  const seed = defaultOf('seed') + 7919 * (i + 1);
  const minSpeedup = defaultOf('minSpeedup');
  const sampler = new LoadSampler();
  sampler.start();
  const t0 = performance.now();
  const confirmArms: ConfirmationArms = { original: arms.original, key: 'candidate', candidate: arms.candidate };
  const { res, fail } = await confirmationRun(cfg.aaArm ? { ...confirmArms, aaCopy: arms.aaCopy } : confirmArms, [pool], cfg.rounds, cfg.timing, benchContext(fx, seed));
  const wallMs = performance.now() - t0;
  const load = sampler.stop();
  const paired = pairedRounds(res, 'original', 'candidate', pool.size);
  const aaPaired = cfg.aaArm ? pairedRounds(res, 'original', 'aa', pool.size) : [];
  const base = {
    i,
    seed,
    rounds: paired.length,
    originalNs: paired.map((p) => p.originalNs),
    candidateNs: paired.map((p) => p.candidateNs),
    aaNs: aaPaired.map((p) => p.candidateNs),
    wallMs,
    load1: load.load1,
    runnableMean: load.runnableMean,
  };
  if (fail) {
    return { ...base, estimate: NaN, low: NaN, high: NaN, raw: 'not-faster', verdict: 'error', aa: null, aaVeto: false, replication: null, error: fail.reason };
  }
  // The engine passes its base seed to the bootstrap.
  let interval = speedupFromRounds(paired, { seed: defaultOf('seed') });
  let d = decide(interval, minSpeedup);
  // As stage.ts confirmOne(): a `faster` whose lower bound is near the threshold is measured again on
  // as many fresh rounds (new seeds); it stands only if the replication alone and all rounds pooled clear it.
  let replication: Trial['replication'] = null;
  if (needsReplication(d.verdict, interval, minSpeedup)) {
    const again = await replicate({ arms: confirmArms, pool, rounds: cfg.rounds, timing: cfg.timing, ctx: benchContext(fx, defaultOf('seed')), k: i, minSpeedup }, paired, interval);
    const r = again.replication;
    const alone = again.refuted ? 'not-faster' : 'faster';
    replication = r ? { estimate: r.estimate, low: r.low, high: r.high, verdict: alone } : { estimate: NaN, low: NaN, high: NaN, verdict: 'not-faster' };
    ({ interval, decision: d } = again);
  }
  // As stage.ts calibrateNoise()/discountNoise(): when the run's A/A interval excludes 1, a claim
  // must clear the threshold by the A/A's deviation too.
  let aa: Interval | null = null;
  let aaVeto = false;
  if (cfg.aaArm && !res.failures.has('aa')) {
    const noise = aaNoise(speedupFromRounds(aaPaired, { seed: defaultOf('seed') }));
    aa = { estimate: noise.aa.estimate, low: noise.aa.low, high: noise.aa.high };
    aaVeto = d.verdict === 'faster' && discountNoise(noise, minSpeedup, d, interval).verdict !== 'faster';
  }
  const verdict = d.verdict === 'faster' && !aaVeto ? 'faster' : 'not-faster';
  return { ...base, wallMs: performance.now() - t0, estimate: interval.estimate, low: interval.low, high: interval.high, raw: d.verdict, verdict, aa, aaVeto, replication };
}

async function confirmExperiment(
  fx: Fixture,
  key: string,
  label: string,
  target: number,
  arms: { original: string; candidate: string; aaCopy: string },
  cfg: { rounds: number; timing: BenchTiming; aaArm: boolean; size?: number },
  trials: number,
): Promise<ConfirmExperiment> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const out: Trial[] = [];
  for (let i = 0; i < trials; i++) {
    const t = await confirmTrial(fx, arms, cfg, i);
    out.push(t);
    const aaText = t.aa ? ` | A/A arm ${f3(t.aa.estimate)} [${f3(t.aa.low)}, ${f3(t.aa.high)}]${t.aaVeto ? ' VETO' : ''}` : '';
    log(
      `[${key} ${i + 1}/${trials}] ${f3(t.estimate)} [${f3(t.low)}, ${f3(t.high)}] ${t.verdict}${t.error ? ` (${t.error})` : ''}${aaText} ` +
        `| ${(t.wallMs / 1000).toFixed(1)} s, load1 ${t.load1.toFixed(1)}, runnable ${t.runnableMean.toFixed(1)}`,
    );
  }
  return { key, label, target, rounds: cfg.rounds, timing: cfg.timing, aaArm: cfg.aaArm, size: cfg.size ?? TRIAL_SIZE, startedAt, wallMs: performance.now() - t0, trials: out };
}

async function truthRun(fx: Fixture, pair: string, target: number, original: string, candidate: string, rounds: number): Promise<Truth> {
  const startedAt = new Date().toISOString();
  const sampler = new LoadSampler();
  sampler.start();
  const t0 = performance.now();
  const res = await runRounds(
    [
      { key: 'original', bundle: original },
      { key: 'candidate', bundle: candidate },
    ],
    [fx.pool],
    rounds,
    TRUTH_TIMING,
    benchContext(fx, defaultOf('seed') + 1),
    (r, n) => {
      if (r % 5 === 0) log(`[truth ${pair}] round ${r}/${n}`);
    },
  );
  const load = sampler.stop();
  const fail = res.failures.get('candidate') ?? res.failures.get('original');
  if (fail) throw new Error(`The truth run of ${pair} failed: ${fail.reason}`);
  const paired = pairedRounds(res, 'original', 'candidate', fx.pool.size);
  const s = speedupFromRounds(paired, { seed: defaultOf('seed') });
  const t: Truth = {
    pair,
    target,
    rounds: paired.length,
    timing: TRUTH_TIMING,
    estimate: s.estimate,
    low: s.low,
    high: s.high,
    originalNs: median(paired.map((p) => p.originalNs)),
    candidateNs: median(paired.map((p) => p.candidateNs)),
    wallMs: performance.now() - t0,
    load1: load.load1,
    runnableMean: load.runnableMean,
    startedAt,
  };
  log(`[truth ${pair}] ${f3(t.estimate)} [${f3(t.low)}, ${f3(t.high)}] over ${t.rounds} rounds (${(t.wallMs / 1000).toFixed(0)} s)`);
  return t;
}

/** The naive method's child: two tasks in one tinybench Bench, tinybench's defaults. */
function naiveScript(): string {
  const tinybench = pathToFileURL(path.join(REPO, 'node_modules', 'tinybench', 'dist', 'index.js')).href;
  return `import { Bench } from ${JSON.stringify(tinybench)};
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { deserialize } from 'node:v8';
const require = createRequire(import.meta.url);
const [aPath, bPath, poolPath] = process.argv.slice(2);
const fa = require(aPath)[${JSON.stringify(TARGET_EXPORT)}];
const fb = require(bPath)[${JSON.stringify(TARGET_EXPORT)}];
const pool = deserialize(readFileSync(poolPath));
let ia = 0, ib = 0, sink = 0;
const bench = new Bench();
bench.add('a', () => { sink ^= fa(...pool[ia++ % pool.length]); });
bench.add('b', () => { sink ^= fb(...pool[ib++ % pool.length]); });
await bench.run();
const r = (t) => ({ mean: t.result.latency.mean, moe: t.result.latency.moe, samples: t.result.latency.samplesCount });
process.stdout.write(JSON.stringify({ a: r(bench.tasks[0]), b: r(bench.tasks[1]), sink }));
`;
}

function runNode(nodePath: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(nodePath, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message.split('\n')[0]} ${stderr.slice(0, 300)}`));
      else resolve(stdout);
    });
  });
}

async function naiveExperiment(fx: Fixture, key: string, label: string, target: number, a: string, b: string, trials: number): Promise<NaiveExperiment> {
  const script = path.join(fx.dir, 'naive.mjs');
  writeFileSync(script, naiveScript());
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const out: NaiveTrial[] = [];
  for (let i = 0; i < trials; i++) {
    const sampler = new LoadSampler();
    sampler.start();
    const s0 = performance.now();
    let trial: NaiveTrial;
    try {
      const stdout = await runNode(fx.nodePath, [script, a, b, fx.pool.inputsFile], 120_000);
      const r = JSON.parse(stdout) as { a: NaiveTrial['a']; b: NaiveTrial['b'] };
      const overlap = r.a.mean - r.a.moe <= r.b.mean + r.b.moe && r.b.mean - r.b.moe <= r.a.mean + r.a.moe;
      const load = sampler.stop();
      trial = {
        i,
        a: r.a,
        b: r.b,
        ratio: r.a.mean / r.b.mean,
        different: !overlap,
        bFaster: !overlap && r.b.mean < r.a.mean,
        wallMs: performance.now() - s0,
        load1: load.load1,
        runnableMean: load.runnableMean,
      };
    } catch (e) {
      const load = sampler.stop();
      const z = { mean: NaN, moe: NaN, samples: 0 };
      trial = { i, a: z, b: z, ratio: NaN, different: false, bFaster: false, wallMs: performance.now() - s0, load1: load.load1, runnableMean: load.runnableMean, error: String(e) };
    }
    out.push(trial);
    log(
      `[${key} ${i + 1}/${trials}] a ${f3(trial.a.mean)}±${f3(trial.a.moe)} ms, b ${f3(trial.b.mean)}±${f3(trial.b.moe)} ms, ratio ${f3(trial.ratio)}` +
        `${trial.different ? ' DIFFERENT' : ''}${trial.error ? ` (${trial.error})` : ''} | load1 ${trial.load1.toFixed(1)}`,
    );
  }
  return { key, label, target, startedAt, wallMs: performance.now() - t0, trials: out };
}

async function costRun(fx: Fixture, n: number, benchBudgetMs?: number): Promise<CostRun> {
  const chosen = COST_VARIANTS.slice(0, n);
  const startedAt = new Date().toISOString();
  const sampler = new LoadSampler();
  sampler.start();
  const t0 = performance.now();
  const report = await runHotpath({
    file: fx.costFile,
    selector: { name: 'churn' },
    variants: chosen.map((v) => ({ origin: v.label, source: churnSource(v.spec, 'ts') })),
    ...(benchBudgetMs !== undefined ? { benchBudgetMs } : {}),
  });
  const wallMs = performance.now() - t0;
  const load = sampler.stop();
  const nf = (report as { noiseFloor?: Interval | null }).noiseFloor ?? null;
  const run: CostRun = {
    candidates: n,
    ...(benchBudgetMs !== undefined ? { benchBudgetMs } : {}),
    wallMs,
    timing: { totalMs: report.timing.totalMs, verifyMs: report.timing.verifyMs, benchMs: report.timing.benchMs },
    headlineSize: report.candidates.find((c) => c.headlineSize !== null)?.headlineSize ?? null,
    verdicts: report.candidates.map((c, k) => ({
      id: c.id,
      label: chosen[k]?.label ?? c.origin,
      verdict: c.verdict,
      estimate: c.speedup?.estimate ?? null,
      low: c.speedup?.low ?? null,
      high: c.speedup?.high ?? null,
    })),
    noiseFloor: nf ? { estimate: nf.estimate, low: nf.low, high: nf.high } : null,
    load1: load.load1,
    runnableMean: load.runnableMean,
    startedAt,
  };
  log(
    `[cost ${n}${benchBudgetMs !== undefined ? `, budget ${benchBudgetMs} ms` : ''}] ${(wallMs / 1000).toFixed(1)} s (verify ${(run.timing.verifyMs / 1000).toFixed(1)} s, bench ${(run.timing.benchMs / 1000).toFixed(1)} s) ` +
      run.verdicts.map((v) => `${v.id} ${v.verdict} ${f3(v.estimate)}`).join(', ') +
      ` | load1 ${run.load1.toFixed(1)}`,
  );
  return run;
}

// ---------------------------------------------------------------------------------------------
// Summaries and the markdown report
// ---------------------------------------------------------------------------------------------

function q(xs: number[], p: number): number {
  return xs.length ? quantile(xs, p) : NaN;
}

function spread(xs: number[]): string {
  const v = xs.filter((x) => Number.isFinite(x));
  if (!v.length) return '–';
  return `${f3(q(v, 0))} / ${f3(q(v, 0.25))} / ${f3(q(v, 0.5))} / ${f3(q(v, 0.75))} / ${f3(q(v, 1))}`;
}

interface ConfirmSummary {
  n: number;
  errors: number;
  faster: number;
  rawFaster: number;
  vetoes: number;
  /** Trials whose `faster` was near the threshold and replicated, and of those, the ones the replication did not confirm. */
  replicated: number;
  notReplicated: number;
  excludeOne: number;
  containTarget: number;
  meanEstimate: number;
  geoMeanEstimate: number;
  estimates: number[];
  lows: number[];
  highs: number[];
  /** Standard deviation of the per-round log ratios, pooled over trials. */
  roundLogSd: number;
  aaArm: { n: number; reachMin: number; excludeOne: number; estimates: number[]; highs: number[] };
  busy: number;
}

function roundLogs(t: Trial, arm: 'candidate' | 'aa'): number[] {
  const other = arm === 'candidate' ? t.candidateNs : t.aaNs;
  const out: number[] = [];
  for (let k = 0; k < Math.min(t.originalNs.length, other.length); k++) out.push(Math.log((t.originalNs[k] as number) / (other[k] as number)));
  return out;
}

function busyTrial(r: { runnableMean: number }, cores: number): boolean {
  // Our own share is ~2 runnable tasks (the measured child and the sampler's read).
  return Number.isFinite(r.runnableMean) && r.runnableMean - 2 >= cores / 2;
}

function summarizeConfirm(e: ConfirmExperiment, cores: number): ConfirmSummary {
  const ok = e.trials.filter((t) => t.verdict !== 'error');
  const est = ok.map((t) => t.estimate);
  let ss = 0;
  let dof = 0;
  for (const t of ok) {
    const l = roundLogs(t, 'candidate');
    if (l.length < 2) continue;
    const m = mean(l);
    for (const x of l) ss += (x - m) * (x - m);
    dof += l.length - 1;
  }
  const aaT = ok.filter((t) => t.aa);
  return {
    n: ok.length,
    errors: e.trials.length - ok.length,
    faster: ok.filter((t) => t.verdict === 'faster').length,
    rawFaster: ok.filter((t) => t.raw === 'faster').length,
    vetoes: ok.filter((t) => t.aaVeto).length,
    replicated: ok.filter((t) => t.replication != null).length,
    notReplicated: ok.filter((t) => t.replication != null && t.replication.verdict !== 'faster').length,
    excludeOne: ok.filter((t) => t.low > 1 || t.high < 1).length,
    containTarget: ok.filter((t) => t.low <= e.target && e.target <= t.high).length,
    meanEstimate: mean(est),
    geoMeanEstimate: Math.exp(mean(est.map((x) => Math.log(x)))),
    estimates: est,
    lows: ok.map((t) => t.low),
    highs: ok.map((t) => t.high),
    roundLogSd: dof > 0 ? Math.sqrt(ss / dof) : NaN,
    aaArm: {
      n: aaT.length,
      reachMin: aaT.filter((t) => t.aa!.low >= defaultOf('minSpeedup') || t.aa!.high <= 1 / defaultOf('minSpeedup')).length,
      excludeOne: aaT.filter((t) => t.aa!.low > 1 || t.aa!.high < 1).length,
      estimates: aaT.map((t) => t.aa!.estimate),
      highs: aaT.map((t) => t.aa!.high),
    },
    busy: e.trials.filter((t) => busyTrial(t, cores)).length,
  };
}

function mark(ok: boolean): string {
  return ok ? '**met**' : '**NOT met**';
}

function fmtTiming(t: BenchTiming): string {
  return `warm-up ${t.warmupMs} ms, sampling ${t.timeMs} ms, min sample ${t.minSampleNs / 1000} µs, max ${t.maxCalls} calls`;
}

function renderMarkdown(r: Results): string {
  const m = r.machine;
  const s = r.settings;
  const cores = m.cores;
  const L: string[] = [];
  L.push('# Hotpath benchmark calibration');
  L.push('');
  L.push(`Generated by \`npm run bench\` (bench/calibrate.ts) on ${m.date.slice(0, 10)}. Raw data: [results.json](results.json).`);
  L.push('');
  L.push('## Machine');
  L.push('');
  L.push('| | |');
  L.push('|---|---|');
  L.push(`| CPU | ${m.cpuModel} |`);
  L.push(`| Cores (logical) | ${m.cores} |`);
  L.push(`| Memory | ${m.memoryGiB} GiB |`);
  L.push(`| Node.js | ${m.node} |`);
  L.push(`| OS | ${m.os} (${m.kernel}) |`);
  L.push(`| Date | ${m.date} |`);
  L.push(`| Commit | ${m.commit} |`);
  L.push('');
  L.push('## Settings measured (the engine defaults)');
  L.push('');
  L.push('| | |');
  L.push('|---|---|');
  L.push(`| Screening | ${s.screenRounds} rounds; ${fmtTiming(s.screenTiming)} |`);
  L.push(
    `| Confirmation | ${s.confirmRounds} rounds; ${fmtTiming(s.confirmTiming)} (the fewest the engine plans: it sizes confirmation from the screening pilot, ${DEFAULTS.minConfirmRounds} to ${DEFAULTS.confirmRounds} rounds, more near the threshold or when the pilot is noisy; a benchmark budget may raise the most) |`,
  );
  L.push(`| Decision | speedupFromRounds (BCa bootstrap ∪ Student-t over per-round log ratios, 95%), decide() at minSpeedup ${s.minSpeedup} |`);
  L.push(`| A/A arm in the run | ${s.aaArm ? `yes: the first confirmation also runs a byte-identical copy; when that copy's interval excludes 1, a claim must clear ${s.minSpeedup}x by the copy's deviation too` : 'no'} |`);
  L.push(`| Timings read from | pipeline.ts (${s.timingSource}) |`);
  L.push(`| Workload | \`churn(xs: number[])\`: per element a serial chain of LCG multiply-adds; ${s.trialSize} elements, ${s.poolCount} distinct inputs generated by the engine's generateBenchInputs |`);
  L.push(`| Trials per experiment | ${s.trials} (each an independent confirmation with its own arm-order seed) |`);
  L.push('');

  const aa = r.parts.aa ? summarizeConfirm(r.parts.aa, cores) : null;
  const p125 = r.parts.power125 ? summarizeConfirm(r.parts.power125, cores) : null;
  const p3 = r.parts.power3 ? summarizeConfirm(r.parts.power3, cores) : null;
  const truth125 = r.parts.truth?.find((t) => t.pair === '1.25x');
  const truth3 = r.parts.truth?.find((t) => t.pair === '3x');
  const cost1 = r.parts.cost?.find((c) => c.candidates === 1 && c.benchBudgetMs === undefined);
  const cost1b = r.parts.cost?.find((c) => c.candidates === 1 && c.benchBudgetMs !== undefined);
  const naiveAA = r.parts.naiveAA;
  const naiveFp = naiveAA ? naiveAA.trials.filter((t) => t.different).length : null;

  L.push('## Calibration');
  L.push('');
  L.push('| Check | Target | Result | |');
  L.push('|---|---|---|---|');
  if (aa) {
    const ok = aa.faster <= Math.floor(aa.n / 20);
    L.push(`| A/A false positives (engine decision) | 0, at most 1 in 20 | **${aa.faster} of ${aa.n}** (decide() alone: ${aa.rawFaster}; intervals excluding 1: ${aa.excludeOne}) | ${mark(ok)} |`);
  }
  if (p125) {
    const need = Math.ceil((18 / 20) * p125.n);
    L.push(
      `| Power at 1.25x (80% of the work${truth125 ? `, true ratio ${f3(truth125.estimate)}` : ''}) | \`faster\` in ≥ 18 of 20 | **${p125.faster} of ${p125.n}**${p125.vetoes ? ` (${p125.vetoes} withheld by the A/A arm)` : ''} | ${mark(p125.faster >= need)} |`,
    );
  }
  if (p3) {
    const within = Math.abs(p3.meanEstimate / 3 - 1) <= 0.1;
    L.push(
      `| 3x variant${truth3 ? ` (true ratio ${f3(truth3.estimate)})` : ''} | mean estimate within ±10% of 3 | **mean ${f3(p3.meanEstimate)}** (${f3((p3.meanEstimate / 3 - 1) * 100)}%); intervals containing 3: ${p3.containTarget} of ${p3.n}${truth3 ? `; containing ${f3(truth3.estimate)}: ${r.parts.power3!.trials.filter((t) => t.low <= truth3.estimate && truth3.estimate <= t.high).length}` : ''} | ${mark(within)} |`,
    );
  }
  if (naiveAA && naiveFp !== null) {
    L.push(`| Naive method A/A false positives (one tinybench Bench, intervals do not overlap) | (comparison) | **${naiveFp} of ${naiveAA.trials.length}** | |`);
  }
  if (cost1) {
    L.push(`| Cost: one candidate, runHotpath \`check\` end to end (CLI defaults) | < 15 s | **${(cost1.wallMs / 1000).toFixed(1)} s** (load ${cost1.load1.toFixed(1)}) | ${mark(cost1.wallMs < 15_000)} |`);
  }
  if (cost1b) {
    L.push(`| Cost: one candidate, with VS Code's ${cost1b.benchBudgetMs} ms benchmark budget | < 15 s | **${(cost1b.wallMs / 1000).toFixed(1)} s** (load ${cost1b.load1.toFixed(1)}) | ${mark(cost1b.wallMs < 15_000)} |`);
  }
  L.push('');

  if (r.parts.truth?.length) {
    L.push('## True ratios (one long, careful run per pair)');
    L.push('');
    L.push(`${r.parts.truth[0]!.rounds} rounds, fresh process per arm per round, ${fmtTiming(r.parts.truth[0]!.timing)}.`);
    L.push('');
    L.push('| Pair | Work ratio | Measured ratio | 95% CI | Original per call | Variant per call | Load (1 min) |');
    L.push('|---|---|---|---|---|---|---|');
    for (const t of r.parts.truth) {
      L.push(`| ${t.pair} | ${t.target} | **${f3(t.estimate)}** | ${f3(t.low)}–${f3(t.high)} | ${(t.originalNs / 1e6).toFixed(3)} ms | ${(t.candidateNs / 1e6).toFixed(3)} ms | ${t.load1.toFixed(1)} |`);
    }
    L.push('');
  }

  const confirmTable = (title: string, e: ConfirmExperiment, sm: ConfirmSummary) => {
    L.push(`### ${title}`);
    L.push('');
    L.push(`${e.trials.length} trials, ${e.rounds} rounds each, ${fmtTiming(e.timing)}${e.aaArm ? ', with the A/A arm' : ''}; ${(e.wallMs / 1000).toFixed(0)} s in all, started ${e.startedAt}.`);
    L.push('');
    L.push('| | min / q1 / median / q3 / max |');
    L.push('|---|---|');
    L.push(`| Estimate | ${spread(sm.estimates)} |`);
    L.push(`| CI low | ${spread(sm.lows)} |`);
    L.push(`| CI high | ${spread(sm.highs)} |`);
    L.push(`| CI width (high/low) | ${spread(e.trials.filter((t) => t.verdict !== 'error').map((t) => t.high / t.low))} |`);
    L.push('');
    L.push(
      `Verdicts: ${sm.faster} \`faster\` of ${sm.n}${sm.errors ? ` (${sm.errors} errors)` : ''}; decide() alone ${sm.rawFaster}; withheld by the A/A arm ${sm.vetoes}; ` +
        `replicated (lower bound under ${formatRatio(defaultOf('minSpeedup') * DEFAULTS.replicateBelow)}) ${sm.replicated}, of which not confirmed by the replication ${sm.notReplicated}. ` +
        `Intervals excluding 1: ${sm.excludeOne}; containing ${e.target}: ${sm.containTarget}. Mean estimate ${f3(sm.meanEstimate)} (geometric ${f3(sm.geoMeanEstimate)}). ` +
        `SD of a round's log ratio: ${f3(sm.roundLogSd)}. Trials under competing load (≥ ${cores / 2} extra runnable tasks on average): ${sm.busy}.`,
    );
    if (sm.aaArm.n) {
      L.push('');
      L.push(
        `The run's own A/A arm (original vs a copy, same rounds): ${sm.aaArm.reachMin} of ${sm.aaArm.n} beyond ${defaultOf('minSpeedup')}x (would withhold a claim), ${sm.aaArm.excludeOne} excluding 1; estimates ${spread(sm.aaArm.estimates)}.`,
      );
    }
    L.push('');
    L.push('<details><summary>Per trial</summary>');
    L.push('');
    L.push('| # | Estimate | 95% CI | Verdict | A/A arm | Wall | Load 1 min | Runnable |');
    L.push('|---|---|---|---|---|---|---|---|');
    for (const t of e.trials) {
      const aaText = t.aa ? `${f3(t.aa.estimate)} (${f3(t.aa.low)}–${f3(t.aa.high)})${t.aaVeto ? ' veto' : ''}` : '–';
      L.push(
        `| ${t.i + 1} | ${f3(t.estimate)} | ${f3(t.low)}–${f3(t.high)} | ${t.verdict}${t.error ? `: ${t.error}` : ''} | ${aaText} | ${(t.wallMs / 1000).toFixed(1)} s | ${t.load1.toFixed(1)} | ${f3(t.runnableMean)} |`,
      );
    }
    L.push('');
    L.push('</details>');
    L.push('');
  };

  if (aa || p125 || p3) {
    L.push('## Engine decisions (confirmation at defaults)');
    L.push('');
    if (r.parts.aa && aa) confirmTable('A/A: original vs a byte-identical copy', r.parts.aa, aa);
    if (r.parts.power125 && p125) confirmTable('Power: 80% of the work (1.25x)', r.parts.power125, p125);
    if (r.parts.power3 && p3) confirmTable('Precision: 3x', r.parts.power3, p3);
  }

  const naiveSection = (e: NaiveExperiment) => {
    const ok = e.trials.filter((t) => !t.error);
    L.push(`### ${e.label}`);
    L.push('');
    L.push(
      `${e.trials.length} trials, each a fresh process with one tinybench \`Bench\` (defaults: 1 s per task, 250 ms warm-up), tasks a then b; different when mean ± moe intervals do not overlap. ` +
        `**Different: ${ok.filter((t) => t.different).length} of ${ok.length}** (b faster: ${ok.filter((t) => t.bFaster).length}). ` +
        `Ratio a/b: ${spread(ok.map((t) => t.ratio))} (min / q1 / median / q3 / max); median rme a ${f3(median(ok.map((t) => (t.a.moe / t.a.mean) * 100)))}%, b ${f3(median(ok.map((t) => (t.b.moe / t.b.mean) * 100)))}%.`,
    );
    L.push('');
  };
  if (r.parts.naiveAA || r.parts.naive125) {
    L.push('## The naive method, same machine, same run');
    L.push('');
    if (r.parts.naiveAA) naiveSection(r.parts.naiveAA);
    if (r.parts.naive125) naiveSection(r.parts.naive125);
  }

  if (r.parts.cost?.length) {
    L.push('## Cost: runHotpath `check` end to end');
    L.push('');
    L.push('Fixture: the 1.25x original with 1, 2 or 4 equivalent, faster candidates (1.25x, 2.5x, 5x, 1.25x written with while loops). Includes bundling, verification, size probing, screening and confirmation.');
    L.push('');
    L.push('| Candidates | Budget | Wall time | Per candidate | Verify | Benchmark | Headline size | Verdicts | Load 1 min |');
    L.push('|---|---|---|---|---|---|---|---|---|');
    for (const c of r.parts.cost) {
      const v = c.verdicts.map((x) => `${x.label}: ${x.verdict} ${f3(x.estimate)}`).join('; ');
      L.push(
        `| ${c.candidates} | ${c.benchBudgetMs !== undefined ? `${c.benchBudgetMs} ms (VS Code default)` : `none (CLI: ${r.settings.confirmRounds} rounds)`} | ${(c.wallMs / 1000).toFixed(1)} s | ${(c.wallMs / 1000 / c.candidates).toFixed(1)} s | ${(c.timing.verifyMs / 1000).toFixed(1)} s | ${(c.timing.benchMs / 1000).toFixed(1)} s | ${c.headlineSize ?? '–'} | ${v} | ${c.load1.toFixed(1)} |`,
      );
    }
    L.push('');
  }

  const truncTable = roundsTable(r);
  if (truncTable.length) {
    L.push('## Fewer confirmation rounds (re-analysis of the same trials)');
    L.push('');
    L.push(
      'The first k rounds of a 12-round confirmation are exactly a k-round confirmation (same seed, same arm order), so the stored per-round times show what fewer rounds would have decided, at no extra cost. Verdicts include the A/A-arm veto over the same k rounds.',
    );
    L.push('');
    L.push(...truncTable);
    L.push('');
  }

  if (r.parts.costEarlier?.length) {
    L.push('Earlier cost runs, replaced by the runs above (re-run because the machine was busy):');
    L.push('');
    L.push('| Started | Candidates | Wall time | Headline size | Verdicts (estimate, 95% CI) | A/A arm | Load 1 min |');
    L.push('|---|---|---|---|---|---|---|');
    for (const c of r.parts.costEarlier) {
      const v = c.verdicts.map((x) => `${x.label}: ${x.verdict} ${f3(x.estimate)} (${f3(x.low)}–${f3(x.high)})`).join('; ');
      const nf = c.noiseFloor ? `${f3(c.noiseFloor.estimate)} (${f3(c.noiseFloor.low)}–${f3(c.noiseFloor.high)})` : '–';
      L.push(`| ${c.startedAt} | ${c.candidates}${c.benchBudgetMs !== undefined ? ` (budget ${c.benchBudgetMs} ms)` : ''} | ${(c.wallMs / 1000).toFixed(1)} s | ${c.headlineSize ?? '–'} | ${v} | ${nf} | ${c.load1.toFixed(1)} |`);
    }
    L.push('');
  }

  if (r.parts.alternatives?.length) {
    L.push('## Alternative confirmation settings');
    L.push('');
    L.push('| Setting | Experiment | Faster | Intervals excluding 1 | Intervals containing the target | Mean estimate | Median CI width (high/low) | Trials under competing load | Wall per trial |');
    L.push('|---|---|---|---|---|---|---|---|---|');
    for (const e of r.parts.alternatives) {
      const sm = summarizeConfirm(e, cores);
      L.push(
        `| ${e.rounds} rounds; ${e.timing.warmupMs}+${e.timing.timeMs} ms; size ${e.size ?? TRIAL_SIZE} | ${e.label} | ${sm.faster} of ${sm.n} | ${sm.excludeOne} | ${sm.containTarget} | ${f3(sm.meanEstimate)} | ${f3(median(e.trials.map((t) => t.high / t.low)))} | ${sm.busy} | ${(e.wallMs / 1000 / Math.max(1, e.trials.length)).toFixed(1)} s |`,
      );
    }
    L.push('');
  }

  L.push('## Interpretation');
  L.push('');
  for (const line of interpretation(r)) L.push(`- ${line}`);
  L.push('');

  L.push('## Load during the runs');
  L.push('');
  L.push(
    'Other engineers share this 2-core VM. "Runnable" is the mean number of runnable tasks sampled every 200 ms from /proc/loadavg during a trial; our own share is about 2 (the measured child and the sampler), so a value well above 2 means competing work.',
  );
  L.push('');
  L.push('| Run started | Parts | Wall | Load (1 min) at start → end |');
  L.push('|---|---|---|---|');
  for (const run of r.runs) {
    L.push(`| ${run.startedAt} | ${run.parts.join(', ')} | ${(run.wallMs / 60_000).toFixed(1)} min | ${run.load1Start.toFixed(1)} → ${run.load1End.toFixed(1)} |`);
  }
  L.push('');
  return L.join('\n');
}

/** The engine's verdict on the first k rounds of a stored trial. */
function verdictOnRounds(t: Trial, k: number): { faster: boolean; estimate: number; low: number; high: number; aaBeyond: boolean } | null {
  const n = Math.min(k, t.originalNs.length);
  if (t.verdict === 'error' || n < 2) return null;
  const paired = Array.from({ length: n }, (_, j) => ({ originalNs: t.originalNs[j] as number, candidateNs: t.candidateNs[j] as number }));
  const s = speedupFromRounds(paired, { seed: defaultOf('seed') });
  let aaBeyond = false;
  if (t.aaNs.length >= n) {
    const a = speedupFromRounds(
      Array.from({ length: n }, (_, j) => ({ originalNs: t.originalNs[j] as number, candidateNs: t.aaNs[j] as number })),
      { seed: defaultOf('seed') },
    );
    aaBeyond = a.low >= defaultOf('minSpeedup') || a.high <= 1 / defaultOf('minSpeedup');
  }
  const faster = decide(s, defaultOf('minSpeedup')).verdict === 'faster' && !aaBeyond;
  return { faster, estimate: s.estimate, low: s.low, high: s.high, aaBeyond };
}

function roundsTable(r: Results): string[] {
  const exps = [r.parts.aa, r.parts.power125, r.parts.power3].filter((e): e is ConfirmExperiment => !!e);
  if (!exps.length) return [];
  const maxRounds = Math.max(...exps.map((e) => e.rounds));
  const ks = [3, 4, 6, 8, 10, maxRounds].filter((k, j, a) => k <= maxRounds && a.indexOf(k) === j);
  const L: string[] = [];
  L.push('| Rounds | ' + exps.map((e) => `${e.label}: faster / containing ${e.target} / median CI width`).join(' | ') + ' | A/A arms beyond 1.05x |');
  L.push('|---|' + exps.map(() => '---|').join('') + '---|');
  for (const k of ks) {
    const cells = exps.map((e) => {
      const v = e.trials.map((t) => verdictOnRounds(t, k)).filter((x): x is NonNullable<typeof x> => x !== null);
      const contain = v.filter((x) => x.low <= e.target && e.target <= x.high).length;
      return `${v.filter((x) => x.faster).length} / ${contain} / ${f3(median(v.map((x) => x.high / x.low)))} (of ${v.length})`;
    });
    const aaBeyond = exps.flatMap((e) => e.trials.map((t) => verdictOnRounds(t, k))).filter((x) => x?.aaBeyond).length;
    const aaN = exps.flatMap((e) => e.trials.filter((t) => t.aaNs.length >= k)).length;
    L.push(`| ${k} | ${cells.join(' | ')} | ${aaBeyond} of ${aaN} |`);
  }
  return L;
}

/** Seconds of wall time per sandboxed process in a confirmation experiment. */
function perProcessSeconds(e: ConfirmExperiment): number {
  const arms = e.aaArm ? 3 : 2;
  const ok = e.trials.filter((t) => t.rounds > 0);
  return ok.length ? mean(ok.map((t) => t.wallMs / 1000 / (t.rounds * arms))) : NaN;
}

/** Sentences that read the numbers (generated, so they stay true when the numbers change). */
function interpretation(r: Results): string[] {
  const out: string[] = [];
  const cores = r.machine.cores;
  const aa = r.parts.aa ? summarizeConfirm(r.parts.aa, cores) : null;
  const p125 = r.parts.power125 ? summarizeConfirm(r.parts.power125, cores) : null;
  const p3 = r.parts.power3 ? summarizeConfirm(r.parts.power3, cores) : null;
  const t125 = r.parts.truth?.find((t) => t.pair === '1.25x');
  const t3 = r.parts.truth?.find((t) => t.pair === '3x');
  if (aa) {
    const widest = Math.max(...aa.highs.map((h, k) => h / (aa.lows[k] ?? h)));
    out.push(
      `A/A: identical code was called faster in ${aa.faster} of ${aa.n} engine confirmations; estimates ranged ${f3(Math.min(...aa.estimates))}–${f3(Math.max(...aa.estimates))} and ` +
        `${aa.excludeOne} of ${aa.n} intervals excluded 1 (a nominal 95% interval should exclude it about ${(aa.n * 0.05).toFixed(1)} times). The widest interval spanned a factor ${f3(widest)}.`,
    );
  }
  if (r.parts.naiveAA) {
    const n = r.parts.naiveAA.trials.filter((t) => !t.error);
    const diff = n.filter((t) => t.different).length;
    const gap = Math.max(...n.map((t) => Math.abs(Math.log(t.ratio))));
    out.push(
      `The naive method (one tinybench Bench, non-overlapping mean ± moe) called the same code different in ${diff} of ${n.length} trials, with apparent gaps up to ${((Math.exp(gap) - 1) * 100).toFixed(1)}%: its in-process margin of error is not the uncertainty of a comparison between two functions.`,
    );
  }
  if (p125) {
    out.push(
      `Power: the variant doing 80% of the work${t125 ? ` (measured ${f3(t125.estimate)}x in the long run)` : ''} was confirmed \`faster\` in ${p125.faster} of ${p125.n} trials; mean estimate ${f3(p125.meanEstimate)}, ` +
        `${p125.containTarget} of ${p125.n} intervals contained 1.25${t125 ? ` and ${r.parts.power125!.trials.filter((t) => t.low <= t125.estimate && t125.estimate <= t.high).length} the measured ${f3(t125.estimate)}` : ''}.`,
    );
  }
  if (p3) {
    out.push(
      `Precision: the 3x variant${t3 ? ` (measured ${f3(t3.estimate)}x)` : ''} was estimated at ${f3(p3.meanEstimate)} on average (${f3((p3.meanEstimate / 3 - 1) * 100)}% from 3; estimates ${f3(Math.min(...p3.estimates))}–${f3(Math.max(...p3.estimates))}); ` +
        `${p3.containTarget} of ${p3.n} intervals contained 3.`,
    );
  }
  const cost = (r.parts.cost ?? []).filter((c) => c.benchBudgetMs === undefined);
  const c1 = cost.find((c) => c.candidates === 1);
  if (c1) {
    const growth =
      cost.length > 1
        ? (() => {
            const last = cost[cost.length - 1]!;
            return ` With ${last.candidates} candidates it took ${(last.wallMs / 1000).toFixed(1)} s (${(((last.wallMs - c1.wallMs) / 1000) / (last.candidates - 1)).toFixed(1)} s per extra candidate: screening grows by one process per round per candidate, and up to ${r.settings.maxConfirm} candidates are confirmed on their own fresh rounds).`;
          })()
        : '';
    const perProc = r.parts.aa ? perProcessSeconds(r.parts.aa) : NaN;
    const aaLoad = r.parts.aa ? mean(r.parts.aa.trials.map((t) => t.load1)) : NaN;
    const procs = r.settings.confirmRounds * (r.settings.aaArm ? 3 : 2);
    out.push(
      `Cost: one candidate took ${(c1.wallMs / 1000).toFixed(1)} s end to end (target < 15 s: ${c1.wallMs < 15_000 ? 'met' : 'not met'}; 1-minute load ${c1.load1.toFixed(1)} on ${cores} cores).${growth}` +
        (Number.isFinite(perProc)
          ? ` The first confirmation alone is ${procs} sandboxed processes (${r.settings.confirmRounds} rounds × ${r.settings.aaArm ? 'original, candidate and A/A copy' : 'original and candidate'}) at ${perProc.toFixed(2)} s each in the A/A trials (mean 1-minute load ${aaLoad.toFixed(1)}) = ${(procs * perProc).toFixed(1)} s, of which only ${((r.settings.confirmTiming.warmupMs + r.settings.confirmTiming.timeMs) / 1000).toFixed(2)} s per process is warm-up and sampling.`
          : ''),
    );
  }
  // Disrupted processes: a per-round time far from its arm's median in the same trial.
  const exps = [r.parts.aa, r.parts.power125, r.parts.power3, ...(r.parts.alternatives ?? [])].filter((e): e is ConfirmExperiment => !!e);
  let processes = 0;
  const disrupted: string[] = [];
  for (const e of exps) {
    for (const t of e.trials) {
      for (const [arm, xs] of [
        ['original', t.originalNs],
        ['candidate', t.candidateNs],
        ['A/A copy', t.aaNs],
      ] as const) {
        const m = median(xs);
        processes += xs.length;
        for (const x of xs) {
          if (x > 3 * m || x < m / 3) {
            disrupted.push(`${e.key} trial ${t.i + 1}: ${arm} ${f3(x / m)}x its median, interval ${f3(t.low)}–${f3(t.high)}, verdict ${t.verdict}`);
          }
        }
      }
    }
  }
  if (processes) {
    out.push(
      `Disrupted processes: ${disrupted.length} of ${processes} measured processes were more than 3x off their arm's median in the same trial${disrupted.length ? ` (${disrupted.slice(0, 3).join('; ')})` : ''}. ` +
        'One such round makes its log ratio huge, and the Student-t part of the interval widens with it, so a single burst of competing work pushes the verdict toward `not-faster` (it costs power). Several moderately slowed rounds are another matter: they can shift an estimate without widening the interval much (see the earlier cost runs, when they are listed).',
    );
  }
  const all: { runnableMean: number }[] = [
    ...(r.parts.aa?.trials ?? []),
    ...(r.parts.power125?.trials ?? []),
    ...(r.parts.power3?.trials ?? []),
  ];
  if (all.length) {
    const busy = all.filter((t) => busyTrial(t, cores)).length;
    out.push(
      `Load: ${busy} of ${all.length} engine trials ran with competing work (on average ≥ ${cores / 2} runnable tasks besides ours); the numbers above include them, so they describe this shared machine as it was, not an idle one.`,
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

function parseArgs(argv: string[]): Args {
  const args: Args = { trials: 20, quick: false, only: null, alt: [], altParts: ['aa', 'power125'], render: false };
  let trialsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--trials') {
      args.trials = Math.max(1, Math.floor(Number(next())));
      trialsGiven = true;
    } else if (a === '--quick') args.quick = true;
    else if (a === '--only') args.only = new Set(next().split(',').map((p) => parsePart(p.trim())));
    else if (a === '--alt') args.alt = next().split(';').filter(Boolean).map(parseAlt);
    else if (a === '--alt-parts') args.altParts = next().split(',').map((p) => parsePart(p.trim()));
    else if (a === '--render') args.render = true;
    else throw new Error(`Unknown argument ${a}. Usage: calibrate.ts [--trials N] [--quick] [--only parts] [--alt configs] [--alt-parts parts]`);
  }
  if (args.quick && !trialsGiven) args.trials = 5;
  // Alternatives alone merge into the existing results unless parts are named too.
  if (args.alt.length && !args.only) args.only = new Set();
  if (!(args.trials > 0)) throw new Error('--trials must be a positive number');
  return args;
}

function parsePart(p: string): Part {
  if ((ALL_PARTS as readonly string[]).includes(p)) return p as Part;
  throw new Error(`Unknown part '${p}' (parts: ${ALL_PARTS.join(', ')})`);
}

function parseAlt(spec: string): AltConfig {
  const base = engineTiming('CONFIRM_TIMING').timing;
  const timing = { ...base };
  let rounds: number = DEFAULTS.confirmRounds;
  let size = TRIAL_SIZE;
  for (const kv of spec.split(',')) {
    const [k, v] = kv.split('=').map((x) => x.trim());
    const n = Number(v);
    if (!k || !Number.isFinite(n)) throw new Error(`Bad --alt setting '${kv}'`);
    if (k === 'rounds') rounds = n;
    else if (k === 'size') size = n;
    else if (k === 'warmupMs' || k === 'timeMs' || k === 'minSampleNs' || k === 'maxCalls') timing[k] = n;
    else throw new Error(`Unknown --alt key '${k}' (rounds, size, warmupMs, timeMs, minSampleNs, maxCalls)`);
  }
  return { label: spec, rounds, timing, size };
}

function loadPrevious(): Results | null {
  if (!existsSync(OUT_JSON)) return null;
  try {
    const r = JSON.parse(readFileSync(OUT_JSON, 'utf8')) as Results;
    return r.version === 1 ? r : null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.render) {
    const prev = loadPrevious();
    if (!prev) throw new Error(`No ${OUT_JSON} to render`);
    writeFileSync(OUT_MD, renderMarkdown(prev));
    return;
  }
  const t0 = performance.now();
  const load1Start = os.loadavg()[0] ?? NaN;
  const screen = engineTiming('SCREEN_TIMING');
  const confirm = engineTiming('CONFIRM_TIMING');
  const aaArm = engineHasAaArm();
  const want = (p: Part): boolean => (args.only ? args.only.has(p) : true);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'hotpath-calibrate-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    log(`Building fixtures in ${dir}`);
    const fx = await buildFixture(dir);
    const machine = machineInfo(fx.nodePath);
    log(`${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}; load1 ${load1Start.toFixed(1)}`);
    log(`Defaults: confirm ${DEFAULTS.minConfirmRounds} rounds (the fewest the engine plans) (${fmtTiming(confirm.timing)}, ${confirm.source}); A/A arm: ${aaArm ? 'yes' : 'no'}; ${args.trials} trials`);

    const prev = args.only ? loadPrevious() : null;
    const results: Results = {
      version: 1,
      machine,
      settings: {
        minSpeedup: defaultOf('minSpeedup'),
        screenRounds: DEFAULTS.screenRounds,
        confirmRounds: DEFAULTS.minConfirmRounds,
        maxConfirm: DEFAULTS.maxConfirm,
        screenTiming: screen.timing,
        confirmTiming: confirm.timing,
        timingSource:
          confirm.source === 'export'
            ? 'exported constants'
            : 'SCREEN_TIMING/CONFIRM_TIMING are not exported: parsed from the source text',
        aaArm,
        trialSize: TRIAL_SIZE,
        poolCount: DEFAULTS.poolCount,
        trials: args.trials,
      },
      parts: prev ? { ...prev.parts } : {},
      runs: prev?.runs ?? [],
    };
    const save = () => {
      mkdirSync(path.dirname(OUT_JSON), { recursive: true });
      writeFileSync(OUT_JSON, JSON.stringify(results, null, 1) + '\n');
      writeFileSync(OUT_MD, renderMarkdown(results));
    };
    // The engine plans 6 to 12 confirmation rounds from the screening pilot; a clear, steady
    // difference gets the fewest. Calibrate at the fewest: the worst case for both error rates.
    const defaultCfg = { rounds: DEFAULTS.minConfirmRounds, timing: confirm.timing, aaArm };
    const b = fx.bundles;

    if (want('cost')) {
      const ns = args.quick ? [1] : [1, 2, 4];
      if (prev?.parts.cost?.length) results.parts.costEarlier = [...(prev.parts.costEarlier ?? []), ...prev.parts.cost];
      results.parts.cost = [];
      for (const n of ns) {
        results.parts.cost.push(await costRun(fx, n));
        save();
      }
      // VS Code passes its benchBudgetMs setting (default 12000), which sets the confirmation rounds.
      results.parts.cost.push(await costRun(fx, 1, 12_000));
      save();
      const h = results.parts.cost.find((c) => c.headlineSize !== null)?.headlineSize;
      if (h !== undefined && h !== null && h !== TRIAL_SIZE) log(`Note: the engine chose size ${h} for this function; the trials use ${TRIAL_SIZE}.`);
    }
    if (want('truth')) {
      const rounds = args.quick ? 10 : 20;
      results.parts.truth = [
        await truthRun(fx, '1.25x', PAIR_125.target, b.original, b.v125, rounds),
        await truthRun(fx, '3x', PAIR_3.target, b.original3, b.v3, rounds),
      ];
      save();
    }
    if (want('aa')) {
      results.parts.aa = await confirmExperiment(fx, 'aa', 'A/A', 1, { original: b.original, candidate: b.copyB, aaCopy: b.copyC }, defaultCfg, args.trials);
      save();
    }
    if (want('power125')) {
      results.parts.power125 = await confirmExperiment(fx, 'power125', '1.25x', PAIR_125.target, { original: b.original, candidate: b.v125, aaCopy: b.copyB }, defaultCfg, args.trials);
      save();
    }
    if (want('power3')) {
      results.parts.power3 = await confirmExperiment(fx, 'power3', '3x', PAIR_3.target, { original: b.original3, candidate: b.v3, aaCopy: b.original3copy }, defaultCfg, args.trials);
      save();
    }
    if (want('naive')) {
      results.parts.naiveAA = await naiveExperiment(fx, 'naiveAA', 'Naive A/A: original vs a byte-identical copy', 1, b.original, b.copyB, args.trials);
      save();
      results.parts.naive125 = await naiveExperiment(fx, 'naive125', 'Naive 1.25x: original vs 80% of the work', PAIR_125.target, b.original, b.v125, args.trials);
      save();
    }
    if (args.alt.length) {
      const alts = results.parts.alternatives ?? [];
      for (const cfg of args.alt) {
        for (const part of args.altParts) {
          const arms =
            part === 'aa'
              ? { original: b.original, candidate: b.copyB, aaCopy: b.copyC }
              : part === 'power3'
                ? { original: b.original3, candidate: b.v3, aaCopy: b.original3copy }
                : { original: b.original, candidate: b.v125, aaCopy: b.copyB };
          const target = part === 'aa' ? 1 : part === 'power3' ? 3 : 1.25;
          const label = part === 'aa' ? 'A/A' : part === 'power3' ? '3x' : '1.25x';
          log(`Alternative ${cfg.label}: ${label}`);
          const e = await confirmExperiment(fx, `alt ${cfg.label} ${part}`, label, target, arms, { rounds: cfg.rounds, timing: cfg.timing, aaArm, size: cfg.size }, args.trials);
          const idx = alts.findIndex((x) => x.key === e.key);
          if (idx >= 0) alts[idx] = e;
          else alts.push(e);
          results.parts.alternatives = alts;
          save();
        }
      }
    }
    results.runs.push({
      startedAt: new Date(Date.now() - (performance.now() - t0)).toISOString(),
      args: process.argv.slice(2),
      wallMs: performance.now() - t0,
      parts: [...ALL_PARTS.filter(want), ...(args.alt.length ? [`alt(${args.alt.map((a) => a.label).join('; ')})`] : [])],
      load1Start,
      load1End: os.loadavg()[0] ?? NaN,
    });
    save();
    log(`Done in ${((performance.now() - t0) / 60_000).toFixed(1)} min: ${path.relative(process.cwd(), OUT_MD)}, ${path.relative(process.cwd(), OUT_JSON)}`);
  } finally {
    cleanup();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`calibrate: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
