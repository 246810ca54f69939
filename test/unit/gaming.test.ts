/**
 * End to end through the engine: candidates that game the measurement or attack the machine,
 * each with the verdict it must get and the explanation a user would need.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { runHotpath } from '../../src/core/pipeline';
import type { CandidateReport } from '../../src/core/report/report';
import type { VariantInput } from '../../src/core/options';

const FIX = resolve(__dirname, '../fixtures/gaming');
const pwned = join(tmpdir(), `hotpath-pwned-${process.pid}`);

const body = 'let s = 0; for (let i = 0; i < xs.length; i++) s += xs[i]! * xs[i]!; return s;';
const cases: { name: string; source: string; verdict: CandidateReport['verdict']; reason: RegExp; denied?: string; tampered?: RegExp }[] = [
  {
    name: 'memo keyed on contents',
    source: `const memo = new Map<string, number>();\nexport function sumSquares(xs: number[]): number { const k = xs.join(); const hit = memo.get(k); if (hit !== undefined) return hit; ${body.replace('return s;', 'memo.set(k, s); return s;')} }`,
    verdict: 'unsafe',
    reason: /state across calls.*'memo'/,
  },
  {
    name: 'hidden cache on the argument object',
    source: `export function sumSquares(xs: number[]): number { const c = (xs as unknown as { __s?: number }).__s; if (c !== undefined) return c; ${body.replace('return s;', "Object.defineProperty(xs, '__s', { value: s, enumerable: false, configurable: true }); return s;")} }`,
    verdict: 'incorrect',
    reason: /contents changed since the previous call/,
  },
  {
    name: 'sorts its argument in place',
    source: `export function sumSquares(xs: number[]): number { xs.sort((a, b) => a - b); ${body} }`,
    verdict: 'incorrect',
    reason: /argument 1 after the call/,
  },
  {
    name: 'patches the clock at module level',
    source: `(performance as { now: () => number }).now = () => 0;\nexport function sumSquares(xs: number[]): number { ${body} }`,
    verdict: 'unsafe',
    reason: /performance\.now/,
    tampered: /^performance\.now was added$/,
  },
  {
    name: 'redefines a built-in prototype method at module level',
    source: `const orig = Array.prototype.indexOf;\nArray.prototype.indexOf = function (this: unknown[], x: unknown, from?: number) { return orig.call(this, x, from); };\nexport function sumSquares(xs: number[]): number { ${body} }`,
    verdict: 'unsafe',
    reason: /Array\.prototype\.indexOf/,
    tampered: /^Array\.prototype\.indexOf was replaced$/,
  },
  {
    name: 'slows the clock',
    source: `const realNow = performance.now.bind(performance);\nexport function sumSquares(xs: number[]): number { (performance as { now: () => number }).now = () => realNow() / 10; ${body} }`,
    verdict: 'unsafe',
    reason: /performance\.now/,
  },
  {
    name: 'patches a built-in prototype',
    source: `export function sumSquares(xs: number[]): number { Array.prototype.includes = function () { return false; }; ${body} }`,
    verdict: 'unsafe',
    reason: /Array\.prototype\.includes/,
  },
  {
    name: 'freezes Date.now',
    source: `export function sumSquares(xs: number[]): number { Date.now = () => 0; ${body} }`,
    verdict: 'unsafe',
    reason: /Date\.now/,
  },
  {
    name: 'opens a socket',
    source: `import * as net from 'node:net';\nexport function sumSquares(xs: number[]): number { net.connect(80, '127.0.0.1'); ${body} }`,
    verdict: 'unsafe',
    reason: /tried to use the network \('127\.0\.0\.1:80'\) \(net\.connect\)/,
    denied: 'network',
  },
  {
    name: 'writes a file',
    source: `import { writeFileSync } from 'node:fs';\nexport function sumSquares(xs: number[]): number { writeFileSync(${JSON.stringify(pwned)}, 'x'); ${body} }`,
    verdict: 'unsafe',
    reason: /tried to write '.*hotpath-pwned-\d+' \(fs\.writeFileSync\)/,
    denied: 'fs-write',
  },
  {
    name: 'writes a file and swallows the error',
    source: `import { appendFileSync } from 'node:fs';\nexport function sumSquares(xs: number[]): number { try { appendFileSync(${JSON.stringify(pwned)}, 'x'); } catch {} ${body} }`,
    verdict: 'unsafe',
    reason: /tried to write '.*hotpath-pwned-\d+' \(fs\.appendFileSync\)/,
    denied: 'fs-write',
  },
  {
    name: 'reads a file outside its code and swallows the error',
    source: `import { readFileSync } from 'node:fs';\nexport function sumSquares(xs: number[]): number { try { readFileSync('/etc/hostname'); } catch {} ${body} }`,
    verdict: 'unsafe',
    reason: /tried to read '\/etc\/hostname' outside its own code/,
    denied: 'fs-read',
  },
  {
    name: 'starts a process and swallows the error',
    source: `import { execFileSync } from 'node:child_process';\nexport function sumSquares(xs: number[]): number { try { execFileSync('id'); } catch {} ${body} }`,
    verdict: 'unsafe',
    reason: /tried to start a process 'id' \(child_process\.execFileSync\)/,
    denied: 'child-process',
  },
  {
    name: 'starts a worker and swallows the error',
    source: `import { Worker } from 'node:worker_threads';\nexport function sumSquares(xs: number[]): number { try { new Worker('0', { eval: true }); } catch {} ${body} }`,
    verdict: 'unsafe',
    reason: /tried to start a worker thread/,
    denied: 'worker',
  },
  {
    name: 'loads a native addon and swallows the error',
    source: `export function sumSquares(xs: number[]): number { try { process.dlopen({ exports: {} }, '/tmp/x.node'); } catch {} ${body} }`,
    verdict: 'unsafe',
    reason: /tried to load a native addon '\/tmp\/x\.node'/,
    denied: 'addon',
  },
  {
    name: 'fetches a URL at load time and swallows the error',
    source: `try { void fetch('http://example.com/'); } catch {}\nexport function sumSquares(xs: number[]): number { ${body} }`,
    verdict: 'unsafe',
    reason: /tried to use the network \('http:\/\/example\.com\/'\) \(fetch\)/,
    denied: 'network',
  },
  {
    name: 'exits the process',
    source: `export function sumSquares(xs: number[]): number { if (xs.length > 2) process.exit(0); ${body} }`,
    verdict: 'unsafe',
    reason: /tried to control the process \(process\.exit\)/,
    denied: 'process',
  },
  {
    name: 'kills its parent',
    source: `export function sumSquares(xs: number[]): number { process.kill(process.ppid, 'SIGKILL'); ${body} }`,
    verdict: 'unsafe',
    reason: /tried to control the process \(process\.kill\)/,
    denied: 'process',
  },
  {
    name: 'loops forever on some inputs',
    source: `export function sumSquares(xs: number[]): number { if (xs.length === 1) for (;;) {} ${body} }`,
    verdict: 'timeout',
    reason: /did not finish within 1\.0 s on input \(\[.*\]\), where the original takes \d/,
  },
  {
    name: 'allocates without bound',
    source: `export function sumSquares(xs: number[]): number { const hog: Buffer[] = []; for (;;) hog.push(Buffer.alloc(64 * 1024 * 1024, 1)); }`,
    verdict: 'unsafe',
    reason: /memory/,
  },
];

void test('gaming and hostile candidates: each gets its verdict with a reason, and the machine is untouched', { timeout: 300_000 }, async () => {
  const variants: VariantInput[] = cases.map((c) => ({ origin: c.name, source: c.source }));
  const report = await runHotpath({ file: join(FIX, 'sumsq.ts'), selector: { name: 'sumSquares' }, variants, callTimeoutMs: 1000, memoryMb: 256 });
  for (const c of cases) {
    const r = report.candidates.find((x) => x.origin === c.name);
    assert.ok(r, c.name);
    assert.equal(r.verdict, c.verdict, `${c.name}: ${r.reason}`);
    assert.match(r.reason, c.reason, c.name);
    // The detail is data, not only text.
    if (c.denied) assert.ok(r.denied.some((d) => d.kind === c.denied), `${c.name}: ${JSON.stringify(r.denied)}`);
    if (c.tampered) assert.ok(r.tampered.some((t) => c.tampered!.test(t)), `${c.name}: ${JSON.stringify(r.tampered)}`);
    if (!c.denied) assert.deepEqual(r.denied, [], c.name);
  }
  assert.equal(report.best, null);
  assert.equal(existsSync(pwned), false, 'no file was written outside the sandbox');
});

void test('async work is timed to settlement: moving the work behind a timer is not a speedup', { timeout: 240_000 }, async () => {
  // Returns at once and does the same work later: only timing to settlement sees its cost.
  const deferred = `export async function total(xs: number[]): Promise<number> {\n  return new Promise((res) => setTimeout(() => { let s = 0; for (const x of xs) s += Math.sqrt(Math.abs(x)) * 2; res(s); }, 0));\n}`;
  const report = await runHotpath({ file: join(FIX, 'total.ts'), selector: { name: 'total' }, variants: [{ origin: 'deferred', source: deferred }] });
  const c = report.candidates[0]!;
  assert.equal(c.verdict, 'not-faster', c.reason);
  assert.ok(c.speedup && c.speedup.estimate < 1, JSON.stringify(c.speedup));
});
