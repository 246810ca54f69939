/**
 * Hostile-code tests of the sandbox: each case writes a small CJS bundle into a fresh job
 * directory and runs a real child node process on it (run `npm run build` first so that
 * dist/runner.js exists). No mocks.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { randomBytes } from 'node:crypto';
import { encodeValue } from '../../src/core/sandbox/encode';
import { generateVerifyInputs } from '../../src/core/inputs/inputs';
import {
  runSandboxed,
  prepareJobDir,
  resolveNodePath,
  sandboxLayers,
  probeSandbox,
  liveProcessGroups,
  type SandboxOptions,
  type SandboxRun,
  type RunnerMessage,
  type VerifyJob,
} from '../../src/core/sandbox/index';
import type { CallOutcome } from '../../src/core/types';
import { SandboxError } from '../../src/core/errors';

let nodePath = '';
const pgids: number[] = [];
const dirs: string[] = [];

function jobDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-sbx-test-'));
  dirs.push(d);
  prepareJobDir(d);
  return d;
}

interface VerifyCase {
  src: string;
  inputs?: unknown[][];
  stalenessProbe?: boolean;
  opts?: Partial<SandboxOptions>;
  seed?: number;
  callTimeoutMs?: number;
}

async function verify(c: VerifyCase): Promise<SandboxRun> {
  const dir = jobDir();
  const bundle = path.join(dir, 'bundle.js');
  fs.writeFileSync(bundle, c.src);
  const inputsFile = path.join(dir, 'inputs.bin');
  fs.writeFileSync(inputsFile, v8.serialize(c.inputs ?? [[1]]));
  const job: VerifyJob = {
    mode: 'verify',
    bundle,
    seed: c.seed ?? 42,
    frozenNowMs: 1_700_000_000_000,
    inputsFile,
    startIndex: 0,
    stalenessProbe: c.stalenessProbe ?? false,
    callTimeoutMs: c.callTimeoutMs ?? 1000,
  };
  const run = await runSandboxed(job, {
    nodePath,
    jobDir: dir,
    timeoutMs: 15_000,
    callTimeoutMs: c.callTimeoutMs ?? 1000,
    memoryMb: 128,
    ...c.opts,
  });
  if (run.pgid !== null) pgids.push(run.pgid);
  return run;
}

function results(run: SandboxRun): Extract<RunnerMessage, { type: 'call-result' }>[] {
  return run.messages.filter((m): m is Extract<RunnerMessage, { type: 'call-result' }> => m.type === 'call-result');
}

function firstOutcome(run: SandboxRun): CallOutcome {
  const r = results(run)[0];
  assert.ok(r, `no call-result; end=${run.end} stderr=${run.stderr.slice(0, 500)} messages=${JSON.stringify(run.messages).slice(0, 500)}`);
  return r.outcome;
}

function thrownMessage(o: CallOutcome): string {
  assert.equal(o.kind, 'threw', `expected the call to throw, got ${JSON.stringify(o).slice(0, 300)}`);
  if (o.kind !== 'threw') return '';
  const e = o.error;
  return e.t === 'error' ? e.message : JSON.stringify(e);
}

const target = (body: string): string => `module.exports.__hotpath_target__ = ${body};\n`;

function tmpName(): string {
  return path.join('/tmp', 'hotpath-pwned-' + randomBytes(6).toString('hex'));
}

function processGroupAlive(pgid: number): boolean {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...: comm may contain spaces, so split after the last ')'.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[2]) === pgid) return true;
    } catch {
      // process vanished
    }
  }
  return false;
}

void describe('sandbox', { timeout: 180_000 }, () => {
  before(async () => {
    nodePath = await resolveNodePath();
  });

  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  void it('resolveNodePath rejects a missing binary with one line', async () => {
    await assert.rejects(resolveNodePath('/nonexistent/node-binary'), (e: unknown) => e instanceof SandboxError && !e.message.includes('\n'));
    assert.ok(path.isAbsolute(nodePath));
  });

  void it('runs a benign target: ready, loaded without tampers, results, done', async () => {
    const run = await verify({ src: target('function add(a, b) { return a + b; }'), inputs: [[1, 2], [3, 4]] });
    assert.equal(run.end, 'exited');
    assert.equal(run.exitCode, 0);
    const types = run.messages.map((m) => m.type);
    assert.equal(types[0], 'ready');
    assert.equal(types.at(-1), 'done');
    const loaded = run.messages.find((m) => m.type === 'loaded');
    assert.deepEqual(loaded, { type: 'loaded', tampers: [], denials: [] });
    assert.ok(results(run).every((r) => r.denials.length === 0 && r.ms >= 0));
    assert.deepEqual(results(run).map((r) => r.outcome), [
      { kind: 'returned', value: { t: 'number', v: 3 }, args: [{ t: 'number', v: 1 }, { t: 'number', v: 2 }] },
      { kind: 'returned', value: { t: 'number', v: 7 }, args: [{ t: 'number', v: 3 }, { t: 'number', v: 4 }] },
    ]);
  });

  void it('values cross the process boundary exactly: the generator\'s whole string output, lone surrogates, -0, NaN, holes, undefined props, BigInt', async () => {
    const generated = generateVerifyInputs([{ name: 's', typeText: 'string', type: { kind: 'string' }, optional: false, rest: false }], { seed: 11 });
    const holes = [1, , 3]; // eslint-disable-line no-sparse-arrays
    const special: unknown[][] = [['\uD83C'], ['\uDFFD\uDFFD'], ['\uD83D\uDC68\u200D\uD83D'], ['本a\uDC69'], [-0], [NaN], [holes], [{ a: undefined, b: 1 }], [10n ** 30n], ['\u0000\uFFFF\uFEFF']];
    // Long strings of emoji, so that multibyte characters straddle the pipe's chunk boundaries.
    const long = [['🏽'.repeat(40_000) + '\uD83C'], ['本👨‍👩‍👧'.repeat(30_000)]];
    const inputs = [...generated, ...special, ...long];
    const run = await verify({ src: target('function id(x) { return x; }'), inputs });
    const got = results(run);
    assert.equal(got.length, inputs.length, `end=${run.end} stderr=${run.stderr.slice(0, 300)}`);
    for (const [i, r] of got.entries()) {
      assert.equal(r.outcome.kind, 'returned');
      if (r.outcome.kind === 'returned') assert.deepEqual(r.outcome.value, encodeValue(inputs[i]![0]), `input ${i}`);
    }
  });

  void it('blocks fs writes outside the job dir', async () => {
    const file = tmpName();
    const run = await verify({ src: target(`function f() { require('fs').writeFileSync(${JSON.stringify(file)}, 'pwned'); return 1; }`) });
    assert.match(thrownMessage(firstOutcome(run)), /denied|permission|restricted/i);
    assert.equal(fs.existsSync(file), false);
    assert.deepEqual(results(run)[0]?.denials, [{ kind: 'fs-write', api: 'fs.writeFileSync', resource: file }]);
  });

  void it('records a denied write even when the code swallows the error, and the call still returns', async () => {
    const file = tmpName();
    const run = await verify({
      src: target(`function f() { try { require('fs').appendFileSync(${JSON.stringify(file)}, 'x'); } catch {} return 1; }`),
    });
    assert.deepEqual(firstOutcome(run), { kind: 'returned', value: { t: 'number', v: 1 }, args: [{ t: 'number', v: 1 }] });
    assert.deepEqual(results(run)[0]?.denials, [{ kind: 'fs-write', api: 'fs.appendFileSync', resource: file }]);
    assert.equal(fs.existsSync(file), false);
  });

  void it('blocks fs reads outside the job dir', async () => {
    const run = await verify({ src: target(`function f() { return require('fs').readFileSync('/etc/hostname', 'utf8'); }`) });
    assert.match(thrownMessage(firstOutcome(run)), /denied|permission|restricted/i);
    assert.deepEqual(results(run)[0]?.denials, [{ kind: 'fs-read', api: 'fs.readFileSync', resource: '/etc/hostname' }]);
  });

  void it('blocks child processes', async () => {
    const file = tmpName();
    const run = await verify({ src: target(`function f() { require('child_process').spawnSync('touch', [${JSON.stringify(file)}]); return 1; }`) });
    thrownMessage(firstOutcome(run));
    assert.equal(fs.existsSync(file), false);
  });

  void it('blocks workers', async () => {
    const run = await verify({ src: target(`function f() { new (require('worker_threads').Worker)('1', { eval: true }); return 1; }`) });
    thrownMessage(firstOutcome(run));
  });

  void it('blocks net.connect to a local server (guards alone and with the OS layer)', async () => {
    let connections = 0;
    const server = net.createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const src = target(`async function f() {
        const net = require('net');
        await new Promise((res, rej) => { const s = net.connect(${port}, '127.0.0.1', () => { s.end(); res(); }); s.on('error', rej); });
        return 'connected';
      }`);
      const src2 = target(`async function f() {
        const net = require('net');
        const s = new net.Socket();
        await new Promise((res, rej) => { s.on('error', rej); s.on('connect', res); net.Socket.prototype.connect.call(s, ${port}, '127.0.0.1'); });
        return 'connected';
      }`);
      for (const noNetworkNamespace of [true, false]) {
        for (const s of [src, src2]) {
          const run = await verify({ src: s, opts: { noNetworkNamespace } });
          assert.match(thrownMessage(firstOutcome(run)), /network access is blocked/);
        }
      }
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(connections, 0);
    } finally {
      server.close();
    }
  });

  void it('blocks fetch, http.request, dns.lookup and UDP', async () => {
    let hits = 0;
    const server = net.createServer((s) => {
      hits++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const cases = [
        `async function f() { const r = await fetch('http://127.0.0.1:${port}/'); return r.status; }`,
        `async function f() { return await new Promise((res, rej) => require('http').get('http://127.0.0.1:${port}/', res).on('error', rej)); }`,
        `async function f() { return await new Promise((res, rej) => require('dns').lookup('example.com', (e, a) => e ? rej(e) : res(a))); }`,
        `async function f() { return await require('dns').promises.lookup('example.com'); }`,
        `function f() { require('dgram').createSocket('udp4').send('x', ${port}, '127.0.0.1'); return 1; }`,
      ];
      for (const body of cases) {
        const run = await verify({ src: target(body), opts: { noNetworkNamespace: true } });
        assert.match(thrownMessage(firstOutcome(run)), /network access is blocked/, body);
      }
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(hits, 0);
    } finally {
      server.close();
    }
  });

  void it('kills a sync infinite loop in a call: call-timeout with the hung call', async () => {
    const t0 = performance.now();
    const run = await verify({ src: target('function f(x) { if (x === 2) { while (true) {} } return x; }'), inputs: [[1], [2], [3]], callTimeoutMs: 300 });
    assert.equal(run.end, 'call-timeout');
    assert.deepEqual(run.hungCall, { index: 1, probe: false });
    assert.equal(results(run).length, 1);
    assert.ok(performance.now() - t0 < 5000);
  });

  void it('times out a never-settling async call in the child and goes on', async () => {
    const run = await verify({ src: target('function f(x) { return x === 1 ? new Promise(() => {}) : x; }'), inputs: [[1], [2]], callTimeoutMs: 200 });
    assert.equal(run.end, 'exited');
    assert.deepEqual(results(run).map((r) => r.outcome.kind), ['timeout', 'returned']);
  });

  void it('kills a Buffer memory bomb (outside the V8 heap): end memory, parent alive', async () => {
    const run = await verify({ src: target('function f() { const keep = []; for (;;) keep.push(Buffer.alloc(64 * 1024 * 1024, 1)); }'), opts: { memoryMb: 128 } });
    assert.equal(run.end, 'memory');
    assert.ok(run.peakRssMb !== null && run.peakRssMb > 128, `peak ${run.peakRssMb}`);
  });

  void it('kills a JS object memory bomb: end memory', async () => {
    const run = await verify({ src: target('function f() { const keep = []; for (let i = 0; ; i++) keep.push({ i, s: "x" + i, a: [i, i, i] }); }'), opts: { memoryMb: 64 }, callTimeoutMs: 30_000 });
    assert.ok(run.wallMs < 20_000);
    assert.equal(run.end, 'memory');
  });

  void it('blocks process.exit, process.abort and process.kill of the parent', async () => {
    for (const body of [
      'function f() { process.exit(0); }',
      'function f() { process.reallyExit(0); }',
      'function f() { process.abort(); }',
      'function f() { process.kill(process.ppid, "SIGKILL"); }',
      'function f() { process.kill(process.pid, "SIGKILL"); }',
      'function f() { process.chdir("/"); }',
    ]) {
      const run = await verify({ src: target(body) });
      assert.match(thrownMessage(firstOutcome(run)), /blocked/, body);
      assert.equal(run.end, 'exited');
      assert.ok(run.messages.some((m) => m.type === 'done'), body);
    }
    // Still here: the test process survived process.kill(process.ppid).
    assert.ok(process.pid > 0);
  });

  void it('caps a 50 MB stdout flood and still finishes', async () => {
    const run = await verify({ src: target('function f() { const chunk = "x".repeat(1 << 20); for (let i = 0; i < 50; i++) process.stdout.write(chunk); return 1; }'), opts: { outputLimitBytes: 64 * 1024 } });
    assert.equal(run.end, 'exited');
    assert.equal(run.outputTruncated, true);
    assert.equal(run.stdout.length, 64 * 1024);
    assert.deepEqual(firstOutcome(run), { kind: 'returned', value: { t: 'number', v: 1 }, args: [{ t: 'number', v: 1 }] });
  });

  void it('reports tampering with clocks and built-ins', async () => {
    const run = await verify({
      src: `
        performance.now = () => 0;
        Date.now = () => 0;
        globalThis.leaked = 1;
        module.exports.__hotpath_target__ = function f(x) { Array.prototype.sort = function () { return this; }; process.hrtime.bigint = () => 0n; return x; };
      `,
    });
    const loaded = run.messages.find((m) => m.type === 'loaded');
    assert.ok(loaded && loaded.type === 'loaded');
    const atLoad = loaded.tampers.map((t) => t.what);
    assert.ok(atLoad.includes('Performance.prototype.now was added') || atLoad.some((w) => w.startsWith('performance.now')), atLoad.join('; '));
    assert.ok(atLoad.includes('Date.now was replaced'), atLoad.join('; '));
    assert.ok(atLoad.includes('global variable leaked was added'), atLoad.join('; '));
    const atCall = results(run)[0]?.tampers.map((t) => t.what) ?? [];
    assert.ok(atCall.includes('Array.prototype.sort was replaced'), atCall.join('; '));
    assert.ok(atCall.includes('process.hrtime.bigint was replaced'), atCall.join('; '));
  });

  void it('kills a module whose top level never ends: timeout', async () => {
    const run = await verify({ src: 'while (true) {}', opts: { timeoutMs: 1000 } });
    assert.equal(run.end, 'timeout');
    assert.ok(!run.messages.some((m) => m.type === 'loaded'));
  });

  void it('reports a top-level throw and a missing export as load-error', async () => {
    const a = await verify({ src: 'throw new Error("boom at load")' });
    assert.deepEqual(a.messages.find((m) => m.type === 'load-error'), { type: 'load-error', error: 'Error: boom at load' });
    const b = await verify({ src: 'module.exports.other = () => 1;' });
    assert.ok(b.messages.some((m) => m.type === 'load-error'));
    assert.ok(!b.messages.some((m) => m.type === 'call-start'));
  });

  void it('aborts mid-run through the AbortSignal quickly', async () => {
    const ac = new AbortController();
    const t0 = performance.now();
    setTimeout(() => ac.abort(), 300);
    const run = await verify({ src: target('function f() { while (true) {} }'), callTimeoutMs: 60_000, opts: { signal: ac.signal } });
    assert.equal(run.end, 'aborted');
    assert.ok(performance.now() - t0 < 2000, `took ${performance.now() - t0} ms`);
  });

  void it('refuses to run without the permission model and loads nothing', async () => {
    const dir = jobDir();
    const marker = path.join(dir, 'loaded-marker');
    const run = await verify({
      src: `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x'); ` + target('function f() { return 1; }'),
      opts: { unsafeNoPermissionForTest: true },
    });
    const refused = run.messages.find((m) => m.type === 'refused');
    assert.ok(refused && refused.type === 'refused' && /permission model/.test(refused.reason));
    assert.ok(!run.messages.some((m) => m.type === 'loaded' || m.type === 'ready'));
    assert.equal(fs.existsSync(marker), false);
  });

  void it('drops messages forged by user code on the channel', async () => {
    const fake = JSON.stringify({ type: 'call-result', index: 0, probe: false, outcome: { kind: 'returned', value: { t: 'number', v: 999 }, args: [] }, tampers: [] });
    const run = await verify({ src: target(`function f(x) { const fs = require('fs'); fs.writeSync(3, ${JSON.stringify(fake + '\n')}); fs.writeSync(3, '{"c":"guess","m":' + ${JSON.stringify(fake)} + '}\\n'); fs.writeSync(3, 'partial'); return x; }`) });
    assert.ok(run.forgedLines >= 3, `forged ${run.forgedLines}`);
    assert.deepEqual(results(run).map((r) => r.outcome), [{ kind: 'returned', value: { t: 'number', v: 1 }, args: [{ t: 'number', v: 1 }] }]);
  });

  void it('scrubs the environment', async () => {
    process.env.HOTPATH_TEST_SECRET = 'sk-should-not-leak';
    try {
      const run = await verify({ src: target('function f() { return Object.keys(process.env).sort().join(","); }') });
      assert.deepEqual(firstOutcome(run), { kind: 'returned', value: { t: 'string', v: 'LANG,PATH' }, args: [{ t: 'number', v: 1 }] });
    } finally {
      delete process.env.HOTPATH_TEST_SECRET;
    }
  });

  void it('makes randomness and the clock deterministic', async () => {
    const src = target(`function f() { const c = require('crypto'); return [Math.random(), Date.now(), new Date().getTime(), new Date() instanceof Date, new Date(5).getTime(), c.randomUUID(), crypto.getRandomValues(new Uint8Array(4)).join('.'), typeof Date.UTC]; }`);
    const a = await verify({ src, inputs: [[1], [2]] });
    const b = await verify({ src, inputs: [[1], [2]] });
    const c = await verify({ src, inputs: [[1], [2]], seed: 7 });
    const va = results(a).map((r) => r.outcome);
    assert.deepEqual(va, results(b).map((r) => r.outcome));
    assert.notDeepEqual(va, results(c).map((r) => r.outcome));
    const first = va[0];
    assert.ok(first && first.kind === 'returned' && first.value.t === 'array');
    const items = first.value.items;
    assert.deepEqual(items[1], { t: 'number', v: 1_700_000_000_000 });
    assert.deepEqual(items[2], { t: 'number', v: 1_700_000_000_000 });
    assert.deepEqual(items[3], { t: 'boolean', v: true });
    assert.deepEqual(items[4], { t: 'number', v: 5 });
    assert.deepEqual(items[7], { t: 'string', v: 'function' });
    // Different calls get different (but reproducible) streams.
    assert.notDeepEqual(va[0], va[1]);
  });

  void it('staleness probe exposes an identity cache and reports arguments after the call', async () => {
    const src = target(`(() => { const cache = new WeakMap(); return function sum(arr) { if (cache.has(arr)) return cache.get(arr); const s = arr.reduce((a, b) => a + b, 0); cache.set(arr, s); arr.push(0); return s; }; })()`);
    const run = await verify({ src, inputs: [[[1, 2]], [[10, 20, 30]]], stalenessProbe: true });
    const rs = results(run);
    assert.equal(rs.length, 4);
    const probe0 = rs.find((r) => r.index === 0 && r.probe);
    const fresh1 = rs.find((r) => r.index === 1 && !r.probe);
    assert.ok(probe0 && fresh1);
    assert.deepEqual(fresh1.outcome.kind === 'returned' && fresh1.outcome.value, { t: 'number', v: 60 });
    // The cached (stale) answer 3 instead of 60: this is what the probe is for.
    assert.deepEqual(probe0.outcome.kind === 'returned' && probe0.outcome.value, { t: 'number', v: 3 });
    const r0 = rs[0];
    assert.ok(r0 && r0.outcome.kind === 'returned');
    assert.deepEqual(r0.outcome.args, [{ t: 'array', items: [{ t: 'number', v: 1 }, { t: 'number', v: 2 }, { t: 'number', v: 0 }] }]);
  });

  void it('rehydrates function markers', async () => {
    const run = await verify({
      src: target('function f(arr, cmp, opts) { return [arr.slice().sort(cmp), typeof opts.key, opts.key("abcdefgh")]; }'),
      inputs: [[[3, 1, 2], { __hotpathFn__: 'compare' }, { key: { __hotpathFn__: 'key' } }]],
    });
    const o = firstOutcome(run);
    assert.ok(o.kind === 'returned');
    assert.deepEqual(o.value, { t: 'array', items: [{ t: 'array', items: [{ t: 'number', v: 1 }, { t: 'number', v: 2 }, { t: 'number', v: 3 }] }, { t: 'string', v: 'function' }, { t: 'number', v: 1 }] });
  });

  void it('runs an inputs job', async () => {
    const dir = jobDir();
    const bundle = path.join(dir, 'inputs.js');
    fs.writeFileSync(bundle, 'module.exports.inputs = [[1, 2], [3, 4]]; module.exports.generate = (size, random) => [[Array.from({ length: size }, () => Math.floor(random() * 100))]];');
    const run = await runSandboxed({ mode: 'inputs', bundle, seed: 1, frozenNowMs: 0, sizes: [3, 5] }, { nodePath, jobDir: dir, timeoutMs: 10_000, memoryMb: 128 });
    if (run.pgid !== null) pgids.push(run.pgid);
    const res = run.messages.find((m) => m.type === 'inputs-result');
    assert.ok(res && res.type === 'inputs-result', JSON.stringify(run.messages));
    assert.deepEqual(res.sizes.map((s) => s.size), [null, 3, 5]);
    assert.deepEqual(v8.deserialize(Buffer.from(res.sizes[0]?.data ?? '', 'base64')), [[1, 2], [3, 4]]);
    const g5 = v8.deserialize(Buffer.from(res.sizes[2]?.data ?? '', 'base64')) as number[][][];
    assert.equal(g5[0]?.[0]?.length, 5);
  });

  void it('probe: layers of this machine', async () => {
    const { report, run } = await probeSandbox(nodePath, 256);
    if (run.pgid !== null) pgids.push(run.pgid);
    assert.ok(report);
    assert.equal(report.permissionModel, true);
    assert.equal(report.fsWriteDenied, true);
    assert.equal(report.childProcessDenied, true);
    assert.equal(report.workerDenied, true);
    assert.equal(report.networkGuards, true);
    const layers = await sandboxLayers(nodePath, 256);
    assert.ok(layers.some((l) => l.startsWith('node permission model')));
    assert.ok(layers.includes('network guards in the runner'));
    assert.ok(layers.some((l) => l.startsWith('memory cap 256 MiB')));
  });

  void it('leaves no process of any spawned group behind', async () => {
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(pgids.length > 20, `recorded ${pgids.length} groups`);
    const alive = pgids.filter((g) => processGroupAlive(g));
    assert.deepEqual(alive, []);
    assert.deepEqual(liveProcessGroups(), []);
  });
});
