/**
 * A small glob matcher for test-file patterns ('/'-separated paths relative to a root):
 * `**` (any number of path segments), `*` (within a segment), `?` (one character),
 * `{a,b}` (alternatives, nestable), `[abc]` / `[a-z]` / `[!a]` (character classes), and the
 * extglobs jest and vitest defaults use: `?(x|y)`, `*(x)`, `+(x)`, `@(x)`, `!(x)` (the last
 * approximated as "anything but exactly x" within a segment). No dependency: neither minimatch
 * nor picomatch is a direct dependency of Hotpath.
 */

const cache = new Map<string, RegExp>();

/** Whether the '/'-separated relative path `rel` matches `pattern`. A leading './' is ignored on both. */
export function globMatch(pattern: string, rel: string): boolean {
  return globToRegExp(pattern).test(stripDot(rel));
}

/** The anchored RegExp for `pattern` (cached). */
export function globToRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(`^${translate(stripDot(pattern))}$`);
    cache.set(pattern, re);
  }
  return re;
}

/** The literal directory prefix of a pattern (segments before the first one with a glob character), '' if none. */
export function globBase(pattern: string): string {
  const segs = stripDot(pattern).split('/');
  const out: string[] = [];
  for (const s of segs.slice(0, -1)) {
    if (/[*?{}[\]()!+@]/.test(s)) break;
    out.push(s);
  }
  return out.join('/');
}

function stripDot(p: string): string {
  let s = p.replace(/\\/g, '/');
  while (s.startsWith('./')) s = s.slice(2);
  return s;
}

const SEG = '[^/]';

/** Translates a glob (or a part of one, inside braces/extglobs) to a RegExp source. */
function translate(glob: string): string {
  let out = '';
  let i = 0;
  while (i < glob.length) {
    const c = glob[i] as string;
    const next = glob[i + 1];
    // Extglob: ?( *( +( @( !(
    if ('?*+@!'.includes(c) && next === '(') {
      const close = matchingClose(glob, i + 1, '(', ')');
      if (close > 0) {
        const alts = splitTop(glob.slice(i + 2, close), '|').map(translate).join('|');
        if (c === '?') out += `(?:${alts})?`;
        else if (c === '*') out += `(?:${alts})*`;
        else if (c === '+') out += `(?:${alts})+`;
        else if (c === '@') out += `(?:${alts})`;
        else out += `(?:(?!(?:${alts})(?:/|$))${SEG}*)`;
        i = close + 1;
        continue;
      }
    }
    if (c === '*') {
      if (next === '*') {
        // '**' as a whole segment: zero or more segments.
        const atStart = i === 0 || glob[i - 1] === '/';
        const after = glob[i + 2];
        if (atStart && after === '/') {
          out += `(?:${SEG}+/)*`;
          i += 3;
          continue;
        }
        if (atStart && after === undefined) {
          out += '.*';
          i += 2;
          continue;
        }
        out += `${SEG}*`;
        i += 2;
        continue;
      }
      out += `${SEG}*`;
      i++;
      continue;
    }
    if (c === '?') {
      out += SEG;
      i++;
      continue;
    }
    if (c === '{') {
      const close = matchingClose(glob, i, '{', '}');
      if (close > 0) {
        const alts = splitTop(glob.slice(i + 1, close), ',');
        if (alts.length > 1) {
          out += `(?:${alts.map(translate).join('|')})`;
          i = close + 1;
          continue;
        }
      }
      out += '\\{';
      i++;
      continue;
    }
    if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close > 0) {
        let body = glob.slice(i + 1, close);
        const negate = body.startsWith('!') || body.startsWith('^');
        if (negate) body = body.slice(1);
        body = body.replace(/[\\\]^]/g, '\\$&');
        out += negate ? `[^/${body}]` : `[${body}]`;
        i = close + 1;
        continue;
      }
    }
    out += c.replace(/[.+^$()|[\]{}\\]/g, '\\$&');
    i++;
  }
  return out;
}

/** Index of the bracket closing the one at `open` (nesting-aware), -1 if unbalanced. */
function matchingClose(s: string, open: number, o: string, c: string): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === o) depth++;
    else if (s[i] === c) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Splits on `sep` outside any (), {} or [] nesting. */
function splitTop(s: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(' || ch === '{' || ch === '[') depth++;
    else if (ch === ')' || ch === '}' || ch === ']') depth--;
    if (ch === sep && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}
