/**
 * One-line, JS-literal-like renderings of values for humans (counterexamples, logs, reports):
 * `[1, 2, NaN]`, `-0`, `10n`, `'héllo'`, `Map(2) { 'a' => 1 }`, `Set(1) { 3 }`,
 * `Date(2020-01-01T00:00:00.000Z)`, `Foo { x: 1 }`, `TypeError: msg`, `[Circular]`.
 * Strings use single quotes with JS escapes. Output longer than the limit is cut with '…'.
 * Rendering is budgeted: a huge value costs about as much as its first `maxChars` characters.
 */
import { FN_MARKER, NEW_MARKER } from '../sandbox/protocol';
import type { CallOutcome, Encoded } from '../types';

/** Encoded map/set nodes built locally by renderValue may carry their true size when their entries were capped. */
type Sized = { size?: number };

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

class Out {
  private parts: string[] = [];
  len = 0;
  constructor(readonly max: number) {}
  push(s: string): void {
    this.parts.push(s);
    this.len += s.length;
  }
  get full(): boolean {
    return this.len > this.max;
  }
  text(): string {
    return this.parts.join('');
  }
}

/** Cuts `s` to at most `max` characters, ending with '…' when cut (never splitting a surrogate pair). */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 1) return '…';
  let end = max - 1;
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return s.slice(0, end) + '…';
}

/** A single-quoted JS string literal. Only the first `limit` characters are escaped (the rest would be cut anyway). */
export function quoteString(s: string, limit = Infinity): string {
  const src = s.length > limit ? s.slice(0, limit) : s;
  let out = "'";
  for (let i = 0; i < src.length; i++) {
    const ch = src[i] as string;
    const c = src.charCodeAt(i);
    if (ch === "'") out += "\\'";
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\v') out += '\\v';
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c === 0x2028 || c === 0x2029) out += '\\u' + c.toString(16);
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = src.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += ch + (src[i + 1] as string);
        i++;
      } else out += '\\u' + c.toString(16);
    } else if (c >= 0xdc00 && c <= 0xdfff) out += '\\u' + c.toString(16);
    else out += ch;
  }
  return src.length < s.length ? out : out + "'";
}

function renderKey(k: string, out: Out): void {
  out.push(IDENT.test(k) ? k : quoteString(k, out.max));
}

function numberText(v: number | string): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  return v;
}

function write(e: Encoded, out: Out): void {
  if (out.full) return;
  switch (e.t) {
    case 'undefined':
      return out.push('undefined');
    case 'null':
      return out.push('null');
    case 'boolean':
      return out.push(String(e.v));
    case 'number':
      return out.push(numberText(e.v));
    case 'bigint':
      return out.push(`${e.v}n`);
    case 'string':
      return out.push(quoteString(e.v, out.max));
    case 'symbol':
      return out.push(e.v.startsWith('Symbol(') ? e.v : `Symbol(${e.v})`);
    case 'function':
      return out.push(e.name ? `[Function: ${e.name}]` : '[Function (anonymous)]');
    case 'typed':
      return out.push(/^\[.*\]$/s.test(e.v) ? `${e.ctor} ${e.v}` : `${e.ctor} [${e.v}]`);
    case 'date':
      return out.push(`Date(${e.v})`);
    case 'regexp':
      return out.push(e.v);
    case 'error':
      return out.push(e.message ? `${e.name || e.ctor}: ${e.message}` : e.name || e.ctor);
    case 'promise':
      return out.push('Promise { … }');
    case 'ref':
      return out.push('[Circular]');
    case 'truncated':
      // A preview with an empty hash comes from renderValue's own depth cap and is shown as is.
      return out.push(e.hash === '' || e.preview.endsWith('…') ? e.preview : `${e.preview}…`);
    case 'array': {
      const extra = e.extra ?? [];
      if (e.items.length === 0 && extra.length === 0) return out.push('[]');
      out.push('[');
      let first = true;
      const sep = () => {
        if (!first) out.push(', ');
        first = false;
      };
      for (let i = 0; i < e.items.length && !out.full; i++) {
        const item = e.items[i] ?? null;
        sep();
        if (item === null) {
          let j = i;
          while (j < e.items.length && (e.items[j] ?? null) === null) j++;
          const n = j - i;
          out.push(`<${n} empty item${n === 1 ? '' : 's'}>`);
          i = j - 1;
        } else write(item, out);
      }
      for (const [k, v] of extra) {
        if (out.full) break;
        sep();
        renderKey(k, out);
        out.push(': ');
        write(v, out);
      }
      return out.push(']');
    }
    case 'map': {
      const size = (e as Sized).size ?? e.entries.length;
      if (size === 0) return out.push('Map(0) {}');
      out.push(`Map(${size}) { `);
      e.entries.forEach(([k, v], i) => {
        if (out.full) return;
        if (i > 0) out.push(', ');
        write(k, out);
        out.push(' => ');
        write(v, out);
      });
      if (size > e.entries.length) out.push(', …');
      return out.push(' }');
    }
    case 'set': {
      const size = (e as Sized).size ?? e.items.length;
      if (size === 0) return out.push('Set(0) {}');
      out.push(`Set(${size}) { `);
      e.items.forEach((v, i) => {
        if (out.full) return;
        if (i > 0) out.push(', ');
        write(v, out);
      });
      if (size > e.items.length) out.push(', …');
      return out.push(' }');
    }
    case 'object': {
      const prefix = e.ctor === null ? '[Object: null prototype] ' : e.ctor === 'Object' ? '' : `${e.ctor || '[anonymous]'} `;
      if (e.entries.length === 0) return out.push(`${prefix}{}`);
      out.push(`${prefix}{ `);
      e.entries.forEach(([k, v], i) => {
        if (out.full) return;
        if (i > 0) out.push(', ');
        renderKey(k, out);
        out.push(': ');
        write(v, out);
      });
      return out.push(' }');
    }
  }
}

/** A one-line rendering of an encoded value, at most `maxChars` characters. */
export function renderEncoded(e: Encoded, maxChars = 200): string {
  const out = new Out(Math.max(1, maxChars));
  write(e, out);
  return cut(out.text(), Math.max(1, maxChars));
}

/**
 * An argument list as `(a, b, c)`, at most `maxChars` characters. Short arguments are shown
 * whole; the remaining room is shared among the long ones, so one huge argument cannot hide
 * the others.
 */
export function renderArgs(args: readonly Encoded[], maxChars = 300): string {
  return joinArgs(args.map((a) => (budget: number) => renderEncoded(a, budget)), maxChars);
}

function joinArgs(renderers: ((budget: number) => string)[], maxChars: number): string {
  const n = renderers.length;
  if (n === 0) return '()';
  const room = Math.max(n, maxChars - 2 - 2 * (n - 1));
  const full = renderers.map((r) => r(room));
  const total = full.reduce((s, x) => s + x.length, 0);
  let parts: string[];
  if (total <= room) parts = full;
  else {
    // Fair share: arguments shorter than their share keep their text; the rest split what is left.
    const short = new Set<number>();
    let left = room;
    let longCount = n;
    let changed = true;
    while (changed && longCount > 0) {
      changed = false;
      const share = Math.floor(left / longCount);
      full.forEach((s, i) => {
        if (!short.has(i) && s.length <= share) {
          short.add(i);
          left -= s.length;
          longCount--;
          changed = true;
        }
      });
    }
    const share = Math.max(8, Math.floor(left / Math.max(1, longCount)));
    parts = full.map((s, i) => (short.has(i) ? s : (renderers[i] as (b: number) => string)(share)));
  }
  return cut(`(${parts.join(', ')})`, Math.max(maxChars, 2));
}

/** 'returned X', 'threw TypeError: msg' or 'timed out'. */
export function renderOutcome(o: CallOutcome, maxChars = 200): string {
  if (o.kind === 'timeout') return 'timed out';
  if (o.kind === 'returned') return `returned ${renderEncoded(o.value, maxChars)}`;
  return `threw ${renderEncoded(o.error, maxChars)}`;
}

// ---------------------------------------------------------------------------------------------
// Plain JS values (generated inputs before they are sent to the sandbox)
// ---------------------------------------------------------------------------------------------

const MAX_DEPTH = 8;

function ctorName(o: object): string | null {
  const proto: unknown = Object.getPrototypeOf(o);
  if (proto === null) return null;
  const ctor: unknown = (proto as { constructor?: unknown }).constructor;
  return typeof ctor === 'function' && typeof ctor.name === 'string' ? ctor.name : 'Object';
}

function isFnMarker(v: object): v is Record<typeof FN_MARKER, string> {
  return Object.prototype.hasOwnProperty.call(v, FN_MARKER) && Object.keys(v).length === 1 && typeof (v as Record<string, unknown>)[FN_MARKER] === 'string';
}

function isNewMarker(v: object): v is { name: string; args: unknown[] } {
  const o = v as Record<string, unknown>;
  return Object.prototype.hasOwnProperty.call(v, NEW_MARKER) && typeof o[NEW_MARKER] === 'number' && typeof o.name === 'string' && Array.isArray(o.args);
}

/**
 * A local, display-only encoder. Collections are capped at `cap` entries (the renderer cuts
 * the text long before that), cycles become refs, and deep values become '[Object]'/'[Array]'.
 */
function toEncoded(v: unknown, cap: number, stack: unknown[]): Encoded {
  switch (typeof v) {
    case 'undefined':
      return { t: 'undefined' };
    case 'boolean':
      return { t: 'boolean', v };
    case 'number':
      if (Number.isNaN(v)) return { t: 'number', v: 'NaN' };
      if (v === Infinity) return { t: 'number', v: 'Infinity' };
      if (v === -Infinity) return { t: 'number', v: '-Infinity' };
      if (Object.is(v, -0)) return { t: 'number', v: '-0' };
      return { t: 'number', v };
    case 'bigint':
      return { t: 'bigint', v: v.toString() };
    case 'string':
      return { t: 'string', v };
    case 'symbol':
      return { t: 'symbol', v: v.toString() };
    case 'function':
      return { t: 'function', name: v.name };
  }
  if (v === null) return { t: 'null' };
  const o = v as object;
  const idx = stack.indexOf(o);
  if (idx >= 0) return { t: 'ref', depth: stack.length - idx };
  if (stack.length >= MAX_DEPTH) return { t: 'truncated', hash: '', preview: Array.isArray(o) ? '[Array]' : '[Object]' };
  stack.push(o);
  try {
    if (Array.isArray(o)) {
      const items: (Encoded | null)[] = [];
      const len = Math.min(o.length, cap);
      for (let i = 0; i < len; i++) items.push(i in o ? toEncoded(o[i], cap, stack) : null);
      if (o.length > cap) items.push({ t: 'truncated', hash: '', preview: `… ${o.length - cap} more` });
      return { t: 'array', items };
    }
    if (ArrayBuffer.isView(o) && !(o instanceof DataView)) {
      const arr = o as unknown as ArrayLike<number | bigint> & { length: number };
      const shown: string[] = [];
      for (let i = 0; i < Math.min(arr.length, cap); i++) {
        const x = arr[i];
        shown.push(typeof x === 'bigint' ? `${x}n` : numberText(x as number));
      }
      if (arr.length > cap) shown.push('…');
      return { t: 'typed', ctor: ctorName(o) ?? 'TypedArray', v: shown.join(', ') };
    }
    if (o instanceof Date) return { t: 'date', v: Number.isNaN(o.getTime()) ? 'Invalid Date' : o.toISOString() };
    if (o instanceof RegExp) return { t: 'regexp', v: String(o) };
    if (o instanceof Error) return { t: 'error', ctor: ctorName(o) ?? 'Error', name: o.name, message: o.message };
    if (o instanceof Promise) return { t: 'promise' };
    if (o instanceof Map) {
      const entries: [Encoded, Encoded][] = [];
      for (const [k, x] of o) {
        if (entries.length >= cap) break;
        entries.push([toEncoded(k, cap, stack), toEncoded(x, cap, stack)]);
      }
      const node: Encoded & Sized = { t: 'map', entries, size: o.size };
      return node;
    }
    if (o instanceof Set) {
      const items: Encoded[] = [];
      for (const x of o) {
        if (items.length >= cap) break;
        items.push(toEncoded(x, cap, stack));
      }
      const node: Encoded & Sized = { t: 'set', items, size: o.size };
      return node;
    }
    if (isFnMarker(o)) return { t: 'function', name: `<${o[FN_MARKER]}>` };
    // A generated instance, shown as the construction that builds it.
    if (isNewMarker(o)) return { t: 'truncated', hash: '', preview: `new ${o.name}${renderValueArgs(o.args, 160)}` };
    const entries: [string, Encoded][] = [];
    for (const k of Object.keys(o)) {
      if (entries.length >= cap) break;
      const d = Object.getOwnPropertyDescriptor(o, k);
      entries.push([k, d && 'value' in d ? toEncoded(d.value, cap, stack) : { t: 'truncated', hash: '', preview: '[Getter/Setter]' }]);
    }
    return { t: 'object', ctor: ctorName(o), entries };
  } finally {
    stack.pop();
  }
}

/**
 * A one-line rendering of a plain JS value (e.g. a generated input before encoding), in the
 * same style as renderEncoded. Function markers of generated inputs show as `[Function: <compare>]`.
 */
export function renderValue(v: unknown, maxChars = 200): string {
  return renderEncoded(toEncoded(v, Math.max(1, maxChars), []), maxChars);
}

/** A plain-JS argument list as `(a, b, c)`, like renderArgs. */
export function renderValueArgs(args: readonly unknown[], maxChars = 300): string {
  return joinArgs(args.map((a) => (budget: number) => renderValue(a, budget)), maxChars);
}
