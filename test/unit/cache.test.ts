import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedSource, defaultCacheDir, ResponseCache, type CacheKeyParts } from '../../src/core/candidates/llm/cache';
import { OpenAICandidateSource, generateCandidates, resolveEndpoint, DEFAULT_AZURE_API_VERSION } from '../../src/core/candidates/llm/client';
import { PROMPT_VERSION, STRATEGIES } from '../../src/core/candidates/llm/prompt';
import { askInputGenerator } from '../../src/core/candidates/llm/inputgen';
import { runSearch, SearchController, summarizeSearch } from '../../src/core/candidates/search';
import { silentLogger } from '../../src/core/logger';
import type { LlmOptions } from '../../src/core/options';
import { startFakeOpenAI } from '../support/fake-openai';
import { answer, fakeEvaluator, kindOf, llmOptions, makeTarget } from '../support/search-helpers';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'hotpath-cache-test-'));
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name));
      else out.push(join(d, e.name));
    }
  };
  await walk(dir).catch(() => undefined);
  return out;
}

const PARTS: CacheKeyParts = {
  model: 'm',
  baseURL: 'http://localhost:11434/v1',
  messages: [{ role: 'user', content: 'hi' }],
  temperature: 0.7,
  maxTokens: 100,
  promptVersion: 'v1',
};

function keyBase(o: LlmOptions) {
  return { model: o.model, baseURL: o.baseURL, temperature: o.temperature, maxTokens: o.maxTokens, promptVersion: PROMPT_VERSION };
}

void test('defaultCacheDir follows each platform convention', () => {
  assert.equal(defaultCacheDir({}, 'linux', '/home/u'), '/home/u/.cache/hotpath');
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/xdg' }, 'linux', '/home/u'), '/xdg/hotpath');
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: 'relative' }, 'linux', '/home/u'), '/home/u/.cache/hotpath');
  assert.equal(defaultCacheDir({}, 'darwin', '/Users/u'), '/Users/u/Library/Caches/hotpath');
  assert.equal(defaultCacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', 'C:\\Users\\u'), join('C:\\Users\\u\\AppData\\Local', 'hotpath', 'cache'));
  assert.equal(defaultCacheDir({ HOTPATH_CACHE_DIR: '/tmp/hc' }, 'linux', '/home/u'), '/tmp/hc');
});

void test('key: sha256 over every part; equal parts give equal keys', () => {
  const c = new ResponseCache(null);
  const k = c.key(PARTS);
  assert.match(k, /^[0-9a-f]{64}$/);
  assert.equal(c.key({ ...PARTS, messages: [{ role: 'user', content: 'hi' }] }), k);
  assert.equal(c.key({ ...PARTS, baseURL: 'http://localhost:11434/v1/' }), k, 'a trailing slash does not matter');
  const variants: Partial<CacheKeyParts>[] = [
    { model: 'm2' },
    { baseURL: 'http://localhost:1234/v1' },
    { messages: [{ role: 'user', content: 'hi!' }] },
    { messages: [{ role: 'system', content: 'hi' }] },
    { messages: 'stable key' },
    { temperature: 0.2 },
    { maxTokens: 101 },
    { promptVersion: 'v2' },
    { sample: 1 },
  ];
  const keys = new Set([k, ...variants.map((v) => c.key({ ...PARTS, ...v }))]);
  assert.equal(keys.size, variants.length + 1);
});

void test('get/set round trip, atomic writes, corrupt and malformed entries ignored, disabled cache is inert', async () => {
  const dir = await tempDir();
  try {
    const cache = new ResponseCache(dir);
    const key = cache.key(PARTS);
    assert.equal(await cache.get(key), null);
    await cache.set(key, { text: 'answer', promptTokens: 10, completionTokens: 5, truncated: false });
    assert.deepEqual(await cache.get(key), { text: 'answer', promptTokens: 10, completionTokens: 5, truncated: false });
    const files = await filesUnder(dir);
    assert.equal(files.length, 1, 'no temporary files left behind');
    assert.ok(files[0]!.endsWith(`${key}.json`));

    await writeFile(files[0]!, '{"format":1,"key":"'); // cut short
    assert.equal(await cache.get(key), null);
    await writeFile(files[0]!, JSON.stringify({ format: 1, key, batch: { text: 3 } }));
    assert.equal(await cache.get(key), null);
    await writeFile(files[0]!, JSON.stringify({ format: 1, key: 'f'.repeat(64), createdAt: '', batch: { text: 'x', promptTokens: 1, completionTokens: 1, truncated: false } }));
    assert.equal(await cache.get(key), null, 'an entry for another key is not used');
    assert.equal(await cache.get('../../etc/passwd'), null);

    const off = new ResponseCache(null);
    assert.equal(off.enabled, false);
    await off.set(key, { text: 'x', promptTokens: 1, completionTokens: 1, truncated: false });
    assert.equal(await off.get(key), null);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('an unwritable cache directory does not fail the request', async () => {
  const dir = await tempDir();
  try {
    const blocker = join(dir, 'file');
    await writeFile(blocker, 'not a directory');
    const fake = await startFakeOpenAI([{ content: answer('FAST:2', 1) }]);
    try {
      const o = llmOptions(fake.baseURL);
      const src = cachedSource(new OpenAICandidateSource(o, silentLogger), new ResponseCache(join(blocker, 'sub')), keyBase(o));
      const batch = await src.generate({ messages: [{ role: 'user', content: 'x' }], index: 0, total: 1 });
      assert.match(batch.text, /FAST:2/);
    } finally {
      await fake.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('the same prompt asked twice in one run gets two answers (sample number), and both are cached', async () => {
  const dir = await tempDir();
  const count = STRATEGIES.length + 1; // the last request repeats the first strategy's prompt
  const fake = await startFakeOpenAI((_b, i) => ({ content: answer(`FAST:${2 + i / 100}`, i) }));
  try {
    const o = llmOptions(fake.baseURL);
    const run = async () => {
      const src = cachedSource(new OpenAICandidateSource(o, silentLogger), new ResponseCache(dir), keyBase(o));
      const gen = await generateCandidates(src, makeTarget(), { count, nodeVersion: 'v22.0.0', logger: silentLogger, concurrency: 1 });
      return { gen, stats: src.stats };
    };
    const first = await run();
    assert.equal(fake.requests.length, count);
    assert.equal(first.gen.candidates.length, count, 'the repeated prompt did not collapse into the first answer');
    assert.equal(first.stats.misses, count);
    const second = await run();
    assert.equal(fake.requests.length, count, 'no HTTP request on the re-run');
    assert.equal(second.stats.hits, count);
    assert.deepEqual(second.gen.candidates, first.gen.candidates);
    assert.equal(second.gen.promptTokens, 0);
    assert.equal(second.gen.completionTokens, 0);
    assert.ok(second.stats.savedPromptTokens > 0);
  } finally {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  }
});

void test('a repeated multi-round search makes zero HTTP requests and yields the same candidates; --no-cache asks again', async () => {
  const dir = await tempDir();
  // Round 1: one fast, one wrong; round 2: a repair and an improve, both faster; round 3: no gain.
  const fake = await startFakeOpenAI((body, i) => {
    const k = kindOf(body);
    if (k === 'explore') return { content: i % 2 === 0 ? answer('FAST:1.5', `e${i}`) : answer('WRONG', `e${i}`) };
    if (k === 'repair') return { content: answer('FAST:1.7', `r${i}`) };
    return { content: answer('FAST:2.0', `i${i}`) };
  });
  try {
    const o = llmOptions(fake.baseURL, { temperature: 0.9 });
    const target = makeTarget();
    const run = async (cacheDir: string | null, jitter: number) => {
      const src = cachedSource(new OpenAICandidateSource(o, silentLogger), new ResponseCache(cacheDir), keyBase(o));
      const ev = fakeEvaluator(jitter);
      const result = await runSearch({
        source: src,
        target,
        controller: new SearchController({ rounds: 3, candidatesPerRound: 2, budgetTokens: null, target, nodeVersion: 'v22.0.0' }),
        evaluate: ev.evaluate,
        concurrency: 2,
      });
      return { result, stats: src.stats };
    };
    const first = await run(dir, 0);
    const sent = fake.requests.length;
    assert.ok(first.result.rounds.length >= 2, 'feedback rounds happened');
    assert.ok(fake.requests.some((r) => kindOf(r.body!) === 'repair'));
    assert.ok(fake.requests.some((r) => kindOf(r.body!) === 'improve'));

    // Measurement noise changes the numbers quoted in feedback prompts; the cache still hits.
    const second = await run(dir, 0.013);
    assert.equal(fake.requests.length, sent, 'zero HTTP requests on the repeated run');
    assert.equal(second.stats.misses, 0);
    assert.equal(second.stats.hits, sent);
    assert.deepEqual(
      second.result.candidates.map((c) => [c.origin, c.source]),
      first.result.candidates.map((c) => [c.origin, c.source]),
    );
    assert.equal(second.result.stopReason, first.result.stopReason);
    const summary = summarizeSearch(second.result);
    assert.equal(summary.promptTokens + summary.completionTokens, 0, 'cached answers cost nothing');
    assert.equal(summary.cachedRequests, sent);
    assert.ok(summary.cachedPromptTokens > 0);

    const third = await run(null, 0);
    assert.equal(fake.requests.length, sent * 2, '--no-cache makes the requests again');
    assert.equal(third.stats.hits, 0);
  } finally {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  }
});

void test('the input-generator request goes through the cache too', async () => {
  const dir = await tempDir();
  const fake = await startFakeOpenAI([{ content: '```js\nexport function generate(size, random) { return [[Array.from({ length: size }, () => random())]]; }\n```' }]);
  try {
    const o = llmOptions(fake.baseURL);
    const ask = () =>
      askInputGenerator(cachedSource(new OpenAICandidateSource(o, silentLogger), new ResponseCache(dir), keyBase(o)), makeTarget(), {
        nodeVersion: 'v22.0.0',
        logger: silentLogger,
      });
    const a = await ask();
    assert.equal(a.reason, null);
    assert.equal(a.cached, false);
    const b = await ask();
    assert.equal(b.cached, true);
    assert.equal(b.promptTokens + b.completionTokens, 0);
    assert.equal(b.budgetTokens, a.budgetTokens);
    assert.equal(b.source, a.source);
    assert.equal(fake.requests.length, 1);
  } finally {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  }
});

// --- Azure OpenAI and other endpoints -------------------------------------------------------------

void test('resolveEndpoint: Azure deployment URLs, bare Azure resources, the v1 API, queries elsewhere', () => {
  assert.deepEqual(resolveEndpoint('https://res.openai.azure.com/openai/deployments/gpt4o?api-version=2024-06-01', {}), {
    kind: 'azure',
    baseURL: 'https://res.openai.azure.com/openai/deployments/gpt4o',
    apiVersion: '2024-06-01',
    deployment: 'gpt4o',
  });
  assert.deepEqual(resolveEndpoint('https://res.openai.azure.com/openai/deployments/gpt4o/', { HOTPATH_AZURE_API_VERSION: '2025-01-01-preview' }), {
    kind: 'azure',
    baseURL: 'https://res.openai.azure.com/openai/deployments/gpt4o',
    apiVersion: '2025-01-01-preview',
    deployment: 'gpt4o',
  });
  assert.deepEqual(resolveEndpoint('https://res.cognitiveservices.azure.com', {}), {
    kind: 'azure',
    baseURL: 'https://res.cognitiveservices.azure.com/openai',
    apiVersion: DEFAULT_AZURE_API_VERSION,
    deployment: null,
  });
  assert.deepEqual(resolveEndpoint('https://res.openai.azure.com/openai/v1', {}), { kind: 'openai', baseURL: 'https://res.openai.azure.com/openai/v1', query: null });
  assert.deepEqual(resolveEndpoint('http://localhost:11434/v1', {}), { kind: 'openai', baseURL: 'http://localhost:11434/v1', query: null });
  assert.deepEqual(resolveEndpoint('https://gw.example.com/v1?tenant=a', {}), { kind: 'openai', baseURL: 'https://gw.example.com/v1', query: { tenant: 'a' } });
});

void test('an Azure deployment URL is called with the api-key header and the api-version query', async () => {
  const fake = await startFakeOpenAI([{ content: answer('FAST:2', 1) }]);
  try {
    const base = fake.baseURL.replace(/\/v1$/, '/openai/deployments/my-gpt?api-version=2024-10-21');
    for (const stream of [false, true]) {
      const src = new OpenAICandidateSource(llmOptions(base, { apiKey: 'azure-key-123', model: 'gpt-4o', stream }), silentLogger);
      const batch = await src.generate({ messages: [{ role: 'user', content: 'x' }], index: 0, total: 1 });
      assert.match(batch.text, /FAST:2/);
    }
    assert.equal(fake.requests.length, 2);
    for (const req of fake.requests) {
      assert.equal(req.path, '/openai/deployments/my-gpt/chat/completions');
      assert.match(req.url, /[?&]api-version=2024-10-21(&|$)/);
      assert.equal(req.headers['api-key'], 'azure-key-123');
      assert.equal(req.headers.authorization, undefined);
    }
  } finally {
    await fake.close();
  }
});

void test('a base URL with a query string keeps it on every request (OpenAI-compatible gateways)', async () => {
  const fake = await startFakeOpenAI([{ content: answer('FAST:2', 1) }]);
  try {
    const src = new OpenAICandidateSource(llmOptions(`${fake.baseURL}?tenant=t1`), silentLogger);
    await src.generate({ messages: [{ role: 'user', content: 'x' }], index: 0, total: 1 });
    assert.equal(fake.requests[0]!.path, '/v1/chat/completions');
    assert.match(fake.requests[0]!.url, /\?tenant=t1$/);
  } finally {
    await fake.close();
  }
});

void test('cache directory is created on demand', async () => {
  const dir = await tempDir();
  try {
    const nested = join(dir, 'a', 'b');
    await mkdir(dir, { recursive: true });
    const cache = new ResponseCache(nested);
    const key = cache.key(PARTS);
    await cache.set(key, { text: 't', promptTokens: 1, completionTokens: 1, truncated: true, tokensEstimated: true });
    assert.deepEqual(await cache.get(key), { text: 't', promptTokens: 1, completionTokens: 1, truncated: true, tokensEstimated: true });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
