/** Human-readable rendering of a report for the terminal. */
import { relative, isAbsolute } from 'node:path';
import { allNotes, formatInterval, formatNs, formatRatio, type Report, type VerdictKind } from '../core';

const ICON: Record<VerdictKind, string> = {
  faster: '✔ faster',
  'not-faster': '· not faster',
  incorrect: '✘ incorrect',
  unsafe: '⚠ unsafe',
  timeout: '⏱ timeout',
  error: '! error',
};

function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function wrap(text: string, indent: string, width = 100): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && cur.length + 1 + w.length > width - indent.length) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines.map((l) => indent + l).join('\n');
}

export function formatReport(report: Report, opts: { color: boolean }): string {
  const c = (code: string, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out: string[] = [];
  out.push(c('1', `Hotpath ${report.mode}: ${report.target.name} in ${shown(report.target.file)}:${report.target.line} (${report.target.language})`));
  const v = report.verification;
  if (v.inputs) {
    out.push(
      `Verified against the original on ${v.inputs} inputs` +
        (v.originalThrew ? ` (the original threw on ${v.originalThrew})` : '') +
        (v.droppedForTimeout ? `, ${v.droppedForTimeout} dropped for timeouts` : '') +
        `. Faster means the 95% CI's lower bound is at least ${formatRatio(report.minSpeedup)}.`,
    );
  }
  const t = report.tests;
  if (t) {
    const runner = t.runner === 'node-test' ? 'node:test' : t.runner;
    out.push(
      `Project tests (${runner}${t.runnerVersion ? ` ${t.runnerVersion}` : ''}, ${t.selection}): ${t.totalCalls} call${t.totalCalls === 1 ? '' : 's'} of ${report.target.name}, ${t.captured} distinct captured; ${t.passing} passing test${t.passing === 1 ? '' : 's'} gate each faster candidate` +
        (t.excluded.length ? `, ${t.excluded.length} already failing on the original excluded` : '') +
        (t.coverage ? `; the calls run ${t.coverage.coveredLines} of ${t.coverage.totalLines} lines of the target` : '') +
        '.',
    );
    for (const f of t.files) out.push(c('2', `  ${f.file}: ${f.calls} call${f.calls === 1 ? '' : 's'}`));
  }
  out.push('');
  for (const cand of report.candidates) {
    const colour = cand.verdict === 'faster' ? '32' : cand.verdict === 'not-faster' ? '33' : '31';
    const speed = cand.speedup ? `  ${formatInterval(cand.speedup)}` : '';
    out.push(`${c('1', cand.id)}  ${c(colour, ICON[cand.verdict])}${speed}  ${c('2', cand.origin)}`);
    out.push(wrap(cand.reason, '      '));
    if (cand.coverage) {
      const warning = cand.coverage.warning ?? null;
      out.push(c(warning ? '33' : '2', wrap((warning ? `${warning} ` : '') + cand.coverage.summary, '      ')));
    }
    if (cand.sizes.length > 1) {
      for (const r of cand.sizes) {
        out.push(`      n=${r.size}: original ${formatNs(r.originalNs)}, candidate ${formatNs(r.candidateNs)}, ${formatInterval(r.speedup)}`);
      }
    }
    if (cand.workload) {
      const w = cand.workload;
      out.push(`      captured workload (${w.calls} calls): original ${formatNs(w.originalNs)}, candidate ${formatNs(w.candidateNs)}, ${formatInterval(w.speedup)}`);
    }
    if (cand.tests) {
      const ts = cand.tests;
      const head =
        ts.status === 'passed'
          ? `project tests: ${ts.passed} passed`
          : ts.status === 'failed'
            ? `project tests: ${ts.failed.length} failed, ${ts.passed} passed`
            : `project tests: could not run (${ts.detail ?? 'error'})`;
      out.push(`      ${head} (${(ts.wallMs / 1000).toFixed(1)} s)`);
      for (const f of ts.failed.slice(0, 5)) out.push(wrap(`✘ ${f.file} › ${f.name}: ${f.message ?? ''}`, '        '));
    }
    out.push(`      (${(cand.wallMs / 1000).toFixed(1)} s)`);
  }
  if (report.candidates.length === 0) out.push('No candidates.');
  out.push('');
  const best = report.candidates.find((x) => x.id === report.best);
  if (best && best.speedup) {
    out.push(c('32;1', `Best: ${best.id} (${best.origin}), ${formatInterval(best.speedup)}${best.headlineSize !== null ? ` at n=${best.headlineSize}` : ''}.`));
    out.push(best.diff.trimEnd());
  } else {
    out.push('No verified speedup.');
  }
  if (report.llm) {
    const l = report.llm;
    out.push(
      c('2', `Model ${l.model}: ${l.requests} request${l.requests === 1 ? '' : 's'}${l.cachedRequests ? ` (${l.cachedRequests} from cache)` : ''}, ${l.promptTokens} prompt + ${l.completionTokens} completion tokens${l.tokensEstimated ? ' (estimated)' : ''}.`),
    );
    for (const r of l.rounds.length > 1 ? l.rounds : []) {
      out.push(c('2', `  round ${r.round}: ${r.requests} requests, ${r.promptTokens + r.completionTokens} tokens, ${r.candidates} candidates, ${r.faster} faster${r.bestSpeedup ? ` (best ${formatRatio(r.bestSpeedup)})` : ''}, LLM ${(r.llmMs / 1000).toFixed(1)} s, evaluation ${(r.evalMs / 1000).toFixed(1)} s`));
    }
  }
  if (report.noiseFloor) {
    out.push(c('2', `Noise floor (the original against an identical copy): ${formatInterval(report.noiseFloor)}.`));
  }
  for (const n of allNotes(report)) out.push(c('33', wrap(`Note: ${n}`, '')));
  out.push(
    c(
      '2',
      `Took ${(report.timing.totalMs / 1000).toFixed(1)} s (LLM ${(report.timing.llmMs / 1000).toFixed(1)} s, verification ${(report.timing.verifyMs / 1000).toFixed(1)} s, benchmarks ${(report.timing.benchMs / 1000).toFixed(1)} s) on ${report.environment.cpus} CPUs, Node ${report.environment.node}.`,
    ),
  );
  return out.join('\n');
}
