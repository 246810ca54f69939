/**
 * End-to-end tests of the `hotpath` command on fixtures whose right verdicts are known.
 * They run the built CLI (dist/, made by `npm run build`) as a user would.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, statSync, mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import type { Report } from '../../src/core/report/report';
import { startFakeOpenAI } from '../support/fake-openai';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/hotpath.js');
const FIX = join(ROOT, 'test/fixtures/cli');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function hotpath(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => res({ code, stdout, stderr }));
  });
}

void test('check: known verdicts for a correct O(n) variant, an edge-case bug, a mutating variant and a reformatted copy', { timeout: 240_000 }, async () => {
  const file = join(FIX, 'intersect.ts');
  const before = readFileSync(file, 'utf8');
  const mtime = statSync(file).mtimeMs;
  const v = (n: string) => ['--variant', join(FIX, `intersect.${n}.ts`)];
  const r = await hotpath(['check', file, '--function', 'intersect', ...v('fast'), ...v('wrong'), ...v('mutates'), ...v('same'), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as Report; // stdout holds exactly one JSON document
  assert.equal(report.target.name, 'intersect');
  assert.equal(report.target.language, 'typescript');
  const byOrigin = (suffix: string) => {
    const c = report.candidates.find((x) => x.origin.endsWith(`intersect.${suffix}.ts`));
    assert.ok(c, `candidate ${suffix} in report`);
    return c;
  };
  const fast = byOrigin('fast');
  assert.equal(fast.verdict, 'faster', fast.reason);
  assert.ok(fast.speedup && fast.speedup.low >= 1.05, JSON.stringify(fast.speedup));
  assert.match(fast.diff, /^--- a\//m);
  assert.match(fast.diff, /^\+\s*const inB = new Set\(b\);/m);
  assert.equal(report.best, fast.id);

  const wrong = byOrigin('wrong');
  assert.equal(wrong.verdict, 'incorrect', wrong.reason);
  assert.ok(wrong.counterexample, 'a counterexample is given');
  // The only inputs where an object lookup differs are keys inherited from Object.prototype.
  assert.match(wrong.counterexample.input, /constructor|toString|valueOf|hasOwnProperty|__proto__|isPrototypeOf/);
  assert.match(wrong.reason, /expected .* got /);

  const mutates = byOrigin('mutates');
  assert.equal(mutates.verdict, 'incorrect', mutates.reason);
  assert.match(mutates.counterexample?.aspect ?? '', /argument 1/);

  const same = byOrigin('same');
  assert.equal(same.verdict, 'not-faster', same.reason);

  // The user's file is never touched.
  assert.equal(readFileSync(file, 'utf8'), before);
  assert.equal(statSync(file).mtimeMs, mtime);
});

void test('bad input: one clear line on stderr, exit 2, no stack trace', async () => {
  const cases: [string[], RegExp][] = [
    [['check', join(FIX, 'nope.ts'), '--function', 'x', '--variant', join(FIX, 'intersect.fast.ts')], /File not found: .*nope\.ts/],
    [['check', join(FIX, 'intersect.ts'), '--function', 'nothere', '--variant', join(FIX, 'intersect.fast.ts')], /nothere.*intersect/],
    [['check', join(FIX, 'broken.ts'), '--function', 'broken', '--variant', join(FIX, 'intersect.fast.ts')], /broken\.ts:3:\d+/],
    [['check', join(FIX, 'intersect.ts'), '--variant', join(FIX, 'intersect.fast.ts')], /--function <name> or --line <n>/],
    [['check', join(FIX, 'intersect.ts'), '--function', 'intersect'], /at least one --variant/],
    [['frobnicate', join(FIX, 'intersect.ts')], /Unknown command 'frobnicate'/],
    [['check', join(FIX, 'intersect.ts'), '--function', 'intersect', '--variant', join(FIX, 'intersect.fast.ts'), '--min-speedup', 'fast'], /--min-speedup must be a number/],
  ];
  for (const [args, pattern] of cases) {
    const r = await hotpath(args);
    assert.equal(r.code, 2, `${args.join(' ')} → ${r.stderr}`);
    assert.equal(r.stdout, '', 'nothing on stdout');
    // Progress lines may precede it; the error itself is exactly one 'hotpath:' line.
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('hotpath: '));
    assert.equal(errors.length, 1, r.stderr);
    assert.match(errors[0]!, pattern);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

void test('check: a variant that does not parse or lacks the function is an error verdict, the run still completes', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotpath-cli-'));
  const file = join(dir, 'intersect.ts');
  copyFileSync(join(FIX, 'intersect.ts'), file);
  writeFileSync(join(dir, 'bad.ts'), 'export function intersect(a: string[], b: string[] {\n  return [];\n}\n');
  writeFileSync(join(dir, 'other.ts'), 'export function somethingElse() { return 1; }\n');
  const r = await hotpath(['check', file, '--function', 'intersect', '--variant', join(dir, 'bad.ts'), '--variant', join(dir, 'other.ts'), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assert.deepEqual(
    report.candidates.map((c) => c.verdict),
    ['error', 'error'],
  );
  assert.match(report.candidates[0]!.reason, /\d+:\d+/);
  assert.match(report.candidates[1]!.reason, /does not define a function named 'intersect'/);
  assert.equal(report.best, null);
});

void test('optimize: candidates from an OpenAI-compatible endpoint over real HTTP go through the same verification', { timeout: 240_000 }, async () => {
  const fast = readFileSync(join(FIX, 'intersect.fast.ts'), 'utf8');
  const wrong = readFileSync(join(FIX, 'intersect.wrong.ts'), 'utf8');
  const server = await startFakeOpenAI([
    { content: `Here is a faster version using a Set:\n\n\`\`\`ts\n${fast}\`\`\`\n\nIt is O(n + m).` },
    { content: `\`\`\`typescript\n${wrong}\`\`\`` },
    { content: 'I cannot improve this function further.' },
  ]);
  try {
    const r = await hotpath(
      ['optimize', join(FIX, 'intersect.ts'), '--function', 'intersect', '--base-url', server.baseURL, '--model', 'fake-model', '--candidates', '3', '--rounds', '1', '--json', '--no-cache'],
      { HOTPATH_API_KEY: 'sk-test-secret', OPENAI_API_KEY: '' },
    );
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(report.mode, 'optimize');
    assert.equal(server.requests.length, 3);
    assert.equal(server.requests[0]!.headers.authorization, 'Bearer sk-test-secret');
    assert.ok(report.llm && report.llm.requests === 3 && report.llm.model.includes('fake-model'), JSON.stringify(report.llm));
    const verdicts = report.candidates.map((c) => c.verdict).sort();
    assert.deepEqual(verdicts, ['faster', 'incorrect']);
    assert.ok(report.candidates.every((c) => c.origin.startsWith('llm:')));
    assert.ok(report.notes.some((n) => /no code/i.test(n)), report.notes.join('\n'));
    assert.doesNotMatch(r.stdout + r.stderr, /sk-test-secret/, 'the key never appears in output');
  } finally {
    await server.close();
  }
});

void test('optimize: a rejected key is one clear line and exit 1', { timeout: 60_000 }, async () => {
  const server = await startFakeOpenAI([{ status: 401 }]);
  try {
    const r = await hotpath(['optimize', join(FIX, 'intersect.ts'), '--function', 'intersect', '--base-url', server.baseURL, '--candidates', '2', '--no-cache'], {
      HOTPATH_API_KEY: 'sk-wrong',
    });
    assert.equal(r.code, 1, r.stderr);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('hotpath: '));
    assert.equal(errors.length, 1, r.stderr);
    assert.match(errors[0]!, /401/);
    assert.doesNotMatch(r.stderr, /sk-wrong/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  } finally {
    await server.close();
  }
});

void test('--tests / --no-tests: conflicting flags and a glob that matches nothing are one-line input errors (exit 2)', { timeout: 120_000 }, async () => {
  const file = join(ROOT, 'test/fixtures/projects/node-test-esm/src/duration.js');
  const variant = join(ROOT, 'test/fixtures/project-variants/duration.lastunit.js');
  const both = await hotpath(['check', file, '--function', 'parseDuration', '--variant', variant, '--tests', 'test/*.js', '--no-tests']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /^hotpath: Give either --tests or --no-tests, not both\./);
  const none = await hotpath(['check', file, '--function', 'parseDuration', '--variant', variant, '--tests', 'nowhere/**/*.test.js']);
  assert.equal(none.code, 2, none.stderr);
  assert.match(none.stderr, /--tests 'nowhere\/\*\*\/\*\.test\.js' matches no test file/);
  assert.ok(!/\n\s+at /.test(none.stderr), 'no stack trace');
});
