import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenAICandidateSource } from '../../src/core/candidates/llm/client';
import { STRATEGIES } from '../../src/core/candidates/llm/prompt';
import { buildImproveMessages, buildRepairMessages } from '../../src/core/candidates/llm/feedback';
import { buildInputGeneratorMessages, pickGeneratorSource } from '../../src/core/candidates/llm/inputgen';
import { runSearch, SearchController, summarizeSearch, type RoundRecord } from '../../src/core/candidates/search';
import { silentLogger } from '../../src/core/logger';
import { LlmError } from '../../src/core/errors';
import { pendingCandidate, type DecidedCandidate as CandidateReport } from '../../src/core/report/report';
import { startFakeOpenAI } from '../support/fake-openai';
import {
  answer,
  COUNTEREXAMPLE,
  fakeEvaluator,
  kindOf,
  llmOptions,
  makeTarget,
  userMessage,
} from '../support/search-helpers';

function controller(over: Partial<ConstructorParameters<typeof SearchController>[0]> = {}) {
  return new SearchController({ rounds: 3, candidatesPerRound: 2, budgetTokens: null, target: makeTarget(), nodeVersion: 'v22.0.0', ...over });
}

function report(id: string, patch: Partial<CandidateReport>): CandidateReport {
  return { ...pendingCandidate(id, `llm:m#${id.slice(1)} (complexity)`, `function dedupe(xs) { return xs; /* ${id} */ }`), phase: 'decided', waitingFor: null, verdict: 'error', decidedAt: 'confirmation', reason: '', ...patch };
}

const sp = (x: number) => ({ estimate: x, low: x * 0.9, high: x * 1.1, confidence: 0.95 });

function record(round: number, candidates: CandidateReport[], tokens = 0): RoundRecord {
  return { round, requests: candidates.length, promptTokens: tokens, completionTokens: 0, llmMs: 0, candidates };
}

// --- SearchController (pure) -------------------------------------------------------------------

void test('round 1 plans one explore request per strategy, cycling when there are more candidates than strategies', () => {
  const c = controller({ candidatesPerRound: STRATEGIES.length + 1 });
  const plan = c.planRound([]);
  assert.equal(plan.length, STRATEGIES.length + 1);
  assert.ok(plan.every((p) => p.kind === 'explore' && p.parents.length === 0));
  assert.deepEqual(
    plan.map((p) => p.strategy),
    [...STRATEGIES.map((s) => s.id), STRATEGIES[0]!.id],
  );
  assert.ok(plan.every((p) => p.estimatedTokens > 0));
});

void test('later rounds mix repairs of the best failures (incorrect first) and improves of diverse elites', () => {
  const c = controller({ candidatesPerRound: 4 });
  const history = [
    record(1, [
      report('c1', { verdict: 'faster', speedup: sp(2), origin: 'llm:m#1 (complexity)' }),
      report('c2', { verdict: 'faster', speedup: sp(1.9), origin: 'llm:m#2 (complexity)' }),
      report('c3', { verdict: 'faster', speedup: sp(1.5), origin: 'llm:m#3 (data-structures)' }),
      report('c4', { verdict: 'error', reason: 'It does not build: x.', origin: 'llm:m#4 (allocation)' }),
      report('c5', { verdict: 'incorrect', reason: 'differs', counterexample: COUNTEREXAMPLE, origin: 'llm:m#5 (builtins)' }),
    ]),
  ];
  const plan = c.planRound(history);
  assert.equal(plan.length, 4);
  const repairs = plan.filter((p) => p.kind === 'repair');
  const improves = plan.filter((p) => p.kind === 'improve');
  assert.deepEqual(
    repairs.map((p) => p.parents[0]),
    ['c5', 'c4'],
    'incorrect (with counterexample) before build errors',
  );
  // Diversity: the best of each lineage family (complexity: c1, data-structures: c3), not c1 and c2.
  assert.deepEqual(
    improves.map((p) => p.parents[0]),
    ['c1', 'c3'],
  );
  assert.ok(repairs[0]!.messages[1]!.content.includes(COUNTEREXAMPLE.expected));
  // Every later request suggests a different, not yet used angle.
  const angles = plan.map((p) => p.strategy);
  assert.equal(new Set(angles).size, angles.length);
  assert.ok(plan.every((p) => typeof p.cacheKey === 'string'));
});

void test('shouldStop: round limit, no improvement, budget spent, next round unaffordable', () => {
  const r1 = record(1, [report('c1', { verdict: 'faster', speedup: sp(2) })], 1000);
  const r2same = record(2, [report('c2', { verdict: 'faster', speedup: sp(2.01) })], 1000);
  const r2better = record(2, [report('c2', { verdict: 'faster', speedup: sp(2.5) })], 1000);
  assert.equal(controller().shouldStop([]).stop, false);
  assert.equal(controller().shouldStop([r1]).stop, false);
  assert.match(controller({ rounds: 1 }).shouldStop([r1]).reason, /round limit/);
  assert.match(controller().shouldStop([r1, r2same]).reason, /no verified improvement.*2\.00x/);
  assert.equal(controller({ rounds: 5 }).shouldStop([r1, r2better]).stop, false);
  assert.match(controller({ budgetTokens: 2000 }).shouldStop([r1, r2better]).reason, /budget reached/i);
  // 1500 of 2000 left... not enough for a feedback prompt plus the observed completion size.
  assert.match(controller({ budgetTokens: 1500 }).shouldStop([r1]).reason, /budget nearly reached/i);
  // Cached answers count toward the budget at their original cost (a re-run takes the same path).
  const cached: RoundRecord = { ...record(1, [report('c1', { verdict: 'faster', speedup: sp(2) })]), cachedPromptTokens: 900, cachedCompletionTokens: 100 };
  assert.equal(controller({ budgetTokens: 1000 }).budgetUsed([cached]), 1000);
  assert.match(controller({ budgetTokens: 1000 }).shouldStop([cached]).reason, /budget reached/i);
});

void test('first round with nothing correct: a correct repair counts as progress, a still-wrong round stops', () => {
  const r1 = record(1, [report('c1', { verdict: 'incorrect', counterexample: COUNTEREXAMPLE })]);
  const r2ok = record(2, [report('c2', { verdict: 'not-faster', speedup: sp(1.01) })]);
  const r2bad = record(2, [report('c2', { verdict: 'incorrect', counterexample: COUNTEREXAMPLE })]);
  assert.equal(controller({ rounds: 5 }).shouldStop([r1, r2ok]).stop, false);
  assert.match(controller({ rounds: 5 }).shouldStop([r1, r2bad]).reason, /no verified improvement/);
});

void test('the budget limits how many requests a round plans (at least one)', () => {
  const free = controller({ candidatesPerRound: 4 }).planRound([]);
  const each = free[0]!.estimatedTokens;
  const limited = controller({ candidatesPerRound: 4, budgetTokens: each * 2 + 1 }).planRound([]);
  assert.equal(limited.length, 2);
  assert.equal(controller({ candidatesPerRound: 4, budgetTokens: 1 }).planRound([]).length, 1);
});

// --- runSearch with the fake OpenAI server ------------------------------------------------------

void test('round 1 only wrong answers, round 2 repair with the counterexample succeeds', async () => {
  const fake = await startFakeOpenAI((body, i) => ({
    content: kindOf(body) === 'repair' ? answer('FAST:1.8', `repair${i}`) : answer('WRONG', `explore${i}`),
  }));
  try {
    const ev = fakeEvaluator();
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL), silentLogger);
    const result = await runSearch({
      source,
      target: makeTarget(),
      controller: controller({ rounds: 2, candidatesPerRound: 2 }),
      evaluate: ev.evaluate,
      logger: silentLogger,
      concurrency: 1,
    });
    assert.equal(result.rounds.length, 2);
    assert.match(result.stopReason, /round limit/);
    assert.deepEqual(
      fake.requests.map((r) => kindOf(r.body!)),
      ['explore', 'explore', 'repair', 'repair'],
    );
    for (const r of fake.requests.slice(2)) {
      const u = userMessage(r.body!);
      assert.ok(u.includes(`input: ${COUNTEREXAMPLE.input}`), 'counterexample input verbatim');
      assert.ok(u.includes(`expected (the original): ${COUNTEREXAMPLE.expected}`));
      assert.ok(u.includes(`actual (this attempt): ${COUNTEREXAMPLE.actual}`));
      assert.ok(u.includes("const marker = 'WRONG v"), 'the failed code is shown');
      // Hard constraints first: the system message of round 1.
      assert.equal(r.body!.messages![0]!.role, 'system');
      assert.match(r.body!.messages![0]!.content, /HARD CONSTRAINTS/);
    }
    assert.deepEqual(
      result.rounds.map((r) => r.candidates.map((c) => c.verdict)),
      [
        ['incorrect', 'incorrect'],
        ['faster', 'faster'],
      ],
    );
    assert.deepEqual(result.rounds[1]!.lineage!.map((l) => [l.kind, l.parents]), [
      ['repair', ['c1']],
      ['repair', ['c2']],
    ]);
    assert.match(result.candidates[2]!.origin, /^llm:fake-model#3 \(r2 repair c1\)$/);
    assert.deepEqual(ev.calls.map((c) => c.round), [1, 2]);
    const summary = summarizeSearch(result);
    assert.equal(summary.requests, 4);
    assert.equal(summary.rounds[1]!.faster, 2);
    assert.ok(summary.promptTokens > 0 && summary.rounds.every((r) => r.promptTokens === 100 * 2));
  } finally {
    await fake.close();
  }
});

void test('a round without verified improvement stops the search early', async () => {
  const fake = await startFakeOpenAI((body, i) => ({
    content:
      kindOf(body) === 'improve' ? answer('FAST:1.9', `improve${i}`) : i === 0 ? answer('FAST:2.0', 'a') : answer('SLOW', 'b'),
  }));
  try {
    const ev = fakeEvaluator();
    const result = await runSearch({
      source: new OpenAICandidateSource(llmOptions(fake.baseURL), silentLogger),
      target: makeTarget(),
      controller: controller({ rounds: 6, candidatesPerRound: 2 }),
      evaluate: ev.evaluate,
      concurrency: 1,
    });
    assert.equal(result.rounds.length, 2);
    assert.match(result.stopReason, /^Round 2 brought no verified improvement \(best stays 2\.00x\)\.$/);
    assert.equal(fake.requests.length, 4);
    const improve = fake.requests.filter((r) => kindOf(r.body!) === 'improve');
    assert.equal(improve.length, 2);
    // OPRO-style: past solutions with their scores, sorted from slowest to fastest.
    const u = userMessage(improve[0]!.body!);
    const slow = u.indexOf('Attempt c2');
    const fast = u.indexOf('Attempt c1');
    assert.ok(slow > 0 && fast > slow, 'slowest first, fastest last');
    assert.ok(u.includes('2.00x (95% CI'));
    assert.ok(u.includes('Already tried in this search'));
  } finally {
    await fake.close();
  }
});

void test('a budget reached mid-round stops sending, keeps the answers received, and ends the search', async () => {
  const fake = await startFakeOpenAI((_body, i) => ({
    content: answer(`FAST:${1.5 + i / 10}`, i),
    usage: { prompt_tokens: 4000, completion_tokens: 1000 },
  }));
  try {
    const probe = controller({ candidatesPerRound: 3, completionTokensGuess: 10 }).planRound([]);
    const budget = probe.reduce((n, p) => n + p.estimatedTokens, 0); // plans all 3, but 2 answers cost 10000
    assert.ok(budget < 10_000);
    const c = controller({ rounds: 5, candidatesPerRound: 3, budgetTokens: budget, completionTokensGuess: 10 });
    assert.equal(c.planRound([]).length, 3);
    const ev = fakeEvaluator();
    const rounds: number[] = [];
    const result = await runSearch({
      source: new OpenAICandidateSource(llmOptions(fake.baseURL), silentLogger),
      target: makeTarget(),
      controller: c,
      evaluate: ev.evaluate,
      concurrency: 1,
      onRound: (r) => rounds.push(r.round),
    });
    const requestsAtCut = Math.ceil(budget / 5000);
    assert.equal(fake.requests.length, requestsAtCut, 'no request after the budget was spent');
    assert.ok(requestsAtCut < 3);
    assert.equal(result.rounds.length, 1);
    assert.deepEqual(rounds, [1]);
    assert.equal(result.rounds[0]!.skippedRequests, 3 - requestsAtCut);
    assert.equal(result.candidates.length, requestsAtCut, 'partial results kept and evaluated');
    assert.ok(result.candidates.every((x) => x.verdict === 'faster'));
    assert.match(result.stopReason, /Token budget reached during round 1/);
  } finally {
    await fake.close();
  }
});

void test('duplicates are dropped within and across rounds, and never evaluated twice', async () => {
  const fake = await startFakeOpenAI((body, i) => {
    if (kindOf(body) === 'explore') return { content: i === 0 ? answer('FAST:1.5', 'same') : answer('FAST:1.5', 'same') };
    // Round 2: one improve repeats round 1's code (with different formatting), one is new.
    return {
      content:
        i === 2
          ? answer('FAST:1.5', 'same').replace('const out', '\n\n   const   out')
          : answer('FAST:3.0', 'new'),
    };
  });
  try {
    const ev = fakeEvaluator();
    const result = await runSearch({
      source: new OpenAICandidateSource(llmOptions(fake.baseURL), silentLogger),
      target: makeTarget(),
      controller: controller({ rounds: 2, candidatesPerRound: 2 }),
      evaluate: ev.evaluate,
      concurrency: 1,
    });
    assert.deepEqual(
      ev.calls.map((c) => c.variants.length),
      [1, 1],
    );
    assert.equal(result.candidates.length, 2);
    assert.deepEqual(
      result.failures.map((f) => f.reason),
      ['Duplicate of llm:fake-model#1 (complexity).', 'Duplicate of llm:fake-model#1 (complexity).'],
    );
    assert.equal(result.rounds[1]!.candidates[0]!.speedup!.estimate, 3);
  } finally {
    await fake.close();
  }
});

void test('an answer repeating the original is dropped; round 1 failing with one LlmError throws it', async () => {
  const target = makeTarget();
  const fake = await startFakeOpenAI([{ content: '```ts\n' + target.text + '\n```' }]);
  try {
    const result = await runSearch({
      source: new OpenAICandidateSource(llmOptions(fake.baseURL), silentLogger),
      target,
      controller: controller({ rounds: 1, candidatesPerRound: 1 }),
      evaluate: fakeEvaluator().evaluate,
    });
    assert.equal(result.candidates.length, 0);
    assert.match(result.failures[0]!.reason, /repeated the original/);
  } finally {
    await fake.close();
  }
  const down = await startFakeOpenAI([{ status: 401 }]);
  try {
    await assert.rejects(
      runSearch({
        source: new OpenAICandidateSource(llmOptions(down.baseURL), silentLogger),
        target,
        controller: controller({ rounds: 2, candidatesPerRound: 2 }),
        evaluate: fakeEvaluator().evaluate,
      }),
      (e: unknown) => e instanceof LlmError && e.status === 401,
    );
  } finally {
    await down.close();
  }
});

void test('a later round whose requests all fail ends the search with what was found', async () => {
  const fake = await startFakeOpenAI((body, i) => (kindOf(body) === 'explore' ? { content: answer('FAST:2', i) } : { status: 400 }));
  try {
    const result = await runSearch({
      source: new OpenAICandidateSource(llmOptions(fake.baseURL), silentLogger),
      target: makeTarget(),
      controller: controller({ rounds: 4, candidatesPerRound: 2 }),
      evaluate: fakeEvaluator().evaluate,
      concurrency: 1,
    });
    assert.equal(result.rounds.length, 2);
    assert.equal(result.candidates.length, 2);
    assert.match(result.stopReason, /The model failed in round 2: .*HTTP 400/);
  } finally {
    await fake.close();
  }
});

void test('cancellation throws CancelledError', async () => {
  const fake = await startFakeOpenAI([{ delayMs: 2000, then: { content: answer('FAST:2', 1) } }]);
  try {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(
      runSearch({
        source: new OpenAICandidateSource(llmOptions(fake.baseURL), silentLogger),
        target: makeTarget(),
        controller: controller(),
        evaluate: fakeEvaluator().evaluate,
        signal: ac.signal,
      }),
      { name: 'CancelledError' },
    );
  } finally {
    await fake.close();
  }
});

// --- Prompts ---------------------------------------------------------------------------------------

void test('repair and improve prompts: constraints first, counterexample verbatim, scores sorted, a fresh angle', () => {
  const target = makeTarget();
  const repair = buildRepairMessages(
    target,
    [{ id: 'c3', label: 'complexity', source: 'function dedupe(xs) { return xs.sort(); }', verdict: 'incorrect', reason: 'differs', counterexample: COUNTEREXAMPLE }],
    { nodeVersion: 'v22.1.0', angle: STRATEGIES[1]!, tried: [{ label: 'c1 (complexity)', outcome: 'faster, 2.00x' }] },
  );
  assert.equal(repair[0]!.role, 'system');
  assert.match(repair[0]!.content, /^You are an expert TypeScript performance engineer[\s\S]*HARD CONSTRAINTS/);
  const u = repair[1]!.content;
  for (const s of [COUNTEREXAMPLE.input, COUNTEREXAMPLE.expected, COUNTEREXAMPLE.actual, 'return xs.sort()', 'Node.js v22.1.0', STRATEGIES[1]!.title, 'c1 (complexity): faster, 2.00x']) {
    assert.ok(u.includes(s), `repair prompt mentions ${s}`);
  }
  const improve = buildImproveMessages(
    target,
    [
      { id: 'c1', source: 'function dedupe(a) { /*A*/ }', speedup: sp(1.2), sizes: [], growth: { original: 2, candidate: 2.02 } },
      { id: 'c2', source: 'function dedupe(a) { /*B*/ }', speedup: sp(3), sizes: [], growth: null },
    ],
    { nodeVersion: 'v22.1.0', focus: 0, sizeMeaning: 'array length' },
  );
  const v = improve[1]!.content;
  assert.ok(v.indexOf('/*A*/') < v.indexOf('/*B*/'), 'slowest first');
  assert.match(v, /Attempt c1: speedup 1\.20x .*<- build on this one/);
  assert.match(v, /lower-complexity algorithm/);
  assert.match(v, /array length\^2\.02/);
});

void test('input generator prompt and picking the generator from an answer', () => {
  const msgs = buildInputGeneratorMessages(makeTarget(), { nodeVersion: 'v22.0.0', sizes: [100, 1000] });
  assert.match(msgs[0]!.content, /export function generate\(size, random\)/);
  assert.match(msgs[0]!.content, /ONLY `random`/);
  assert.match(msgs[1]!.content, /xs: number\[\]/);
  assert.match(msgs[1]!.content, /100, 1000/);

  const ok = pickGeneratorSource('Sure:\n```js\nexport function generate(size, random) {\n  return [[Array.from({ length: size }, () => Math.floor(random() * 100))]];\n}\n```');
  assert.equal(ok.reason, null);
  assert.match(ok.source!, /^export function generate/);
  const unexported = pickGeneratorSource('```js\nfunction generate(size, random) { return [[size]]; }\n```');
  assert.match(unexported.source!, /^export function generate/);
  const arrow = pickGeneratorSource('```js\nconst generate = (size, random) => [[size]];\n```');
  assert.match(arrow.source!, /^export const generate/);
  assert.match(pickGeneratorSource('```js\nimport fs from "node:fs";\nexport function generate() { return []; }\n```').reason!, /imports/);
  assert.match(pickGeneratorSource('no code here').reason!, /no code defining 'generate'/);
  assert.match(pickGeneratorSource('```js\nexport function generate(size, random) {\n  return [[').reason!, /cut off/);
});
