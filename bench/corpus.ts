/**
 * The real-world corpus (issue 11, point 7): an A/A check (each function against a byte-identical
 * copy of itself) on every exported function and method Hotpath can target in real npm packages
 * installed as exact-pinned devDependencies, plus what it refuses and why.
 *
 *   npm run bench:corpus [-- --only <text>] [--limit N] [--out DIR] [--resume]
 *
 *   --only <text>  only functions whose "package/file:name" contains the text (repeatable)
 *   --limit N      stop after N A/A runs (0: only count what would run)
 *   --out DIR      where results.json and CORPUS.md go (default: bench/)
 *   --resume       keep the A/A results already in DIR/corpus-results.json, run the rest
 *   --retry-errors with --resume: run again the functions that ended in an infrastructure error
 *   --rerun-no-verdict  with --resume: run again the functions that ended without a verdict
 *                  (not measured, or error), recording the engine commit they ran at
 *
 * An A/A run must never be `faster`, `incorrect` or `timeout`: the function is compared with
 * itself, so any of those is a false verdict. `unsafe` is a finding about the function itself
 * (it touches the disk, the clock, a global) and is listed with what it did. "No verdict" is
 * `error` or a measurement the statistics refused ("Could not be measured").
 *
 * Everything runs sequentially (sandbox children and benchmarks need the cores); run it under
 * `flock /tmp/hotpath-cpu.lock` on a shared machine.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import ts from 'typescript';
import { runHotpath } from '../src/core/pipeline';
import { exportedNames, extractTarget, listFunctions, parseSource } from '../src/core/target/extract';
import { InputError, oneLine } from '../src/core/errors';
import { silentLogger } from '../src/core/logger';

const ROOT = path.join(__dirname, '..');

interface PackageSpec {
  name: string;
  /** Folders (relative to the package) whose source files are scanned, recursively. */
  dirs: string[];
  /** What kind of code it is, for the table. */
  kind: string;
  /** Files to leave out (tests, generated tables, re-export barrels). */
  skip?: RegExp;
}

const PACKAGES: PackageSpec[] = [
  { name: 'entities', dirs: ['src'], kind: 'TypeScript, ESM', skip: /\.spec\.ts$|\/generated\// },
  { name: '@tanstack/query-core', dirs: ['src'], kind: 'TypeScript, ESM', skip: /__tests__|\.test\.|\.test-d\./ },
  { name: 'semver', dirs: ['functions', 'ranges', 'classes', 'internal'], kind: 'JavaScript, CommonJS' },
  { name: 'validator', dirs: ['es/lib'], kind: 'JavaScript, ESM' },
  { name: 'qs', dirs: ['lib'], kind: 'JavaScript, CommonJS' },
  { name: 'change-case', dirs: ['dist'], kind: 'JavaScript, ESM (compiled from TS)', skip: /\.d\.ts$/ },
  { name: 'radash', dirs: ['dist/esm'], kind: 'JavaScript, ESM (bundled per module)', skip: /index\.mjs$/ },
];

const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;

interface Args {
  only: string[];
  limit: number;
  out: string;
  resume: boolean;
  retryErrors: boolean;
  rerunNoVerdict: boolean;
}

/** The commit the engine runs at (with "+changes" when the tree differs from it), or undefined outside git. */
function engineCommit(): string | undefined {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head}+changes` : head;
  } catch {
    return undefined;
  }
}

/** A result that is no verdict: not measured (no interval) or an error. */
function withoutVerdict(a: AaResult): boolean {
  return a.verdict === 'error' || (a.verdict === 'not-faster' && a.speedup === null);
}

function parseArgs(argv: string[]): Args {
  const args: Args = { only: [], limit: Infinity, out: path.join(ROOT, 'bench'), resume: false, retryErrors: false, rerunNoVerdict: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--only') args.only.push(value());
    else if (a === '--limit') args.limit = Number(value());
    else if (a === '--out') args.out = path.resolve(value());
    else if (a === '--resume') args.resume = true;
    else if (a === '--retry-errors') args.retryErrors = true;
    else if (a === '--rerun-no-verdict') args.rerunNoVerdict = true;
    else throw new Error(`Unknown option ${a}. Options: --only <text>, --limit N, --out DIR, --resume, --retry-errors, --rerun-no-verdict.`);
  }
  if (!(args.limit >= 0)) throw new Error('--limit must be a number (0: count only, run nothing)');
  return args;
}

// ---------------------------------------------------------------------------------------------
// What each package exports

function sourceFiles(dir: string, skip: RegExp | undefined): string[] {
  if (!existsSync(dir)) throw new Error(`${path.relative(ROOT, dir)} is missing: run npm install`);
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full, skip));
    else if (SOURCE.test(entry) && !entry.endsWith('.d.ts') && !skip?.test(full)) out.push(full);
  }
  return out;
}

/**
 * The function's text with a comment inside it, right after the first `(` or `=>`: the same code
 * as another text (a byte-identical variant is recognized and not run at all).
 */
function withComment(source: string): string {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, source);
  for (let tok = scanner.scan(); tok !== ts.SyntaxKind.EndOfFileToken; tok = scanner.scan()) {
    if (tok === ts.SyntaxKind.OpenParenToken || tok === ts.SyntaxKind.EqualsGreaterThanToken) {
      const at = scanner.getTokenEnd();
      return `${source.slice(0, at)}/* A/A copy */${source.slice(at)}`;
    }
  }
  throw new Error(`no '(' or '=>' in ${source.slice(0, 60)}`);
}

// ---------------------------------------------------------------------------------------------
// Results

interface Refusal {
  id: string;
  reason: string;
  /** The reason with names, numbers and quoted text replaced, so that refusals group. */
  category: string;
  /** 'listing' (refused before extraction), 'extraction', or 'run' (InputError from the run, e.g. inputs). */
  stage: 'listing' | 'extraction' | 'run';
}

interface AaResult {
  id: string;
  verdict: string;
  reason: string;
  speedup: { estimate: number; low: number; high: number } | null;
  coverage: string | null;
  denied: string[];
  tampered: string[];
  wallMs: number;
  /** The engine commit of a result re-run by a resumed run (--rerun-no-verdict); absent: the run's. */
  commit?: string;
}

interface CorpusResults {
  packages: { name: string; version: string; kind: string; files: number }[];
  /** Functions and methods found in the scanned files, exported or not. */
  found: number;
  exported: number;
  /** Exported functions and methods Hotpath extracted (A/A runs are made on these, up to --limit). */
  accepted: number;
  refused: Refusal[];
  aa: AaResult[];
  /** Infrastructure faults (thrown errors other than InputError). */
  errors: { id: string; message: string }[];
  machine: { cpu: string; cores: number; memGiB: number; node: string; loadStart: number[]; loadEnd: number[]; date: string; commit?: string };
  wallMs: number;
}

function categorize(reason: string): string {
  return (
    reason
      .split(/(?<=\.)\s/)[0]!
      .replace(/\(line \d+[^)]*\)/g, '')
      .replace(/'[^']*'/g, "'…'")
      .replace(/`[^`]*`/g, '`…`')
      .replace(/\b\d+(\.\d+)?\b/g, 'N')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  mkdirSync(args.out, { recursive: true });
  const resultsPath = path.join(args.out, 'corpus-results.json');
  const previous = new Map<string, AaResult>();
  let old: CorpusResults | null = null;
  if (args.resume && existsSync(resultsPath)) {
    old = JSON.parse(readFileSync(resultsPath, 'utf8')) as CorpusResults;
    for (const r of old.aa) previous.set(r.id, r);
  }
  const previousRefusals = new Map((old?.refused ?? []).filter((f) => f.stage === 'run').map((f) => [f.id, f]));
  const previousErrors = new Map((old?.errors ?? []).map((e) => [e.id, e]));
  // A resumed run adds its time to the earlier one's and keeps when and how that one started.
  const started = Date.now() - (old?.wallMs ?? 0);
  const results: CorpusResults = {
    packages: [],
    found: 0,
    exported: 0,
    accepted: 0,
    refused: [],
    aa: [],
    errors: [],
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      memGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      loadStart: old?.machine.loadStart ?? os.loadavg().map((l) => Math.round(l * 100) / 100),
      loadEnd: [],
      date: old?.machine.date ?? new Date().toISOString(),
      commit: old?.machine.commit ?? engineCommit(),
    },
    wallMs: 0,
  };
  const wanted = (id: string) => args.only.length === 0 || args.only.some((o) => id.includes(o));
  let runs = 0;

  for (const pkg of PACKAGES) {
    const pkgDir = path.join(ROOT, 'node_modules', pkg.name);
    const version = (JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
    const files = pkg.dirs.flatMap((d) => sourceFiles(path.join(pkgDir, d), pkg.skip));
    results.packages.push({ name: pkg.name, version, kind: pkg.kind, files: files.length });
    for (const file of files) {
      const rel = `${pkg.name}/${path.relative(pkgDir, file)}`;
      const text = readFileSync(file, 'utf8');
      const exported = exportedNames(parseSource(file, text));
      for (const fn of listFunctions(file, text)) {
        const id = `${rel}:${fn.name}`;
        if (!wanted(id)) continue;
        results.found++;
        if (!exported.has(fn.name.split('.')[0]!)) continue;
        results.exported++;
        if (!fn.supported) {
          const reason = fn.reason ?? 'not supported';
          results.refused.push({ id, reason, category: categorize(reason), stage: 'listing' });
          continue;
        }
        let source: string;
        try {
          source = extractTarget(file, { name: fn.name }, text, { types: 'syntax' }).text;
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          results.refused.push({ id, reason: oneLine(err), category: categorize(oneLine(err)), stage: 'extraction' });
          continue;
        }
        results.accepted++;
        const done = previous.get(id);
        if (done && !(args.rerunNoVerdict && withoutVerdict(done))) {
          results.aa.push(done);
          continue;
        }
        const refusedBefore = previousRefusals.get(id);
        if (refusedBefore) {
          results.refused.push(refusedBefore);
          continue;
        }
        // An earlier run's infrastructure error is kept unless this run is allowed to retry it (--retry-errors).
        const erredBefore = previousErrors.get(id);
        if (erredBefore && !args.retryErrors && !args.rerunNoVerdict) {
          results.errors.push(erredBefore);
          continue;
        }
        if (runs >= args.limit) continue;
        runs++;
        const t0 = Date.now();
        try {
          const report = await runHotpath({
            file,
            fileText: text,
            selector: { name: fn.name },
            variants: [{ origin: 'A/A copy', source: withComment(source) }],
            tests: { enabled: false },
            logger: silentLogger,
          });
          const c = report.candidates[0];
          if (!c) throw new Error('the report has no candidate');
          const aa: AaResult = {
            id,
            verdict: c.verdict,
            reason: c.reason,
            speedup: c.speedup ? { estimate: c.speedup.estimate, low: c.speedup.low, high: c.speedup.high } : null,
            coverage: c.coverage?.summary ?? null,
            denied: c.denied.map((d) => `${d.api}${d.resource ? ` ${d.resource}` : ""}`),
            tampered: c.tampered,
            wallMs: Date.now() - t0,
            ...(done || erredBefore ? { commit: engineCommit() } : {}),
          };
          results.aa.push(aa);
          process.stderr.write(`${String(runs).padStart(4)} ${aa.verdict.padEnd(10)} ${(aa.wallMs / 1000).toFixed(1).padStart(5)} s  ${id}${aa.verdict === 'not-faster' ? '' : `  (${aa.reason})`}\n`);
        } catch (err) {
          if (err instanceof InputError) {
            results.refused.push({ id, reason: oneLine(err), category: categorize(oneLine(err)), stage: 'run' });
            process.stderr.write(`${String(runs).padStart(4)} refused            ${id}  (${oneLine(err)})\n`);
          } else {
            results.errors.push({ id, message: oneLine(err) });
            process.stderr.write(`${String(runs).padStart(4)} ERROR              ${id}  (${oneLine(err)})\n`);
          }
        }
        // Write as we go, so that an interrupted run can --resume.
        results.wallMs = Date.now() - started;
        writeFileSync(resultsPath, JSON.stringify(results, null, 2) + '\n');
      }
    }
  }
  results.machine.loadEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
  results.wallMs = Date.now() - started;
  writeFileSync(resultsPath, JSON.stringify(results, null, 2) + '\n');
  const md = renderMarkdown(results, args);
  writeFileSync(path.join(args.out, 'CORPUS.md'), md);
  process.stdout.write(md);
  const s = summarize(results);
  if (s.falseVerdicts > 0) process.exitCode = 1;
}

function summarize(r: CorpusResults) {
  const byVerdict = new Map<string, number>();
  for (const a of r.aa) {
    // Equivalent but never measured (no size could be run, or an interval too wide to say anything).
    const key = a.verdict === 'not-faster' && a.speedup === null ? 'no verdict (not measured)' : a.verdict;
    byVerdict.set(key, (byVerdict.get(key) ?? 0) + 1);
  }
  const falseVerdicts = (byVerdict.get('faster') ?? 0) + (byVerdict.get('incorrect') ?? 0) + (byVerdict.get('timeout') ?? 0);
  const noVerdict = (byVerdict.get('error') ?? 0) + (byVerdict.get('no verdict (not measured)') ?? 0) + r.errors.length;
  return { byVerdict, falseVerdicts, noVerdict };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Which results a resumed run re-ran, and at which engine commit. */
function rerunText(r: CorpusResults): string {
  const byCommit = new Map<string, number>();
  for (const a of r.aa) if (a.commit) byCommit.set(a.commit, (byCommit.get(a.commit) ?? 0) + 1);
  if (byCommit.size === 0) return '';
  return ` Re-run without a verdict before (\`--resume --rerun-no-verdict\`): ${[...byCommit].map(([c, n]) => `${n} at commit ${c}`).join(', ')}.`;
}

function renderMarkdown(r: CorpusResults, args: Args): string {
  const { byVerdict, falseVerdicts, noVerdict } = summarize(r);
  const ran = r.aa.length + r.errors.length;
  const refusedAtRun = r.refused.filter((f) => f.stage === 'run').length;
  const accepted = ran;
  const lines: string[] = [];
  const pct = (n: number, d: number) => (d === 0 ? '0%' : `${((100 * n) / d).toFixed(1)}%`);
  lines.push('# A/A on real packages', '');
  lines.push(
    `Generated by \`npm run bench:corpus${args.only.length ? ` -- ${args.only.map((o) => `--only ${o}`).join(' ')}` : ''}\` on ${r.machine.date.slice(0, 10)}: ` +
      `${r.machine.commit ? `engine at commit ${r.machine.commit}, ` : ''}${r.machine.cores} × ${r.machine.cpu}, ${r.machine.memGiB} GiB, Node ${r.machine.node}, ` +
      `load average ${r.machine.loadStart.join(' / ')} at the start and ${r.machine.loadEnd.join(' / ')} at the end. ` +
      `Wall time ${(r.wallMs / 60_000).toFixed(1)} min; median ${(median(r.aa.map((a) => a.wallMs)) / 1000).toFixed(1)} s per function.` +
      rerunText(r),
    '',
  );
  lines.push('Each exported function and method Hotpath accepts is checked against a byte-identical copy of itself');
  lines.push('with the default settings (`hotpath check` with the function as its own variant, project tests off).');
  lines.push('A correct A/A verdict is `not-faster`; `faster`, `incorrect` and `timeout` are false verdicts.', '');
  lines.push('| package | version | code | files |', '|---|---|---|---|');
  for (const p of r.packages) lines.push(`| ${p.name} | ${p.version} | ${p.kind} | ${p.files} |`);
  lines.push('');
  lines.push('## Totals', '');
  lines.push('| | count |', '|---|---|');
  lines.push(`| functions and methods found | ${r.found} |`);
  lines.push(`| exported | ${r.exported} |`);
  lines.push(`| refused | ${r.refused.length} |`);
  lines.push(`| extracted | ${r.accepted} |`);
  lines.push(`| refused when run (inputs could not be generated, ...) | ${refusedAtRun} |`);
  lines.push(`| accepted (A/A run) | ${accepted} |`);
  if (r.accepted - refusedAtRun > ran) lines.push(`| not run (stopped or --limit) | ${r.accepted - refusedAtRun - ran} |`);
  for (const [k, v] of [...byVerdict].sort((a, b) => b[1] - a[1])) lines.push(`| A/A \`${k}\` | ${v} |`);
  lines.push(`| infrastructure errors | ${r.errors.length} |`);
  lines.push('');
  const notRun = r.accepted - refusedAtRun - ran;
  if (notRun > 0) lines.push(`**Partial run:** ${ran} of the ${r.accepted - refusedAtRun} accepted functions and methods were run; ${notRun} were not (the run was stopped; \`--resume\` continues it).`, '');
  lines.push(`False verdicts (faster, incorrect, timeout): **${falseVerdicts}**. Without a verdict: **${noVerdict}** of ${accepted} (${pct(noVerdict, accepted)}).`, '');
  lines.push('## Refused, by reason', '');
  const cats = new Map<string, Refusal[]>();
  for (const f of r.refused) cats.set(f.category, [...(cats.get(f.category) ?? []), f]);
  lines.push('| count | stage | reason (example) |', '|---|---|---|');
  for (const [, list] of [...cats].sort((a, b) => b[1].length - a[1].length)) {
    const ex = list[0]!;
    lines.push(`| ${list.length} | ${ex.stage} | ${ex.reason.replace(/\|/g, '\\|')} (\`${ex.id}\`) |`);
  }
  lines.push('');
  const notable = r.aa.filter((a) => a.verdict !== 'not-faster' || a.speedup === null);
  if (notable.length > 0) {
    lines.push('## A/A runs that did not end `not-faster` with a measured interval', '');
    lines.push('| function | verdict | reason |', '|---|---|---|');
    for (const a of notable) lines.push(`| \`${a.id}\` | ${a.verdict} | ${a.reason.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`);
    lines.push('');
  }
  if (r.errors.length > 0) {
    lines.push('## Infrastructure errors', '');
    for (const e of r.errors) lines.push(`- \`${e.id}\`: ${e.message}`);
    lines.push('');
  }
  const measured = r.aa.filter((a) => a.speedup);
  if (measured.length > 0) {
    const widths = measured.map((a) => a.speedup!.high / a.speedup!.low);
    const highs = measured.map((a) => a.speedup!.low);
    lines.push('## Intervals', '');
    lines.push(
      `${measured.length} A/A runs were measured. Median interval width (high/low): ${median(widths).toFixed(3)}; ` +
        `largest lower bound: ${Math.max(...highs).toFixed(3)}x (a \`faster\` verdict needs the lower bound above 1.05x).`,
      '',
    );
  }
  return lines.join('\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:corpus: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
