/**
 * Candidates from an OpenAI-compatible chat completions endpoint, and the fan-out that asks
 * for several candidates with different strategies.
 *
 * Timeouts are enforced here rather than by the openai client, so that a timeout is not
 * retried (a local model that takes longer than the limit would otherwise be asked three
 * times): `requestTimeoutMs` bounds the wait for the response headers of each attempt, then
 * the gap between streamed chunks (or the whole body when not streaming). Rate limits (429)
 * and server errors (5xx) are retried twice by the openai client; the wait before a retry
 * (`retry-after-ms`, `retry-after`, else exponential back-off) happens in our fetch wrapper so
 * that cancelling interrupts it; waits longer than MAX_RETRY_AFTER_MS are not sat out.
 * Connection refused / unknown host fail at once.
 */
import { defaultOf } from '../../defaults';
import OpenAI, { AzureOpenAI } from 'openai';
import type { CandidateBatch, CandidateRequest, CandidateSource, LlmOptions } from '../../options';
import type { TargetFunction } from '../../types';
import type { Logger } from '../../logger';
import { CancelledError, LlmError, oneLine } from '../../errors';
import { buildMessages, STRATEGIES } from './prompt';
import { normalizeForDedup, pickCandidateSource, TRUNCATED_REASON } from './parse';

/** Retries of 429 and 5xx answers (done by the openai client). */
export const MAX_RETRIES = 2;
/** A Retry-After longer than this is not waited for: the request fails with the rate-limit message. */
export const MAX_RETRY_AFTER_MS = 30_000;

type ChatMessage = CandidateRequest['messages'][number];

/** api-version used for Azure OpenAI deployment URLs when neither the URL nor the environment gives one. */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

export type Endpoint =
  | { kind: 'openai'; baseURL: string; query: Record<string, string> | null }
  | { kind: 'azure'; baseURL: string; apiVersion: string; deployment: string | null };

/**
 * How to talk to `baseURL`. Azure OpenAI deployment URLs
 * (https://<resource>.openai.azure.com/openai/deployments/<deployment>, any host with that
 * path, or a bare https://<resource>.openai.azure.com[/openai] where the model is the
 * deployment) go through the AzureOpenAI client: `api-key` header and an `api-version` query
 * taken from the URL's `?api-version=`, else $HOTPATH_AZURE_API_VERSION, else
 * $OPENAI_API_VERSION, else DEFAULT_AZURE_API_VERSION. Azure's v1 API (…/openai/v1) is
 * plain OpenAI-compatible. A query string on any other base URL is sent with every request.
 */
export function resolveEndpoint(baseURL: string, env: NodeJS.ProcessEnv = process.env): Endpoint {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    return { kind: 'openai', baseURL, query: null };
  }
  const path = url.pathname.replace(/\/+$/, '');
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const azureHost = /\.(?:openai\.azure\.com|cognitiveservices\.azure\.com)$/i.test(url.hostname);
  const deployment = /\/openai\/deployments\/([^/]+)$/.exec(path);
  if (deployment || (azureHost && (path === '' || path === '/openai'))) {
    const apiVersion = query['api-version'] || env.HOTPATH_AZURE_API_VERSION || env.OPENAI_API_VERSION || DEFAULT_AZURE_API_VERSION;
    return {
      kind: 'azure',
      baseURL: `${url.origin}${deployment ? path : '/openai'}`,
      apiVersion,
      deployment: deployment ? decodeURIComponent(deployment[1] ?? '') : null,
    };
  }
  if (Object.keys(query).length === 0) return { kind: 'openai', baseURL, query: null };
  url.search = '';
  return { kind: 'openai', baseURL: url.toString().replace(/\/+$/, ''), query };
}

function hostOf(baseURL: string): string {
  try {
    return new URL(baseURL).host || baseURL;
  } catch {
    return baseURL;
  }
}

/** The `code` (ECONNREFUSED, ENOTFOUND, ...) anywhere in an error's cause chain. */
function errorCode(err: unknown): string | null {
  let cur: unknown = err;
  for (let i = 0; i < 8 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    const errors = (cur as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      const inner = errorCode(errors[0]);
      if (inner) return inner;
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  return null;
}

const FAIL_FAST_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('aborted'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

/** Per-request state shared by the fetch wrapper, the timers and the error mapping. */
interface Attempt {
  controller: AbortController;
  attempts: number;
  timedOut: boolean;
  cancelled: boolean;
  connectError: { code: string; cause: unknown } | null;
  /** Retry-After (ms) of the last 429/5xx answer, if any. */
  retryAfterMs: number | null;
  timer: NodeJS.Timeout | null;
}

export class OpenAICandidateSource implements CandidateSource {
  readonly label: string;
  private readonly host: string;

  constructor(
    private readonly opts: LlmOptions,
    private readonly logger: Logger,
  ) {
    this.label = opts.model;
    this.host = hostOf(opts.baseURL);
  }

  /** Removes the API key from any text that could reach a log or an error message. */
  private scrub(text: string): string {
    const key = this.opts.apiKey;
    return key && key.length >= 4 ? text.split(key).join('***') : text;
  }

  async generate(request: CandidateRequest): Promise<CandidateBatch> {
    const { opts } = this;
    const a: Attempt = {
      controller: new AbortController(),
      attempts: 0,
      timedOut: false,
      cancelled: false,
      connectError: null,
      retryAfterMs: null,
      timer: null,
    };
    const signal = request.signal;
    if (signal?.aborted) throw new CancelledError();

    const disarm = () => {
      if (a.timer) clearTimeout(a.timer);
      a.timer = null;
    };
    /** (Re)starts the no-progress timer. */
    const arm = () => {
      disarm();
      a.timer = setTimeout(() => {
        a.timedOut = true;
        a.controller.abort();
      }, opts.requestTimeoutMs);
    };

    const endpoint = resolveEndpoint(opts.baseURL);
    const common = {
      apiKey: opts.apiKey || 'no-key',
      maxRetries: MAX_RETRIES,
      // Backstop only: our own timer (arm) fires first and is not retried.
      timeout: Math.max(1, Math.floor(opts.requestTimeoutMs)) + 5_000,
      logLevel: 'info',
      logger: this.openaiLogger(),
      fetch: async (input, init) => {
        a.attempts++;
        arm();
        let res: Response;
        try {
          res = await fetch(input, init);
        } catch (err) {
          disarm();
          const code = errorCode(err);
          if (code && FAIL_FAST_CODES.has(code) && !a.controller.signal.aborted) {
            // Not worth retrying: abort so that the openai client gives up at once.
            a.connectError = { code, cause: err };
            a.controller.abort();
          } else if (code) {
            a.connectError = { code, cause: err };
          }
          throw err;
        }
        if (res.ok) {
          arm(); // now bounds the body (or the first streamed chunk)
          return res;
        }
        disarm();
        return this.handleRetryable(res, a);
      },
    } satisfies ConstructorParameters<typeof OpenAI>[0];
    const client: OpenAI =
      endpoint.kind === 'azure'
        ? new AzureOpenAI({ ...common, baseURL: endpoint.baseURL, apiVersion: endpoint.apiVersion })
        : new OpenAI({
            ...common,
            baseURL: endpoint.baseURL,
            ...(endpoint.query ? { defaultQuery: endpoint.query } : {}),
          });

    const onAbort = () => {
      a.cancelled = true;
      a.controller.abort();
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    const promptChars = request.messages.reduce((n, m) => n + m.content.length, 0);
    this.logger.debug(
      `LLM request ${request.index + 1}/${request.total}: POST ${endpoint.kind === 'azure' ? `${endpoint.baseURL}${endpoint.deployment ? '' : `/deployments/${opts.model}`} (Azure, api-version ${endpoint.apiVersion})` : opts.baseURL}/chat/completions model=${opts.model} stream=${opts.stream} max_tokens=${opts.maxTokens} temperature=${opts.temperature}`,
    );
    const started = Date.now();
    const work = opts.stream ? this.runStreamed(client, request.messages, a, arm) : this.runPlain(client, request.messages, a);
    // Settles as soon as the request is aborted (cancel, timeout, refused connection).
    const aborted = new Promise<never>((_, reject) => {
      const fail = () => reject(new Error('aborted'));
      if (a.controller.signal.aborted) fail();
      else a.controller.signal.addEventListener('abort', fail, { once: true });
    });
    work.catch(() => {});
    aborted.catch(() => {});
    try {
      const result = await Promise.race([work, aborted]);
      const usage = result.usage;
      const batch: CandidateBatch = {
        text: result.text,
        promptTokens: usage?.promptTokens ?? estimateTokens(promptChars),
        completionTokens: usage?.completionTokens ?? estimateTokens(result.text.length),
        truncated: result.finishReason === 'length',
      };
      if (!usage) batch.tokensEstimated = true;
      this.logger.debug(
        `LLM answer ${request.index + 1}/${request.total} in ${Date.now() - started} ms: ${result.text.length} chars, finish_reason=${result.finishReason ?? 'none'}, tokens ${batch.promptTokens}+${batch.completionTokens}${usage ? '' : ' (estimated)'}`,
      );
      this.logger.trace(`LLM answer ${request.index + 1}/${request.total} text:\n${this.scrub(result.text)}`);
      return batch;
    } catch (err) {
      throw this.mapError(err, a, signal);
    } finally {
      disarm();
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private openaiLogger(): NonNullable<ConstructorParameters<typeof OpenAI>[0]>['logger'] {
    // Only the first argument (a message string) is forwarded; detail objects are dropped.
    const forward = (level: 'debug' | 'trace') => (msg: unknown) => {
      if (typeof msg === 'string') this.logger[level](`openai: ${this.scrub(msg)}`);
    };
    return { error: forward('debug'), warn: forward('debug'), info: forward('debug'), debug: forward('trace') };
  }

  /**
   * For an answer the openai client will retry (429, 408, 409, 5xx while retries remain), waits
   * here — honouring `retry-after-ms` / `retry-after`, else the client's exponential back-off —
   * with a timer that the abort signal cancels, then hands the answer on with
   * `retry-after-ms: 0` so that the client retries at once. (The client's own sleep cannot be
   * cancelled and would keep a cancelled run's process alive.) A wait longer than
   * MAX_RETRY_AFTER_MS is not sat out: the answer is marked `x-should-retry: false`.
   */
  private async handleRetryable(res: Response, a: Attempt): Promise<Response> {
    const explicit = res.headers.get('x-should-retry');
    const retryable =
      explicit === 'true' ||
      (explicit !== 'false' && (res.status === 408 || res.status === 409 || res.status === 429 || res.status >= 500));
    if (!retryable) return res;
    let waitMs: number | null = null;
    const ms = res.headers.get('retry-after-ms');
    const s = res.headers.get('retry-after');
    if (ms && !Number.isNaN(parseFloat(ms))) waitMs = parseFloat(ms);
    else if (s) {
      const secs = parseFloat(s);
      waitMs = Number.isNaN(secs) ? Date.parse(s) - Date.now() : secs * 1000;
      if (Number.isNaN(waitMs)) waitMs = null;
    }
    a.retryAfterMs = waitMs;
    const headers = new Headers(res.headers);
    if (waitMs !== null && waitMs > MAX_RETRY_AFTER_MS) {
      headers.set('x-should-retry', 'false');
      return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
    }
    if (a.attempts > MAX_RETRIES) return res; // no retry follows: nothing to wait for
    // The openai client's default back-off: 0.5 s doubling, at most 8 s, up to 25 % jitter.
    const delay = waitMs ?? Math.min(500 * 2 ** (a.attempts - 1), 8000) * (1 - Math.random() * 0.25);
    this.logger.debug(
      `${this.host} answered HTTP ${res.status}; retrying in ${Math.round(Math.max(0, delay))} ms (retry ${a.attempts} of ${MAX_RETRIES}).`,
    );
    await res.body?.cancel().catch(() => {});
    await abortableSleep(Math.max(0, delay), a.controller.signal);
    headers.delete('retry-after');
    headers.set('retry-after-ms', '0');
    return new Response(null, { status: res.status, statusText: res.statusText, headers });
  }

  private async runPlain(
    client: OpenAI,
    messages: ChatMessage[],
    a: Attempt,
  ): Promise<{ text: string; finishReason: string | null; usage: { promptTokens: number; completionTokens: number } | null }> {
    const { opts } = this;
    const completion = await client.chat.completions.create(
      {
        model: opts.model,
        messages,
        temperature: opts.temperature,
        max_tokens: opts.maxTokens,
        stream: false,
      },
      { signal: a.controller.signal },
    );
    const choice = completion.choices?.[0];
    const usage = completion.usage;
    return {
      text: choice?.message?.content ?? '',
      finishReason: choice?.finish_reason ?? null,
      usage:
        usage && typeof usage.prompt_tokens === 'number'
          ? { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens ?? 0 }
          : null,
    };
  }

  private async runStreamed(
    client: OpenAI,
    messages: ChatMessage[],
    a: Attempt,
    arm: () => void,
  ): Promise<{ text: string; finishReason: string | null; usage: { promptTokens: number; completionTokens: number } | null }> {
    const { opts } = this;
    const open = (includeUsage: boolean) =>
      client.chat.completions.create(
        {
          model: opts.model,
          messages,
          temperature: opts.temperature,
          max_tokens: opts.maxTokens,
          stream: true,
          ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
        },
        { signal: a.controller.signal },
      );
    let stream: Awaited<ReturnType<typeof open>>;
    try {
      stream = await open(true);
    } catch (err) {
      // Some compatible servers reject `stream_options`; ask again without it.
      if (!(err instanceof OpenAI.BadRequestError) || !/stream_options/i.test(err.message)) throw err;
      this.logger.debug(`${this.host} does not accept stream_options; streaming without usage.`);
      stream = await open(false);
    }
    const parts: string[] = [];
    let finishReason: string | null = null;
    let usage: { promptTokens: number; completionTokens: number } | null = null;
    for await (const chunk of stream) {
      arm();
      const choice = chunk.choices?.[0];
      const delta = choice?.delta?.content;
      if (typeof delta === 'string') parts.push(delta);
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      if (chunk.usage && typeof chunk.usage.prompt_tokens === 'number') {
        usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens ?? 0 };
      }
    }
    // The openai stream ends quietly when aborted; make that an error.
    if (a.controller.signal.aborted) throw new Error('aborted');
    return { text: parts.join(''), finishReason, usage };
  }

  private mapError(err: unknown, a: Attempt, signal: AbortSignal | undefined): Error {
    const { opts, host } = this;
    if (err instanceof CancelledError || err instanceof LlmError) return err;
    if (a.cancelled || signal?.aborted) return new CancelledError();
    const retries = Math.max(0, a.attempts - 1);
    const cause = { cause: err };
    if (a.timedOut || err instanceof OpenAI.APIConnectionTimeoutError) {
      return new LlmError(`No answer from ${host} within ${opts.requestTimeoutMs} ms.`, null, cause);
    }
    if (a.connectError && (FAIL_FAST_CODES.has(a.connectError.code) || err instanceof OpenAI.APIConnectionError)) {
      return new LlmError(`Could not connect to ${opts.baseURL}: ${a.connectError.code}.`, null, cause);
    }
    if (err instanceof OpenAI.APIUserAbortError) return new CancelledError();
    if (err instanceof OpenAI.APIConnectionError) {
      const code = errorCode(err);
      return new LlmError(`Could not connect to ${opts.baseURL}: ${(code ?? this.scrub(oneLine(err))).replace(/\.+$/, '')}.`, null, cause);
    }
    if (err instanceof OpenAI.APIError) {
      const status = typeof err.status === 'number' ? err.status : null;
      const apiMessage = this.scrub(apiErrorMessage(err));
      if (status === 401) {
        return new LlmError(
          'The endpoint rejected the API key (HTTP 401). Set HOTPATH_API_KEY or OPENAI_API_KEY.',
          401,
          cause,
        );
      }
      if (status === 403) {
        return new LlmError(`${host} denied access (HTTP 403)${apiMessage ? `: ${apiMessage}` : '.'}`, 403, cause);
      }
      if (status === 404) {
        return new LlmError(`Model '${opts.model}' was not found at ${opts.baseURL} (HTTP 404).`, 404, cause);
      }
      if (status === 429) {
        const wait =
          a.retryAfterMs !== null && a.retryAfterMs > MAX_RETRY_AFTER_MS
            ? ` The server asks to wait ${Math.ceil(a.retryAfterMs / 1000)} s.`
            : '';
        return new LlmError(
          `Rate limited by ${host} (HTTP 429) after ${retries} ${retries === 1 ? 'retry' : 'retries'}.${wait}`,
          429,
          cause,
        );
      }
      if (status !== null && status >= 500) {
        return new LlmError(`${host} failed with HTTP ${status}.`, status, cause);
      }
      if (status !== null) {
        return new LlmError(
          `${host} rejected the request (HTTP ${status})${apiMessage ? `: ${apiMessage}` : '.'}`,
          status,
          cause,
        );
      }
      // An error event inside a stream.
      return new LlmError(`${host} reported an error: ${apiMessage || 'unknown error'}.`, null, cause);
    }
    return new LlmError(`Unreadable answer from ${host}: ${this.scrub(oneLine(err))}`, null, cause);
  }
}

function apiErrorMessage(err: InstanceType<typeof OpenAI.APIError>): string {
  const body = err.error as { message?: unknown } | undefined;
  const msg = body && typeof body.message === 'string' ? body.message : err.message;
  return oneLine(msg).replace(/[.\s]+$/, '');
}

// ---------------------------------------------------------------------------------------------

export interface GenerateOptions {
  count: number;
  nodeVersion: string;
  /** Requests in flight at once. Default 3. */
  concurrency?: number;
  signal?: AbortSignal;
  logger: Logger;
  onRequestDone?: (done: number, total: number) => void;
}

export interface GeneratedCandidates {
  candidates: { origin: string; source: string }[];
  failures: { origin: string; reason: string }[];
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** True when some request's token counts were estimated (no usage reported). */
  tokensEstimated: boolean;
  /** Wall-clock time of the whole generation phase, in ms. */
  llmMs: number;
}

/**
 * Sends `count` requests (request i uses STRATEGIES[i % STRATEGIES.length]) with bounded
 * concurrency and turns the answers into candidates. Failed requests become `failures`; if
 * every request failed with the same LlmError, that error is thrown instead.
 */
export async function generateCandidates(
  source: CandidateSource,
  target: TargetFunction,
  opts: GenerateOptions,
): Promise<GeneratedCandidates> {
  const { logger, signal } = opts;
  const total = Math.max(0, Math.floor(opts.count));
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? defaultOf('concurrency')));
  const started = Date.now();
  if (signal?.aborted) throw new CancelledError();

  interface Outcome {
    origin: string;
    text?: string;
    truncated?: boolean;
    error?: unknown;
  }
  const outcomes: (Outcome | undefined)[] = new Array<Outcome | undefined>(total);
  let promptTokens = 0;
  let completionTokens = 0;
  let tokensEstimated = false;
  let requests = 0;
  let done = 0;
  let next = 0;
  let cancelled = false;

  const worker = async () => {
    for (;;) {
      if (cancelled || signal?.aborted) return;
      const i = next++;
      if (i >= total) return;
      const strategy = STRATEGIES[i % STRATEGIES.length] ?? STRATEGIES[0]!;
      const origin = `llm:${source.label}#${i + 1} (${strategy.id})`;
      const messages = buildMessages(target, { strategy, nodeVersion: opts.nodeVersion });
      logger.trace(`LLM request ${origin} messages:\n${JSON.stringify(messages, null, 2)}`);
      requests++;
      try {
        const batch = await source.generate({ messages, index: i, total, ...(signal ? { signal } : {}) });
        promptTokens += batch.promptTokens;
        completionTokens += batch.completionTokens;
        if (batch.tokensEstimated) tokensEstimated = true;
        outcomes[i] = { origin, text: batch.text, truncated: batch.truncated };
      } catch (err) {
        if (err instanceof CancelledError || signal?.aborted) {
          cancelled = true;
          return;
        }
        logger.debug(`LLM request ${origin} failed: ${oneLine(err)}`);
        outcomes[i] = { origin, error: err };
      }
      done++;
      opts.onRequestDone?.(done, total);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, () => worker()));
  if (cancelled || signal?.aborted) throw new CancelledError();

  const settled = outcomes.filter((o): o is Outcome => o !== undefined);
  const errors = settled.filter((o) => o.error !== undefined).map((o) => o.error);
  if (total > 0 && errors.length === total) {
    const first = errors[0];
    if (first instanceof LlmError && errors.every((e) => e instanceof LlmError && e.message === first.message)) {
      throw first;
    }
  }

  const candidates: { origin: string; source: string }[] = [];
  const failures: { origin: string; reason: string }[] = [];
  const original = new Set([normalizeForDedup(target.text), normalizeForDedup(target.fileText)]);
  const seen = new Map<string, string>();
  for (const o of settled) {
    if (o.error !== undefined) {
      failures.push({ origin: o.origin, reason: oneLine(o.error) });
      continue;
    }
    const picked = pickCandidateSource(o.text ?? '', target.name);
    if (picked.source === null) {
      const reason = o.truncated && picked.reason !== null ? TRUNCATED_REASON : (picked.reason ?? 'No code.');
      failures.push({ origin: o.origin, reason });
      continue;
    }
    const key = normalizeForDedup(picked.source);
    if (original.has(key)) {
      failures.push({ origin: o.origin, reason: 'The answer repeated the original function unchanged.' });
      continue;
    }
    const dup = seen.get(key);
    if (dup !== undefined) {
      failures.push({ origin: o.origin, reason: `Duplicate of ${dup}.` });
      continue;
    }
    seen.set(key, o.origin);
    candidates.push({ origin: o.origin, source: picked.source });
  }
  const llmMs = Date.now() - started;
  logger.debug(
    `LLM generation: ${candidates.length} candidate(s), ${failures.length} failure(s) from ${requests} request(s) in ${llmMs} ms; tokens ${promptTokens}+${completionTokens}${tokensEstimated ? ' (some estimated)' : ''}.`,
  );
  return { candidates, failures, requests, promptTokens, completionTokens, tokensEstimated, llmMs };
}
