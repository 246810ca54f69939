import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/core/rng';
import {
  bootstrapCI,
  decide,
  describeGrowth,
  fitGrowth,
  geometricMean,
  mean,
  median,
  noiseFloor,
  normalCdf,
  normalQuantile,
  quantile,
  speedupFromRounds,
  studentTQuantile,
  tooNoisy,
} from '../../src/core/benchmark/stats';
import { formatRatio, ratioDigits } from '../../src/core/report/format';

void test('rng is deterministic and int() is inclusive', () => {
  const a = createRng(42);
  const b = createRng(42);
  const xs = Array.from({ length: 50 }, () => a.next());
  const ys = Array.from({ length: 50 }, () => b.next());
  assert.deepEqual(xs, ys);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const r = createRng(7);
  const seen = new Set<number>();
  for (let i = 0; i < 500; i++) seen.add(r.int(1, 3));
  assert.deepEqual([...seen].sort(), [1, 2, 3]);
  const arr = [1, 2, 3, 4, 5];
  const sh = r.shuffle(arr);
  assert.deepEqual(arr, [1, 2, 3, 4, 5]);
  assert.deepEqual([...sh].sort(), arr);
  assert.notDeepEqual(createRng(1).next(), createRng(2).next());
});

void test('descriptive statistics', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
  assert.ok(Number.isNaN(median([])));
  // Type 7: R's quantile(c(1,2,3,4,10), 0.9) = 7.6
  assert.ok(Math.abs(quantile([1, 2, 3, 4, 10], 0.9) - 7.6) < 1e-12);
  assert.equal(quantile([5], 0.3), 5);
  assert.equal(mean([1, 2, 3, 6]), 3);
  assert.ok(Math.abs(geometricMean([1, 4, 16]) - 4) < 1e-12);
  assert.ok(Number.isNaN(geometricMean([1, 0])));
});

void test('normal and t quantiles match tables', () => {
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-5);
  assert.ok(Math.abs(normalQuantile(0.025) + 1.959964) < 1e-5);
  assert.ok(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
  assert.ok(Math.abs(studentTQuantile(0.975, 9) - 2.262157) < 1e-5);
  assert.ok(Math.abs(studentTQuantile(0.975, 1) - 12.7062) < 1e-3);
  assert.ok(Math.abs(studentTQuantile(0.95, 30) - 1.697261) < 1e-5);
});

void test('bootstrap BCa covers a known mean in >= 90 of 100 lognormal datasets', () => {
  const rng = createRng(2024);
  const mu = 0;
  const sigma = 0.6;
  const trueMean = Math.exp(mu + (sigma * sigma) / 2);
  let covered = 0;
  for (let k = 0; k < 100; k++) {
    const data = Array.from({ length: 40 }, () => Math.exp(mu + sigma * rng.normal()));
    const ci = bootstrapCI(data, mean, { resamples: 2000, seed: k });
    assert.ok(ci.low <= ci.estimate && ci.estimate <= ci.high);
    if (ci.low <= trueMean && trueMean <= ci.high) covered++;
  }
  assert.ok(covered >= 90, `covered ${covered}/100`);
  assert.ok(covered <= 100);
});

void test('bootstrap is deterministic for a seed and degenerate on tiny or constant data', () => {
  const data = [1, 5, 2, 8, 3, 9, 4];
  assert.deepEqual(bootstrapCI(data, mean, { seed: 3 }), bootstrapCI(data, mean, { seed: 3 }));
  const one = bootstrapCI([4], mean);
  assert.equal(one.low, 4);
  assert.equal(one.high, 4);
  const same = bootstrapCI([2, 2, 2, 2], mean);
  assert.equal(same.method, 'degenerate');
  assert.equal(same.low, 2);
  const two = bootstrapCI([1, 3], mean);
  assert.equal(two.method, 'percentile');
});

void test('BCa shifts right of the percentile interval on right-skewed data and covers at least as often', () => {
  const rng = createRng(99);
  const sigma = 1.2;
  const trueMean = Math.exp((sigma * sigma) / 2);
  let bcaCover = 0;
  let pctCover = 0;
  let shiftedRight = 0;
  const trials = 100;
  for (let k = 0; k < trials; k++) {
    const data = Array.from({ length: 25 }, () => Math.exp(sigma * rng.normal()));
    const bca = bootstrapCI(data, mean, { resamples: 2000, seed: k, method: 'bca' });
    const pct = bootstrapCI(data, mean, { resamples: 2000, seed: k, method: 'percentile' });
    assert.equal(bca.method, 'bca');
    assert.equal(pct.method, 'percentile');
    if (bca.high > pct.high) shiftedRight++;
    if (bca.low <= trueMean && trueMean <= bca.high) bcaCover++;
    if (pct.low <= trueMean && trueMean <= pct.high) pctCover++;
  }
  assert.ok(shiftedRight >= 90, `BCa upper bound above percentile in ${shiftedRight}/${trials}`);
  assert.ok(bcaCover >= pctCover, `bca ${bcaCover} vs percentile ${pctCover}`);
});

function syntheticRounds(seed: number, trueRatio: number, n: number, noise = 0.1): { originalNs: number; candidateNs: number }[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    // A machine-wide slow phase hits both arms of a round; each arm also has its own noise.
    const phase = Math.exp(0.3 * rng.normal());
    const base = 1000 * phase;
    return {
      originalNs: base * Math.exp(noise * rng.normal()),
      candidateNs: (base / trueRatio) * Math.exp(noise * rng.normal()),
    };
  });
}

void test('speedupFromRounds recovers a true 1.25x with an interval clear of 1.05', () => {
  const s = speedupFromRounds(syntheticRounds(11, 1.25, 20));
  assert.equal(s.confidence, 0.95);
  assert.ok(s.low <= 1.25 && 1.25 <= s.high, JSON.stringify(s));
  assert.ok(s.low > 1.05, JSON.stringify(s));
  assert.ok(s.low <= s.estimate && s.estimate <= s.high);
  assert.equal(decide(s, 1.05).verdict, 'faster');
});

void test('A/A rounds give intervals containing 1 (false positives rare)', () => {
  let containing = 0;
  for (let k = 0; k < 40; k++) {
    const s = speedupFromRounds(syntheticRounds(100 + k, 1, 15), { resamples: 2000 });
    if (s.low <= 1 && 1 <= s.high) containing++;
    assert.equal(decide(s, 1.05).verdict === 'faster' && s.low < 1.05, false);
  }
  assert.ok(containing >= 36, `${containing}/40`);
  const single = speedupFromRounds(syntheticRounds(5, 1, 20));
  assert.ok(single.low <= 1 && single.high >= 1);
});

void test('speedupFromRounds with fewer than two usable rounds has no confidence and never decides faster', () => {
  const s = speedupFromRounds([{ originalNs: 300, candidateNs: 100 }, { originalNs: 0, candidateNs: 100 }]);
  assert.equal(s.confidence, 0);
  assert.ok(Math.abs(s.estimate - 3) < 1e-12);
  const d = decide(s, 1.05);
  assert.equal(d.verdict, 'not-faster');
  assert.match(d.reason, /Not enough/);
  assert.equal(speedupFromRounds([]).estimate, 1);
});

void test('the small-sample guard widens intervals from few rounds', () => {
  const rounds = syntheticRounds(8, 1.1, 5);
  const guarded = speedupFromRounds(rounds);
  const raw = speedupFromRounds(rounds, { smallSampleGuard: false });
  assert.ok(guarded.low <= raw.low && guarded.high >= raw.high);
  assert.ok(guarded.high / guarded.low > raw.high / raw.low);
});

void test('decide() wording for each branch', () => {
  const faster = decide({ estimate: 1.45, low: 1.32, high: 1.6, confidence: 0.95 }, 1.05);
  assert.equal(faster.verdict, 'faster');
  assert.equal(faster.reason, 'Faster: 1.45x (95% CI 1.32–1.60x), above the 1.05x threshold.');

  const none = decide({ estimate: 1.02, low: 0.97, high: 1.08, confidence: 0.95 }, 1.05);
  assert.equal(none.verdict, 'not-faster');
  assert.equal(none.reason, 'No significant difference (1.02x, 95% CI 0.97–1.08x).');

  const slower = decide({ estimate: 0.71, low: 0.66, high: 0.76, confidence: 0.95 }, 1.05);
  assert.equal(slower.reason, 'Slower: 0.71x (95% CI 0.66–0.76x).');

  const notClear = decide({ estimate: 1.12, low: 1.04, high: 1.21, confidence: 0.95 }, 1.2);
  assert.equal(notClear.verdict, 'not-faster');
  assert.equal(notClear.reason, 'Faster by 1.12x but not clearly above the 1.20x threshold (95% CI 1.04–1.21x).');

  // The boundary: exactly at the threshold counts; just under does not, and never displays as the threshold.
  assert.equal(decide({ estimate: 1.3, low: 1.05, high: 1.5, confidence: 0.95 }, 1.05).verdict, 'faster');
  const under = decide({ estimate: 1.3, low: 1.0499, high: 1.5, confidence: 0.95 }, 1.05);
  assert.equal(under.verdict, 'not-faster');
  assert.match(under.reason, /CI 1\.04–1\.50x/);

  const big = decide({ estimate: 153.4, low: 12.34, high: 1234.5, confidence: 0.9 }, 1.05);
  assert.equal(big.reason, 'Faster: 153x (90% CI 12.3–1240x), above the 1.05x threshold.');
});

void test('ratioDigits and formatRatio', () => {
  assert.equal(ratioDigits(1.234), '1.23');
  assert.equal(ratioDigits(1.15, 'down'), '1.15');
  assert.equal(ratioDigits(1.151, 'up'), '1.16');
  assert.equal(ratioDigits(12.34), '12.3');
  assert.equal(ratioDigits(0.0123), '0.012');
  assert.equal(formatRatio(1.234), '1.23x');
  assert.equal(formatRatio(1234.5), '1230x');
});

void test('noise floor and tooNoisy', () => {
  const quiet = noiseFloor(syntheticRounds(3, 1, 20, 0.01));
  assert.ok(quiet.halfWidth > 0 && quiet.halfWidth < 0.02, String(quiet.halfWidth));
  assert.ok(quiet.ratioHigh < 1.02);
  assert.equal(tooNoisy(quiet.interval, 1.05), false);
  const noisy = noiseFloor(syntheticRounds(3, 1, 8, 0.4));
  assert.ok(noisy.ratioHigh > 1.05);
  assert.equal(tooNoisy(noisy.interval, 1.05), true);
  assert.equal(tooNoisy({ estimate: 1, low: 1, high: 1, confidence: 0 }, 1.05), true);
});

void test('fitGrowth recovers exponents 1 and 2', () => {
  const rng = createRng(5);
  const sizes = [64, 256, 1024, 4096, 16384];
  for (const k of [1, 2]) {
    const pts = sizes.map((size) => ({ size, ns: 3 * Math.pow(size, k) * Math.exp(0.05 * rng.normal()) }));
    const fit = fitGrowth(pts);
    assert.ok(fit !== null && Math.abs(fit - k) < 0.05, `k=${k} fit=${fit}`);
  }
  assert.equal(fitGrowth([{ size: 1, ns: 1 }, { size: 2, ns: 2 }]), null);
  assert.equal(fitGrowth([{ size: 1, ns: 1 }, { size: 2, ns: 0 }, { size: 4, ns: 3 }]), null);
  assert.equal(fitGrowth([{ size: 8, ns: 1 }, { size: 8, ns: 2 }, { size: 8, ns: 3 }]), null);
  assert.equal(describeGrowth(2.04), '~n^2.0');
  assert.equal(describeGrowth(0.96), '~n^1.0');
  assert.equal(describeGrowth(-0.01), '~n^0.0');
});

void test('an interval too wide to say anything is "could not be measured", never a result', () => {
  // Rounds that disagree wildly: one says 250x faster, another 600x slower.
  const s = speedupFromRounds([
    { originalNs: 25_000, candidateNs: 100 },
    { originalNs: 100, candidateNs: 60_000 },
    { originalNs: 1000, candidateNs: 900 },
  ]);
  assert.ok(s.high / s.low > 10, JSON.stringify(s));
  const d = decide(s, 1.05);
  assert.equal(d.verdict, 'not-faster');
  assert.equal(d.unmeasured, true);
  assert.match(d.reason, /^Could not be measured/);
  const tight = decide({ estimate: 1.01, low: 0.97, high: 1.05, confidence: 0.95 }, 1.05);
  assert.equal(tight.unmeasured, false);
  assert.match(tight.reason, /No significant difference/);
});
