import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  declaresName,
  extractCodeBlocks,
  extractCodeBlocksDetailed,
  looksComplete,
  normalizeForDedup,
  pickCandidateSource,
} from '../../src/core/candidates/llm/parse';

const FAST = 'function dedupe(xs: number[]): number[] {\n  return [...new Set(xs)];\n}';

void test('extractCodeBlocks: tagged block with prose around it', () => {
  const text = `Here is a faster version:\n\n\`\`\`ts\n${FAST}\n\`\`\`\n\nIt uses a Set, which is O(n).`;
  assert.deepEqual(extractCodeBlocks(text), [FAST]);
  const [block] = extractCodeBlocksDetailed(text);
  assert.equal(block?.lang, 'ts');
  assert.equal(block?.complete, true);
});

void test('extractCodeBlocks: untagged, tilde and indented fences, CRLF', () => {
  assert.deepEqual(extractCodeBlocks('```\nconst a = 1;\n```'), ['const a = 1;']);
  assert.deepEqual(extractCodeBlocks('~~~javascript\nlet b = 2;\n~~~'), ['let b = 2;']);
  assert.deepEqual(extractCodeBlocks('1. Code:\n   ```js\n   const c = 3;\n     nested();\n   ```'), [
    'const c = 3;\n  nested();',
  ]);
  assert.deepEqual(extractCodeBlocks('```ts\r\nconst d = 4;\r\n```\r\n'), ['const d = 4;']);
  const [tilde] = extractCodeBlocksDetailed('~~~javascript\nlet b = 2;\n~~~');
  assert.equal(tilde?.lang, 'javascript');
});

void test('extractCodeBlocks: several blocks, a longer fence containing a shorter one', () => {
  const text = 'A:\n```ts\nconst a = 1;\n```\nB:\n```js\nconst b = 2;\n```\n````md\n```\ninner\n```\n````';
  assert.deepEqual(extractCodeBlocks(text), ['const a = 1;', 'const b = 2;', '```\ninner\n```']);
});

void test('extractCodeBlocks: closing fence glued to the last code line', () => {
  assert.deepEqual(extractCodeBlocks('```ts\nfunction f() {\n  return 1;\n}```\nDone.'), [
    'function f() {\n  return 1;\n}',
  ]);
});

void test('extractCodeBlocks: unterminated final fence is taken and flagged', () => {
  const blocks = extractCodeBlocksDetailed('Sure.\n```ts\nfunction f(a) {\n  return a');
  assert.equal(blocks.length, 1);
  assert.equal(blocks[0]?.code, 'function f(a) {\n  return a');
  assert.equal(blocks[0]?.complete, false);
});

void test('extractCodeBlocks: bare code without fences is taken whole; prose is not', () => {
  assert.deepEqual(extractCodeBlocks(`\n${FAST}\n`), [FAST]);
  assert.deepEqual(extractCodeBlocks('export const f = (x) => x * 2;'), ['export const f = (x) => x * 2;']);
  assert.deepEqual(extractCodeBlocks('I cannot make this function any faster; it is already optimal.'), []);
  assert.deepEqual(extractCodeBlocks(''), []);
});

void test('extractCodeBlocks: <think> sections of reasoning models are ignored', () => {
  const text = '<think>\nMaybe:\n```ts\nfunction dedupe() { return 0 }\n```\n</think>\n```ts\n' + FAST + '\n```';
  assert.deepEqual(extractCodeBlocks(text), [FAST]);
});

void test('declaresName: declarations, arrows, function expressions; not calls or comments', () => {
  assert.ok(declaresName(FAST, 'dedupe'));
  assert.ok(declaresName('export async function dedupe(a) {}', 'dedupe'));
  assert.ok(declaresName('function* dedupe(a) {}', 'dedupe'));
  assert.ok(declaresName('function dedupe<T>(a: T[]): T[] { return a; }', 'dedupe'));
  assert.ok(declaresName('export const dedupe = (xs: number[]): number[] => xs;', 'dedupe'));
  assert.ok(declaresName('const dedupe: (xs: number[]) => number[] = (xs) => xs;', 'dedupe'));
  assert.ok(declaresName('let dedupe = function (xs) { return xs; };', 'dedupe'));
  assert.ok(declaresName('const $x = 1;', '$x'));
  assert.ok(!declaresName('console.log(dedupe([1, 1]));', 'dedupe'));
  assert.ok(!declaresName('// function dedupe(xs) {}\nconst y = 1;', 'dedupe'));
  assert.ok(!declaresName('const s = "function dedupe(x) {}";', 'dedupe'));
  assert.ok(!declaresName('function dedupeAll(xs) {}', 'dedupe'));
  assert.ok(!declaresName('obj.dedupe = (x) => x;', 'dedupe'));
  assert.ok(!declaresName('if (dedupe == x) {}', 'dedupe'));
});

void test('pickCandidateSource: prefers the block that declares the target, the last complete one', () => {
  const original = 'function dedupe(xs) {\n  return xs.filter((x, i) => xs.indexOf(x) === i);\n}';
  const text = [
    'Your original:',
    '```js\n' + original + '\n```',
    'Usage:',
    '```js\nconsole.log(dedupe([1, 1, 2]));\n```',
    'Faster:',
    '```js\n' + FAST + '\n```',
  ].join('\n');
  const picked = pickCandidateSource(text, 'dedupe');
  assert.equal(picked.source, FAST);
  assert.equal(picked.truncated, false);
  assert.equal(picked.reason, null);
});

void test('pickCandidateSource: a whole module is kept whole', () => {
  const mod = [
    "import { helper } from './helper';",
    'const LIMIT = 10;',
    'function other(x: number) { return x + LIMIT; }',
    'export function dedupe(xs: number[]): number[] {',
    '  return [...new Set(xs)].map(other);',
    '}',
    'export default dedupe;',
  ].join('\n');
  const picked = pickCandidateSource('```typescript\n' + mod + '\n```', 'dedupe');
  assert.equal(picked.source, mod);
});

void test('pickCandidateSource: helpers in a separate block are prepended', () => {
  const helper = 'function seenSet(xs: number[]) {\n  return new Set(xs);\n}';
  const main = 'function dedupe(xs: number[]) {\n  return [...seenSet(xs)];\n}';
  const unrelated = 'const example = 1;';
  const picked = pickCandidateSource(
    `Helper:\n\`\`\`ts\n${helper}\n\`\`\`\nExample:\n\`\`\`ts\n${unrelated}\n\`\`\`\nMain:\n\`\`\`ts\n${main}\n\`\`\``,
    'dedupe',
  );
  assert.equal(picked.source, `${helper}\n\n${main}`);
});

void test('pickCandidateSource: nothing defining the target', () => {
  const picked = pickCandidateSource('```ts\nconst unrelated = 1;\n```', 'dedupe');
  assert.deepEqual(picked, { source: null, truncated: false, reason: "The answer contained no code defining 'dedupe'." });
  assert.equal(pickCandidateSource('I would use a Set.', 'dedupe').reason, "The answer contained no code defining 'dedupe'.");
});

void test('pickCandidateSource: cut off by the token limit', () => {
  const picked = pickCandidateSource('Here:\n```ts\nfunction dedupe(xs: number[]) {\n  const seen = new Set', 'dedupe');
  assert.deepEqual(picked, {
    source: null,
    truncated: true,
    reason: 'The answer was cut off by the token limit before the code was complete.',
  });
  // Reasoning that never ended.
  assert.equal(pickCandidateSource('<think>\nLet me consider a Set', 'dedupe').truncated, true);
});

void test('pickCandidateSource: an unterminated fence whose code is closed is taken and flagged', () => {
  const picked = pickCandidateSource('```ts\n' + FAST + '\n', 'dedupe');
  assert.equal(picked.source, FAST);
  assert.equal(picked.truncated, true);
  assert.equal(picked.reason, null);
});

void test('looksComplete: brackets, strings, templates, regexes, comments', () => {
  assert.ok(looksComplete(FAST));
  assert.ok(looksComplete('const s = "}"; const t = `a${ {a: 1}.a }b`; const r = /[}]/g; // }'));
  assert.ok(looksComplete('const x = a / b / c; function f() { return /\\{/.test(s); }'));
  assert.ok(!looksComplete('function f() {'));
  assert.ok(!looksComplete('const s = `abc'));
  assert.ok(!looksComplete('/* open comment'));
  assert.ok(!looksComplete('f(]'));
});

void test('normalizeForDedup: comments and whitespace do not matter, strings do', () => {
  const a = 'function f(xs) {\n  // fast path\n  return xs.map((x) => x + 1); /* done */\n}';
  const b = 'function f(xs){return xs.map((x)=>x+1);}';
  assert.equal(normalizeForDedup(a), normalizeForDedup(b));
  assert.equal(normalizeForDedup(b), 'function f(xs){return xs.map((x)=>x+1);}');
  assert.notEqual(normalizeForDedup('const s = "a  b";'), normalizeForDedup('const s = "a b";'));
  assert.notEqual(normalizeForDedup('return a'), normalizeForDedup('returna'));
  assert.equal(normalizeForDedup('const u = "// not a comment";'), 'const u="// not a comment";');
  assert.equal(normalizeForDedup('const r = /a\\/\\/b/;  // c'), 'const r=/a\\/\\/b/;');
  assert.equal(normalizeForDedup('const t = `x ${ a  +  b } y`;'), 'const t=`x ${a+b} y`;');
});
