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
const cases: { name: string; source: string; verdict: CandidateReport['verdict']; reason: RegExp }[] = [
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
    name: 'patches the clock at module level (rejected before it runs)',
    source: `(performance as { now: () => number }).now = () => 0;\nexport function sumSquares(xs: number[]): number { ${body} }`,
    verdict: 'error',
    reason: /top-level statement that is not a declaration/,
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
    reason: /network access is blocked|forbids/,
  },
  {
    name: 'writes a file',
    source: `import { writeFileSync } from 'node:fs';\nexport function sumSquares(xs: number[]): number { writeFileSync(${JSON.stringify(pwned)}, 'x'); ${body} }`,
    verdict: 'unsafe',
    reason: /forbids|ERR_ACCESS_DENIED/,
  },
  {
    name: 'exits the process',
    source: `export function sumSquares(xs: number[]): number { if (xs.length > 2) process.exit(0); ${body} }`,
    verdict: 'unsafe',
    reason: /process\.exit is blocked/,
  },
  {
    name: 'kills its parent',
    source: `export function sumSquares(xs: number[]): number { process.kill(process.ppid, 'SIGKILL'); ${body} }`,
    verdict: 'unsafe',
    reason: /process\.kill is blocked/,
  },
  {
    name: 'loops forever on some inputs',
    source: `export function sumSquares(xs: number[]): number { if (xs.length === 1) for (;;) {} ${body} }`,
    verdict: 'timeout',
    reason: /per-call time limit/,
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
