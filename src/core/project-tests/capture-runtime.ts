/**
 * The recorder that instrumentModule() puts INTO the user's module, as JavaScript source text.
 * It is compiled inside the user's module with `new Function(...)`, so it is the same plain
 * JavaScript in JS, TS, ESM and CJS files, imports nothing from Hotpath, and never needs type
 * annotations. The module passes in `fs`, `v8`, `process` (loaded with the module's own syntax)
 * and the configuration; the body returns `{ wrap, member }`.
 *
 * Capture file format (one file per module instance, in cfg.dir): a sequence of records, each
 * `[u32 LE payload length][u8 kind][payload = v8.serialize(...)]`, with kinds
 * - RECORD_CALL: `{ args, thisState?, file }` taken at call entry;
 * - RECORD_SKIP: `{ reason, file }` for a call that could not be captured;
 * - RECORD_COUNTS: `{ total, byFile, skipped }`, cumulative counters of this module instance,
 *   written once some calls are no longer recorded one by one (limits), when the total reaches a
 *   power of two, and at process exit. A reader replaces its running counts with it.
 *
 * Never throws into the user's code: every recorder step is inside try/catch, and a call that
 * cannot be captured is counted as skipped with a reason.
 */

export const RECORD_CALL = 1;
export const RECORD_SKIP = 2;
export const RECORD_COUNTS = 3;

/** Skip records written one by one per module instance; beyond it skips are only counted. */
export const MAX_SKIP_RECORDS = 2000;

/** Configuration embedded in the instrumented module (JSON). */
export interface RuntimeConfig {
  /** Directory for capture files (created when missing). */
  dir: string;
  /** Test files as absolute paths and as file:// URLs, matched against stack frames. */
  files: { p: string; u: string }[];
  maxCalls: number;
  maxCallBytes: number;
  maxTotalBytes: number;
  /** How the target is called: plain function, or a member wrapped through its descriptor. */
  kind: 'function' | 'instance' | 'static' | 'object';
  /** Owner name, for reasons. */
  owner: string | null;
  /** The owner class declares #private members (their state cannot be captured). */
  hasPrivate: boolean;
}

/** Parameters of the compiled body: new Function('fs', 'v8', 'proc', 'cfg', RUNTIME_SOURCE). */
export const RUNTIME_PARAMS = ['fs', 'v8', 'proc', 'cfg'] as const;

export const RUNTIME_SOURCE = String.raw`'use strict';
var O = Object, OP = O.prototype, toStr = OP.toString;
var getProto = O.getPrototypeOf, getDesc = O.getOwnPropertyDescriptor, defProp = O.defineProperty, create = O.create;
var ownKeys = Reflect.ownKeys, fnToStr = Function.prototype.toString, fnApply = Function.prototype.apply;
var isArray = Array.isArray, ErrorCtor = Error, SetCtor = Set, U8 = Uint8Array, DV = DataView;
var mapForEach = Map.prototype.forEach, setForEach = Set.prototype.forEach;
var K_CALL = ${RECORD_CALL}, K_SKIP = ${RECORD_SKIP}, K_COUNTS = ${RECORD_COUNTS}, MAX_SKIPS = ${MAX_SKIP_RECORDS};
var S = { fd: -1, opened: false, depth: 0, total: 0, byFile: create(null), skipped: create(null),
  records: 0, skips: 0, bytes: 0, dirty: false, hooked: false, nextSnap: 1, owner: null };

function fmtBytes(n) {
  if (n % 1048576 === 0) return (n / 1048576) + ' MiB';
  if (n % 1024 === 0) return (n / 1024) + ' KiB';
  return n + ' bytes';
}
function msg(e) { try { return String(e && e.message ? e.message : e).split('\n')[0]; } catch (x) { return 'unknown error'; } }

/** Opens this module instance's capture file once (exclusive create; retries on a name clash). */
function open() {
  if (S.opened) return S.fd;
  S.opened = true;
  try { fs.mkdirSync(cfg.dir, { recursive: true }); } catch (e) {}
  var pid = 0, t = '0';
  try { pid = proc.pid; var h = proc.hrtime(); t = h[0] + '-' + h[1]; } catch (e) {}
  for (var i = 0; i < 50; i++) {
    try { S.fd = fs.openSync(cfg.dir + '/cap-' + pid + '-' + t + '-' + i + '.bin', 'wx'); return S.fd; } catch (e) {}
  }
  return -1;
}

/** Appends one record in a single write. */
function put(kind, payload) {
  try {
    var fd = open();
    if (fd < 0) return false;
    var buf = new U8(5 + payload.length);
    new DV(buf.buffer).setUint32(0, payload.length, true);
    buf[4] = kind;
    buf.set(payload, 5);
    fs.writeSync(fd, buf);
    return true;
  } catch (e) { return false; }
}

function snapshot() {
  try { put(K_COUNTS, v8.serialize({ total: S.total, byFile: S.byFile, skipped: S.skipped })); } catch (e) {}
}

/** Once calls are not recorded one by one, counts go to snapshots (powers of two, and exit). */
function markDirty() {
  S.dirty = true;
  if (S.hooked) return;
  S.hooked = true;
  try { if (proc && typeof proc.on === 'function') proc.on('exit', snapshot); } catch (e) {}
}

/** The first stack frame that is one of the test files (the configured absolute path), or null. */
function testFile() {
  var st, lim;
  try {
    lim = ErrorCtor.stackTraceLimit;
    ErrorCtor.stackTraceLimit = 200;
    st = new ErrorCtor().stack;
  } catch (e) {} finally { try { ErrorCtor.stackTraceLimit = lim; } catch (e) {} }
  if (typeof st !== 'string') return null;
  var lines = st.split('\n');
  for (var i = 1; i < lines.length; i++) {
    var line = lines[i];
    for (var j = 0; j < cfg.files.length; j++) {
      var f = cfg.files[j];
      if (hit(line, f.p) || hit(line, f.u)) return f.p;
    }
  }
  return null;
}
function hit(line, p) {
  var at = line.indexOf(p);
  while (at >= 0) {
    var c = line.charAt(at + p.length);
    if (c === ':' || c === ')' || c === '' || c === ' ') return true;
    at = line.indexOf(p, at + 1);
  }
  return false;
}

// ---- what can be captured faithfully (cross-realm: prototype chains and tags, no instanceof) ----

/** The constructor name of a prototype when that constructor is a built-in of some realm, else null. */
function nativeName(p) {
  var d = getDesc(p, 'constructor');
  if (!d || !('value' in d) || typeof d.value !== 'function') return null;
  var c = d.value, nd = getDesc(c, 'name'), name = nd && typeof nd.value === 'string' ? nd.value : null;
  var pd = getDesc(c, 'prototype');
  if (!name || !pd || pd.value !== p) return null;
  var s;
  try { s = fnToStr.call(c); } catch (e) { return null; }
  return s.indexOf('[native code]') >= 0 ? name : null;
}
function ctorName(p) {
  try {
    if (p === null) return 'null-prototype object';
    var d = getDesc(p, 'constructor');
    var n = d && typeof d.value === 'function' ? getDesc(d.value, 'name') : null;
    return n && typeof n.value === 'string' && n.value ? n.value : 'anonymous class';
  } catch (e) { return 'unknown class'; }
}
var TYPED = { Int8Array: 1, Uint8Array: 1, Uint8ClampedArray: 1, Int16Array: 1, Uint16Array: 1, Int32Array: 1,
  Uint32Array: 1, Float32Array: 1, Float64Array: 1, BigInt64Array: 1, BigUint64Array: 1 };
var ERRORS = { Error: 1, TypeError: 1, RangeError: 1, EvalError: 1, ReferenceError: 1, SyntaxError: 1, URIError: 1 };
var SIMPLE = { Date: 1, RegExp: 1, Map: 1, Set: 1, ArrayBuffer: 1, DataView: 1, Boolean: 1, Number: 1, String: 1, BigInt: 1 };

/**
 * The kind of a non-function object: 'Object' (plain or null-prototype), 'Array', a built-in
 * name from the tables above, 'Buffer', or { bad: description } for anything v8 would distort.
 */
function classify(v) {
  var p = getProto(v);
  if (p === null) return 'Object';
  var name = nativeName(p);
  var tag = toStr.call(v).slice(8, -1);
  if (name === null) {
    // Node's Buffer: a JS subclass of the built-in Uint8Array, which v8.serialize restores.
    var pp = getProto(p);
    if (ctorName(p) === 'Buffer' && pp !== null && nativeName(pp) === 'Uint8Array' && tag === 'Uint8Array') return 'Buffer';
    return { bad: 'a ' + ctorName(p) + ' instance' };
  }
  // Every prototype up the chain must be a built-in one too (no user subclass in between).
  for (var q = getProto(p); q !== null; q = getProto(q)) {
    if (nativeName(q) === null) return { bad: 'a ' + name + ' with a custom prototype' };
  }
  var want = ERRORS[name] ? 'Error' : name;
  if (name === 'Object' || name === 'Array' || SIMPLE[name] || TYPED[name] || ERRORS[name]) {
    if (name === 'Array' ? !isArray(v) : tag !== want) return { bad: 'an exotic object (Proxy or Symbol.toStringTag)' };
    return name;
  }
  if (name === 'Promise') return { bad: 'a promise' };
  return { bad: 'a ' + name };
}

/** Checks that v8.serialize keeps v exactly; returns a reason or null. ctx bounds the walk. */
function check(v, label, nested, ctx) {
  var t = typeof v;
  var verb = nested ? ' contains ' : ' is ';
  if (t === 'function') return label + verb + 'a function';
  if (t === 'symbol') return label + verb + 'a symbol';
  if (t === 'string') { ctx.bytes += v.length; return ctx.bytes > cfg.maxCallBytes ? 'exceeds ' + fmtBytes(cfg.maxCallBytes) : null; }
  if (v === null || t !== 'object') { ctx.bytes += 8; return null; }
  if (ctx.seen.has(v)) return null;
  ctx.seen.add(v);
  if (++ctx.nodes > 200000) return label + ' is too large to inspect';
  if (ctx.bytes > cfg.maxCallBytes) return 'exceeds ' + fmtBytes(cfg.maxCallBytes);
  var k = classify(v);
  if (typeof k !== 'string') return label + verb + k.bad;
  if (TYPED[k] || k === 'Buffer' || k === 'DataView') { ctx.bytes += v.byteLength; return ctx.bytes > cfg.maxCallBytes ? 'exceeds ' + fmtBytes(cfg.maxCallBytes) : null; }
  if (k === 'ArrayBuffer') { ctx.bytes += v.byteLength; return ctx.bytes > cfg.maxCallBytes ? 'exceeds ' + fmtBytes(cfg.maxCallBytes) : null; }
  var keys, i, r = null;
  if (k === 'Map' || k === 'Set' || k === 'Date' || k === 'Boolean' || k === 'Number' || k === 'BigInt') {
    if (ownKeys(v).length > 0) return label + verb + 'a ' + k + ' with extra properties';
  }
  if (k === 'Map') {
    mapForEach.call(v, function (val, key) { if (r === null) r = check(key, label, true, ctx) || check(val, label, true, ctx); });
    return r;
  }
  if (k === 'Set') {
    setForEach.call(v, function (val) { if (r === null) r = check(val, label, true, ctx); });
    return r;
  }
  if (ERRORS[k]) {
    keys = ownKeys(v);
    for (i = 0; i < keys.length; i++) {
      if (keys[i] !== 'stack' && keys[i] !== 'message' && keys[i] !== 'cause') return label + verb + 'an Error with extra properties';
    }
    var cd = getDesc(v, 'cause');
    return cd && 'value' in cd ? check(cd.value, label, true, ctx) : null;
  }
  if (k !== 'Object' && k !== 'Array') { ctx.bytes += 16; return null; }
  keys = ownKeys(v);
  for (i = 0; i < keys.length; i++) {
    var key = keys[i];
    if (typeof key === 'symbol') return label + verb + 'an object with a symbol key';
    if (k === 'Array' && key === 'length') continue;
    var d = getDesc(v, key);
    if (!d) continue;
    if (!('value' in d)) return label + verb + 'an object with a getter or setter';
    if (!d.enumerable) return label + verb + 'an object with a non-enumerable property';
    ctx.bytes += key.length + 8;
    r = check(d.value, label, true, ctx);
    if (r !== null) return r;
  }
  return null;
}

/** The receiver's own enumerable data properties (a plain object), or a reason. */
function receiverState(self, ctx) {
  if (cfg.hasPrivate) return 'the ' + cfg.owner + ' class has #private members';
  if (self === null || typeof self !== 'object') return 'the receiver is not an object';
  var p = getProto(self);
  var own = S.owner && getDesc(S.owner, 'prototype');
  if (!own || p !== own.value) return 'the receiver is a ' + ctorName(p) + ', not a direct ' + cfg.owner + ' instance';
  var state = {}, keys = ownKeys(self);
  for (var i = 0; i < keys.length; i++) {
    var key = keys[i];
    if (typeof key === 'symbol') return 'the receiver has a symbol-keyed property';
    var d = getDesc(self, key);
    if (!d) continue;
    if (!('value' in d)) return 'the receiver has an accessor property';
    if (!d.enumerable) return 'the receiver has a non-enumerable property';
    var r = check(d.value, 'this.' + key, false, ctx);
    if (r !== null) return r;
    defProp(state, key, { value: d.value, enumerable: true, writable: true, configurable: true });
  }
  return state;
}

/** Records one top-level call (counts always; a record while within the limits). */
function record(self, args) {
  S.total++;
  var file = testFile();
  var fk = file === null ? '' : file;
  S.byFile[fk] = (S.byFile[fk] || 0) + 1;
  var reason = null, payload = null, counted = false;
  if (S.records >= cfg.maxCalls) { reason = 'over the ' + cfg.maxCalls + '-call limit'; counted = true; }
  else if (S.bytes >= cfg.maxTotalBytes) { reason = 'over the ' + fmtBytes(cfg.maxTotalBytes) + ' capture limit'; counted = true; }
  else {
    try {
      var argv = [];
      for (var i = 0; i < args.length; i++) argv.push(args[i]);
      var ctx = { seen: new SetCtor(), nodes: 0, bytes: 0 };
      for (var j = 0; j < argv.length && reason === null; j++) reason = check(argv[j], 'argument ' + (j + 1), false, ctx);
      var thisState;
      if (reason === null && cfg.kind === 'instance') {
        var st = receiverState(self, ctx);
        if (typeof st === 'string') reason = st; else thisState = st;
      }
      if (reason === null) {
        payload = v8.serialize(thisState === undefined ? { args: argv, file: file } : { args: argv, thisState: thisState, file: file });
        if (payload.length > cfg.maxCallBytes) { reason = 'exceeds ' + fmtBytes(cfg.maxCallBytes); payload = null; }
        else if (S.bytes + payload.length > cfg.maxTotalBytes) {
          reason = 'over the ' + fmtBytes(cfg.maxTotalBytes) + ' capture limit'; payload = null; counted = true;
          S.bytes = cfg.maxTotalBytes;
        }
      }
    } catch (e) { reason = 'could not be serialized: ' + msg(e); payload = null; }
  }
  if (payload !== null) {
    if (put(K_CALL, payload)) { S.records++; S.bytes += payload.length; }
    else { reason = 'the capture file could not be written'; counted = true; }
  }
  if (reason !== null) {
    S.skipped[reason] = (S.skipped[reason] || 0) + 1;
    if (counted || S.skips >= MAX_SKIPS) markDirty();
    else {
      var ok = false;
      try { ok = put(K_SKIP, v8.serialize({ reason: reason, file: file })); } catch (e) {}
      if (ok) S.skips++; else markDirty();
    }
  }
  if (S.dirty && S.total >= S.nextSnap) {
    snapshot();
    while (S.nextSnap <= S.total) S.nextSnap *= 2;
  }
}

/** A transparent wrapper: same this, arguments, result or exception, name and length. */
function wrap(orig, name) {
  if (typeof orig !== 'function') return orig;
  var w = function () {
    S.depth++;
    try {
      if (S.depth === 1) { try { record(this, arguments); } catch (e) {} }
      return fnApply.call(orig, this, arguments);
    } finally { S.depth--; }
  };
  try {
    defProp(w, 'name', { value: name, configurable: true });
    defProp(w, 'length', { value: orig.length, configurable: true });
  } catch (e) {}
  return w;
}

/** Wraps a method or getter in place through its property descriptor. */
function member(owner, key, accessor) {
  try {
    var holder = cfg.kind === 'instance' ? owner.prototype : owner;
    var d = getDesc(holder, key);
    if (!d) return;
    S.owner = owner;
    if (accessor === 'getter') {
      if (typeof d.get !== 'function') return;
      defProp(holder, key, { get: wrap(d.get, d.get.name), set: d.set, enumerable: d.enumerable, configurable: d.configurable });
    } else {
      if (typeof d.value !== 'function') return;
      defProp(holder, key, { value: wrap(d.value, d.value.name), writable: d.writable, enumerable: d.enumerable, configurable: d.configurable });
    }
  } catch (e) {}
}

return { wrap: wrap, member: member };
`;
