/**
 * Getting code out of a model's answer: fenced blocks, prose around them, truncated
 * answers, reasoning models' <think> sections, and answers that are bare code.
 */

export interface CodeBlock {
  /** The block's content, without the fences. */
  code: string;
  /** The info string's first word (`ts`, `typescript`, `js`), or null when untagged. */
  lang: string | null;
  /** False when the answer ended before the closing fence (usually the token limit). */
  complete: boolean;
}

export interface PickedCandidate {
  source: string | null;
  /** The code comes from (or the answer ended in) a block cut off before its closing fence. */
  truncated: boolean;
  /** Why nothing usable was found; null when `source` is set. */
  reason: string | null;
}

export const TRUNCATED_REASON = 'The answer was cut off by the token limit before the code was complete.';

export function noCodeReason(targetName: string): string {
  return `The answer contained no code defining '${targetName}'.`;
}

/** Removes `<think>...</think>` sections of reasoning models; an unclosed one runs to the end. */
export function stripThinking(text: string): string {
  let out = text.replace(/<think(?:ing)?>[\s\S]*?<\/think(?:ing)?>/gi, '');
  const open = out.search(/<think(?:ing)?>/i);
  if (open >= 0) out = out.slice(0, open);
  return out;
}

function hasUnclosedThinking(text: string): boolean {
  return /<think(?:ing)?>/i.test(text.replace(/<think(?:ing)?>[\s\S]*?<\/think(?:ing)?>/gi, ''));
}

const FENCE_OPEN = /^([ \t]*)(`{3,}|~{3,})(.*)$/;

function stripIndent(line: string, indent: number): string {
  let i = 0;
  while (i < indent && i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  return line.slice(i);
}

const CODE_START =
  /^(?:export\s|import\s|async\s|function[\s*]|const\s|let\s|var\s|class\s|type\s|interface\s|declare\s|\/\/|\/\*|['"]use strict['"])/;

/** Whether text without any fence is plausibly just code. */
function looksLikeCode(text: string): boolean {
  const first = text.trimStart().split('\n', 1)[0] ?? '';
  return CODE_START.test(first) && /[{};=]/.test(text);
}

/** Fenced blocks with their metadata, in order. */
export function extractCodeBlocksDetailed(answer: string): CodeBlock[] {
  const text = stripThinking(answer).replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  let open: { char: string; len: number; indent: number; lang: string | null; body: string[] } | null = null;

  for (const line of lines) {
    if (open === null) {
      const m = FENCE_OPEN.exec(line);
      if (!m) continue;
      const fence = m[2] ?? '';
      const info = (m[3] ?? '').trim();
      if (fence[0] === '`' && info.includes('`')) continue; // inline code, not a fence
      const lang = info.split(/\s+/)[0] ?? '';
      open = { char: fence[0] ?? '`', len: fence.length, indent: (m[1] ?? '').length, lang: lang || null, body: [] };
      continue;
    }
    const trimmed = line.trim();
    const closeRe = open.char === '`' ? /^(`{3,})$/ : /^(~{3,})$/;
    const close = closeRe.exec(trimmed);
    if (close && (close[1] ?? '').length >= open.len) {
      blocks.push({ code: open.body.join('\n'), lang: open.lang, complete: true });
      open = null;
      continue;
    }
    // A closing fence glued to the last line of code: `}```.
    const fenceStr = open.char.repeat(open.len);
    const right = line.trimEnd();
    if (
      right.endsWith(fenceStr) &&
      right.length > fenceStr.length &&
      right[right.length - fenceStr.length - 1] !== open.char &&
      right.trim() !== fenceStr
    ) {
      open.body.push(stripIndent(right.slice(0, right.length - fenceStr.length), open.indent));
      blocks.push({ code: open.body.join('\n'), lang: open.lang, complete: true });
      open = null;
      continue;
    }
    open.body.push(stripIndent(line, open.indent));
  }
  if (open !== null) {
    blocks.push({ code: open.body.join('\n').trimEnd(), lang: open.lang, complete: false });
  }
  if (blocks.length === 0 && looksLikeCode(text)) {
    blocks.push({ code: text.trim(), lang: null, complete: true });
  }
  return blocks.filter((b) => b.code.trim() !== '');
}

/** The code of every fenced block (an unterminated final block included), or the whole text if it is bare code. */
export function extractCodeBlocks(text: string): string[] {
  return extractCodeBlocksDetailed(text).map((b) => b.code);
}

// ---------------------------------------------------------------------------------------------
// A small JavaScript lexer: enough to tell code from strings, comments and regular expressions.

interface Piece {
  kind: 'code' | 'string' | 'comment';
  text: string;
}

interface Lexed {
  pieces: Piece[];
  /** The text ended inside a string, template, comment or regular expression. */
  unterminated: boolean;
}

const REGEX_PREFIX_KEYWORDS = new Set([
  'return',
  'typeof',
  'case',
  'do',
  'else',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'yield',
  'await',
  'instanceof',
]);

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[\w$]/.test(c);
}

function lex(src: string): Lexed {
  const pieces: Piece[] = [];
  let code = '';
  let braceDepth = 0;
  /** Brace depths at which a template's `${` was opened. */
  const templateStack: number[] = [];
  let unterminated = false;
  let i = 0;
  const n = src.length;

  const flushCode = () => {
    if (code) pieces.push({ kind: 'code', text: code });
    code = '';
  };
  const piece = (kind: Piece['kind'], stop: number) => {
    pieces.push({ kind, text: src.slice(i, stop) });
    i = stop;
  };
  /** Template text from i (just after '`' or '}'); returns true at '${', false at the closing '`'. */
  const template = (start: string): boolean => {
    const t = templatePart(src, i, start);
    if (!t.closed) unterminated = true;
    pieces.push({ kind: 'string', text: t.text });
    i = t.end;
    return t.opensExpr;
  };

  while (i < n) {
    const c = src[i] ?? '';
    const next = src[i + 1];
    if (c === '/' && next === '/') {
      flushCode();
      const end = src.indexOf('\n', i);
      piece('comment', end < 0 ? n : end);
      continue;
    }
    if (c === '/' && next === '*') {
      flushCode();
      const end = src.indexOf('*/', i + 2);
      if (end < 0) unterminated = true;
      piece('comment', end < 0 ? n : end + 2);
      continue;
    }
    if (c === '"' || c === "'") {
      flushCode();
      const q = quotedEnd(src, i);
      if (!q.closed) unterminated = true;
      piece('string', q.stop);
      continue;
    }
    if (c === '`') {
      flushCode();
      i++;
      if (template('`')) templateStack.push(braceDepth);
      continue;
    }
    if (c === '/' && regexAllowedAfter(lastSignificant(pieces, code))) {
      const end = regexEnd(src, i);
      if (end >= 0) {
        flushCode();
        piece('string', end);
        continue;
      }
    }
    if (c === '{') braceDepth++;
    if (c === '}') {
      const top = templateStack[templateStack.length - 1];
      if (top !== undefined && top === braceDepth) {
        templateStack.pop();
        flushCode();
        i++;
        if (template('}')) templateStack.push(braceDepth);
        continue;
      }
      braceDepth--;
    }
    code += c;
    i++;
  }
  flushCode();
  if (templateStack.length > 0) unterminated = true;
  return { pieces, unterminated };
}

/** The last significant character and word of the code before the current position (`code`, then earlier code pieces). */
function lastSignificant(pieces: readonly Piece[], code: string): { char: string | undefined; word: string } {
  let text = code;
  for (let k = pieces.length - 1; text.trim() === '' && k >= 0; k--) {
    const p = pieces[k];
    if (!p) break;
    if (p.kind === 'comment') continue;
    if (p.kind === 'string') return { char: '"', word: '' };
    text = p.text + text;
  }
  const t = text.trimEnd();
  const word = /[\w$]+$/.exec(t)?.[0] ?? '';
  return { char: t[t.length - 1], word };
}

/** Whether a '/' after `prev` starts a regular expression (rather than dividing). */
function regexAllowedAfter(prev: { char: string | undefined; word: string }): boolean {
  return (
    prev.char === undefined ||
    '(,=:[!&|?{};+-*%<>~^'.includes(prev.char) ||
    (prev.word !== '' && REGEX_PREFIX_KEYWORDS.has(prev.word) && prev.char === prev.word[prev.word.length - 1])
  );
}

/** The end of the quoted string opened at `i` (after its closing quote, or at the line's end), and whether it was closed. */
function quotedEnd(src: string, i: number): { stop: number; closed: boolean } {
  const n = src.length;
  const quote = src[i];
  let j = i + 1;
  while (j < n && src[j] !== quote && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
  return { stop: Math.min(n, j + 1), closed: j < n && src[j] === quote };
}

/** The end of the regular-expression literal whose '/' is at `i` (after its flags), or -1 when none closes on this line. */
function regexEnd(src: string, i: number): number {
  const n = src.length;
  let j = i + 1;
  let inClass = false;
  while (j < n && src[j] !== '\n') {
    const d = src[j];
    if (d === '\\') {
      j += 2;
      continue;
    }
    if (d === '[') inClass = true;
    else if (d === ']') inClass = false;
    else if (d === '/' && !inClass) {
      j++;
      while (j < n && isWordChar(src[j])) j++;
      return j;
    }
    j++;
  }
  return -1;
}

/**
 * Template text from `from` (just after '`' or '}', with `start` already read): up to and
 * including '${' (opensExpr) or the closing '`', or to the end of the text (not closed).
 */
function templatePart(src: string, from: number, start: string): { text: string; end: number; opensExpr: boolean; closed: boolean } {
  const n = src.length;
  let s = start;
  let i = from;
  while (i < n) {
    const c = src[i] ?? '';
    if (c === '\\') {
      s += src.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === '`') return { text: s + c, end: i + 1, opensExpr: false, closed: true };
    if (c === '$' && src[i + 1] === '{') return { text: s + '${', end: i + 2, opensExpr: true, closed: true };
    s += c;
    i++;
  }
  return { text: s, end: i, opensExpr: false, closed: false };
}

/** The code with comments removed and strings / regular expressions emptied (for searching). */
function codeOnly(src: string): string {
  return lex(src)
    .pieces.map((p) => (p.kind === 'code' ? p.text : p.kind === 'string' ? '""' : ' '))
    .join('');
}

/** Brackets balance and nothing (string, comment, template) is left open. */
export function looksComplete(src: string): boolean {
  const { pieces, unterminated } = lex(src);
  if (unterminated) return false;
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  for (const p of pieces) {
    if (p.kind !== 'code') continue;
    for (const c of p.text) {
      if (c === '(' || c === '[' || c === '{') stack.push(c);
      else if (c === ')' || c === ']' || c === '}') {
        if (stack.pop() !== pairs[c]) return false;
      }
    }
  }
  return stack.length === 0;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether the code declares `name` as a function declaration or a const/let/var binding. For a
 * method (`Owner.member`): the owner (`class Owner`, `const Owner =`) with the member in it, or
 * the member alone at the start of a line (`member(a) {`, `static async member(`, `get member()`).
 */
export function declaresName(source: string, name: string): boolean {
  const code = codeOnly(source);
  const dot = name.indexOf('.');
  if (dot > 0) {
    const owner = escapeRegExp(name.slice(0, dot));
    const member = escapeRegExp(name.slice(dot + 1));
    const ownerRe = new RegExp(`(?:^|[^\\w$.])(?:class\\s+${owner}(?![\\w$])|(?:const|let|var)\\s+${owner}\\s*(?::[^=;]*)?=)`);
    const memberRe = new RegExp(
      `(?:^|[\\s{;,])(?:(?:static|async|get|public|protected|override)\\s+)*${member}\\s*(?:[(<]|:\\s*(?:async\\s*)?(?:function\\b|\\(|[A-Za-z_$][\\w$]*\\s*=>))`,
    );
    const bareRe = new RegExp(`^\\s*(?:(?:static|async|get|public|protected|override)\\s+)*${member}\\s*(?:<[^>]*>)?\\([^)]*\\)[^{;]*\\{`, 'm');
    return (ownerRe.test(code) && memberRe.test(code)) || bareRe.test(code);
  }
  const id = escapeRegExp(name);
  const fn = new RegExp(`(?:^|[^\\w$.])function\\s*\\*?\\s*${id}\\s*[(<]`);
  const binding = new RegExp(`(?:^|[^\\w$.])(?:const|let|var)\\s+${id}\\s*(?::(?:[^=;]|=>)*)?=(?![=>])`);
  return fn.test(code) || binding.test(code);
}

/** Names declared at the start of a line (top-level-looking functions, bindings and classes). */
function topLevelNames(source: string): Set<string> {
  const code = codeOnly(source);
  const names = new Set<string>();
  const re =
    /^(?:export\s+(?:default\s+)?)?(?:(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)|(?:const|let|var|class)\s+([A-Za-z_$][\w$]*))/gm;
  for (const m of code.matchAll(re)) {
    const name = m[1] ?? m[2];
    if (name) names.add(name);
  }
  return names;
}

function identifiers(source: string): Set<string> {
  return new Set(codeOnly(source).match(/[A-Za-z_$][\w$]*/g) ?? []);
}

/**
 * Chooses the code that defines `targetName`: the last block that declares it and is complete
 * (or, if cut before its closing fence, at least syntactically closed). A whole module is kept
 * whole (the engine extracts the target and its helpers). Helper declarations the chosen
 * block uses that the model put in separate blocks are prepended.
 */
export function pickCandidateSource(text: string, targetName: string): PickedCandidate {
  const blocks = extractCodeBlocksDetailed(text);
  const declaring = blocks.filter((b) => declaresName(b.code, targetName));
  const usable = declaring.filter((b) => b.complete || looksComplete(b.code));
  const chosen = usable[usable.length - 1];
  if (!chosen) {
    const cut = declaring.length > 0 || blocks.some((b) => !b.complete) || hasUnclosedThinking(text);
    return cut
      ? { source: null, truncated: true, reason: TRUNCATED_REASON }
      : { source: null, truncated: false, reason: noCodeReason(targetName) };
  }

  const own = topLevelNames(chosen.code);
  const used = identifiers(chosen.code);
  const helpers: string[] = [];
  for (const b of blocks) {
    if (b === chosen || !b.complete || declaresName(b.code, targetName)) continue;
    const provides = [...topLevelNames(b.code)].filter((name) => !own.has(name) && used.has(name));
    if (provides.length > 0) {
      helpers.push(b.code.trim());
      for (const name of topLevelNames(b.code)) own.add(name);
    }
  }
  const source = [...helpers, chosen.code.trim()].join('\n\n');
  return { source, truncated: !chosen.complete, reason: null };
}

/**
 * A canonical form for recognising duplicate candidates: comments removed, whitespace dropped
 * except where it separates two words. Strings and regular expressions are kept verbatim.
 */
export function normalizeForDedup(source: string): string {
  const SEP = '\u0001';
  const SEP_RUN = new RegExp(`${SEP}+`, 'g');
  const joined = lex(source.replace(/\r\n?/g, '\n'))
    .pieces.map((p) => (p.kind === 'comment' ? SEP : p.kind === 'code' ? p.text.replace(/\s+/g, SEP) : p.text))
    .join('');
  return joined
    .replace(SEP_RUN, (_m, offset: number, all: string) => {
      const before = all[offset - 1];
      const after = all[offset + _m.length];
      return isWordChar(before) && isWordChar(after) ? ' ' : '';
    })
    .trim();
}
