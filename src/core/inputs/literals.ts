/**
 * Literal harvesting: the values a function's code branches on, searches for or builds, read
 * from its source (the target and every module-level function it reaches), so that generated
 * inputs hold exactly the characters, keywords, numbers, lengths and property names on which
 * the original and a candidate can take different paths.
 *
 * Enters: a module's text and the target's name (or an expression's text, for one branch's
 * condition). Leaves: a `Literals` set, consumed by the generators (inputs.ts, mutate.ts).
 *
 * Harvested: string and template literals (whole, and their characters); integer literals that
 * look like character codes (`c === 60`, `case 0x26:`) as characters; comparisons with
 * characters (`ch >= 'a'` gives '`', 'a', 'b'); regular-expression literals (literal runs and
 * character classes, `\d`/`\s`/`\w` as representatives); numeric constants and comparison
 * boundaries (`n > 100` gives 99, 100, 101); lengths compared or indexed (`xs.length > 5`,
 * `xs[3]`); property names looked up (`o.key`, `o['key']`, `'key' in o`, `hasOwn(o, 'key')`,
 * destructured parameters).
 */
import ts from 'typescript';
import { parseSource } from '../target/extract';
import { findTargetFunction, reachableFunctions } from '../target/reach';

export interface Literals {
  /** Multi-character strings (keywords, entities, separators), most relevant first. */
  strings: string[];
  /** Single characters. */
  chars: string[];
  /** Numbers at and around the boundaries the code compares with. */
  numbers: number[];
  /** Collection or string lengths worth hitting exactly. */
  lengths: number[];
  /** Property names the code looks up. */
  props: string[];
  /**
   * Whole arguments of the project's own calls (call-sites.ts: `new SemVer('0.0.0')`): used
   * as they are and in variants of the same shape (other digits, other letters).
   */
  examples?: string[];
}

const MAX_EACH = 64;
const MAX_STRING = 40;

export function emptyLiterals(): Literals {
  return { strings: [], chars: [], numbers: [], lengths: [], props: [] };
}

export function isEmptyLiterals(l: Literals): boolean {
  return l.strings.length + l.chars.length + l.numbers.length + l.lengths.length + l.props.length + (l.examples?.length ?? 0) === 0;
}

/** Property names too generic to be worth generating (methods of built-ins, array/string basics). */
const BORING_PROPS = new Set(['length', 'prototype', 'constructor', 'call', 'apply', 'bind', 'toString', 'valueOf', 'size']);
/** Receivers whose properties are library calls, not lookups in the data. */
const LIBRARY_OBJECTS = new Set(['Math', 'JSON', 'Object', 'Array', 'String', 'Number', 'Reflect', 'Symbol', 'console', 'Date', 'Promise', 'BigInt', 'Intl', 'RegExp', 'Buffer', 'process', 'globalThis', 'window', 'document']);

class Collector {
  private readonly sets = { strings: new Set<string>(), chars: new Set<string>(), numbers: new Set<string>(), lengths: new Set<number>(), props: new Set<string>() };
  readonly out: Literals = emptyLiterals();

  string(s: string): void {
    if (s.length === 0) return;
    if (s.length === 1) return this.char(s);
    if (s.length > MAX_STRING) return;
    this.add('strings', s);
    // The characters of short tokens too ('&amp;' branches on '&' and ';', an alphabet on its letters).
    if (s.length <= 16) for (const c of s) this.char(c);
  }
  char(c: string): void {
    if (c.length === 0) return;
    this.add('chars', c);
  }
  charCode(n: number): void {
    if (!Number.isInteger(n) || n < 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return;
    if (n === 9 || n === 10 || n === 13 || (n >= 32 && n <= 126) || n >= 160) this.char(String.fromCodePoint(n));
  }
  number(n: number): void {
    if (!Number.isFinite(n)) return;
    if (Number.isInteger(n)) {
      for (const x of [n - 1, n, n + 1]) this.addNumber(x);
    } else {
      const eps = Math.max(Math.abs(n), 1) * 1e-9;
      for (const x of [n - eps, n, n + eps]) this.addNumber(x);
    }
  }
  length(n: number): void {
    if (!Number.isInteger(n) || n < 0 || n > 10_000) return;
    for (const x of [n - 1, n, n + 1]) {
      if (x < 0 || this.sets.lengths.has(x) || this.out.lengths.length >= MAX_EACH) continue;
      this.sets.lengths.add(x);
      this.out.lengths.push(x);
    }
  }
  prop(p: string): void {
    if (p.length === 0 || p.length > MAX_STRING || BORING_PROPS.has(p)) return;
    this.add('props', p);
  }
  private addNumber(x: number): void {
    const key = Object.is(x, -0) ? '-0' : String(x);
    if (this.sets.numbers.has(key) || this.out.numbers.length >= MAX_EACH) return;
    this.sets.numbers.add(key);
    this.out.numbers.push(x);
  }
  private add(kind: 'strings' | 'chars' | 'props', v: string): void {
    const set = this.sets[kind];
    if (set.has(v) || this.out[kind].length >= MAX_EACH) return;
    set.add(v);
    this.out[kind].push(v);
  }
}

function numericValue(e: ts.Expression): number | null {
  if (ts.isNumericLiteral(e)) return Number(e.text);
  if (ts.isPrefixUnaryExpression(e) && ts.isNumericLiteral(e.operand)) {
    const v = Number(e.operand.text);
    return e.operator === ts.SyntaxKind.MinusToken ? -v : e.operator === ts.SyntaxKind.PlusToken ? v : null;
  }
  return null;
}

function stringValue(e: ts.Expression): string | null {
  return ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) ? e.text : null;
}

const COMPARISONS = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
  ts.SyntaxKind.LessThanToken,
  ts.SyntaxKind.LessThanEqualsToken,
  ts.SyntaxKind.GreaterThanToken,
  ts.SyntaxKind.GreaterThanEqualsToken,
]);

const RELATIONAL = new Set([ts.SyntaxKind.LessThanToken, ts.SyntaxKind.LessThanEqualsToken, ts.SyntaxKind.GreaterThanToken, ts.SyntaxKind.GreaterThanEqualsToken]);

/** `x.length` / `x.size`: the side of a comparison that measures a collection. */
function isLengthOf(e: ts.Expression): boolean {
  return ts.isPropertyAccessExpression(e) && (e.name.text === 'length' || e.name.text === 'size');
}

/** Characters and literal runs of a regular expression's source. */
function harvestRegExp(source: string, c: Collector): void {
  const body = source.slice(1, source.lastIndexOf('/'));
  let run = '';
  const flush = (): void => {
    if (run.length >= 2) c.string(run);
    run = '';
  };
  const escapeChar = (ch: string): string | null => {
    switch (ch) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case '0':
        return '\0';
      default:
        return /[A-Za-z]/.test(ch) ? null : ch;
    }
  };
  const classRep = (ch: string): string[] => {
    switch (ch) {
      case 'd':
        return ['0', '9'];
      case 'D':
        return ['a', '-'];
      case 's':
        return [' ', '\t', '\n'];
      case 'S':
        return ['x'];
      case 'w':
        return ['a', 'Z', '_', '0'];
      case 'W':
        return ['-', ' '];
      case 'b':
      case 'B':
        return [' '];
      default:
        return [];
    }
  };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '\\') {
      const next = body[i + 1] ?? '';
      i++;
      if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 1, i + 5))) {
        const cc = String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
        i += 4;
        c.char(cc);
        run += cc;
        continue;
      }
      if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 1, i + 3))) {
        const cc = String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
        i += 2;
        c.char(cc);
        run += cc;
        continue;
      }
      const lit = escapeChar(next);
      if (lit !== null) {
        c.char(lit);
        run += lit;
      } else {
        flush();
        for (const r of classRep(next)) c.char(r);
      }
      continue;
    }
    if (ch === '[') {
      flush();
      // A character class: its members, range ends and the characters just outside them.
      let j = i + 1;
      if (body[j] === '^') j++;
      let prev: string | null = null;
      for (; j < body.length && body[j] !== ']'; j++) {
        let m = body[j]!;
        if (m === '\\') {
          const next = body[++j] ?? '';
          const lit = escapeChar(next);
          if (lit === null) {
            for (const r of classRep(next)) c.char(r);
            prev = null;
            continue;
          }
          m = lit;
        }
        if (m === '-' && prev !== null && body[j + 1] && body[j + 1] !== ']') {
          const hi = body[++j]!;
          const a = prev.charCodeAt(0);
          const b = hi.charCodeAt(0);
          for (const code of [a - 1, b, b + 1]) c.charCode(code);
          prev = null;
          continue;
        }
        c.char(m);
        prev = m;
      }
      i = j;
      continue;
    }
    if ('()|?*+{}^$.'.includes(ch)) {
      flush();
      continue;
    }
    c.char(ch);
    run += ch;
  }
  flush();
}

function visitCode(node: ts.Node, sf: ts.SourceFile, c: Collector): void {
  const visit = (n: ts.Node): void => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) c.string(n.text);
    else if (ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) c.string(n.text);
    else if (ts.isRegularExpressionLiteral(n)) harvestRegExp(n.text, c);
    else if (ts.isNumericLiteral(n)) {
      const v = Number(n.text);
      const parent = n.parent;
      const negated = ts.isPrefixUnaryExpression(parent) && parent.operator === ts.SyntaxKind.MinusToken;
      c.number(negated ? -v : v);
      if (!negated) c.charCode(v);
    } else if (ts.isBinaryExpression(n) && COMPARISONS.has(n.operatorToken.kind)) {
      for (const [side, other] of [
        [n.left, n.right],
        [n.right, n.left],
      ] as const) {
        const s = stringValue(side);
        if (s !== null && s.length === 1 && RELATIONAL.has(n.operatorToken.kind)) {
          // `ch >= 'a'`: the characters just outside the range matter too.
          const code = s.charCodeAt(0);
          c.charCode(code - 1);
          c.charCode(code + 1);
        }
        const v = numericValue(side);
        if (v !== null && isLengthOf(other)) c.length(v);
      }
    } else if (ts.isElementAccessExpression(n)) {
      const arg = n.argumentExpression;
      const v = numericValue(arg);
      if (v !== null && v >= 0) c.length(v + 1);
      const s = stringValue(arg);
      if (s !== null) c.prop(s);
    } else if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.name)) {
      const isCallee = ts.isCallExpression(n.parent) && n.parent.expression === n;
      const base = n.expression;
      const library = ts.isIdentifier(base) && LIBRARY_OBJECTS.has(base.text);
      if (!isCallee && !library && base.kind !== ts.SyntaxKind.ThisKeyword) c.prop(n.name.text);
    } else if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.InKeyword) {
      const s = stringValue(n.left);
      if (s !== null) c.prop(s);
    } else if (ts.isCallExpression(n)) {
      const callee = n.expression;
      const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
      if (name === 'hasOwnProperty' || name === 'hasOwn') {
        for (const a of n.arguments) {
          const s = stringValue(a);
          if (s !== null) c.prop(s);
        }
      }
      if (name === 'fromCharCode' || name === 'fromCodePoint') {
        for (const a of n.arguments) {
          const v = numericValue(a);
          if (v !== null) c.charCode(v);
        }
      }
    } else if (ts.isParameter(n) && ts.isObjectBindingPattern(n.name)) {
      for (const el of n.name.elements) {
        const key = el.propertyName ?? el.name;
        if (ts.isIdentifier(key) || ts.isStringLiteral(key)) c.prop(key.text);
      }
    }
    n.forEachChild(visit);
  };
  visit(node);
  void sf;
}

/** The literals of the target `targetName` (and the module functions it reaches, and for a method its class's constructor) in a module's text. */
export function harvestLiterals(fileName: string, text: string, targetName: string): Literals {
  try {
    const sf = parseSource(fileName, text);
    const found = findTargetFunction(sf, targetName);
    if (!found) return emptyLiterals();
    const c = new Collector();
    for (const fn of reachableFunctions(sf, found.fn)) visitCode(fn, sf, c);
    // A method's receivers are built by its class's constructor: what it accepts matters too.
    const ctor = ts.isClassDeclaration(found.statement) ? found.statement.members.find((m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m) && !!m.body) : undefined;
    if (ctor) for (const fn of reachableFunctions(sf, ctor)) visitCode(fn, sf, c);
    return c.out;
  } catch {
    return emptyLiterals();
  }
}

/** The literals of one expression (a branch's condition), given as source text. */
export function literalsOfExpression(text: string, fileName = 'guard.ts'): Literals {
  try {
    const sf = parseSource(fileName, `(${text});`);
    const c = new Collector();
    visitCode(sf, sf, c);
    return c.out;
  } catch {
    return emptyLiterals();
  }
}

/** What `b` holds that `a` does not (a candidate's own literals). */
export function newLiterals(a: Literals, b: Literals): Literals {
  const has = <T>(xs: T[]) => {
    const set = new Set(xs.map((x) => (typeof x === 'number' && Object.is(x, -0) ? '-0' : String(x))));
    return (x: T) => set.has(typeof x === 'number' && Object.is(x, -0) ? '-0' : String(x));
  };
  const minus = <T>(xs: T[], ys: T[]) => {
    const inY = has(ys);
    return xs.filter((x) => !inY(x));
  };
  return { strings: minus(b.strings, a.strings), chars: minus(b.chars, a.chars), numbers: minus(b.numbers, a.numbers), lengths: minus(b.lengths, a.lengths), props: minus(b.props, a.props), examples: minus(b.examples ?? [], a.examples ?? []) };
}

/** Both sets, `a` first (deduplicated, capped like a harvest). */
export function mergeLiterals(a: Literals, b: Literals): Literals {
  const join = <T>(xs: T[], ys: T[]) => {
    const seen = new Set<string>();
    const out: T[] = [];
    for (const x of [...xs, ...ys]) {
      const k = typeof x === 'number' && Object.is(x, -0) ? '-0' : String(x);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(x);
      if (out.length >= MAX_EACH * 2) break;
    }
    return out;
  };
  return { strings: join(a.strings, b.strings), chars: join(a.chars, b.chars), numbers: join(a.numbers, b.numbers), lengths: join(a.lengths, b.lengths), props: join(a.props, b.props), examples: join(a.examples ?? [], b.examples ?? []) };
}
