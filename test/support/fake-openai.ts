/**
 * A small OpenAI-compatible HTTP server for tests (node:http only, loopback, port 0).
 *
 * Each POST .../chat/completions is answered by the script: either an array (request i gets
 * script[i]; requests past the end get the last entry) or a function of the parsed body and
 * the request's index. Streaming (`stream: true`) answers are Server-Sent Events: a role
 * chunk, the content split into several deltas, a chunk with finish_reason, a usage chunk
 * (when `stream_options.include_usage` was asked for; otherwise usage rides on the
 * finish_reason chunk) and `data: [DONE]`. GET .../models lists `models`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens?: number;
}

export interface FakeContent {
  content: string;
  finishReason?: 'stop' | 'length';
  /** Token usage to report; null reports none. Default: content length / 4, prompt 100. */
  usage?: FakeUsage | null;
  /** Streaming only: characters per delta (default: content split into ~4 deltas). */
  chunkSize?: number;
  /** Streaming only: pause between chunks, in ms (default 0). */
  chunkDelayMs?: number;
  /** Streaming only: send this many content deltas, then stall forever (connection kept open). */
  hangAfterChunks?: number;
}

export interface FakeStatus {
  status: number;
  /** JSON body (default: an OpenAI-style error object). A string is sent as is. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeDelay {
  delayMs: number;
  then: FakeResponse;
}

export interface FakeHang {
  /** Never answer (the connection stays open until the client gives up or close() is called). */
  hang: true;
}

export type FakeResponse = FakeContent | FakeStatus | FakeDelay | FakeHang;

/** The parsed JSON body of a chat completion request (loosely typed). */
export interface ChatRequestBody {
  model?: string;
  messages?: { role: string; content: string }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  temperature?: number;
  max_tokens?: number;
  [key: string]: unknown;
}

export type FakeScript = FakeResponse[] | ((body: ChatRequestBody, index: number) => FakeResponse);

export interface RecordedRequest {
  /** Index among chat completion requests (what the script was given). -1 for other requests. */
  index: number;
  method: string;
  path: string;
  /** The request URL as received (path and query). */
  url: string;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body; null if empty or not JSON. */
  body: ChatRequestBody | null;
  /** Milliseconds since the server started, when the request arrived. */
  atMs: number;
}

export interface FakeOpenAI {
  /** e.g. http://127.0.0.1:41234/v1 */
  baseURL: string;
  /** Chat completion requests, in arrival order. */
  requests: RecordedRequest[];
  /** Every other request (GET /v1/models, unknown paths). */
  otherRequests: RecordedRequest[];
  close(): Promise<void>;
}

export interface FakeOptions {
  /** Model ids for GET /v1/models. Default ['fake-model']. */
  models?: string[];
}

function errorBody(status: number): unknown {
  return { error: { message: `Fake error with HTTP ${status}`, type: 'fake_error', param: null, code: null } };
}

function splitContent(content: string, chunkSize: number | undefined): string[] {
  const size = Math.max(1, chunkSize ?? Math.ceil(content.length / 4));
  const parts: string[] = [];
  for (let i = 0; i < content.length; i += size) parts.push(content.slice(i, i + size));
  return parts;
}

export async function startFakeOpenAI(script: FakeScript, options: FakeOptions = {}): Promise<FakeOpenAI> {
  const models = options.models ?? ['fake-model'];
  const requests: RecordedRequest[] = [];
  const otherRequests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const started = Date.now();
  let closed = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const pick = (body: ChatRequestBody, index: number): FakeResponse => {
    if (typeof script === 'function') return script(body, index);
    const entry = script[Math.min(index, script.length - 1)];
    if (entry === undefined) return { status: 500, body: { error: { message: 'Fake script is empty.' } } };
    return entry;
  };

  const usageFor = (r: FakeContent): FakeUsage | null => {
    if (r.usage === null) return null;
    const u = r.usage ?? { prompt_tokens: 100, completion_tokens: Math.ceil(r.content.length / 4) };
    return { ...u, total_tokens: u.total_tokens ?? u.prompt_tokens + u.completion_tokens };
  };

  const respond = async (
    res: http.ServerResponse,
    req: http.IncomingMessage,
    body: ChatRequestBody,
    r: FakeResponse,
  ): Promise<void> => {
    if ('hang' in r) return; // never answer
    if ('delayMs' in r) {
      await sleep(r.delayMs);
      if (closed || res.destroyed) return;
      return respond(res, req, body, r.then);
    }
    if ('status' in r) {
      const payload = r.body === undefined ? errorBody(r.status) : r.body;
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      res.writeHead(r.status, {
        'content-type': typeof payload === 'string' ? 'text/plain' : 'application/json',
        ...(r.headers ?? {}),
      });
      res.end(text);
      return;
    }
    const id = `chatcmpl-fake-${requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    const model = body.model ?? 'fake-model';
    const finishReason = r.finishReason ?? 'stop';
    const usage = usageFor(r);
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [
            { index: 0, message: { role: 'assistant', content: r.content }, finish_reason: finishReason, logprobs: null },
          ],
          ...(usage ? { usage } : {}),
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (chunk: unknown) => {
      if (!res.destroyed) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    };
    const chunk = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
      ...extra,
    });
    send(chunk({ role: 'assistant', content: '' }, null));
    const parts = splitContent(r.content, r.chunkSize);
    let sent = 0;
    for (const part of parts) {
      if (r.hangAfterChunks !== undefined && sent >= r.hangAfterChunks) return; // stall, keep the socket open
      if (r.chunkDelayMs) await sleep(r.chunkDelayMs);
      if (closed || res.destroyed) return;
      send(chunk({ content: part }, null));
      sent++;
    }
    if (r.hangAfterChunks !== undefined && sent >= r.hangAfterChunks && sent < parts.length) return;
    const includeUsage = body.stream_options?.include_usage === true;
    send(chunk({}, finishReason, usage && !includeUsage ? { usage } : {}));
    if (usage && includeUsage) send({ id, object: 'chat.completion.chunk', created, model, choices: [], usage });
    if (!res.destroyed) res.end('data: [DONE]\n\n');
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: ChatRequestBody | null = null;
      try {
        body = raw ? (JSON.parse(raw) as ChatRequestBody) : null;
      } catch {
        body = null;
      }
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const method = req.method ?? 'GET';
      const record = { method, path, url: req.url ?? '/', headers: req.headers, body, atMs: Date.now() - started };
      if (method === 'POST' && path.endsWith('/chat/completions')) {
        const index = requests.length;
        requests.push({ index, ...record });
        const parsed = body ?? {};
        let response: FakeResponse;
        try {
          response = pick(parsed, index);
        } catch (err) {
          response = { status: 500, body: { error: { message: `Fake script threw: ${String(err)}` } } };
        }
        respond(res, req, parsed, response).catch(() => {
          if (!res.destroyed) res.destroy();
        });
        return;
      }
      otherRequests.push({ index: -1, ...record });
      if (method === 'GET' && path.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            object: 'list',
            data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })),
          }),
        );
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `No route for ${method} ${path}`, type: 'invalid_request_error' } }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    otherRequests,
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
