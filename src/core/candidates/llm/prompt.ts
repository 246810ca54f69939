/**
 * The chat messages Hotpath sends to a model to ask for a faster version of the target.
 * One request = one optimization angle (a strategy), so a batch of requests explores
 * different rewrites instead of sampling the same idea several times.
 */
import type { ModuleDeclaration, TargetFunction } from '../../types';

/** Bumped whenever the wording of the prompt changes in a way that can change answers. */
export const PROMPT_VERSION = 'hotpath-prompt-5';

export interface Strategy {
  id: string;
  title: string;
  hint: string;
}

/** Distinct optimization angles; request i uses STRATEGIES[i % STRATEGIES.length]. */
export const STRATEGIES: Strategy[] = [
  {
    id: 'complexity',
    title: 'Algorithmic complexity',
    hint:
      'Look for a better algorithm: replace nested loops, repeated scans or repeated sorting with a ' +
      'single pass, sorting once, two pointers, prefix sums or counting, so the asymptotic cost drops ' +
      '(for example O(n^2) to O(n log n) or O(n)).',
  },
  {
    id: 'data-structures',
    title: 'Data structures',
    hint:
      'Replace linear searches (includes, indexOf, find, some, filter inside loops) with a Set or Map ' +
      'built once per call, and index records by key instead of scanning arrays. Keep iteration order ' +
      'and duplicate handling exactly as the original.',
  },
  {
    id: 'allocation',
    title: 'Avoid allocation and copies',
    hint:
      'Remove needless allocation: spreads ([...a, x], {...o}), concat, slice, map/filter chains and ' +
      'temporary arrays or objects created inside loops. Preallocate or push into one result, and reuse ' +
      'buffers within the call.',
  },
  {
    id: 'builtins',
    title: 'Built-ins and typed arrays',
    hint:
      'Use fast built-ins and representations: plain indexed for loops instead of callback chains where ' +
      'it helps, typed arrays (Float64Array, Int32Array, Uint8Array) for numeric work, Array.prototype ' +
      'methods implemented natively, Math functions, and bit operations only where they give identical ' +
      'results for every input.',
  },
  {
    id: 'hoisting',
    title: 'Hoist invariant work',
    hint:
      'Move work that does not change out of loops: repeated property lookups, length reads, regular ' +
      'expression or object construction, conversions and computations that depend only on the ' +
      'arguments. Cache intermediate results in local variables within one call (never across calls).',
  },
  {
    id: 'early-exit',
    title: 'Early exits and short-circuiting',
    hint:
      'Stop as soon as the answer is known: return early, break out of loops, short-circuit boolean ' +
      'logic and skip work whose result is not used, while keeping exceptions and argument mutation ' +
      'identical to the original.',
  },
  {
    id: 'strings',
    title: 'String building',
    hint:
      'Make string work cheaper: build strings with one pass (array join or += on a local in a simple ' +
      'loop), avoid repeated split/join/replace/substring round-trips and per-character regular ' +
      'expressions, use charCodeAt for character tests. Unicode (surrogate pairs, combining marks) must ' +
      'behave exactly as in the original.',
  },
];

/** Upper bound, in characters, of the module context put into the prompt. */
export const CONTEXT_LIMIT_CHARS = 6000;

export interface PromptMessage {
  role: 'system' | 'user';
  content: string;
}

export function fenceTag(target: TargetFunction): 'ts' | 'js' {
  return target.language === 'typescript' ? 'ts' : 'js';
}

/** The system message: role, hard constraints, output format. Shared by every rewrite prompt. */
export function systemPrompt(target: TargetFunction): string {
  const tag = fenceTag(target);
  const lang = target.language === 'typescript' ? 'TypeScript' : 'JavaScript';
  const kind = target.generator
    ? target.async
      ? 'an async generator function'
      : 'a generator function'
    : target.async
      ? 'an async function'
      : 'a synchronous function';
  if (target.method) return methodSystemPrompt(target, kind);
  return [
    `You are an expert ${lang} performance engineer. You rewrite one function so that it runs faster on Node.js while behaving identically.`,
    '',
    'HARD CONSTRAINTS (a rewrite that breaks any of them is rejected by automated differential testing):',
    `1. Keep the same function name ('${target.name}'), the same parameters (names, order, optional and rest parameters, default values) and the same return type. Keep the declaration form (function declaration, const with an arrow or function expression) and the export modifier as they are.`,
    '2. Identical observable behaviour for EVERY input, including edge values: NaN, -0 versus +0, Infinity, empty arrays and strings, duplicates, sparse arrays, very large and very small inputs, unicode (surrogate pairs, combining marks), null and undefined where the types allow them. Results must be equal in value, type, order and structure.',
    '3. Exceptions: throw in exactly the same situations, with the same error type and the same message.',
    '4. Argument mutation: mutate the arguments exactly as the original does, or not at all if the original does not. Never return an argument object where the original returns a new one, or the other way round.',
    `5. Keep it ${kind}: do not add or remove async, await or generator behaviour.`,
    '6. No state kept across calls: no module-level caches, memoization or lookup tables filled at call time that survive the call. Constant tables computed once at module level are allowed only if they never change.',
    '7. No I/O (files, network, console, process), no timers, no randomness unless the original uses it the same way, no changes to globals or built-in prototypes, no new imports or dependencies.',
    '8. You may add top-level helper functions and constants next to the function, and module-level statements that build constant tables once when the module loads (a loop filling a lookup table, Object.freeze). Use only the imports and declarations shown in the module context.',
    '',
    'OUTPUT FORMAT:',
    `Answer with ONE fenced \`\`\`${tag} code block that contains the complete replacement function '${target.name}' and any helpers it needs. Nothing else is required; if you explain, keep it to one or two sentences after the code block. Do not repeat the rest of the module.`,
  ].join('\n');
}

/** The owner declaration a method answer must use: `class Owner { ... }` or `const owner = { ... }`. */
export function ownerForm(target: TargetFunction): string {
  const m = target.method!;
  return m.kind === 'object' ? `const ${m.owner} = { ... }` : `class ${m.owner} { ... }`;
}

/** What the reply must contain: the function, or for a method its owner holding only that member. */
export function answerShape(target: TargetFunction, adjective: string): string {
  if (!target.method) return `the complete ${adjective} '${target.name}'`;
  return `${ownerForm(target)} holding only the complete ${adjective} '${target.method.member}' member (plus top-level helpers if needed)`;
}

/** The system message for a method, getter or object-literal method target. */
function methodSystemPrompt(target: TargetFunction, kind: string): string {
  const m = target.method!;
  const tag = fenceTag(target);
  const lang = target.language === 'typescript' ? 'TypeScript' : 'JavaScript';
  const what = m.accessor === 'getter' ? 'getter' : m.kind === 'static' ? 'static method' : 'method';
  const where = m.kind === 'object' ? `the object literal '${m.owner}'` : `class '${m.owner}'`;
  const member = kind.replace(/function$/, what);
  return [
    `You are an expert ${lang} performance engineer. You rewrite one ${what} of ${where} so that it runs faster on Node.js while behaving identically.`,
    '',
    'HARD CONSTRAINTS (a rewrite that breaks any of them is rejected by automated differential testing):',
    `1. Keep the same member name ('${m.member}'), the same kind (${m.kind === 'static' ? 'static stays static' : m.kind === 'instance' ? 'an instance member stays an instance member' : 'a member of the object literal'}; ${m.accessor === 'getter' ? 'a getter stays a getter' : 'a method stays a method'}), the same parameters and the same return type. Change nothing else in ${where}: no other members, fields or constructor changes.`,
    '2. Identical observable behaviour for EVERY input and every state of `this`, including edge values: NaN, -0 versus +0, Infinity, empty arrays and strings, duplicates, very large and very small inputs, unicode, null and undefined where the types allow them. Results must be equal in value, type, order and structure.',
    '3. Exceptions: throw in exactly the same situations, with the same error type and the same message.',
    '4. Mutation: leave `this` and the arguments exactly as the original does. Do not add properties to `this` (no caches or memo fields on the instance), do not reorder or modify its arrays in place unless the original does.',
    `5. Keep it ${member}: do not add or remove async, await or generator behaviour.`,
    '6. No state kept across calls: no module-level or static caches, memoization or lookup tables filled at call time. Constant tables computed once at module level are allowed only if they never change.',
    '7. No I/O (files, network, console, process), no timers, no randomness unless the original uses it the same way, no changes to globals or built-in prototypes, no new imports or dependencies.',
    `8. You may add top-level helper functions and constants outside ${where}, and module-level statements that build constant tables once when the module loads. Use only the imports and declarations shown in the module context.`,
    '',
    'OUTPUT FORMAT:',
    `Answer with ONE fenced \`\`\`${tag} code block that contains \`${ownerForm(target)}\` with ONLY the rewritten '${m.member}' member inside, plus any top-level helpers it needs. Do not repeat the other members or the rest of the module. If you explain, keep it to one or two sentences after the code block.`,
  ].join('\n');
}

const IDENTIFIER = /[A-Za-z_$][\w$]*/g;

function referencedNames(text: string): Set<string> {
  return new Set(text.match(IDENTIFIER) ?? []);
}

/**
 * The module context as text: imports first, then the declarations the function refers to by
 * name, then the remaining declarations, capped at `limit` characters with a note when cut.
 */
export function formatModuleContext(target: TargetFunction, limit = CONTEXT_LIMIT_CHARS): string {
  const used = referencedNames(target.text);
  const decls = target.context.declarations;
  const referenced: ModuleDeclaration[] = [];
  const others: ModuleDeclaration[] = [];
  for (const d of decls) (used.has(d.name) ? referenced : others).push(d);

  const pieces: string[] = [...target.context.imports, ...referenced.map((d) => d.text), ...others.map((d) => d.text)];
  const out: string[] = [];
  let size = 0;
  let omitted = 0;
  for (const piece of pieces) {
    const cost = piece.length + 2;
    if (omitted > 0 || size + cost > limit) {
      omitted++;
      continue;
    }
    out.push(piece);
    size += cost;
  }
  if (out.length === 0 && omitted === 0) return '(no imports or other top-level declarations)';
  let text = out.join('\n\n');
  if (omitted > 0) {
    text += `\n\n// [context cut at ${limit} characters: ${omitted} more top-level item(s) omitted]`;
  }
  return text;
}

/**
 * The opening lines of every user message: language, runtime, the function under a heading, and
 * its module context. Shared by round-1 prompts and the feedback prompts of later rounds.
 */
export function targetSection(target: TargetFunction, nodeVersion: string, heading: string): string[] {
  const tag = fenceTag(target);
  const lang = target.language === 'typescript' ? 'TypeScript' : 'JavaScript';
  const moduleKind = target.context.moduleKind === 'esm' ? 'ES module' : 'CommonJS module';
  const m = target.method;
  // For a method, the whole owner is shown: the fields and the other members are its context.
  const owner = m
    ? [
        `It is a member of ${m.kind === 'object' ? 'this object literal' : 'this class'}; only '${m.member}' may change:`,
        '```' + tag,
        clipOwner(target.fileText.slice(m.ownerStart, m.ownerEnd)),
        '```',
        '',
      ]
    : [];
  return [
    `Language: ${lang} (${moduleKind})`,
    `Runtime: Node.js ${nodeVersion}`,
    '',
    heading,
    '```' + tag,
    target.text,
    '```',
    '',
    ...owner,
    'Module context (imports and other top-level declarations, for reference only; referenced ones first):',
    '```' + tag,
    formatModuleContext(target),
    '```',
    '',
  ];
}

function clipOwner(text: string): string {
  if (text.length <= CONTEXT_LIMIT_CHARS) return text;
  return `${text.slice(0, CONTEXT_LIMIT_CHARS)}\n// [cut at ${CONTEXT_LIMIT_CHARS} characters]`;
}

export function buildMessages(
  target: TargetFunction,
  opts: { strategy: Strategy; nodeVersion: string },
): PromptMessage[] {
  const tag = fenceTag(target);
  const user = [
    ...targetSection(target, opts.nodeVersion, target.method ? `${target.method.accessor === 'getter' ? 'Getter' : 'Method'} to optimize ('${target.name}'):` : `Function to optimize ('${target.name}'):`),
    `Optimization angle for this attempt: ${opts.strategy.title}.`,
    opts.strategy.hint,
    'If this angle does not apply, use whichever optimization gives the largest speedup while keeping every hard constraint.',
    '',
    `Reply with one \`\`\`${tag} block containing ${answerShape(target, 'faster')}.`,
  ].join('\n');
  return [
    { role: 'system', content: systemPrompt(target) },
    { role: 'user', content: user },
  ];
}
