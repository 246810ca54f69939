import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LlmOptions } from '../../src/core/options';
import { makeTarget } from '../support/search-helpers';
import type { Logger } from '../../src/core/logger';
import { CancelledError, LlmError } from '../../src/core/errors';
import { OpenAICandidateSource, generateCandidates } from '../../src/core/candidates/llm/client';
import { STRATEGIES } from '../../src/core/candidates/llm/prompt';
import { startFakeOpenAI, type ChatRequestBody, type FakeResponse } from '../support/fake-openai';

const KEY = 'sk-test-SECRET-0123456789';
const FAST = 'function dedupe(xs: number[]): number[] {\n  return [...new Set(xs)];\n}';
const ANSWER = `Here is a faster version:\n\n\`\`\`ts\n${FAST}\n\`\`\`\n\nA Set makes it O(n).`;

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (m: string) => void lines.push(`${level}: ${m}`);
  return { lines, trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function llmOptions(baseURL: string, overrides: Partial<LlmOptions> = {}): LlmOptions {
  return {
    baseURL,
    apiKey: KEY,
    model: 'fake-model',
    candidates: 3,
    temperature: 0.4,
    maxTokens: 1234,
    requestTimeoutMs: 5000,
    stream: false,
    ...overrides,
  };
}

const MESSAGES = [
  { role: 'system' as const, content: 'You optimize code.' },
  { role: 'user' as const, content: 'Make dedupe faster.' },
];

function request(signal?: AbortSignal) {
  return { messages: MESSAGES, index: 0, total: 1, ...(signal ? { signal } : {}) };
}


async function rejectsWith(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail('expected a rejection');
}

function assertNoKey(err: unknown, logger: { lines: string[] }) {
  assert.ok(err instanceof Error);
  assert.ok(!err.message.includes(KEY), 'error message has no key');
  assert.ok(!String(err.stack).includes(KEY), 'stack has no key');
  for (const line of logger.lines) assert.ok(!line.includes(KEY), `log line has no key: ${line}`);
}

/** The strategy a request was built with, read back from its user message. */
function strategyOf(body: ChatRequestBody): string {
  const user = body.messages?.find((m) => m.role === 'user')?.content ?? '';
  const s = STRATEGIES.find((st) => user.includes(`Optimization angle for this attempt: ${st.title}.`));
  return s?.id ?? 'unknown';
}

// --- OpenAICandidateSource --------------------------------------------------------------------

void test('plain (non-streamed) answer over HTTP: text, usage, parameters, Authorization header', async () => {
  const fake = await startFakeOpenAI([{ content: ANSWER, usage: { prompt_tokens: 321, completion_tokens: 45 } }]);
  try {
    const logger = recordingLogger();
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL), logger);
    assert.equal(source.label, 'fake-model');
    const batch = await source.generate(request());
    assert.equal(batch.text, ANSWER);
    assert.equal(batch.promptTokens, 321);
    assert.equal(batch.completionTokens, 45);
    assert.equal(batch.truncated, false);
    assert.equal(batch.tokensEstimated, undefined);
    assert.equal(fake.requests.length, 1);
    const req = fake.requests[0]!;
    assert.equal(req.path, '/v1/chat/completions');
    assert.equal(req.headers.authorization, `Bearer ${KEY}`);
    assert.equal(req.body?.model, 'fake-model');
    assert.equal(req.body?.temperature, 0.4);
    assert.equal(req.body?.max_tokens, 1234);
    assert.equal(req.body?.max_completion_tokens, undefined);
    assert.ok(!req.body?.stream);
    assert.deepEqual(req.body?.messages, MESSAGES);
    for (const line of logger.lines) assert.ok(!line.includes(KEY));
  } finally {
    await fake.close();
  }
});

void test('streamed answer: deltas accumulated, usage from the final chunk', async () => {
  const fake = await startFakeOpenAI([{ content: ANSWER, chunkSize: 7, usage: { prompt_tokens: 50, completion_tokens: 20 } }]);
  try {
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL, { stream: true }), recordingLogger());
    const batch = await source.generate(request());
    assert.equal(batch.text, ANSWER);
    assert.equal(batch.promptTokens, 50);
    assert.equal(batch.completionTokens, 20);
    assert.equal(batch.truncated, false);
    assert.equal(fake.requests[0]?.body?.stream, true);
    assert.deepEqual(fake.requests[0]?.body?.stream_options, { include_usage: true });
  } finally {
    await fake.close();
  }
});

void test('streamed answer without usage: tokens estimated (chars / 4) and marked; length → truncated', async () => {
  const content = '```ts\nfunction dedupe(xs) {\n  const seen = new Se';
  const fake = await startFakeOpenAI([{ content, usage: null, finishReason: 'length' }]);
  try {
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL, { stream: true }), recordingLogger());
    const batch = await source.generate(request());
    assert.equal(batch.text, content);
    assert.equal(batch.truncated, true);
    assert.equal(batch.tokensEstimated, true);
    assert.equal(batch.completionTokens, Math.ceil(content.length / 4));
    const promptChars = MESSAGES.reduce((n, m) => n + m.content.length, 0);
    assert.equal(batch.promptTokens, Math.ceil(promptChars / 4));
  } finally {
    await fake.close();
  }
});

void test('streaming against a server that rejects stream_options: asked again without it', async () => {
  const fake = await startFakeOpenAI((body) =>
    body.stream_options
      ? { status: 400, body: { error: { message: 'Unrecognized request argument supplied: stream_options' } } }
      : { content: ANSWER, usage: null },
  );
  try {
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL, { stream: true }), recordingLogger());
    const batch = await source.generate(request());
    assert.equal(batch.text, ANSWER);
    assert.equal(batch.tokensEstimated, true);
    assert.equal(fake.requests.length, 2);
    assert.equal(fake.requests[1]?.body?.stream_options, undefined);
  } finally {
    await fake.close();
  }
});

void test('plain answer cut by the token limit is marked truncated', async () => {
  const fake = await startFakeOpenAI([{ content: 'partial', finishReason: 'length' }]);
  try {
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL), recordingLogger());
    assert.equal((await source.generate(request())).truncated, true);
  } finally {
    await fake.close();
  }
});

void test('401 → LlmError with one clear line and no key anywhere', async () => {
  const fake = await startFakeOpenAI([
    { status: 401, body: { error: { message: `Incorrect API key provided: ${KEY}`, type: 'invalid_request_error' } } },
  ]);
  try {
    const logger = recordingLogger();
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL, { stream: true }), logger);
    const err = await rejectsWith(source.generate(request()));
    assert.ok(err instanceof LlmError);
    assert.equal(err.message, 'The endpoint rejected the API key (HTTP 401). Set HOTPATH_API_KEY or OPENAI_API_KEY.');
    assert.equal(err.status, 401);
    assertNoKey(err, logger);
    assert.equal(fake.requests.length, 1, '401 is not retried');
  } finally {
    await fake.close();
  }
});

void test('404 → model not found at baseURL', async () => {
  const fake = await startFakeOpenAI([{ status: 404 }]);
  try {
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL, { model: 'gpt-nope' }), recordingLogger());
    const err = await rejectsWith(source.generate(request()));
    assert.ok(err instanceof LlmError);
    assert.equal(err.message, `Model 'gpt-nope' was not found at ${fake.baseURL} (HTTP 404).`);
    assert.equal(err.status, 404);
  } finally {
    await fake.close();
  }
});

void test('400 → the server message, with the key scrubbed', async () => {
  const fake = await startFakeOpenAI([{ status: 400, body: { error: { message: `max_tokens is too large for key ${KEY}.` } } }]);
  try {
    const logger = recordingLogger();
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL), logger);
    const err = await rejectsWith(source.generate(request()));
    assert.ok(err instanceof LlmError);
    const host = new URL(fake.baseURL).host;
    assert.equal(err.message, `${host} rejected the request (HTTP 400): max_tokens is too large for key ***`);
    assertNoKey(err, logger);
  } finally {
    await fake.close();
  }
});

void test('429 with Retry-After: 1 is retried after about a second and then succeeds', async () => {
  const fake = await startFakeOpenAI([{ status: 429, headers: { 'retry-after': '1' } }, { content: ANSWER }]);
  try {
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL), recordingLogger());
    const batch = await source.generate(request());
    assert.equal(batch.text, ANSWER);
    assert.equal(fake.requests.length, 2);
    const gap = fake.requests[1]!.atMs - fake.requests[0]!.atMs;
    assert.ok(gap >= 900, `waited for Retry-After (${gap} ms)`);
  } finally {
    await fake.close();
  }
});

void test('500 twice then success (streamed): retried by the client', async () => {
  const fake = await startFakeOpenAI([{ status: 500 }, { status: 500 }, { content: ANSWER }]);
  try {
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL, { stream: true }), recordingLogger());
    const batch = await source.generate(request());
    assert.equal(batch.text, ANSWER);
    assert.equal(fake.requests.length, 3);
  } finally {
    await fake.close();
  }
});

void test('persistent 503 → LlmError after 2 retries', async () => {
  const fake = await startFakeOpenAI([{ status: 503, headers: { 'retry-after-ms': '20' } }]);
  try {
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL), recordingLogger());
    const err = await rejectsWith(source.generate(request()));
    assert.ok(err instanceof LlmError);
    assert.equal(err.message, `${new URL(fake.baseURL).host} failed with HTTP 503.`);
    assert.equal(err.status, 503);
    assert.equal(fake.requests.length, 3);
  } finally {
    await fake.close();
  }
});

void test('persistent 429 → rate-limit message with the retry count', async () => {
  const fake = await startFakeOpenAI([{ status: 429, headers: { 'retry-after-ms': '10' } }]);
  try {
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL), recordingLogger());
    const err = await rejectsWith(source.generate(request()));
    assert.ok(err instanceof LlmError);
    assert.equal(err.message, `Rate limited by ${new URL(fake.baseURL).host} (HTTP 429) after 2 retries.`);
    assert.equal(fake.requests.length, 3);
  } finally {
    await fake.close();
  }
});

void test('429 asking to wait an hour fails at once instead of sleeping', async () => {
  const fake = await startFakeOpenAI([{ status: 429, headers: { 'retry-after': '3600' } }]);
  try {
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL), recordingLogger());
    const started = Date.now();
    const err = await rejectsWith(source.generate(request()));
    assert.ok(Date.now() - started < 2000);
    assert.ok(err instanceof LlmError);
    assert.equal(
      err.message,
      `Rate limited by ${new URL(fake.baseURL).host} (HTTP 429) after 0 retries. The server asks to wait 3600 s.`,
    );
    assert.equal(fake.requests.length, 1);
  } finally {
    await fake.close();
  }
});

void test('server that never answers → timeout LlmError after requestTimeoutMs, not retried', async () => {
  const fake = await startFakeOpenAI([{ hang: true }]);
  try {
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL, { requestTimeoutMs: 300 }), recordingLogger());
    const started = Date.now();
    const err = await rejectsWith(source.generate(request()));
    const elapsed = Date.now() - started;
    assert.ok(err instanceof LlmError);
    assert.equal(err.message, `No answer from ${new URL(fake.baseURL).host} within 300 ms.`);
    assert.ok(elapsed >= 280 && elapsed < 1500, `timed out after ${elapsed} ms`);
    assert.equal(fake.requests.length, 1);
  } finally {
    await fake.close();
  }
});

void test('stream that stalls after a chunk → timeout LlmError', async () => {
  const fake = await startFakeOpenAI([{ content: ANSWER, chunkSize: 5, hangAfterChunks: 2 }]);
  try {
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL, { stream: true, requestTimeoutMs: 300 }), recordingLogger());
    const started = Date.now();
    const err = await rejectsWith(source.generate(request()));
    assert.ok(err instanceof LlmError);
    assert.match(err.message, /^No answer from 127\.0\.0\.1:\d+ within 300 ms\.$/);
    assert.ok(Date.now() - started < 1500);
  } finally {
    await fake.close();
  }
});

void test('abort mid-stream → CancelledError promptly', async () => {
  const fake = await startFakeOpenAI([{ content: ANSWER.repeat(5), chunkSize: 4, chunkDelayMs: 100 }]);
  try {
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL, { stream: true }), recordingLogger());
    const controller = new AbortController();
    const pending = source.generate(request(controller.signal));
    await new Promise((r) => setTimeout(r, 350)); // a few chunks have arrived
    const abortedAt = Date.now();
    controller.abort();
    const err = await rejectsWith(pending);
    const took = Date.now() - abortedAt;
    assert.ok(err instanceof CancelledError, `got ${String(err)}`);
    assert.ok(took < 1000, `stopped ${took} ms after abort`);
  } finally {
    await fake.close();
  }
});

void test('abort while waiting to retry a 429 → CancelledError promptly', async () => {
  const fake = await startFakeOpenAI([{ status: 429, headers: { 'retry-after': '10' } }, { content: ANSWER }]);
  try {
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL), recordingLogger());
    const controller = new AbortController();
    const pending = source.generate(request(controller.signal));
    await new Promise((r) => setTimeout(r, 200));
    const abortedAt = Date.now();
    controller.abort();
    const err = await rejectsWith(pending);
    assert.ok(err instanceof CancelledError);
    assert.ok(Date.now() - abortedAt < 500);
  } finally {
    await fake.close();
  }
});

void test('already-aborted signal → CancelledError without a request', async () => {
  const fake = await startFakeOpenAI([{ content: ANSWER }]);
  try {
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL), recordingLogger());
    const err = await rejectsWith(source.generate(request(AbortSignal.abort())));
    assert.ok(err instanceof CancelledError);
    assert.equal(fake.requests.length, 0);
  } finally {
    await fake.close();
  }
});

async function closedPortURL(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}/v1`;
}

void test('connection refused → clear LlmError, at once', async () => {
  const baseURL = await closedPortURL();
  const logger = recordingLogger();
  const source = new OpenAICandidateSource(llmOptions(baseURL), logger);
  const started = Date.now();
  const err = await rejectsWith(source.generate(request()));
  assert.ok(err instanceof LlmError);
  assert.equal(err.message, `Could not connect to ${baseURL}: ECONNREFUSED.`);
  assert.ok(Date.now() - started < 1000, 'not retried with back-off');
  assertNoKey(err, logger);
});

// --- generateCandidates ----------------------------------------------------------------------

function answerFor(name: string, body: string): string {
  return `\`\`\`ts\nfunction ${name}(xs: number[]): number[] {\n  ${body}\n}\n\`\`\``;
}

void test('generateCandidates: distinct strategies, origins, token totals, bounded concurrency', async () => {
  let n = 0;
  const fake = await startFakeOpenAI(() => {
    n++;
    return { delayMs: 150, then: { content: answerFor('dedupe', `return Array.from(new Set(xs)).slice(0, ${n} + xs.length);`), usage: { prompt_tokens: 10, completion_tokens: 5 } } };
  });
  try {
    const logger = recordingLogger();
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL), logger);
    const progress: [number, number][] = [];
    const count = STRATEGIES.length;
    const result = await generateCandidates(source, makeTarget(), {
      count,
      nodeVersion: '22.0.0',
      concurrency: 2,
      logger,
      onRequestDone: (done, total) => progress.push([done, total]),
    });
    assert.equal(result.requests, count);
    assert.equal(result.candidates.length, count);
    assert.equal(result.failures.length, 0);
    assert.equal(result.promptTokens, 10 * count);
    assert.equal(result.completionTokens, 5 * count);
    assert.ok(result.llmMs >= 150);
    assert.deepEqual(
      progress,
      Array.from({ length: count }, (_, i) => [i + 1, count]),
    );
    // Each request used a different strategy, request i using STRATEGIES[i].
    const used = fake.requests.map((r) => strategyOf(r.body ?? {}));
    assert.equal(new Set(used).size, count);
    assert.ok(!used.includes('unknown'));
    assert.deepEqual(
      result.candidates.map((c) => c.origin),
      STRATEGIES.map((s, i) => `llm:fake-model#${i + 1} (${s.id})`),
    );
    // Bounded concurrency: the third request starts only after one of the first two finished.
    const third = fake.requests[2]!.atMs - fake.requests[0]!.atMs;
    assert.ok(third >= 120, `third request waited (${third} ms)`);
    // The exact messages are logged at trace level; never the key.
    assert.ok(logger.lines.some((l) => l.startsWith('trace: LLM request llm:fake-model#1 (complexity) messages:')));
    assert.ok(logger.lines.every((l) => !l.includes(KEY)));
  } finally {
    await fake.close();
  }
});

void test('generateCandidates: failed requests keep the others (partial results)', async () => {
  const fake = await startFakeOpenAI((body) => {
    const s = strategyOf(body);
    if (s === 'data-structures') return { status: 400, body: { error: { message: 'context length exceeded' } } };
    return { content: answerFor('dedupe', `return [...new Set(xs)]; // ${s}`.replace(' //', `.concat([]) //`)) };
  });
  try {
    const logger = recordingLogger();
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL), logger);
    const result = await generateCandidates(source, makeTarget(), { count: 3, nodeVersion: '22.0.0', logger });
    // Answers 1 and 3 normalise to the same code (only comments differ): one is a duplicate.
    assert.equal(result.candidates.length, 1);
    assert.equal(result.candidates[0]?.origin, 'llm:fake-model#1 (complexity)');
    assert.deepEqual(result.failures, [
      {
        origin: 'llm:fake-model#2 (data-structures)',
        reason: `${new URL(fake.baseURL).host} rejected the request (HTTP 400): context length exceeded`,
      },
      { origin: 'llm:fake-model#3 (allocation)', reason: 'Duplicate of llm:fake-model#1 (complexity).' },
    ]);
  } finally {
    await fake.close();
  }
});

void test('generateCandidates: dedupe, no-op rewrites, prose-only and truncated answers', async () => {
  const target = makeTarget();
  const answers: FakeResponse[] = [
    { content: answerFor('dedupe', 'return [...new Set(xs)];') },
    { content: 'Same idea, reformatted:\n```ts\nfunction dedupe(xs: number[]): number[] { return [ ...new Set(xs) ]; }\n```' },
    { content: 'Already optimal:\n```ts\n' + target.text.replace('return', '// unchanged\n  return') + '\n```' },
    { content: 'I would use a Set here.' },
    { content: '```ts\nfunction dedupe(xs: number[]): number[] {\n  const out = [];\n  for (', finishReason: 'length' },
    { content: answerFor('dedupe', 'const s = new Set<number>(); for (const x of xs) s.add(x); return [...s];') },
  ];
  const fake = await startFakeOpenAI((_body, i) => answers[i] ?? { status: 500 });
  try {
    const logger = recordingLogger();
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL), logger);
    const result = await generateCandidates(source, target, { count: answers.length, nodeVersion: '22.0.0', concurrency: 1, logger });
    assert.deepEqual(
      result.candidates.map((c) => c.origin),
      ['llm:fake-model#1 (complexity)', `llm:fake-model#6 (${STRATEGIES[5]!.id})`],
    );
    assert.equal(result.candidates[0]?.source, 'function dedupe(xs: number[]): number[] {\n  return [...new Set(xs)];\n}');
    assert.deepEqual(result.failures, [
      { origin: 'llm:fake-model#2 (data-structures)', reason: 'Duplicate of llm:fake-model#1 (complexity).' },
      { origin: 'llm:fake-model#3 (allocation)', reason: 'The answer repeated the original function unchanged.' },
      { origin: 'llm:fake-model#4 (builtins)', reason: "The answer contained no code defining 'dedupe'." },
      {
        origin: 'llm:fake-model#5 (hoisting)',
        reason: 'The answer was cut off by the token limit before the code was complete.',
      },
    ]);
  } finally {
    await fake.close();
  }
});

void test('generateCandidates: every request failing with the same LlmError rethrows it', async () => {
  const fake = await startFakeOpenAI([{ status: 401 }]);
  try {
    const logger = recordingLogger();
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL), logger);
    const err = await rejectsWith(generateCandidates(source, makeTarget(), { count: 4, nodeVersion: '22.0.0', logger }));
    assert.ok(err instanceof LlmError);
    assert.equal(err.message, 'The endpoint rejected the API key (HTTP 401). Set HOTPATH_API_KEY or OPENAI_API_KEY.');
    assert.equal(fake.requests.length, 4);
    assertNoKey(err, logger);
  } finally {
    await fake.close();
  }
});

void test('generateCandidates: connection refused everywhere rethrows the connection error', async () => {
  const baseURL = await closedPortURL();
  const logger = recordingLogger();
  const source = new OpenAICandidateSource(llmOptions(baseURL), logger);
  const err = await rejectsWith(generateCandidates(source, makeTarget(), { count: 3, nodeVersion: '22.0.0', logger }));
  assert.ok(err instanceof LlmError);
  assert.equal(err.message, `Could not connect to ${baseURL}: ECONNREFUSED.`);
});

void test('generateCandidates: all failing with different errors returns failures instead', async () => {
  const fake = await startFakeOpenAI((_b, i) => (i % 2 === 0 ? { status: 400 } : { status: 422 }));
  try {
    const logger = recordingLogger();
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL), logger);
    const result = await generateCandidates(source, makeTarget(), { count: 2, nodeVersion: '22.0.0', concurrency: 1, logger });
    assert.equal(result.candidates.length, 0);
    assert.equal(result.failures.length, 2);
    assert.match(result.failures[0]!.reason, /HTTP 400/);
    assert.match(result.failures[1]!.reason, /HTTP 422/);
  } finally {
    await fake.close();
  }
});

void test('generateCandidates: cancellation stops the batch with CancelledError', async () => {
  const fake = await startFakeOpenAI([{ delayMs: 2000, then: { content: ANSWER } }]);
  try {
    const logger = recordingLogger();
    const source = new OpenAICandidateSource(llmOptions(fake.baseURL), logger);
    const controller = new AbortController();
    const pending = generateCandidates(source, makeTarget(), { count: 6, nodeVersion: '22.0.0', signal: controller.signal, logger });
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const err = await rejectsWith(pending);
    assert.ok(err instanceof CancelledError);
    assert.ok(Date.now() - started < 1000);
    assert.equal(fake.requests.length, 3, 'no new requests after the abort');
  } finally {
    await fake.close();
  }
});

void test('fake server: GET /v1/models and unknown routes', async () => {
  const fake = await startFakeOpenAI([{ content: 'x' }], { models: ['m1', 'm2'] });
  try {
    const res = await fetch(`${fake.baseURL}/models`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { data: { id: string }[] };
    assert.deepEqual(
      body.data.map((m) => m.id),
      ['m1', 'm2'],
    );
    assert.equal((await fetch(`${fake.baseURL}/nope`)).status, 404);
    assert.equal(fake.otherRequests.length, 2);
    assert.equal(fake.requests.length, 0);
  } finally {
    await fake.close();
  }
});
