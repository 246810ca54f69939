/**
 * Regenerates the recorded chat answers that `bench/search.ts` serves in recorded mode (no
 * endpoint configured): one JSON file per corpus directory, bench/recorded/<dir>.json.
 *
 *   node --import tsx bench/recorded/generate.ts
 *
 * Each file lists answers as a model might give them (prose plus one fenced code block), in
 * the order they are served to round 1's requests (request i gets answer i):
 *
 * - `fast`: the corpus `fast.*` variant; expected verdict `faster`.
 * - `wrong` (when the corpus has one): the corpus `wrong.*` variant; expected `incorrect`.
 * - `noop`: the original function restated with cosmetic changes only (comment and blank-line
 *   edits); expected to be dropped before evaluation as a repeat of the original.
 * - `no-code`: prose only; expected to be dropped as "no code", and noted in the report.
 *
 * Comments of the corpus variants explain why they are equivalent (fast) or name the input they
 * fail on (wrong). A model would not annotate its own bug, so top-level comments are moved out of
 * the code: a fast variant's explanation becomes the answer's prose, a wrong variant gets a
 * confident one-line description instead. Only comments are touched; the generator checks that
 * each served code block equals the corpus file once comments and whitespace are normalised.
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';

import { extractTarget } from '../../src/core/target/extract';
import { normalizeForDedup, pickCandidateSource } from '../../src/core/candidates/llm/parse';

const REPO = path.resolve(__dirname, '..', '..');
const CORPUS = path.join(REPO, 'bench', 'functions');
const OUT = path.join(REPO, 'bench', 'recorded');

export type RecordedKind = 'fast' | 'wrong' | 'noop' | 'no-code';

export interface RecordedAnswer {
  kind: RecordedKind;
  /** What the engine is expected to make of it. */
  expect: 'faster' | 'incorrect' | 'dropped: repeats the original' | 'dropped: no code';
  /** The corpus file the code comes from, relative to the repository. */
  from: string | null;
  /** The chat answer exactly as served. */
  content: string;
}

export interface Recording {
  dir: string;
  function: string;
  answers: RecordedAnswer[];
}

interface Meta {
  function: string;
  file: string;
  kind: string;
  expectedSpeedup: string;
  wrongDiffersOn: string | null;
}

/** Splits top-level (column 0) comments from code: returns the code without them and their text. */
function moveTopLevelComments(text: string): { code: string; comments: string[] } {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const code: string[] = [];
  const comments: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('//')) {
      comments.push(line.replace(/^\/\/\s?/, ''));
      continue;
    }
    if (line.startsWith('/**') || line.startsWith('/*')) {
      // A block comment: keep JSDoc tags (@param, @returns, @template, @typedef) for JS files,
      // drop the prose before them.
      const block: string[] = [line];
      while (!block[block.length - 1]!.includes('*/') && i + 1 < lines.length) block.push(lines[++i]!);
      const inner = block.map((l) => l.replace(/^\s*\/\*\*?\s?/, '').replace(/\s*\*\/\s*$/, '').replace(/^\s*\*\s?/, ''));
      const firstTag = inner.findIndex((l) => l.trimStart().startsWith('@'));
      const prose = (firstTag < 0 ? inner : inner.slice(0, firstTag)).filter((l) => l.trim() !== '');
      if (prose.length) comments.push(...prose);
      if (firstTag >= 0) {
        code.push('/**');
        for (const l of inner.slice(firstTag)) if (l.trim() !== '') code.push(` * ${l}`);
        code.push(' */');
      }
      continue;
    }
    code.push(line);
  }
  const joined = code.join('\n').replace(/\n{3,}/g, '\n\n').trim();
  return { code: joined, comments };
}

function paragraph(lines: string[]): string {
  return lines.join(' ').replace(/\s+/g, ' ').trim();
}

function fence(tag: string, code: string): string {
  return '```' + tag + '\n' + code + '\n```';
}

function check(label: string, answer: string, name: string, expected: string, mode: 'same' | 'original'): void {
  const picked = pickCandidateSource(answer, name);
  if (picked.source === null) throw new Error(`${label}: no candidate picked (${picked.reason})`);
  if (normalizeForDedup(picked.source) !== normalizeForDedup(expected)) {
    throw new Error(`${label}: the served code differs from ${mode === 'same' ? 'the corpus file' : 'the original'} beyond comments and whitespace`);
  }
}

function build(dir: string): Recording {
  const meta = JSON.parse(readFileSync(path.join(CORPUS, dir, 'meta.json'), 'utf8')) as Meta;
  const ext = path.extname(meta.file);
  const tag = ext === '.ts' ? 'ts' : 'js';
  const name = meta.function;
  const answers: RecordedAnswer[] = [];

  const fastFile = path.join(CORPUS, dir, `fast${ext}`);
  const fastText = readFileSync(fastFile, 'utf8');
  const fast = moveTopLevelComments(fastText);
  const why = paragraph(fast.comments);
  const fastAnswer = [
    `The slow part is ${meta.kind.replace(/\s*\(.*$/, '')}. Here is a faster \`${name}\` with the same observable behaviour:`,
    '',
    fence(tag, fast.code),
    '',
    why ? `Why it is equivalent: ${why}` : 'Same results, same errors, same argument handling.',
  ].join('\n');
  check(`${dir} fast`, fastAnswer, name, fastText, 'same');
  answers.push({ kind: 'fast', expect: 'faster', from: path.relative(REPO, fastFile), content: fastAnswer });

  const wrongFile = path.join(CORPUS, dir, `wrong${ext}`);
  if (existsSync(wrongFile)) {
    const wrongText = readFileSync(wrongFile, 'utf8');
    const wrong = moveTopLevelComments(wrongText);
    const wrongAnswer = [
      `This can be done in a single pass with a simpler structure, which removes the repeated work entirely:`,
      '',
      fence(tag, wrong.code),
      '',
      'It returns exactly the same results as the original for all inputs and is much faster on large ones.',
    ].join('\n');
    check(`${dir} wrong`, wrongAnswer, name, wrongText, 'same');
    answers.push({ kind: 'wrong', expect: 'incorrect', from: path.relative(REPO, wrongFile), content: wrongAnswer });
  }

  // The original function restated: its own doc comment replaced by a remark, blank lines dropped.
  const originalFile = path.join(CORPUS, dir, meta.file);
  const target = extractTarget(originalFile, { name });
  const body = moveTopLevelComments(target.text).code.split('\n').filter((l) => l.trim() !== '').join('\n');
  const noopAnswer = [
    `\`${name}\` is already close to optimal for typical inputs; I only tidied it up:`,
    '',
    fence(tag, `// Tidied: same algorithm, no behavioural change.\n${body}`),
    '',
    'Any further change risks altering behaviour on edge cases.',
  ].join('\n');
  check(`${dir} noop`, noopAnswer, name, target.text, 'original');
  answers.push({ kind: 'noop', expect: 'dropped: repeats the original', from: path.relative(REPO, originalFile), content: noopAnswer });

  const noCodeAnswer = [
    `I looked at \`${name}\` carefully. Its cost is dominated by work that is needed to keep the exact semantics`,
    '(edge values, ordering and error behaviour), so I would not rewrite it: any faster version I can think of',
    'changes behaviour on some input. I recommend profiling the callers instead.',
  ].join(' ');
  if (pickCandidateSource(noCodeAnswer, name).source !== null) throw new Error(`${dir} no-code: a candidate was picked`);
  answers.push({ kind: 'no-code', expect: 'dropped: no code', from: null, content: noCodeAnswer });

  return { dir, function: name, answers };
}

function main(): void {
  const dirs = readdirSync(CORPUS, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(CORPUS, d.name, 'meta.json')))
    .map((d) => d.name)
    .sort();
  for (const dir of dirs) {
    const rec = build(dir);
    writeFileSync(path.join(OUT, `${dir}.json`), JSON.stringify(rec, null, 2) + '\n');
    process.stderr.write(`${dir}: ${rec.answers.map((a) => a.kind).join(', ')}\n`);
  }
}

if (require.main === module) main();
