/**
 * Bench jobs in the real sandbox (run `npm run build` first so dist/runner.js exists).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { runSandboxed, prepareJobDir, resolveNodePath, type SandboxRun, type RunnerMessage, type BenchJob } from '../../src/core/sandbox/index';

let nodePath = '';
const dirs: string[] = [];

type BenchResult = Extract<RunnerMessage, { type: 'bench-result' }>;

async function bench(src: string, pools: { size: number; inputs: unknown[][] }[], over: Partial<BenchJob> = {}): Promise<{ run: SandboxRun; results: BenchResult[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-bench-test-'));
  dirs.push(dir);
  prepareJobDir(dir);
  const bundle = path.join(dir, 'bundle.js');
  fs.writeFileSync(bundle, src);
  const sizes = pools.map((p, i) => {
    const inputsFile = path.join(dir, `pool-${i}.bin`);
    fs.writeFileSync(inputsFile, v8.serialize(p.inputs));
    return { size: p.size, inputsFile };
  });
  const job: BenchJob = { mode: 'bench', bundle, seed: 1, frozenNowMs: 0, sizes, warmupMs: 50, timeMs: 150, minSampleNs: 200_000, maxCalls: 200_000, ...over };
  const run = await runSandboxed(job, { nodePath, jobDir: dir, timeoutMs: 30_000, memoryMb: 256 });
  const results = run.messages.filter((m): m is BenchResult => m.type === 'bench-result');
  assert.equal(run.end, 'exited', `end ${run.end}: ${run.stderr.slice(0, 400)} ${JSON.stringify(run.messages).slice(0, 400)}`);
  return { run, results };
}

const pool = (n: number, len: number): unknown[][] => Array.from({ length: n }, (_, i) => [Array.from({ length: len }, (_, j) => (i * 31 + j * 17) % 101)]);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

void describe('sandbox bench', { timeout: 120_000 }, () => {
  before(async () => {
    nodePath = await resolveNodePath();
  });
  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  void it('returns samples for each size, batches above minSampleNs', async () => {
    const { results, run } = await bench('module.exports.__hotpath_target__ = (a) => a.reduce((s, x) => s + x, 0);', [
      { size: 10, inputs: pool(20, 10) },
      { size: 1000, inputs: pool(20, 1000) },
    ]);
    assert.deepEqual(results.map((r) => r.size), [10, 1000]);
    for (const r of results) {
      assert.ok(r.samplesNs.length >= 2, `samples ${r.samplesNs.length}`);
      assert.ok(r.samplesNs.every((x) => Number.isFinite(x) && x > 0), `samples ${r.samplesNs.slice(0, 20).join(',')}`);
      assert.ok(r.callsPerSample >= 1, `callsPerSample ${r.callsPerSample}`);
      assert.ok(r.totalCalls >= r.samplesNs.length * r.callsPerSample);
      assert.ok(r.totalCalls <= 200_000, `totalCalls ${r.totalCalls}`);
      assert.equal(r.checksumCalls, 20);
      // Sampling lasts timeMs of wall time, unless maxCalls is reached first.
      assert.ok(r.wallMs < 10_000, `wall ${r.wallMs}`);
      assert.ok(r.wallMs >= 150 || r.totalCalls + r.callsPerSample > 200_000, `wall ${r.wallMs}, calls ${r.totalCalls}`);
      // A batch lasts about minSampleNs (calibrated in warm-up; late tier-up can make it shorter).
      assert.ok(median(r.samplesNs) * r.callsPerSample > 40_000, `batch ${median(r.samplesNs) * r.callsPerSample} ns`);
    }
    const [small, large] = results;
    assert.ok(small && large && median(large.samplesNs) > median(small.samplesNs) * 5, 'the larger input takes longer');
    assert.ok(run.messages.some((m) => m.type === 'done'));
  });

  void it('same results → same checksum; different results → different checksum', async () => {
    const inputs = pool(16, 50);
    const a = await bench('module.exports.__hotpath_target__ = (a) => a.reduce((s, x) => s + x, 0);', [{ size: 50, inputs }]);
    const b = await bench('module.exports.__hotpath_target__ = (a) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]; return s; };', [{ size: 50, inputs }]);
    const c = await bench('module.exports.__hotpath_target__ = (a) => { let s = 0; for (let i = 1; i < a.length; i++) s += a[i]; return s; };', [{ size: 50, inputs }]);
    const ca = a.results[0]?.checksum;
    assert.ok(ca);
    assert.equal(b.results[0]?.checksum, ca);
    assert.notEqual(c.results[0]?.checksum, ca);
  });

  void it('every call gets a fresh input: an in-place mutating target never sees its own output', async () => {
    // If inputs were reused, the array would keep growing and the results would change.
    const { results } = await bench('module.exports.__hotpath_target__ = (a) => { a.push(1); return a.length; };', [{ size: 3, inputs: pool(4, 3) }]);
    const again = await bench('module.exports.__hotpath_target__ = (a) => a.length + 1;', [{ size: 3, inputs: pool(4, 3) }]);
    assert.equal(results[0]?.checksum, again.results[0]?.checksum);
  });

  void it('times async targets to settlement', async () => {
    const { results } = await bench('module.exports.__hotpath_target__ = async (a) => { await null; return a.length; };', [{ size: 5, inputs: pool(8, 5) }], { minSampleNs: 100_000 });
    const r = results[0];
    assert.ok(r && r.samplesNs.length >= 2);
    const sync = await bench('module.exports.__hotpath_target__ = (a) => a.length;', [{ size: 5, inputs: pool(8, 5) }], { minSampleNs: 100_000 });
    assert.equal(r.checksum, sync.results[0]?.checksum);
  });

  void it('a candidate that patches performance.now does not change the measured time', async () => {
    const work = 'let s = 0; for (let i = 0; i < 2000; i++) s += a[i % a.length] * i; return s;';
    const honest = await bench(`module.exports.__hotpath_target__ = (a) => { ${work} };`, [{ size: 10, inputs: pool(10, 10) }]);
    const cheat = await bench(
      `const real = performance.now.bind(performance);
       const t0 = real();
       performance.now = () => t0 + (real() - t0) / 1000;
       Object.getPrototypeOf(performance).now = performance.now;
       process.hrtime.bigint = () => 0n;
       module.exports.__hotpath_target__ = (a) => { ${work} };`,
      [{ size: 10, inputs: pool(10, 10) }],
    );
    const h = median(honest.results[0]?.samplesNs ?? []);
    const c = median(cheat.results[0]?.samplesNs ?? []);
    assert.ok(c / h > 0.3 && c / h < 3, `honest ${h} ns, cheat ${c} ns`);
    const loaded = cheat.run.messages.find((m) => m.type === 'loaded');
    assert.ok(loaded && loaded.type === 'loaded' && loaded.tampers.length > 0);
    assert.equal(cheat.results[0]?.checksum, honest.results[0]?.checksum);
  });

  void it('stops at maxCalls', async () => {
    const { results } = await bench('module.exports.__hotpath_target__ = (a) => a.length;', [{ size: 1, inputs: pool(5, 1) }], { maxCalls: 64, timeMs: 2000 });
    const r = results[0];
    assert.ok(r);
    assert.ok(r.totalCalls <= 64, `calls ${r.totalCalls}`);
    assert.ok(r.wallMs < 1500, `wall ${r.wallMs}`);
    assert.equal(r.checksumCalls, 5);
  });

  void it('a throwing target still yields samples and a checksum of its errors', async () => {
    const { results } = await bench('module.exports.__hotpath_target__ = (a) => { if (a[0] % 2) throw new RangeError("odd"); return a[0]; };', [{ size: 1, inputs: pool(6, 1) }]);
    assert.ok(results[0] && results[0].samplesNs.length > 0 && results[0].checksum.length === 64);
  });
});
