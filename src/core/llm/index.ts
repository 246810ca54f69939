/** The LLM side of Hotpath: prompts, the OpenAI-compatible client and answer parsing. */
export { PROMPT_VERSION, STRATEGIES, CONTEXT_LIMIT_CHARS, buildMessages, formatModuleContext } from './prompt';
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
export { OpenAICandidateSource, generateCandidates, MAX_RETRIES, MAX_RETRY_AFTER_MS } from './client';
export type { GenerateOptions, GeneratedCandidates } from './client';
