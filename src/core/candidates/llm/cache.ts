/**
 * A response cache for model answers, on disk under the user's cache directory, so that a
 * repeated run costs nothing and gives the same candidates.
 *
 * An entry is keyed on everything that shapes the answer: model, endpoint, prompt (or the
 * request's stable `cacheKey`), temperature, completion limit, prompt version, and the sample
 * number — the how-many-th time this run asks the very same thing. The sample number keeps
 * two identical requests of one run (8 candidates over 7 strategies) from collapsing into one
 * answer, while a re-run asks them in the same order and gets the same answers back.
 *
 * Writes are atomic (temporary file + rename); unreadable or corrupt entries count as misses.
 * Cache faults never fail a run: they are logged at debug level and the request goes out.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, isAbsolute } from 'node:path';
import type { CandidateBatch, CandidateRequest, CandidateSource } from '../../options';
import { silentLogger, type Logger } from '../../logger';
import { oneLine } from '../../errors';

/** Bumped when the entry format changes; old entries are then simply not found. */
export const CACHE_FORMAT = 1;

export interface CacheKeyParts {
  model: string;
  baseURL: string;
  /** The exact messages, or a stable description of the request (CandidateRequest.cacheKey). */
  messages: CandidateRequest['messages'] | string;
  temperature: number;
  /** Completion token limit per request. */
  maxTokens: number;
  promptVersion: string;
  /** 0 for the first time a run asks this, 1 for the second, ... */
  sample?: number;
}

/**
 * Where Hotpath keeps cached answers: $HOTPATH_CACHE_DIR if set; otherwise
 * $XDG_CACHE_HOME/hotpath or ~/.cache/hotpath on Linux and other Unixes,
 * ~/Library/Caches/hotpath on macOS, %LOCALAPPDATA%\hotpath\cache on Windows.
 */
export function defaultCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  const explicit = env.HOTPATH_CACHE_DIR;
  if (explicit) return explicit;
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA || join(home, 'AppData', 'Local');
    return join(local, 'hotpath', 'cache');
  }
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'hotpath');
  const xdg = env.XDG_CACHE_HOME;
  // The XDG spec says relative paths are invalid and must be ignored.
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.cache'), 'hotpath');
}

interface Entry {
  format: number;
  key: string;
  createdAt: string;
  batch: { text: string; promptTokens: number; completionTokens: number; truncated: boolean; tokensEstimated?: boolean };
}

function isEntry(v: unknown, key: string): v is Entry {
  if (!v || typeof v !== 'object') return false;
  const e = v as Partial<Entry>;
  const b = e.batch as Partial<Entry['batch']> | undefined;
  return (
    e.format === CACHE_FORMAT &&
    e.key === key &&
    !!b &&
    typeof b.text === 'string' &&
    typeof b.promptTokens === 'number' &&
    Number.isFinite(b.promptTokens) &&
    typeof b.completionTokens === 'number' &&
    Number.isFinite(b.completionTokens) &&
    typeof b.truncated === 'boolean'
  );
}

export class ResponseCache {
  /** null when the cache is disabled (--no-cache). */
  readonly dir: string | null;

  constructor(
    dir: string | null,
    readonly logger: Logger = silentLogger,
  ) {
    this.dir = dir;
  }

  get enabled(): boolean {
    return this.dir !== null;
  }

  /** sha256 (hex) of a canonical JSON of the parts. */
  key(parts: CacheKeyParts): string {
    const canonical = JSON.stringify([
      CACHE_FORMAT,
      parts.model,
      parts.baseURL.replace(/\/+$/, ''),
      parts.temperature,
      parts.maxTokens,
      parts.promptVersion,
      parts.sample ?? 0,
      typeof parts.messages === 'string' ? { key: parts.messages } : parts.messages.map((m) => [m.role, m.content]),
    ]);
    return createHash('sha256').update(canonical).digest('hex');
  }

  private fileOf(key: string): string | null {
    if (this.dir === null || !/^[0-9a-f]{64}$/.test(key)) return null;
    return join(this.dir, `v${CACHE_FORMAT}`, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<CandidateBatch | null> {
    const file = this.fileOf(key);
    if (!file) return null;
    let raw: string;
    try {
      raw = await readFile(file, 'utf8');
    } catch {
      return null;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      this.logger.debug(`cache: ignoring corrupt entry ${file}`);
      return null;
    }
    if (!isEntry(parsed, key)) {
      this.logger.debug(`cache: ignoring malformed entry ${file}`);
      return null;
    }
    const b = parsed.batch;
    const batch: CandidateBatch = {
      text: b.text,
      promptTokens: b.promptTokens,
      completionTokens: b.completionTokens,
      truncated: b.truncated,
    };
    if (b.tokensEstimated) batch.tokensEstimated = true;
    return batch;
  }

  async set(key: string, batch: CandidateBatch): Promise<void> {
    const file = this.fileOf(key);
    if (!file) return;
    const entry: Entry = {
      format: CACHE_FORMAT,
      key,
      createdAt: new Date().toISOString(),
      batch: {
        text: batch.text,
        promptTokens: batch.promptTokens,
        completionTokens: batch.completionTokens,
        truncated: batch.truncated,
        ...(batch.tokensEstimated ? { tokensEstimated: true } : {}),
      },
    };
    const dir = join(file, '..');
    const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(tmp, JSON.stringify(entry), { encoding: 'utf8', mode: 0o600 });
      await rename(tmp, file);
    } catch (err) {
      this.logger.debug(`cache: could not write ${file}: ${oneLine(err)}`);
      await rm(tmp, { force: true }).catch(() => undefined);
    }
  }
}

/** Counters of a cached source, for the report. */
export interface CacheStats {
  hits: number;
  misses: number;
  /** Tokens the cache hits cost when they were first fetched (not spent by this run). */
  savedPromptTokens: number;
  savedCompletionTokens: number;
}

export interface CachedCandidateSource extends CandidateSource {
  readonly stats: CacheStats;
}

/** Everything of the key except the messages and the sample number, which come from each request. */
export type CacheKeyBase = Omit<CacheKeyParts, 'messages' | 'sample'>;

/**
 * Wraps a source so that answers are served from the cache when present (with 0 tokens spent
 * and `batch.cached` holding what they cost originally) and stored after a fetch. Failed
 * requests are not cached. Use one wrapper per run: the sample numbers count within it.
 */
export function cachedSource(inner: CandidateSource, cache: ResponseCache, keyParts: CacheKeyBase): CachedCandidateSource {
  const stats: CacheStats = { hits: 0, misses: 0, savedPromptTokens: 0, savedCompletionTokens: 0 };
  const asked = new Map<string, number>();
  return {
    label: inner.label,
    stats,
    async generate(request: CandidateRequest): Promise<CandidateBatch> {
      if (!cache.enabled) return inner.generate(request);
      const what = request.cacheKey ?? request.messages;
      const baseKey = cache.key({ ...keyParts, messages: what, sample: 0 });
      const sample = asked.get(baseKey) ?? 0;
      asked.set(baseKey, sample + 1);
      const key = sample === 0 ? baseKey : cache.key({ ...keyParts, messages: what, sample });
      const hit = await cache.get(key);
      if (hit) {
        cache.logger.debug(`cache: answer ${request.index + 1}/${request.total} served from the cache (${key.slice(0, 12)}).`);
        stats.hits++;
        stats.savedPromptTokens += hit.promptTokens;
        stats.savedCompletionTokens += hit.completionTokens;
        return {
          ...hit,
          promptTokens: 0,
          completionTokens: 0,
          cached: { promptTokens: hit.promptTokens, completionTokens: hit.completionTokens },
        };
      }
      stats.misses++;
      const batch = await inner.generate(request);
      await cache.set(key, batch);
      return batch;
    },
  };
}
