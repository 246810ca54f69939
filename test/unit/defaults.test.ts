/**
 * One table of defaults (src/core/defaults.ts): the extension's declared settings, the CLI's help
 * and behaviour, and the README agree with it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { USER_DEFAULTS, clampOption, type UserOption } from '../../src/core/defaults';

const ROOT = resolve(__dirname, '../..');

interface SettingSchema {
  default?: unknown;
  minimum?: number;
  maximum?: number;
}
const settings = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, SettingSchema> } } }).contributes.configuration
  .properties;

/** Extension setting → table entry. */
const SETTINGS: Record<string, UserOption> = {
  'hotpath.baseUrl': 'baseURL',
  'hotpath.model': 'model',
  'hotpath.candidates': 'candidates',
  'hotpath.rounds': 'rounds',
  'hotpath.minSpeedup': 'minSpeedup',
  'hotpath.callTimeoutMs': 'callTimeoutMs',
  'hotpath.benchBudgetMs': 'benchBudgetMs',
  'hotpath.requestTimeoutMs': 'requestTimeoutMs',
  'hotpath.maxTokens': 'maxTokens',
  'hotpath.budgetTokens': 'budgetTokens',
  'hotpath.testsTimeoutMs': 'testsTimeoutMs',
};

/** CLI flag → table entry (the help says "(default X)" for each). */
const FLAGS: Record<string, UserOption> = {
  '--min-speedup': 'minSpeedup',
  '--timeout-ms': 'callTimeoutMs',
  '--memory-mb': 'memoryMb',
  '--bench-budget-ms': 'benchBudgetMs',
  '--tests-timeout-ms': 'testsTimeoutMs',
  '--base-url': 'baseURL',
  '--model': 'model',
  '--candidates': 'candidates',
  '--rounds': 'rounds',
  '--max-completion-tokens': 'maxTokens',
  '--temperature': 'temperature',
  '--request-timeout-ms': 'requestTimeoutMs',
};

void test("package.json's settings declare the table's defaults and ranges", () => {
  for (const [key, option] of Object.entries(SETTINGS)) {
    const s = settings[key];
    assert.ok(s, `${key} is declared`);
    const spec = USER_DEFAULTS[option] as { default: unknown; min?: number; max?: number };
    assert.equal(s.default, spec.default, `${key} default`);
    if (typeof spec.default === 'number') {
      assert.equal(s.minimum, spec.min, `${key} minimum`);
      assert.equal(s.maximum, spec.max, `${key} maximum`);
    }
  }
});

void test('the CLI help states every default from the table, and refuses values outside its ranges', () => {
  const bin = join(ROOT, 'bin/hotpath.js');
  const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  const lines = help.stdout.split('\n');
  for (const [flag, option] of Object.entries(FLAGS)) {
    // The flag's description may continue on the next line.
    const at = lines.findIndex((l) => l.trimStart().startsWith(`${flag} `) || l.trimStart() === flag);
    assert.ok(at >= 0, `${flag} is in the help`);
    const text = `${lines[at]} ${lines[at + 1] ?? ''}`;
    assert.ok(text.includes(`default ${String(USER_DEFAULTS[option].default)}`), `${flag}: '${text.trim()}' states default ${String(USER_DEFAULTS[option].default)}`);
  }
  const tooSmall = spawnSync(process.execPath, [bin, 'check', join(ROOT, 'examples/dedupe.ts'), '--function', 'dedupe', '--variant', join(ROOT, 'examples/dedupe.fast.ts'), '--timeout-ms', String(USER_DEFAULTS.callTimeoutMs.min - 1)], {
    encoding: 'utf8',
  });
  assert.equal(tooSmall.status, 2);
  assert.match(tooSmall.stderr, new RegExp(`--timeout-ms must be an integer from ${USER_DEFAULTS.callTimeoutMs.min} to ${USER_DEFAULTS.callTimeoutMs.max}`));
});

void test('the README quotes the same --min-speedup default', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const quoted = [...readme.matchAll(/--min-speedup`? \(?(?:<ratio, )?default ([\d.]+)/g)].map((m) => Number(m[1]));
  assert.ok(quoted.length >= 2, 'the README states the default');
  for (const q of quoted) assert.equal(q, USER_DEFAULTS.minSpeedup.default);
});

void test("the README's settings table states the table's defaults and ranges", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const [key, option] of Object.entries(SETTINGS)) {
    const row = readme.split('\n').find((l) => l.startsWith(`| \`${key}\` |`));
    assert.ok(row, `${key} has a row`);
    const cell = row.split('|')[2]!.trim();
    const spec = USER_DEFAULTS[option] as { default: unknown; min?: number; max?: number };
    if (typeof spec.default === 'string') {
      assert.ok(cell.includes(spec.default), `${key}: '${cell}' states ${spec.default}`);
      continue;
    }
    const m = /^(\d+(?:\.\d+)?)/.exec(cell);
    assert.ok(m, `${key}: '${cell}' starts with the default`);
    assert.equal(Number(m[1]), spec.default, `${key} default in the README`);
    const range = /\((\d+(?:\.\d+)?)–(\d+(?:\.\d+)?)\)/.exec(cell);
    if (range) assert.deepEqual([Number(range[1]), Number(range[2])], [spec.min, spec.max], `${key} range in the README`);
  }
});

void test('settings are clamped into range and fall back to the default when not a number', () => {
  assert.equal(clampOption('rounds', 99), USER_DEFAULTS.rounds.max);
  assert.equal(clampOption('rounds', 0), USER_DEFAULTS.rounds.min);
  assert.equal(clampOption('rounds', 'three'), USER_DEFAULTS.rounds.default);
  assert.equal(clampOption('candidates', 2.6), 3);
  assert.equal(clampOption('minSpeedup', 1.234), 1.234);
});
