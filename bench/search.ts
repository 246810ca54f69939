/**
 * Search yield on the benchmark corpus (issue 4).
 *
 *   node --import tsx bench/search.ts [--functions a,b] [--rounds N] [--candidates N]
 *                                     [--base-url URL] [--model NAME] [--recorded] [--no-cache]
 *                                     [--out-dir DIR]
 *
 * Runs `runHotpath` in optimize mode on every function of bench/functions (one after another,
 * in this process) and records per function: candidates per verdict, yield (the share of
 * candidates verified faster), the best verified speedup with its 95% CI and the size it is
 * quoted at, rounds used and why the search stopped, requests and tokens, and the wall time
 * split into asking the model, verifying and benchmarking. A function whose run throws (an
 * endpoint error, say) becomes an error row and the run goes on.
 *
 * Endpoint: HOTPATH_BASE_URL / HOTPATH_MODEL / HOTPATH_API_KEY (else OPENAI_API_KEY), or
 * --base-url / --model, exactly as `hotpath optimize` reads them. When none of these is set (or
 * with --recorded), the run is in recorded mode: a fake OpenAI-compatible server on loopback
 * (test/support/fake-openai.ts) serves the answers recorded in bench/recorded/<dir>.json, chosen
 * by the function named in the request, and the response cache is off. Recorded mode measures the
 * engine's verdicts on known variants, not any model's yield, and every output says so.
 *
 * `--functions` takes corpus directory names or function names. Writes bench/SEARCH.md and
 * bench/search-results.json (or into --out-dir) after every function; progress and the
 * engine's warnings go to stderr, the final table to stdout.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

import { runHotpath } from '../src/core/pipeline';
import { formatRatio } from '../src/core/report/format';
import type { LlmOptions } from '../src/core/options';
import type { CandidateReport, Report } from '../src/core/report/report';
import type { VerdictKind } from '../src/core/types';
import { levelLogger } from '../src/core/logger';
import { CancelledError } from '../src/core/errors';
import { extractTarget } from '../src/core/target/extract';
import { describeSizeMeaning } from '../src/core/inputs/inputs';
import { STRATEGIES } from '../src/core/candidates/llm/prompt';
import { normalizeForDedup, pickCandidateSource } from '../src/core/candidates/llm/parse';
import { startFakeOpenAI, type ChatRequestBody, type FakeOpenAI, type FakeResponse } from '../test/support/fake-openai';
import type { RecordedKind, Recording } from './recorded/generate';

const REPO = path.resolve(__dirname, '..');
const CORPUS = path.join(REPO, 'bench', 'functions');
const RECORDED_DIR = path.join(REPO, 'bench', 'recorded');

export const RECORDED_BANNER =
  "recorded responses (no model was called): this measures the pipeline's verdicts on known variants, not a model's yield";

const VERDICTS: VerdictKind[] = ['faster', 'not-faster', 'incorrect', 'unsafe', 'timeout', 'error'];

// ---------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------

interface Args {
  functions: string[] | null;
  rounds: number | null;
  candidates: number | null;
  baseURL: string | null;
  model: string | null;
  recorded: boolean;
  noCache: boolean;
  outDir: string;
}

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: node --import tsx bench/search.ts [--functions a,b] [--rounds N] [--candidates N] [--base-url URL] [--model NAME] [--recorded] [--no-cache] [--out-dir DIR]\n`,
  );
  process.exit(2);
}

function positiveInt(flag: string, v: string | undefined): number | null {
  if (v === undefined) return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) usage(`--${flag} must be a positive integer (got '${v}').`);
  return n;
}

function parseCli(argv: string[]): Args {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        functions: { type: 'string' },
        rounds: { type: 'string' },
        candidates: { type: 'string' },
        'base-url': { type: 'string' },
        model: { type: 'string' },
        recorded: { type: 'boolean' },
        'no-cache': { type: 'boolean' },
        'out-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (e) {
    usage(e instanceof Error ? e.message : String(e));
  }
  if (values.help) usage('Search yield on the benchmark corpus.');
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const fns = str('functions');
  return {
    functions: fns ? fns.split(',').map((s) => s.trim()).filter(Boolean) : null,
    rounds: positiveInt('rounds', str('rounds')),
    candidates: positiveInt('candidates', str('candidates')),
    baseURL: str('base-url') ?? null,
    model: str('model') ?? null,
    recorded: values.recorded === true,
    noCache: values['no-cache'] === true,
    outDir: path.resolve(str('out-dir') ?? path.join(REPO, 'bench')),
  };
}

// ---------------------------------------------------------------------------------------------
// The corpus
// ---------------------------------------------------------------------------------------------

interface CorpusEntry {
  dir: string;
  name: string;
  file: string;
  sizeMeaning: string;
}

function loadCorpus(): CorpusEntry[] {
  return readdirSync(CORPUS, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(CORPUS, d.name, 'meta.json')))
    .map((d) => d.name)
    .sort()
    .map((dir) => {
      const meta = JSON.parse(readFileSync(path.join(CORPUS, dir, 'meta.json'), 'utf8')) as { function: string; file: string };
      const file = path.join(CORPUS, dir, meta.file);
      const target = extractTarget(file, { name: meta.function });
      return { dir, name: meta.function, file, sizeMeaning: describeSizeMeaning(target.params) };
    });
}

// ---------------------------------------------------------------------------------------------
// Recorded mode: the fake endpoint
// ---------------------------------------------------------------------------------------------

interface Served {
  fn: string;
  /** Strategy id of a round-1 request; null for feedback requests (repair / improve). */
  strategy: string | null;
  kind: RecordedKind | null;
}

interface RecordedEndpoint {
  fake: FakeOpenAI;
  recordings: Map<string, Recording>;
  served: Served[];
}

function strategyOf(user: string): number | null {
  const m = /^Optimization angle for this attempt: (.+)\.$/m.exec(user);
  if (!m) return null;
  const i = STRATEGIES.findIndex((s) => s.title === m[1]);
  return i >= 0 ? i : null;
}

/** The recorded answer for round-1 strategy index k (or the fast answer for a feedback request). */
function answerFor(rec: Recording, k: number | null): Recording['answers'][number] | undefined {
  if (k === null) return rec.answers.find((a) => a.kind === 'fast') ?? rec.answers[0];
  return rec.answers[k % rec.answers.length];
}

async function startRecorded(entries: CorpusEntry[]): Promise<RecordedEndpoint> {
  const recordings = new Map<string, Recording>();
  for (const e of entries) {
    const f = path.join(RECORDED_DIR, `${e.dir}.json`);
    if (!existsSync(f)) throw new Error(`No recording for ${e.dir}: ${path.relative(REPO, f)} is missing (node --import tsx bench/recorded/generate.ts).`);
    const rec = JSON.parse(readFileSync(f, 'utf8')) as Recording;
    recordings.set(rec.function, rec);
  }
  const served: Served[] = [];
  const script = (body: ChatRequestBody): FakeResponse => {
    const messages = body.messages ?? [];
    const user = messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
    // The function is named in the user message as 'name' (the prompt quotes it).
    const rec = [...recordings.values()].find((r) => user.includes(`'${r.function}'`));
    if (!rec) return { status: 404, body: { error: { message: 'No recorded answers for the function in this request.', type: 'not_found' } } };
    const k = strategyOf(user);
    const answer = answerFor(rec, k);
    if (!answer) return { status: 500, body: { error: { message: `The recording of ${rec.function} has no answers.` } } };
    served.push({ fn: rec.function, strategy: k === null ? null : (STRATEGIES[k]?.id ?? null), kind: answer.kind });
    const promptChars = messages.reduce((n, m) => n + m.content.length, 0);
    return { content: answer.content, usage: { prompt_tokens: Math.ceil(promptChars / 4), completion_tokens: Math.ceil(answer.content.length / 4) } };
  };
  const fake = await startFakeOpenAI(script, { models: ['recorded'] });
  return { fake, recordings, served };
}

// ---------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------

interface CandidateRow {
  id: string;
  origin: string;
  /** Recorded mode: which recorded answer it came from. */
  recorded: RecordedKind | null;
  verdict: VerdictKind;
  reason: string;
  speedup: { estimate: number; low: number; high: number } | null;
  headlineSize: number | null;
}

interface Dropped {
  origin: string;
  /** The request's label ('complexity', 'r2 repair c2', ...). */
  label: string;
  reason: string;
  recorded: RecordedKind | null;
}

interface SanityCheck {
  kind: RecordedKind;
  expected: string;
  observed: string;
  ok: boolean;
}

interface FunctionResult {
  dir: string;
  function: string;
  file: string;
  status: 'ok' | 'error';
  /** The error, verbatim (name: message), for error rows. */
  error: string | null;
  wallMs: number;
  candidates: number;
  verdicts: Record<VerdictKind, number>;
  /** faster / candidates; 0 when the search produced no candidate; null for error rows. */
  yield: number | null;
  best: { id: string; estimate: number; low: number; high: number; size: number | null; sizeMeaning: string } | null;
  rounds: number;
  stopReason: string;
  requests: number;
  cachedRequests: number;
  promptTokens: number;
  completionTokens: number;
  tokensEstimated: boolean;
  timing: { totalMs: number; llmMs: number; verifyMs: number; benchMs: number };
  noiseFloor: { estimate: number; low: number; high: number } | null;
  /** Answers that gave no candidate (no code, duplicates, the original repeated, failed requests). */
  dropped: Dropped[];
  notes: string[];
  candidateRows: CandidateRow[];
  /** Recorded mode only. */
  sanity: SanityCheck[] | null;
}

interface Totals {
  functions: number;
  errors: number;
  candidates: number;
  verdicts: Record<VerdictKind, number>;
  meanYield: number | null;
  withSpeedup: number;
  medianBestSpeedup: number | null;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  wallMs: number;
  llmMs: number;
  verifyMs: number;
  benchMs: number;
  sanityViolations: number | null;
}

interface RunRecord {
  version: 1;
  mode: 'recorded' | 'endpoint';
  banner: string | null;
  date: string;
  finished: boolean;
  interrupted: boolean;
  command: string;
  endpoint: { baseURL: string; model: string } | null;
  settings: { rounds: number; candidates: number | 'per recording'; cache: boolean; temperature: number; minSpeedup: string };
  machine: {
    cpu: string;
    cpus: number;
    memoryGiB: number;
    os: string;
    node: string;
    loadAvgStart: number[];
    loadAvgEnd: number[] | null;
  };
  functions: FunctionResult[];
  totals: Totals;
}

function emptyVerdicts(): Record<VerdictKind, number> {
  return { faster: 0, 'not-faster': 0, incorrect: 0, unsafe: 0, timeout: 0, error: 0 };
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const NOTE_ORIGIN = /^(llm:.*#\d+ \(([^)]*)\)): (.+)$/s;

function interval(s: { estimate: number; low: number; high: number }) {
  return { estimate: s.estimate, low: s.low, high: s.high };
}

/** Which recorded answer a candidate's source is, if any. */
function recordedKindOf(source: string, rec: Recording | undefined, name: string): RecordedKind | null {
  if (!rec) return null;
  const key = normalizeForDedup(source);
  for (const a of rec.answers) {
    const picked = pickCandidateSource(a.content, name);
    if (picked.source !== null && normalizeForDedup(picked.source) === key) return a.kind;
  }
  return null;
}

function summarize(e: CorpusEntry, report: Report, wallMs: number, rec: Recording | undefined, served: Served[] | null): FunctionResult {
  const verdicts = emptyVerdicts();
  for (const c of report.candidates) verdicts[c.verdict]++;
  const n = report.candidates.length;
  const bestC: CandidateReport | undefined = report.best ? report.candidates.find((c) => c.id === report.best) : undefined;
  const strategyKind = (label: string): RecordedKind | null => {
    if (!rec) return null;
    const k = STRATEGIES.findIndex((s) => s.id === label);
    return k >= 0 ? (answerFor(rec, k)?.kind ?? null) : label.startsWith('r') ? (answerFor(rec, null)?.kind ?? null) : null;
  };
  const dropped: Dropped[] = [];
  for (const note of report.notes) {
    const m = NOTE_ORIGIN.exec(note);
    if (m) dropped.push({ origin: m[1]!, label: m[2]!, reason: m[3]!, recorded: strategyKind(m[2]!) });
  }
  const candidateRows: CandidateRow[] = report.candidates.map((c) => ({
    id: c.id,
    origin: c.origin,
    recorded: recordedKindOf(c.source, rec, e.name),
    verdict: c.verdict,
    reason: c.reason,
    speedup: c.speedup ? interval(c.speedup) : null,
    headlineSize: c.headlineSize,
  }));
  const llm = report.llm;
  return {
    dir: e.dir,
    function: e.name,
    file: path.relative(REPO, e.file),
    status: 'ok',
    error: null,
    wallMs,
    candidates: n,
    verdicts,
    yield: n > 0 ? verdicts.faster / n : 0,
    best:
      bestC && bestC.speedup
        ? { id: bestC.id, ...interval(bestC.speedup), size: bestC.headlineSize, sizeMeaning: e.sizeMeaning }
        : null,
    rounds: llm?.rounds.length ?? 0,
    stopReason: llm?.stopReason ?? '',
    requests: llm?.requests ?? 0,
    cachedRequests: llm?.cachedRequests ?? 0,
    promptTokens: llm?.promptTokens ?? 0,
    completionTokens: llm?.completionTokens ?? 0,
    tokensEstimated: llm?.tokensEstimated ?? false,
    timing: { ...report.timing },
    noiseFloor: report.noiseFloor ? interval(report.noiseFloor) : null,
    dropped,
    notes: report.notes.filter((note) => !NOTE_ORIGIN.test(note)),
    candidateRows,
    sanity: rec && served ? sanityChecks(rec, served, candidateRows, dropped) : null,
  };
}

/** Recorded mode: what the engine made of each served recorded answer of round 1. */
function sanityChecks(rec: Recording, served: Served[], rows: CandidateRow[], dropped: Dropped[]): SanityCheck[] {
  const kinds = new Set(served.filter((s) => s.strategy !== null).map((s) => s.kind));
  const out: SanityCheck[] = [];
  for (const a of rec.answers) {
    if (!kinds.has(a.kind)) continue;
    const row = rows.find((r) => r.recorded === a.kind);
    const drop = dropped.find((d) => d.recorded === a.kind && STRATEGIES.some((s) => s.id === d.label));
    const observed = row
      ? `${row.id} ${row.verdict}${row.speedup ? ` (${formatRatio(row.speedup.estimate)})` : ''}: ${row.reason}`
      : drop
        ? `dropped: ${drop.reason}`
        : 'neither evaluated nor noted';
    let ok: boolean;
    switch (a.kind) {
      case 'fast':
        ok = row?.verdict === 'faster';
        break;
      case 'wrong':
        ok = row?.verdict === 'incorrect';
        break;
      case 'noop':
        ok = !row && drop !== undefined && /repeated the original|Duplicate of/i.test(drop.reason);
        break;
      case 'no-code':
        ok = !row && drop !== undefined && /no code/i.test(drop.reason);
        break;
    }
    out.push({ kind: a.kind, expected: a.expect, observed, ok });
  }
  return out;
}

function errorRow(e: CorpusEntry, err: unknown, wallMs: number): FunctionResult {
  const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return {
    dir: e.dir,
    function: e.name,
    file: path.relative(REPO, e.file),
    status: 'error',
    error,
    wallMs,
    candidates: 0,
    verdicts: emptyVerdicts(),
    yield: null,
    best: null,
    rounds: 0,
    stopReason: '',
    requests: 0,
    cachedRequests: 0,
    promptTokens: 0,
    completionTokens: 0,
    tokensEstimated: false,
    timing: { totalMs: wallMs, llmMs: 0, verifyMs: 0, benchMs: 0 },
    noiseFloor: null,
    dropped: [],
    notes: [],
    candidateRows: [],
    sanity: null,
  };
}

function totalsOf(rows: FunctionResult[], recorded: boolean): Totals {
  const ok = rows.filter((r) => r.status === 'ok');
  const verdicts = emptyVerdicts();
  for (const r of ok) for (const v of VERDICTS) verdicts[v] += r.verdicts[v];
  const yields = ok.map((r) => r.yield ?? 0);
  const bests = ok.flatMap((r) => (r.best ? [r.best.estimate] : []));
  const sum = (f: (r: FunctionResult) => number) => rows.reduce((n, r) => n + f(r), 0);
  return {
    functions: rows.length,
    errors: rows.length - ok.length,
    candidates: sum((r) => r.candidates),
    verdicts,
    meanYield: yields.length ? yields.reduce((a, b) => a + b, 0) / yields.length : null,
    withSpeedup: bests.length,
    medianBestSpeedup: median(bests),
    requests: sum((r) => r.requests),
    promptTokens: sum((r) => r.promptTokens),
    completionTokens: sum((r) => r.completionTokens),
    wallMs: sum((r) => r.wallMs),
    llmMs: sum((r) => r.timing.llmMs),
    verifyMs: sum((r) => r.timing.verifyMs),
    benchMs: sum((r) => r.timing.benchMs),
    sanityViolations: recorded ? sum((r) => (r.sanity ?? []).filter((s) => !s.ok).length) + rows.filter((r) => r.status === 'error').length : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

function fmtS(ms: number): string {
  return ms >= 100_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

function fmtPct(x: number | null): string {
  return x === null ? '–' : `${Math.round(x * 100)}%`;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function verdictText(v: Record<VerdictKind, number>): string {
  const parts = VERDICTS.filter((k) => v[k] > 0).map((k) => `${v[k]} ${k}`);
  return parts.length ? parts.join(', ') : '–';
}

function summaryTable(rows: FunctionResult[]): string[] {
  const out = [
    '| Function | Candidates | Verdicts | Dropped answers | Yield | Best speedup (95% CI) at size | Rounds: stop reason | Requests / tokens (prompt+completion) | Wall: LLM / verify / bench / total |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    if (r.status === 'error') {
      out.push(`| \`${r.dir}\` | – | **error**: ${cell(r.error ?? '')} | – | – | – | – | – | ${fmtS(r.wallMs)} |`);
      continue;
    }
    const best = r.best ? `**${formatRatio(r.best.estimate)}** (${formatRatio(r.best.low)}–${formatRatio(r.best.high)}) at ${r.best.sizeMeaning} ${r.best.size ?? '?'}` : 'none';
    const tokens = `${r.requests}${r.cachedRequests ? ` (${r.cachedRequests} cached)` : ''} / ${r.promptTokens}+${r.completionTokens}${r.tokensEstimated ? ' (est.)' : ''}`;
    const t = r.timing;
    out.push(
      `| \`${r.dir}\` | ${r.candidates} | ${verdictText(r.verdicts)} | ${r.dropped.length} | ${fmtPct(r.yield)} | ${best} | ${r.rounds}: ${cell(r.stopReason)} | ${tokens} | ${fmtS(t.llmMs)} / ${fmtS(t.verifyMs)} / ${fmtS(t.benchMs)} / ${fmtS(r.wallMs)} |`,
    );
  }
  return out;
}

function renderMarkdown(run: RunRecord): string {
  const t = run.totals;
  const lines: string[] = ['# Search yield on the benchmark corpus', ''];
  if (run.banner) lines.push(`> **${run.banner}.**`, '');
  lines.push(
    `Generated by \`${run.command}\` (\`bench/search.ts\`); raw data in \`search-results.json\`.`,
    run.finished ? '' : `\n**Partial results${run.interrupted ? ' (interrupted)' : ' (run in progress)'}.**`,
    '',
    '## Run',
    '',
    `- Date: ${run.date}`,
    `- Endpoint: ${run.endpoint ? `${run.endpoint.baseURL}, model \`${run.endpoint.model}\`` : 'recorded: a fake OpenAI-compatible server on loopback serving `bench/recorded/<dir>.json` (round-1 request *k* gets recorded answer *k*; feedback requests get the fast answer again)'}`,
    `- Settings: ${run.settings.rounds} round${run.settings.rounds === 1 ? '' : 's'} at most, ${run.settings.candidates === 'per recording' ? 'one request per recorded answer' : `${run.settings.candidates} candidates`} per round, temperature ${run.settings.temperature}, response cache ${run.settings.cache ? 'on' : 'off'}, min speedup ${run.settings.minSpeedup}, all other options at the engine's defaults`,
    `- Machine: ${run.machine.cpu}, ${run.machine.cpus} CPUs, ${run.machine.memoryGiB} GiB, ${run.machine.os}, Node.js ${run.machine.node}; load average ${run.machine.loadAvgStart.map((x) => x.toFixed(2)).join(' ')} at the start${run.machine.loadAvgEnd ? `, ${run.machine.loadAvgEnd.map((x) => x.toFixed(2)).join(' ')} at the end` : ''}`,
    '',
    '## Totals',
    '',
    `- Functions: ${t.functions}${t.errors ? ` (${t.errors} error${t.errors === 1 ? '' : 's'})` : ''}; candidates evaluated: ${t.candidates} (${verdictText(t.verdicts)})`,
    `- Mean yield (share of candidates verified faster, per function, averaged): **${fmtPct(t.meanYield)}**`,
    `- Functions with at least one verified speedup: **${t.withSpeedup} of ${t.functions - t.errors}**`,
    `- Median best speedup (over those functions): **${t.medianBestSpeedup === null ? '–' : formatRatio(t.medianBestSpeedup)}**`,
    `- Requests: ${t.requests}; tokens: ${t.promptTokens} prompt + ${t.completionTokens} completion${run.mode === 'recorded' ? ' (the fake server reports characters / 4)' : ''}`,
    `- Wall time: ${fmtS(t.wallMs)} (asking ${fmtS(t.llmMs)}, verifying ${fmtS(t.verifyMs)}, benchmarking ${fmtS(t.benchMs)})`,
  );
  if (t.sanityViolations !== null) {
    lines.push(`- Sanity expectations of recorded mode: ${t.sanityViolations === 0 ? 'all held' : `**${t.sanityViolations} violated** (see below)`}`);
  }
  lines.push(
    '',
    'Yield is `faster` candidates / candidates evaluated (a search that produced no candidate counts 0; error rows are left out of the mean).',
    '"Dropped answers" gave no candidate: no code, a duplicate of an earlier candidate, or the original restated; they are not evaluated.',
    'Wall time: LLM = asking the model (all rounds), verify = differential testing, bench = benchmarking; total includes building and extraction.',
    '',
    '## Per function',
    '',
    ...summaryTable(run.functions),
    '',
  );
  if (run.mode === 'recorded') {
    const bad = run.functions.flatMap((r) => [
      ...(r.status === 'error' ? [`- \`${r.dir}\`: the run threw: \`${r.error}\``] : []),
      ...(r.sanity ?? []).filter((s) => !s.ok).map((s) => `- \`${r.dir}\` ${s.kind} answer: expected ${s.expected}; observed ${cell(s.observed)}`),
    ]);
    lines.push('## Sanity expectations (recorded mode)', '', 'Every fast variant `faster`, every wrong variant `incorrect`, the restated original dropped before evaluation, the answer without code noted.', '');
    lines.push(...(bad.length ? bad : ['All held.']), '');
  }
  lines.push('## Candidates', '');
  for (const r of run.functions) {
    lines.push(`### \`${r.dir}\` (\`${r.function}\`)`, '');
    if (r.status === 'error') {
      lines.push(`Error: \`${r.error}\``, '');
      continue;
    }
    const rec = run.mode === 'recorded';
    lines.push(
      `| Id | ${rec ? 'Recorded answer | ' : ''}Verdict | Speedup (95% CI) at size | Reason |`,
      `|---|${rec ? '---|' : ''}---|---|---|`,
    );
    for (const c of r.candidateRows) {
      const sp = c.speedup ? `${formatRatio(c.speedup.estimate)} (${formatRatio(c.speedup.low)}–${formatRatio(c.speedup.high)}) at ${c.headlineSize ?? '?'}` : '–';
      lines.push(`| ${c.id} | ${rec ? `${c.recorded ?? '?'} | ` : ''}${c.verdict} | ${sp} | ${cell(c.reason)} |`);
    }
    for (const d of r.dropped) {
      lines.push(`| – | ${rec ? `${d.recorded ?? '?'} | ` : ''}dropped (${cell(d.label)}) | – | ${cell(d.reason)} |`);
    }
    lines.push('');
    if (r.noiseFloor) lines.push(`A/A noise floor of this run: ${formatRatio(r.noiseFloor.estimate)} (${formatRatio(r.noiseFloor.low)}–${formatRatio(r.noiseFloor.high)}).`, '');
    if (r.notes.length) lines.push(...r.notes.map((n) => `- Note: ${cell(n)}`), '');
  }
  return lines.join('\n').replace(/\n{3,}/g, '\n\n');
}

function plainTable(run: RunRecord): string {
  const rows = run.functions.map((r) => {
    if (r.status === 'error') return [r.dir, 'ERROR', '', '', '', r.error ?? ''];
    const best = r.best ? `${formatRatio(r.best.estimate)} [${formatRatio(r.best.low)}-${formatRatio(r.best.high)}] @${r.best.size ?? '?'}` : 'none';
    return [r.dir, `${r.verdicts.faster}/${r.candidates}`, fmtPct(r.yield), best, `${r.rounds}`, `${fmtS(r.wallMs)}`];
  });
  const head = ['function', 'faster/cands', 'yield', 'best speedup', 'rounds', 'wall'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const t = run.totals;
  return [
    line(head),
    ...rows.map(line),
    '',
    `mean yield ${fmtPct(t.meanYield)}; functions with a verified speedup ${t.withSpeedup} of ${t.functions - t.errors}; median best speedup ${t.medianBestSpeedup === null ? '-' : formatRatio(t.medianBestSpeedup)}${t.errors ? `; ${t.errors} error row(s)` : ''}`,
    ...(t.sanityViolations !== null ? [`sanity expectations violated: ${t.sanityViolations}`] : []),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const args = parseCli(process.argv.slice(2));
  const corpus = loadCorpus();
  let entries = corpus;
  if (args.functions) {
    entries = [];
    for (const f of args.functions) {
      const e = corpus.find((c) => c.dir === f || c.name === f);
      if (!e) usage(`Unknown corpus function '${f}' (known: ${corpus.map((c) => c.dir).join(', ')}).`);
      if (!entries.includes(e)) entries.push(e);
    }
  }

  const env = process.env;
  const apiKeyEnv = env.HOTPATH_API_KEY ?? env.OPENAI_API_KEY ?? '';
  const configured = Boolean(args.baseURL || env.HOTPATH_BASE_URL || args.model || env.HOTPATH_MODEL || apiKeyEnv);
  const recorded = args.recorded || !configured;
  const rounds = args.rounds ?? 3;

  let endpoint: RecordedEndpoint | null = null;
  let baseLlm: Omit<LlmOptions, 'candidates'>;
  let shownEndpoint: RunRecord['endpoint'] = null;
  if (recorded) {
    endpoint = await startRecorded(entries);
    baseLlm = {
      baseURL: endpoint.fake.baseURL,
      apiKey: 'not-needed',
      model: 'recorded',
      temperature: 0.7,
      maxTokens: 4096,
      requestTimeoutMs: 120_000,
      stream: true,
      rounds,
      cacheDir: null,
    };
  } else {
    const baseURL = args.baseURL ?? env.HOTPATH_BASE_URL ?? 'https://api.openai.com/v1';
    const isLocal = /^https?:\/\/(localhost|127\.|\[::1\])/.test(baseURL);
    if (!apiKeyEnv && !isLocal) usage('No API key: set HOTPATH_API_KEY or OPENAI_API_KEY (local endpoints need none), or pass --recorded.');
    const model = args.model ?? env.HOTPATH_MODEL ?? 'gpt-4o-mini';
    baseLlm = {
      baseURL,
      apiKey: apiKeyEnv || 'not-needed',
      model,
      temperature: 0.7,
      maxTokens: 4096,
      requestTimeoutMs: 120_000,
      stream: true,
      rounds,
      ...(args.noCache ? { cacheDir: null } : {}),
    };
    // Shown without a query string (gateways sometimes carry tokens there).
    shownEndpoint = { baseURL: baseURL.split('?')[0] ?? baseURL, model };
  }

  const controller = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('\nInterrupted: cancelling the current function and writing what was measured (Ctrl-C again to quit at once).\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);

  const cpuList = os.cpus();
  const run: RunRecord = {
    version: 1,
    mode: recorded ? 'recorded' : 'endpoint',
    banner: recorded ? RECORDED_BANNER : null,
    date: new Date().toISOString(),
    finished: false,
    interrupted: false,
    command: ['node --import tsx bench/search.ts', ...process.argv.slice(2)].join(' '),
    endpoint: shownEndpoint,
    settings: {
      rounds,
      candidates: args.candidates ?? (recorded ? 'per recording' : 4),
      cache: !recorded && !args.noCache,
      temperature: baseLlm.temperature,
      minSpeedup: '1.05 (engine default)',
    },
    machine: {
      cpu: cpuList[0]?.model.trim() ?? 'unknown',
      cpus: cpuList.length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      os: `${os.type()} ${os.release()} ${process.arch}`,
      node: process.version,
      loadAvgStart: os.loadavg(),
      loadAvgEnd: null,
    },
    functions: [],
    totals: totalsOf([], recorded),
  };

  mkdirSync(args.outDir, { recursive: true });
  const write = () => {
    run.totals = totalsOf(run.functions, recorded);
    writeFileSync(path.join(args.outDir, 'search-results.json'), JSON.stringify(run, null, 2) + '\n');
    writeFileSync(path.join(args.outDir, 'SEARCH.md'), renderMarkdown(run));
  };

  const say = (s: string) => process.stderr.write(`${s}\n`);
  if (recorded) say(`Mode: ${RECORDED_BANNER}.`);
  else say(`Mode: endpoint ${shownEndpoint?.baseURL}, model ${shownEndpoint?.model}${args.noCache ? ', cache off' : ''}.`);

  try {
    for (const [i, e] of entries.entries()) {
      if (controller.signal.aborted) break;
      const logger = levelLogger('warn', (level, message) => process.stderr.write(`  [${e.dir}] ${level}: ${message}\n`));
      const rec = endpoint?.recordings.get(e.name);
      const candidates = args.candidates ?? (rec ? rec.answers.length : 4);
      const servedFrom = endpoint?.served.length ?? 0;
      say(`[${i + 1}/${entries.length}] ${e.dir} (${e.name}): ${candidates} candidate${candidates === 1 ? '' : 's'} per round, up to ${rounds} round${rounds === 1 ? '' : 's'}`);
      const t0 = performance.now();
      let row: FunctionResult;
      try {
        const report = await runHotpath({
          file: e.file,
          selector: { name: e.name },
          llm: { ...baseLlm, candidates },
          signal: controller.signal,
          logger,
        });
        const served = endpoint ? endpoint.served.slice(servedFrom).filter((s) => s.fn === e.name) : null;
        row = summarize(e, report, performance.now() - t0, rec, served);
      } catch (err) {
        if (err instanceof CancelledError || controller.signal.aborted) {
          say(`  cancelled`);
          break;
        }
        row = errorRow(e, err, performance.now() - t0);
      }
      run.functions.push(row);
      write();
      if (row.status === 'error') say(`  error: ${row.error}`);
      else {
        const bad = (row.sanity ?? []).filter((s) => !s.ok);
        say(
          `  ${verdictText(row.verdicts)}; yield ${fmtPct(row.yield)}; best ${row.best ? `${formatRatio(row.best.estimate)} (${formatRatio(row.best.low)}-${formatRatio(row.best.high)}) at ${row.best.sizeMeaning} ${row.best.size ?? '?'}` : 'none'}; ${row.rounds} round(s): ${row.stopReason} (${fmtS(row.wallMs)})`,
        );
        for (const s of bad) say(`  SANITY: ${s.kind} answer expected ${s.expected}; observed ${s.observed}`);
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
    await endpoint?.fake.close();
  }
  run.finished = !controller.signal.aborted && run.functions.length === entries.length;
  run.interrupted = interrupted;
  run.machine.loadAvgEnd = os.loadavg();
  write();

  process.stdout.write(`\n${recorded ? `${RECORDED_BANNER}.\n\n` : `Endpoint ${shownEndpoint?.baseURL}, model ${shownEndpoint?.model}.\n\n`}`);
  process.stdout.write(`${plainTable(run)}\n\nWrote ${path.relative(process.cwd(), path.join(args.outDir, 'SEARCH.md')) || 'SEARCH.md'} and search-results.json.\n`);
  if (interrupted) process.exitCode = 130;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/search.ts failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
