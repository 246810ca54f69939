/**
 * Asking the model for a generator of realistic large inputs for benchmarking.
 *
 * The answer must define `export function generate(size, random)` returning an array of
 * argument lists. It is untrusted code: the engine runs it in the sandbox (InputsJob mode
 * 'inputs' supports exactly this export), checks that the original accepts its inputs, and
 * falls back to the type-driven generator otherwise.
 */
import type { CandidateSource } from '../../options';
import type { TargetFunction } from '../../types';
import { CancelledError, oneLine } from '../../errors';
import type { Logger } from '../../logger';
import { formatModuleContext, type PromptMessage } from './prompt';
import { declaresName, extractCodeBlocksDetailed, looksComplete, stripThinking, TRUNCATED_REASON } from './parse';

/** Bumped whenever the wording of the generator prompt changes in a way that can change answers. */
export const INPUTGEN_PROMPT_VERSION = 'hotpath-inputgen-1';

export interface InputGeneratorPromptOptions {
  nodeVersion: string;
  /** Argument lists generate() should return per call. Default 16. */
  count?: number;
  /** Example sizes it will be called with. */
  sizes?: number[];
  /** What the size parameter means ('array length', 'n', ...). */
  sizeMeaning?: string;
}

export function buildInputGeneratorMessages(target: TargetFunction, opts: InputGeneratorPromptOptions): PromptMessage[] {
  const count = Math.max(1, Math.floor(opts.count ?? 16));
  const sizes = opts.sizes?.length ? opts.sizes : [1000, 10000, 100000];
  const tag = target.language === 'typescript' ? 'ts' : 'js';
  const params = target.params.length
    ? target.params.map((p) => `${p.rest ? '...' : ''}${p.name}${p.optional ? '?' : ''}${p.typeText ? `: ${p.typeText}` : ''}`).join(', ')
    : '(no parameters)';
  const system = [
    'You write benchmark input generators for JavaScript functions. Your generator produces realistic, large inputs so that the speed of a function can be measured on data like the data it sees in production.',
    '',
    'HARD CONSTRAINTS (the generator is run in a locked-down sandbox and rejected if it breaks any of them):',
    '1. Plain JavaScript (no TypeScript syntax), ES module, no imports, no require, no I/O, no timers, no globals.',
    '2. Export exactly: `export function generate(size, random)`. `random()` returns a float in [0, 1) from a seeded generator; use ONLY `random` for randomness (never Math.random, Date, crypto or performance), so that the same size always gives the same inputs.',
    `3. Return an array of ${count} argument lists; each argument list is an array holding the arguments of ONE call of the function, in parameter order.`,
    '4. `size` is the scale of the input: the length of the main collection, or the magnitude of a numeric argument when there is no collection. The work must grow roughly linearly with `size`, and must finish in well under a second for size 1,000,000.',
    '5. Every input must be valid for the function: the original must not throw on it. Respect the parameter types exactly.',
    '6. Values must survive structured cloning: plain objects, arrays, strings, numbers, booleans, null, Map, Set, Date, typed arrays. No functions, no class instances, no symbols.',
    '',
    'OUTPUT FORMAT: one fenced ```js code block with the complete module. Nothing else is needed.',
  ].join('\n');
  const user = [
    `Runtime: Node.js ${opts.nodeVersion}`,
    '',
    `Function to benchmark ('${target.name}'), parameters: ${params}`,
    '```' + tag,
    target.text,
    '```',
    '',
    'Module context (types and helpers it uses, for reference):',
    '```' + tag,
    formatModuleContext(target),
    '```',
    '',
    `Write \`generate(size, random)\`; it will be called with sizes such as ${sizes.join(', ')}${opts.sizeMeaning ? ` (${opts.sizeMeaning})` : ''}.`,
    'Make the data realistic for what the function does: typical value ranges, realistic proportions of duplicates, hits and misses, string lengths and character sets, sortedness, nesting and optional fields. Mix typical cases; avoid degenerate inputs (all equal, all empty) unless they are the realistic case.',
    '',
    'Reply with one ```js block.',
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

export interface PickedGenerator {
  /** A module exporting `generate`, or null. */
  source: string | null;
  /** Why nothing usable was found; null when `source` is set. */
  reason: string | null;
}

const EXPORTED_GENERATE = /\bexport\s+(?:async\s+)?function\s*\*?\s*generate\s*\(|\bexport\s+(?:const|let|var)\s+generate\b|\bexport\s*\{[^}]*\bgenerate\b[^}]*\}/;

/**
 * The generator module from an answer: the last complete code block that declares
 * `generate` (exported, or made so). Static checks only; the sandbox run decides.
 */
export function pickGeneratorSource(text: string): PickedGenerator {
  const blocks = extractCodeBlocksDetailed(text);
  let candidates = blocks.filter((b) => declaresName(b.code, 'generate'));
  if (candidates.length === 0 && blocks.length === 0) {
    // A bare-code answer without fences.
    const bare = stripThinking(text).trim();
    if (declaresName(bare, 'generate')) candidates = [{ code: bare, lang: null, complete: true }];
  }
  if (candidates.length === 0) return { source: null, reason: "The answer contained no code defining 'generate'." };
  const complete = candidates.filter((b) => b.complete || looksComplete(b.code));
  const chosen = complete[complete.length - 1];
  if (!chosen) return { source: null, reason: TRUNCATED_REASON };
  let source = chosen.code.trim();
  if (/^\s*import\s[^(]|\brequire\s*\(/m.test(source)) {
    return { source: null, reason: 'The generator imports modules, which is not allowed.' };
  }
  if (/\bprocess\.|\bfs\.|\bfetch\s*\(/.test(source)) {
    return { source: null, reason: 'The generator uses I/O or process APIs, which is not allowed.' };
  }
  if (!EXPORTED_GENERATE.test(source)) {
    // `function generate(...)` or `const generate = ...` without export: export it.
    source = source.replace(/(^|\n)(\s*)((?:async\s+)?function\s*\*?\s*generate\s*\(|(?:const|let|var)\s+generate\b)/, '$1$2export $3');
    if (!EXPORTED_GENERATE.test(source)) source += '\nexport { generate };';
  }
  return { source, reason: null };
}

export interface AskedGenerator extends PickedGenerator {
  promptTokens: number;
  completionTokens: number;
  /** The answer came from the response cache (no tokens spent). */
  cached: boolean;
  /** Tokens to count toward the run's budget: spent, or for a cache hit what it cost when first fetched. */
  budgetTokens: number;
  llmMs: number;
}

/**
 * One request for a generator through `source` (wrap it with cachedSource to cache it).
 * Never throws except on cancellation: a failed request is a `reason`.
 */
export async function askInputGenerator(
  source: CandidateSource,
  target: TargetFunction,
  opts: InputGeneratorPromptOptions & { signal?: AbortSignal; logger: Logger },
): Promise<AskedGenerator> {
  const messages = buildInputGeneratorMessages(target, opts);
  opts.logger.trace(`LLM request input-generator messages:\n${JSON.stringify(messages, null, 2)}`);
  const started = Date.now();
  try {
    const batch = await source.generate({
      messages,
      index: 0,
      total: 1,
      cacheKey: `${INPUTGEN_PROMPT_VERSION}\n${JSON.stringify(messages)}`,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const picked = pickGeneratorSource(batch.text);
    const reason = picked.source === null && batch.truncated ? TRUNCATED_REASON : picked.reason;
    return {
      source: picked.source,
      reason,
      promptTokens: batch.promptTokens,
      completionTokens: batch.completionTokens,
      cached: batch.cached !== undefined,
      budgetTokens: batch.cached
        ? batch.cached.promptTokens + batch.cached.completionTokens
        : batch.promptTokens + batch.completionTokens,
      llmMs: Date.now() - started,
    };
  } catch (err) {
    if (err instanceof CancelledError || opts.signal?.aborted) throw err instanceof CancelledError ? err : new CancelledError();
    opts.logger.debug(`LLM request input-generator failed: ${oneLine(err)}`);
    return { source: null, reason: oneLine(err), promptTokens: 0, completionTokens: 0, cached: false, budgetTokens: 0, llmMs: Date.now() - started };
  }
}
