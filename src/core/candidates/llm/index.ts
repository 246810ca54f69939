/** The LLM side of Hotpath: prompts, the OpenAI-compatible client and answer parsing. */
export { PROMPT_VERSION, STRATEGIES, CONTEXT_LIMIT_CHARS, buildMessages, formatModuleContext, systemPrompt, fenceTag } from './prompt';
export type { Strategy, PromptMessage } from './prompt';
export {
  extractCodeBlocks,
  extractCodeBlocksDetailed,
  pickCandidateSource,
  normalizeForDedup,
  declaresName,
  looksComplete,
  stripThinking,
  noCodeReason,
  TRUNCATED_REASON,
} from './parse';
export type { CodeBlock, PickedCandidate } from './parse';
export {
  OpenAICandidateSource,
  generateCandidates,
  resolveEndpoint,
  MAX_RETRIES,
  MAX_RETRY_AFTER_MS,
  DEFAULT_AZURE_API_VERSION,
} from './client';
export type { GenerateOptions, GeneratedCandidates, Endpoint } from './client';
export { ResponseCache, cachedSource, defaultCacheDir, CACHE_FORMAT } from './cache';
export type { CacheKeyParts, CacheKeyBase, CacheStats, CachedCandidateSource } from './cache';
export {
  FEEDBACK_PROMPT_VERSION,
  buildRepairMessages,
  buildImproveMessages,
  formatCounterexample,
} from './feedback';
export type { FailedAttempt, ScoredAttempt, TriedSummary, FeedbackOptions } from './feedback';
export { INPUTGEN_PROMPT_VERSION, buildInputGeneratorMessages, pickGeneratorSource, askInputGenerator } from './inputgen';
export type { InputGeneratorPromptOptions, PickedGenerator, AskedGenerator } from './inputgen';
