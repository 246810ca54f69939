/**
 * Helpers for search tests: a target, answers that encode their fake verdict in the code,
 * and a fake evaluate callback that gives deterministic verdicts by source content.
 *
 * Markers in a candidate's source:
 *   WRONG          → incorrect, with the counterexample below
 *   FAST:<x>       → faster, speedup x
 *   SLOW           → not-faster, speedup 1.00
 *   BROKEN         → error ('It does not build: ...')
 */
import { pendingCandidate, type DecidedCandidate as CandidateReport } from '../../src/core/report/report';
import type { LlmOptions, VariantInput } from '../../src/core/options';
import type { Counterexample, SpeedupInterval, TargetFunction } from '../../src/core/types';
import type { ChatRequestBody } from './fake-openai';

export const COUNTEREXAMPLE: Counterexample = {
  input: '([3, 1, 3, 2])',
  expected: '[3, 1, 2]',
  actual: '[1, 2, 3]',
  aspect: 'return value',
};

export function makeTarget(): TargetFunction {
  const text = 'function dedupe(xs: number[]): number[] {\n  return xs.filter((x, i) => xs.indexOf(x) === i);\n}';
  return {
    file: '/tmp/dedupe.ts',
    name: 'dedupe',
    language: 'typescript',
    shape: 'declaration',
    async: false,
    generator: false,
    exported: false,
    params: [{ name: 'xs', typeText: 'number[]', type: { kind: 'array', element: { kind: 'number' } }, optional: false, rest: false }],
    typeNotes: [],
    returnTypeText: 'number[]',
    fileText: text,
    statementStart: 0,
    statementEnd: text.length,
    text,
    start: { line: 1, column: 1 },
    end: { line: 3, column: 2 },
    context: { imports: [], declarations: [], moduleKind: 'esm' },
    method: null,
  };
}

export function llmOptions(baseURL: string, overrides: Partial<LlmOptions> = {}): LlmOptions {
  return {
    baseURL,
    apiKey: 'sk-test-0123456789',
    model: 'fake-model',
    candidates: 2,
    temperature: 0.7,
    maxTokens: 2000,
    requestTimeoutMs: 5000,
    stream: false,
    ...overrides,
  };
}

/** An answer whose code carries `marker` and a unique `tag` (so answers do not deduplicate). */
export function answer(marker: string, tag: string | number): string {
  return `Here you go:\n\n\`\`\`ts\nfunction dedupe(xs: number[]): number[] {\n  const marker = '${marker} v${tag}';\n  const out = Array.from(new Set(xs));\n  return out;\n}\n\`\`\`\n`;
}

export function userMessage(body: ChatRequestBody): string {
  return body.messages?.find((m) => m.role === 'user')?.content ?? '';
}

export type RequestKindSeen = 'explore' | 'repair' | 'improve' | 'other';

/** What a request asks, read back from its user message. */
export function kindOf(body: ChatRequestBody): RequestKindSeen {
  const u = userMessage(body);
  if (u.includes('Optimization angle for this attempt:')) return 'explore';
  if (u.includes('FAILED automated testing')) return 'repair';
  if (u.includes('Verified rewrites so far')) return 'improve';
  return 'other';
}

function interval(x: number): SpeedupInterval {
  return { estimate: x, low: x * 0.95, high: x * 1.05, confidence: 0.95 };
}

export interface FakeEvaluator {
  evaluate: (variants: VariantInput[], round: number) => Promise<CandidateReport[]>;
  /** Every call: the round and the variants it got. */
  calls: { round: number; variants: VariantInput[] }[];
}

/** Deterministic verdicts by source content; ids continue across calls. `jitter` is added to speedups (measurement noise). */
export function fakeEvaluator(jitter = 0): FakeEvaluator {
  const calls: FakeEvaluator['calls'] = [];
  let n = 0;
  return {
    calls,
    evaluate: async (variants, round) => {
      calls.push({ round, variants });
      return variants.map((v) => {
        const id = `c${++n}`;
        const base: CandidateReport = { ...pendingCandidate(id, v.origin, v.source), phase: 'decided', waitingFor: null, verdict: 'error', decidedAt: 'confirmation', reason: '', wallMs: 1 };
        const fast = /FAST:([\d.]+)/.exec(v.source);
        if (v.source.includes('WRONG')) {
          return { ...base, verdict: 'incorrect', decidedAt: 'verification', reason: 'It returns a different value for ([3, 1, 3, 2]).', counterexample: COUNTEREXAMPLE };
        }
        if (fast) {
          const x = Number(fast[1]) + jitter;
          return {
            ...base,
            verdict: 'faster',
            reason: `${x.toFixed(2)}x faster.`,
            speedup: interval(x),
            headlineSize: 10000,
            sizes: [
              { size: 1000, originalNs: 1000 * x, candidateNs: 1000, speedup: interval(x * 0.9) },
              { size: 10000, originalNs: 10000 * x, candidateNs: 10000, speedup: interval(x) },
            ],
          };
        }
        if (v.source.includes('SLOW')) {
          return { ...base, verdict: 'not-faster', reason: 'Not faster.', speedup: interval(1 + jitter), headlineSize: 10000 };
        }
        if (v.source.includes('BROKEN')) return { ...base, verdict: 'error', decidedAt: 'build', reason: 'It does not build: Unexpected token.' };
        return { ...base, verdict: 'not-faster', decidedAt: 'identical', reason: 'It is identical to the original function.' };
      });
    },
  };
}
