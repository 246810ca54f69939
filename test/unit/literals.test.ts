/** Content-aware inputs: literals harvested from real function shapes reach the generated values. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { harvestLiterals, literalsOfExpression } from '../../src/core/inputs/literals';
import { generateVerifyInputs } from '../../src/core/inputs/inputs';
import { mutateArgLists } from '../../src/core/inputs/mutate';
import { createRng } from '../../src/core/rng';
import type { ParamInfo } from '../../src/core/types';

const FIX = resolve(__dirname, '../fixtures/verdicts');
const harvest = (file: string, name: string) => harvestLiterals(join(FIX, file), readFileSync(join(FIX, file), 'utf8'), name);
const str: ParamInfo = { name: 's', typeText: 'string', type: { kind: 'string' }, optional: false, rest: false };
const num: ParamInfo = { name: 'n', typeText: 'number', type: { kind: 'number' }, optional: false, rest: false };

void describe('literals', () => {
  void it('an escaper that switches on char codes yields the characters it branches on', () => {
    const l = harvest('escape.js', 'escapeHtml');
    for (const ch of ['"', '&', "'", '<', '>']) assert.ok(l.chars.includes(ch), `${ch} in ${JSON.stringify(l.chars)}`);
  });

  void it('a threshold function yields each boundary and its neighbours', () => {
    const l = harvest('grade.ts', 'grade');
    for (const n of [59, 60, 61, 89, 90, 91]) assert.ok(l.numbers.includes(n), `${n} in ${JSON.stringify(l.numbers)}`);
  });

  void it('a tokenizer yields its compared characters, the range ends and regex classes', () => {
    const l = harvest('tokens.ts', 'tokenize');
    for (const ch of ['.', '_', '(', ',', '0', '9', 'a', 'z', 'A', 'Z']) assert.ok(l.chars.includes(ch), `${ch} in ${JSON.stringify(l.chars)}`);
  });

  void it('a condition alone gives its literals (used to aim inputs at an unrun branch)', () => {
    const l = literalsOfExpression("line[i + 1] === '\"' && n > 100");
    assert.ok(l.chars.includes('"'));
    assert.ok([99, 100, 101].every((n) => l.numbers.includes(n)), JSON.stringify(l.numbers));
  });

  void it('an untyped parameter gets each literal as its whole value (a switch on an operator string)', () => {
    const literals = harvest('dispatch.js', 'apply');
    const untyped = (name: string): ParamInfo => ({ name, typeText: null, type: { kind: 'unknown' }, optional: false, rest: false });
    const rows = generateVerifyInputs([untyped('op'), untyped('a'), untyped('b')], { seed: 3, literals });
    const ops = rows.map((r) => r[0]);
    for (const op of ['+', 'max', '>=', 3]) assert.ok(ops.some((v) => v === op), `${String(op)} among ${rows.length} first arguments`);
    // Without literals the same generator does not produce them: the test measures the harvest.
    const plain = generateVerifyInputs([untyped('op'), untyped('a'), untyped('b')], { seed: 3 }).map((r) => r[0]);
    assert.ok(!plain.includes('max') && !plain.includes('>='));
  });

  void it('generated strings carry the literals: alone, at the ends and inside other text', () => {
    const literals = harvest('escape.js', 'escapeHtml');
    const rows = generateVerifyInputs([str], { seed: 7, literals });
    const strings = rows.map((r) => r[0]).filter((v): v is string => typeof v === 'string');
    for (const ch of ['<', '&', '"']) {
      assert.ok(strings.includes(ch), `'${ch}' alone`);
      assert.ok(strings.some((s) => s.length > 1 && s.includes(ch)), `'${ch}' inside a longer string`);
    }
    const plain = generateVerifyInputs([str], { seed: 7 }).map((r) => r[0]);
    assert.ok(!plain.includes('<') || !plain.includes('&'), 'without literals the generator does not already produce them (the test can fail)');
  });

  void it('generated numbers sit at the boundaries', () => {
    const rows = generateVerifyInputs([num], { seed: 3, literals: harvest('grade.ts', 'grade') });
    const nums = new Set(rows.map((r) => r[0]));
    for (const n of [79, 80, 81, 89, 90, 91]) assert.ok(nums.has(n), `${n} generated`);
  });
});

void describe('mutation toward literals', () => {
  void it('mutating a list whose array shrank earlier in the same round never reads a leaf that is gone', () => {
    const literals = harvest('dispatch.js', 'apply');
    const bases: unknown[][] = [
      [['a', 'b', 'c', 'd', 'e', 'f'], { k: ['x', 'y', 'z'], n: 1 }],
      [[['p', 'q'], ['r', 's', 't']], 'op', 3],
    ];
    for (let seed = 1; seed <= 300; seed++) {
      const out = mutateArgLists(bases, literals, 20, createRng(seed));
      assert.ok(out.length > 0 && out.every((l) => Array.isArray(l)), `seed ${seed}`);
    }
  });
});
