/**
 * Decision statistics. A speedup is reported only when a confidence interval over independent
 * benchmark rounds (each round = one fresh process per arm, paired) clears a threshold.
 * Pure functions; randomness comes from the seeded generator in rng.ts, so every interval is
 * reproducible for a seed.
 */
import { createRng } from '../rng';
import type { SpeedupInterval } from '../types';
import { formatCi, formatRatio } from '../report/format';

// ---------------------------------------------------------------------------------------------
// Descriptive statistics
// ---------------------------------------------------------------------------------------------

function sorted(xs: readonly number[]): number[] {
  return xs.slice().sort((a, b) => a - b);
}

/** Quantile of already sorted data, Hyndman & Fan type 7 (R's default, numpy's 'linear'). */
function quantileSorted(s: readonly number[], q: number): number {
  const n = s.length;
  if (n === 0) return NaN;
  const p = Math.min(1, Math.max(0, q));
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const a = s[lo] as number;
  const b = s[Math.min(n - 1, lo + 1)] as number;
  return h === lo ? a : a + (h - lo) * (b - a);
}

/** Quantile q ∈ [0, 1], type 7 (linear interpolation between order statistics). NaN for no data. */
export function quantile(xs: readonly number[], q: number): number {
  return quantileSorted(sorted(xs), q);
}

/** Median (type 7 quantile at 0.5). NaN for no data. */
export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** Arithmetic mean. NaN for no data. */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Geometric mean of positive values; NaN for no data or any value ≤ 0. */
export function geometricMean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) {
    if (!(x > 0)) return NaN;
    s += Math.log(x);
  }
  return Math.exp(s / xs.length);
}

/** Sample variance (n − 1 denominator). NaN for fewer than two values. */
export function variance(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return s / (n - 1);
}

// ---------------------------------------------------------------------------------------------
// Distributions
// ---------------------------------------------------------------------------------------------

/** Standard normal CDF (Numerical Recipes' Chebyshev erfc; relative error < 1.2e-7, ample for confidence levels). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z === Infinity) return 1;
  if (z === -Infinity) return 0;
  return 0.5 * erfc(-z / Math.SQRT2);
}

function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Inverse of the standard normal CDF (Acklam's algorithm with one Halley refinement step). */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const A = (i: number) => a[i] as number;
  const B = (i: number) => b[i] as number;
  const C = (i: number) => c[i] as number;
  const D = (i: number) => d[i] as number;
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((C(0) * q + C(1)) * q + C(2)) * q + C(3)) * q + C(4)) * q + C(5)) / ((((D(0) * q + D(1)) * q + D(2)) * q + D(3)) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((A(0) * r + A(1)) * r + A(2)) * r + A(3)) * r + A(4)) * r + A(5)) * q) / (((((B(0) * r + B(1)) * r + B(2)) * r + B(3)) * r + B(4)) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((C(0) * q + C(1)) * q + C(2)) * q + C(3)) * q + C(4)) * q + C(5)) / ((((D(0) * q + D(1)) * q + D(2)) * q + D(3)) * q + 1);
  }
  // Halley step against our CDF so that normalCdf(normalQuantile(p)) ≈ p.
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9).
  const g = 7;
  const coef = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let s = coef[0] as number;
  for (let i = 1; i < g + 2; i++) s += (coef[i] as number) / (x + i);
  const t = x + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
}

/** Continued fraction for the regularized incomplete beta function (Numerical Recipes betacf). */
function betacf(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-14) break;
  }
  return h;
}

function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const bt = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (bt * betacf(a, b, x)) / a;
  return 1 - (bt * betacf(b, a, 1 - x)) / b;
}

/** CDF of Student's t distribution with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** Quantile of Student's t distribution (bisection on the CDF; accurate to ~1e-10). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  if (p === 0.5) return 0;
  let lo = -1e7;
  let hi = 1e7;
  for (let i = 0; i < 200 && hi - lo > 1e-11 * Math.max(1, Math.abs(lo)); i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

// ---------------------------------------------------------------------------------------------
// Bootstrap
// ---------------------------------------------------------------------------------------------

export interface BootstrapOptions {
  /** Number of resamples; values below 2000 are raised to 2000. Default 5000. */
  resamples?: number;
  /** Confidence level of the two-sided interval. Default 0.95. */
  confidence?: number;
  /** Seed of the resampling generator. Default fixed, so intervals are reproducible. */
  seed?: number;
  /** 'bca' (default): bias-corrected and accelerated; 'percentile': plain percentile interval. */
  method?: 'bca' | 'percentile';
}

export interface BootstrapResult {
  estimate: number;
  low: number;
  high: number;
  /** The method actually used (BCa falls back to percentile when it cannot be computed). */
  method: 'bca' | 'percentile' | 'degenerate';
}

const DEFAULT_SEED = 0x5eed_b007;

/**
 * Bootstrap confidence interval of `statistic` over `data`.
 *
 * BCa (Efron 1987): the percentile levels are shifted by a bias correction z0 (how far the
 * bootstrap distribution sits from the estimate) and an acceleration `a` (jackknife skewness
 * of the statistic), which corrects the percentile interval's coverage on skewed statistics.
 * Falls back to the percentile interval when n < 3, when the bootstrap distribution lies
 * entirely on one side of the estimate (z0 infinite), or when the jackknife is degenerate.
 * With n < 2 (or every resample equal) the interval is [estimate, estimate].
 */
export function bootstrapCI(data: readonly number[], statistic: (xs: number[]) => number, opts: BootstrapOptions = {}): BootstrapResult {
  const n = data.length;
  const xs = data.slice();
  const estimate = statistic(xs.slice());
  if (n < 2 || !Number.isFinite(estimate)) return { estimate, low: estimate, high: estimate, method: 'degenerate' };
  const B = Math.max(2000, Math.floor(opts.resamples ?? 5000));
  const confidence = opts.confidence ?? 0.95;
  const alpha = (1 - confidence) / 2;
  const rng = createRng(opts.seed ?? DEFAULT_SEED);

  const boot = new Float64Array(B);
  const sample: number[] = new Array<number>(n);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) sample[i] = xs[Math.floor(rng.next() * n)] as number;
    boot[b] = statistic(sample.slice());
  }
  const sortedBoot = Array.from(boot).sort((p, q) => p - q);
  const first = sortedBoot[0] as number;
  const last = sortedBoot[B - 1] as number;
  if (first === last) return { estimate, low: estimate, high: estimate, method: 'degenerate' };

  const percentile = (): BootstrapResult => ({
    estimate,
    low: quantileSorted(sortedBoot, alpha),
    high: quantileSorted(sortedBoot, 1 - alpha),
    method: 'percentile',
  });
  if ((opts.method ?? 'bca') === 'percentile' || n < 3) return percentile();

  // Bias correction: ties count half, so a symmetric discrete distribution gives z0 = 0.
  let below = 0;
  let equal = 0;
  for (const v of sortedBoot) {
    if (v < estimate) below++;
    else if (v === estimate) equal++;
  }
  const p0 = (below + equal / 2) / B;
  if (p0 <= 0 || p0 >= 1) return percentile();
  const z0 = normalQuantile(p0);

  // Acceleration from the jackknife.
  const jack: number[] = [];
  for (let i = 0; i < n; i++) {
    const loo = xs.slice(0, i).concat(xs.slice(i + 1));
    jack.push(statistic(loo));
  }
  const jm = mean(jack);
  let num = 0;
  let den = 0;
  for (const j of jack) {
    const d = jm - j;
    num += d * d * d;
    den += d * d;
  }
  const acc = den > 0 ? num / (6 * Math.pow(den, 1.5)) : 0;
  if (!Number.isFinite(acc) || !Number.isFinite(z0)) return percentile();

  const adjust = (zAlpha: number): number => {
    const s = z0 + zAlpha;
    const denom = 1 - acc * s;
    if (denom <= 0) return NaN;
    return normalCdf(z0 + s / denom);
  };
  const a1 = adjust(normalQuantile(alpha));
  const a2 = adjust(normalQuantile(1 - alpha));
  if (!Number.isFinite(a1) || !Number.isFinite(a2) || a1 >= a2) return percentile();
  return { estimate, low: quantileSorted(sortedBoot, a1), high: quantileSorted(sortedBoot, a2), method: 'bca' };
}

// ---------------------------------------------------------------------------------------------
// Speedup over rounds
// ---------------------------------------------------------------------------------------------

export interface RoundTimes {
  /** The original's per-call time in this round (the median of the round's samples), in ns. */
  originalNs: number;
  /** The candidate's per-call time in the same round, in ns. */
  candidateNs: number;
}

export interface SpeedupOptions extends Omit<BootstrapOptions, 'method'> {
  method?: 'bca' | 'percentile';
  /**
   * Widen the interval to also contain the Student-t interval of the mean log ratio (default
   * true). Bootstrap intervals of a mean are too narrow with few rounds (no t correction and
   * a (n−1)/n variance bias: at n = 10 a nominal 95% percentile interval covers ~90%); the
   * union keeps the false-positive rate of the verdict at or below that of either method.
   */
  smallSampleGuard?: boolean;
}

/**
 * Speedup (original time / candidate time) with a confidence interval over paired rounds.
 *
 * Each round contributes one log ratio ln(original / candidate). Pairing within a round
 * cancels machine-wide slow phases that hit both arms. The estimate is exp(mean log ratio),
 * the geometric mean of the per-round ratios: we use the mean rather than the median because
 * the interval is built for the mean (so the estimate is the statistic the interval covers,
 * and always lies inside it), and the bootstrap of a mean is smooth, while the bootstrap
 * distribution of a median over 10–30 rounds is lumpy and its BCa correction unreliable.
 * The log scale makes the ratio symmetric (2x faster and 2x slower are ±ln 2).
 *
 * Rounds with a non-positive or non-finite time are ignored. With fewer than two usable
 * rounds there is no interval: the result is [estimate, estimate] with `confidence: 0`,
 * which decide() reads as "not enough data" (never 'faster'). With no usable round the
 * estimate is 1.
 */
export function speedupFromRounds(rounds: readonly RoundTimes[], opts: SpeedupOptions = {}): SpeedupInterval {
  const confidence = opts.confidence ?? 0.95;
  const logs: number[] = [];
  for (const r of rounds) {
    const o = r.originalNs;
    const c = r.candidateNs;
    if (o > 0 && c > 0 && Number.isFinite(o) && Number.isFinite(c)) logs.push(Math.log(o / c));
  }
  if (logs.length === 0) return { estimate: 1, low: 1, high: 1, confidence: 0 };
  const m = mean(logs);
  if (logs.length < 2) return { estimate: Math.exp(m), low: Math.exp(m), high: Math.exp(m), confidence: 0 };

  const ci = bootstrapCI(logs, mean, { resamples: opts.resamples, confidence, seed: opts.seed, method: opts.method ?? 'bca' });
  let low = ci.low;
  let high = ci.high;
  if (opts.smallSampleGuard ?? true) {
    const n = logs.length;
    const se = Math.sqrt(variance(logs) / n);
    const tq = studentTQuantile(1 - (1 - confidence) / 2, n - 1);
    if (Number.isFinite(se) && Number.isFinite(tq)) {
      low = Math.min(low, m - tq * se);
      high = Math.max(high, m + tq * se);
    }
  }
  return { estimate: Math.exp(m), low: Math.exp(low), high: Math.exp(high), confidence };
}

export interface Decision {
  verdict: 'faster' | 'not-faster';
  reason: string;
  /** The interval is too wide to say anything (UNINFORMATIVE_SPREAD): the measurement failed, not the candidate. */
  unmeasured: boolean;
}

/**
 * An interval whose ends are further apart than this factor (0.0015–248x) carries no
 * information: the rounds disagree with each other, so the measurement failed. It is never
 * shown as a result; the candidate is measured again or reported as not measurable.
 */
export const UNINFORMATIVE_SPREAD = 10;

export function isUninformative(interval: SpeedupInterval): boolean {
  return !(interval.low > 0) || !Number.isFinite(interval.high) || interval.high / interval.low > UNINFORMATIVE_SPREAD;
}

/**
 * The verdict on a speedup interval: 'faster' iff the interval's lower bound is at least
 * `minSpeedup` (and the interval is a real one, confidence > 0). Otherwise a one-sentence
 * reason that says which of "slower", "no significant difference" and "faster but not clearly
 * above the threshold" the data supports.
 */
export function decide(interval: SpeedupInterval, minSpeedup: number): Decision {
  const est = formatRatio(interval.estimate);
  if (!(interval.confidence > 0)) {
    return { verdict: 'not-faster', reason: `Not enough benchmark rounds to decide (${est} from fewer than two rounds).`, unmeasured: true };
  }
  const ci = formatCi(interval);
  if (interval.low >= minSpeedup) {
    return { verdict: 'faster', reason: `Faster: ${est} (${ci}), above the ${formatRatio(minSpeedup)} threshold.`, unmeasured: false };
  }
  if (isUninformative(interval)) {
    return {
      verdict: 'not-faster',
      reason: `Could not be measured: its benchmark rounds disagree with each other too much to tell (${ci}), so no speed claim is made.`,
      unmeasured: true,
    };
  }
  if (interval.high < 1) return { verdict: 'not-faster', reason: `Slower: ${est} (${ci}).`, unmeasured: false };
  if (interval.low > 1) {
    return { verdict: 'not-faster', reason: `Faster by ${est} but not clearly above the ${formatRatio(minSpeedup)} threshold (${ci}).`, unmeasured: false };
  }
  return { verdict: 'not-faster', reason: `No significant difference (${est}, ${ci}).`, unmeasured: false };
}

// ---------------------------------------------------------------------------------------------
// Noise floor (A/A) and growth
// ---------------------------------------------------------------------------------------------

/**
 * The noise floor from A/A rounds (the original benchmarked against itself): the half width of
 * the interval on the ln scale and its upper bound as a ratio. Identical code "looks" up to
 * `ratioHigh` times faster on this machine at this round count.
 */
export function noiseFloor(aaRounds: readonly RoundTimes[], opts: SpeedupOptions = {}): { halfWidth: number; ratioHigh: number; interval: SpeedupInterval } {
  const interval = speedupFromRounds(aaRounds, opts);
  if (!(interval.confidence > 0)) return { halfWidth: Infinity, ratioHigh: Infinity, interval };
  return { halfWidth: (Math.log(interval.high) - Math.log(interval.low)) / 2, ratioHigh: interval.high, interval };
}

/**
 * True when the machine is too noisy for the threshold: the A/A interval reaches `minSpeedup`,
 * i.e. identical code can look as fast as a winner must. An A/A result without an interval
 * (fewer than two rounds) counts as too noisy, since nothing was shown.
 */
export function tooNoisy(aaInterval: SpeedupInterval, minSpeedup: number): boolean {
  if (!(aaInterval.confidence > 0)) return true;
  return aaInterval.high >= minSpeedup;
}

/**
 * Empirical growth exponent: the least-squares slope of ln(ns) on ln(size). null with fewer than
 * three points, any non-positive or non-finite value, or a single distinct size.
 */
export function fitGrowth(points: readonly { size: number; ns: number }[]): number | null {
  if (points.length < 3) return null;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const p of points) {
    if (!(p.size > 0 && p.ns > 0 && Number.isFinite(p.size) && Number.isFinite(p.ns))) return null;
    xs.push(Math.log(p.size));
    ys.push(Math.log(p.ns));
  }
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    const dx = (xs[i] as number) - mx;
    sxy += dx * ((ys[i] as number) - my);
    sxx += dx * dx;
  }
  if (!(sxx > 1e-12)) return null;
  return sxy / sxx;
}

/** "~n^2.0" for a growth exponent (one decimal; "-0.0" is shown as "0.0"). */
export function describeGrowth(k: number): string {
  if (!Number.isFinite(k)) return 'unknown growth';
  const r = Math.round(k * 10) / 10;
  return `~n^${(r === 0 ? 0 : r).toFixed(1)}`;
}
