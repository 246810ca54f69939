/**
 * Options of one run of the engine (`runHotpath` in pipeline.ts). Units are in the names.
 */
import type { Logger } from './logger';
import type { ProgressEvent } from './report/report';

export type TargetSelector = { name: string } | { line: number };

export interface VariantInput {
  /** Where it came from: the variant file as given, 'clipboard', 'editor:<uri>', ... */
  origin: string;
  /** The replacement: a function with the target's name, optionally with helper declarations. */
  source: string;
}

export interface LlmOptions {
  /** OpenAI-compatible base URL, e.g. https://api.openai.com/v1 or http://localhost:11434/v1. */
  baseURL: string;
  apiKey: string;
  model: string;
  /** Candidates to ask for. */
  candidates: number;
  temperature: number;
  /** Completion token limit per request. */
  maxTokens: number;
  /** Per-request timeout, in ms. */
  requestTimeoutMs: number;
  /** Stream responses (Server-Sent Events) instead of waiting for whole answers. */
  stream: boolean;
  /** Search rounds (1 = ask once; later rounds repair failures and improve verified candidates). Default: defaults.ts. */
  rounds?: number;
  /**
   * Total token budget of the run (prompt + completion, all requests and rounds); null or
   * undefined = unlimited. Not to be confused with `maxTokens`, the completion limit per request.
   */
  budgetTokens?: number | null;
  /** Response cache directory; null disables the cache; undefined = defaultCacheDir(). */
  cacheDir?: string | null;
  /** Requests in flight at once. Default: defaults.ts. */
  concurrency?: number;
  /** Also ask the model for a generator of realistic large inputs (validated before use). */
  inputGenerator?: boolean;
}

export interface RunOptions {
  /** The user's file (absolute or relative to the process cwd). */
  file: string;
  selector: TargetSelector;
  /** The file's current contents when they differ from disk (an unsaved editor). */
  fileText?: string;
  /** `check` mode: variants written by the user. */
  variants?: VariantInput[];
  /** `optimize` mode: where to get candidates. */
  llm?: LlmOptions;
  /** A pluggable candidate source (VS Code's Language Model API); used instead of `llm` when set. */
  candidateSource?: CandidateSource;
  /** Speedup ratio the confidence interval's lower bound must clear for `faster`. Default 1.05. */
  minSpeedup?: number;
  /** A module exporting argument lists (`inputs` / default) or `generate(size, random)`. */
  inputsModule?: string;
  /** Per-call timeout during verification and benchmarking, in ms. Default 2000. */
  callTimeoutMs?: number;
  /** Time budget for confirming one candidate, in ms (sets the number of confirmation rounds). Default: defaults.ts. */
  benchBudgetMs?: number;
  /** Memory cap of each sandbox process, in MiB. Default 512. */
  memoryMb?: number;
  /** Node.js binary that runs sandboxed code. Default: `node` on PATH (never Electron). */
  nodePath?: string;
  /** Seed for input generation and the sandbox's Math.random. Default: fixed, so runs are reproducible. */
  seed?: number;
  /** The project's own tests (capture of real calls, final gate). Default: used when a runner is detected. */
  tests?: TestsOptions;
  signal?: AbortSignal;
  logger?: Logger;
  onProgress?: (event: ProgressEvent) => void;
}

export interface TestsOptions {
  /** false: do not use the project's tests. Default true (when a supported runner is detected). */
  enabled?: boolean;
  /** Test files to use, as a glob relative to the project root, instead of the files that import the target's module. */
  glob?: string;
  /** Wall-clock limit of one run of the selected tests, in ms. Default 120000. */
  timeoutMs?: number;
}

/** Something that produces candidate sources for a target (an LLM behind an API, or VS Code's LM API). */
export interface CandidateSource {
  /** Shown in reports as the model name. */
  readonly label: string;
  generate(request: CandidateRequest): Promise<CandidateBatch>;
}

export interface CandidateRequest {
  /** Chat messages to send, built by core/candidates/llm/prompt.ts. */
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  /** Zero-based index of this request among `total`. */
  index: number;
  total: number;
  signal?: AbortSignal;
  /**
   * A stable description of what is asked, used by the response cache instead of the exact
   * messages when set (feedback prompts quote measured timings, which vary from run to run).
   */
  cacheKey?: string;
}

export interface CandidateBatch {
  /** Raw answer text (code is extracted by the engine). */
  text: string;
  promptTokens: number;
  completionTokens: number;
  /** True when the answer was cut by the token limit. */
  truncated: boolean;
  /** True when the endpoint reported no usage and the token counts are estimates (chars / 4). */
  tokensEstimated?: boolean;
  /**
   * Set when the answer came from the response cache: the tokens it cost when it was first
   * fetched. `promptTokens` and `completionTokens` are then 0 (nothing was spent).
   */
  cached?: { promptTokens: number; completionTokens: number };
}
