/**
 * What resolving parameter types with the type checker adds to extraction (issue 11, point 5).
 *
 *   node --import tsx bench/extract-types.ts [--reps N]
 *
 * For each case, in fresh processes (a CLI run or the first run in the editor pays the cold
 * cost), times extractTarget with `types: 'syntax'` (before) and the default `types: 'checker'`
 * (after), then a second, warm extraction in the same process. Cases are real code: Hotpath's own
 * sources (its tsconfig with `types: ["node"]`) and the openai package's shipped sources (DOM lib).
 * Prints a Markdown table; run it under `flock /tmp/hotpath-cpu.lock` on a shared machine.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..');

const CASES: [string, string][] = [
  ['src/core/inputs/inputs.ts', 'generateTargetVerifyInputs'],
  ['src/core/inputs/inputs.ts', 'describeSizeMeaning'],
  ['src/core/pipeline.ts', 'applyVariant'],
  ['src/core/target/methods.ts', 'renderCall'],
  ['node_modules/openai/src/internal/utils/log.ts', 'formatRequestDetails'],
  ['node_modules/openai/src/internal/utils/log.ts', 'loggerFor'],
  ['node_modules/openai/src/internal/uploads.ts', 'toStreamingFile'],
];

interface Sample {
  cold: number;
  warm: number;
  builds: number;
  programMs: number;
  unknownParams: number;
  notes: number;
}

function child(file: string, name: string, types: string): Sample {
  const script = `
    const { extractTarget } = require(${JSON.stringify(path.join(ROOT, 'src/core/target/extract'))});
    const { typeProgramStats } = require(${JSON.stringify(path.join(ROOT, 'src/core/target/checker'))});
    const file = ${JSON.stringify(path.join(ROOT, file))};
    let t0 = performance.now();
    const t = extractTarget(file, { name: ${JSON.stringify(name)} }, undefined, { types: ${JSON.stringify(types)} });
    const cold = performance.now() - t0;
    const stats = typeProgramStats();
    t0 = performance.now();
    extractTarget(file, { name: ${JSON.stringify(name)} }, undefined, { types: ${JSON.stringify(types)} });
    const warm = performance.now() - t0;
    const unknownParams = t.params.filter((p) => p.type.kind === 'unknown').length;
    process.stdout.write(JSON.stringify({ cold, warm, builds: stats.builds, programMs: stats.ms, unknownParams, notes: t.typeNotes.length }));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out) as Sample;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

const repsArg = process.argv.indexOf('--reps');
const reps = repsArg >= 0 ? Number(process.argv[repsArg + 1]) : 3;
const rows: string[] = [
  '| case | params typed unknown (syntax → checker) | cold syntax ms | cold checker ms | added cold ms | warm syntax ms | warm checker ms | notes |',
  '|---|---|---|---|---|---|---|---|',
];
for (const [file, name] of CASES) {
  const syntax: Sample[] = [];
  const checker: Sample[] = [];
  for (let i = 0; i < reps; i++) {
    syntax.push(child(file, name, 'syntax'));
    checker.push(child(file, name, 'checker'));
  }
  const m = (xs: Sample[], k: 'cold' | 'warm') => median(xs.map((x) => x[k]));
  const s0 = syntax[0]!;
  const c0 = checker[0]!;
  rows.push(
    `| ${path.basename(file)} ${name} | ${s0.unknownParams} → ${c0.unknownParams} | ${m(syntax, 'cold').toFixed(0)} | ${m(checker, 'cold').toFixed(0)} | ${(m(checker, 'cold') - m(syntax, 'cold')).toFixed(0)} | ${m(syntax, 'warm').toFixed(0)} | ${m(checker, 'warm').toFixed(0)} | ${c0.notes} |`,
  );
  process.stderr.write(`${rows[rows.length - 1]}\n`);
}
process.stdout.write(`${rows.join('\n')}\n`);
