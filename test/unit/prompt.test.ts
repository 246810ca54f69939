import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModuleDeclaration, TargetFunction } from '../../src/core/types';
import { buildMessages, CONTEXT_LIMIT_CHARS, formatModuleContext, PROMPT_VERSION, STRATEGIES } from '../../src/core/candidates/llm/prompt';

function makeTarget(overrides: Partial<TargetFunction> = {}, declarations: ModuleDeclaration[] = []): TargetFunction {
  const text = 'export function dedupe(xs: number[]): number[] {\n  return xs.filter((x, i) => xs.indexOf(x) === i && x < LIMIT);\n}';
  return {
    file: '/tmp/dedupe.ts',
    name: 'dedupe',
    language: 'typescript',
    shape: 'declaration',
    async: false,
    generator: false,
    exported: true,
    params: [{ name: 'xs', typeText: 'number[]', type: { kind: 'array', element: { kind: 'number' } }, optional: false, rest: false }],
    typeNotes: [],
    returnTypeText: 'number[]',
    fileText: text,
    statementStart: 0,
    statementEnd: text.length,
    text,
    start: { line: 1, column: 1 },
    end: { line: 3, column: 2 },
    context: { imports: ["import { strict } from 'node:assert';"], declarations, moduleKind: 'esm' },
    method: null,
    ...overrides,
  };
}

void test('STRATEGIES: distinct ids, titles and hints covering the required angles', () => {
  assert.ok(STRATEGIES.length >= 7);
  assert.equal(new Set(STRATEGIES.map((s) => s.id)).size, STRATEGIES.length);
  assert.equal(new Set(STRATEGIES.map((s) => s.title)).size, STRATEGIES.length);
  assert.equal(new Set(STRATEGIES.map((s) => s.hint)).size, STRATEGIES.length);
  const all = STRATEGIES.map((s) => `${s.title} ${s.hint}`).join('\n');
  for (const word of ['complexity', 'Set', 'Map', 'spread', 'concat', 'slice', 'typed arrays', 'out of loops', 'return early', 'string']) {
    assert.ok(all.includes(word), `strategies mention ${word}`);
  }
  assert.equal(typeof PROMPT_VERSION, 'string');
});

void test('buildMessages: system prompt states the hard constraints first, then the output format', () => {
  const strategy = STRATEGIES[1]!;
  const messages = buildMessages(makeTarget(), { strategy, nodeVersion: '22.11.0' });
  assert.deepEqual(
    messages.map((m) => m.role),
    ['system', 'user'],
  );
  const system = messages[0]!.content;
  const constraintsAt = system.indexOf('HARD CONSTRAINTS');
  const formatAt = system.indexOf('OUTPUT FORMAT');
  assert.ok(constraintsAt > 0 && constraintsAt < 200, 'constraints come first');
  assert.ok(formatAt > constraintsAt);
  for (const phrase of [
    "same function name ('dedupe')",
    'same parameters',
    'same return type',
    'NaN',
    '-0',
    'empty',
    'duplicates',
    'unicode',
    'same error type and the same message',
    'mutate the arguments exactly as the original does, or not at all',
    'a synchronous function',
    'No state kept across calls',
    'memoization',
    'No I/O',
    'no timers',
    'no changes to globals or built-in prototypes',
    'no new imports or dependencies',
    'top-level helper functions',
    'ONE fenced ```ts code block',
  ]) {
    assert.ok(system.includes(phrase), `system prompt includes: ${phrase}`);
  }
});

void test('buildMessages: user message carries language, Node version, source, context and strategy', () => {
  const decls: ModuleDeclaration[] = [
    { name: 'unrelatedHelper', kind: 'function', text: 'function unrelatedHelper() { return 42; }' },
    { name: 'LIMIT', kind: 'variable', text: 'const LIMIT = 1000;' },
  ];
  const target = makeTarget({}, decls);
  const strategy = STRATEGIES[4]!;
  const user = buildMessages(target, { strategy, nodeVersion: '22.11.0' })[1]!.content;
  assert.ok(user.includes('Language: TypeScript (ES module)'));
  assert.ok(user.includes('Node.js 22.11.0'));
  assert.ok(user.includes(target.text));
  assert.ok(user.includes("import { strict } from 'node:assert';"));
  assert.ok(user.includes(strategy.hint));
  assert.ok(user.includes(strategy.title));
  // Referenced declarations come before the others.
  const limitAt = user.indexOf('const LIMIT = 1000;');
  const helperAt = user.indexOf('function unrelatedHelper()');
  assert.ok(limitAt > 0 && helperAt > limitAt, 'LIMIT (referenced) comes before unrelatedHelper');
});

void test('buildMessages: JavaScript targets ask for a js block; async is named', () => {
  const target = makeTarget({ language: 'javascript', async: true, context: { imports: [], declarations: [], moduleKind: 'cjs' } });
  const [system, user] = buildMessages(target, { strategy: STRATEGIES[0]!, nodeVersion: '20.0.0' });
  assert.ok(system!.content.includes('ONE fenced ```js code block'));
  assert.ok(system!.content.includes('an async function'));
  assert.ok(user!.content.includes('Language: JavaScript (CommonJS module)'));
  assert.ok(user!.content.includes('```js\n'));
  assert.ok(!user!.content.includes('```ts'));
  assert.ok(user!.content.includes('(no imports or other top-level declarations)'));
});

void test('formatModuleContext: capped with a note, referenced declarations kept first', () => {
  const decls: ModuleDeclaration[] = [];
  for (let i = 0; i < 40; i++) {
    decls.push({ name: `filler${i}`, kind: 'function', text: `function filler${i}() {\n  return '${'x'.repeat(300)}';\n}` });
  }
  decls.push({ name: 'LIMIT', kind: 'variable', text: 'const LIMIT = 1000;' });
  const ctx = formatModuleContext(makeTarget({}, decls));
  assert.ok(ctx.length <= CONTEXT_LIMIT_CHARS + 200, `context is capped (${ctx.length})`);
  assert.match(ctx, /context cut at 6000 characters: \d+ more top-level item\(s\) omitted/);
  assert.ok(ctx.includes('const LIMIT = 1000;'), 'the referenced declaration survives the cut');
  assert.ok(ctx.indexOf('const LIMIT') < ctx.indexOf('function filler0'));
  assert.ok(!ctx.includes('function filler39'));
});
