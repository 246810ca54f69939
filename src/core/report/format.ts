/**
 * The one place where report values become text: ratios, intervals, durations, and the
 * sentences that describe denied accesses and coverage. The engine's reasons, the model's
 * feedback prompts, the CLI and the extension all use these, so a number reads the same
 * everywhere. (The webview cannot import modules: the host sends it the speedup phrases made by
 * speedupPhrase; its per-call times and durations are its own, in media/results.js.)
 */
import type { Denial } from '../sandbox/protocol';
import type { CodeCoverage, SpeedupInterval, VerdictKind } from '../types';

/**
 * A ratio's digits, without the unit: 2 decimals ("1.23"), 3 significant digits from 10 up
 * ("12.3", "153", "1240"), 2 significant digits under 0.1 ("0.012"). `round` picks the
 * direction (interval ends round outward, so an interval never looks narrower than it is).
 */
export function ratioDigits(x: number, round: 'nearest' | 'down' | 'up' = 'nearest'): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 10) {
    const digits = Math.floor(Math.log10(Math.abs(x))) + 1;
    const scale = Math.pow(10, 3 - digits);
    return String(roundWith(x * scale, round) / scale);
  }
  if (x !== 0 && Math.abs(x) < 0.1) return x.toPrecision(2);
  return (roundWith(x * 100, round) / 100).toFixed(2);
}

function roundWith(v: number, mode: 'nearest' | 'down' | 'up'): number {
  // The epsilon absorbs binary representation error (1.15 * 100 = 114.99999999999999).
  if (mode === 'down') return Math.floor(v + 1e-9);
  if (mode === 'up') return Math.ceil(v - 1e-9);
  return Math.round(v);
}

/** A ratio for a sentence or a table: "1.23x", "12.3x". */
export function formatRatio(x: number): string {
  return `${ratioDigits(x)}x`;
}

/** An interval with its estimate: "1.23x (95% CI 1.10x–1.38x)". */
export function formatInterval(s: SpeedupInterval): string {
  return `${formatRatio(s.estimate)} (${Math.round(s.confidence * 100)}% CI ${formatRatio(s.low)}–${formatRatio(s.high)})`;
}

/** An interval alone, for a verdict's reason: "95% CI 0.97–1.08x", its ends rounded outward. */
export function formatCi(i: SpeedupInterval): string {
  return `${Math.round(i.confidence * 1000) / 10}% CI ${ratioDigits(i.low, 'down')}–${ratioDigits(i.high, 'up')}x`;
}

/** A ratio in a headline: "3.1", "12", "1.05". */
function shortRatio(x: number): string {
  return x >= 10 ? x.toFixed(0) : x >= 1.995 ? x.toFixed(1) : x.toFixed(2);
}

/** A speedup phrase in two parts, for a headline and what follows it. */
export interface SpeedupPhrase {
  /** "3.1× faster", "1.4× slower". */
  head: string;
  /** "95% CI 2.8–3.4×". */
  ci: string;
}

/** A speedup as a phrase for the results panel: its head ("3.1× faster") and its interval ("95% CI 2.8–3.4×"). */
export function speedupPhrase(s: SpeedupInterval): SpeedupPhrase {
  const pct = Math.round(s.confidence * 100);
  const head = s.estimate >= 1 ? `${shortRatio(s.estimate)}× faster` : `${shortRatio(1 / s.estimate)}× slower`;
  return { head, ci: `${pct}% CI ${shortRatio(s.low)}–${shortRatio(s.high)}×` };
}

/** A speedup as a phrase for notifications and titles: "3.1× faster (95% CI 2.8–3.4×)", "1.4× slower (...)". */
export function formatSpeedup(s: SpeedupInterval): string {
  const { head, ci } = speedupPhrase(s);
  return `${head} (${ci})`;
}

/** A per-call time: "850 ns", "12.30 µs", "1.20 ms", "2.00 s". */
export function formatNs(ns: number): string {
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(2)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(0)} ns`;
}

/** A duration in ms for a sentence: "12 ms", "1.4 s", "0.3 ms". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'an unknown time';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(0)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** One denied access as a clause: "tried to write '/tmp/x' (fs.appendFileSync)". */
export function describeDenial(d: Denial): string {
  const at = d.resource ? ` '${d.resource}'` : '';
  switch (d.kind) {
    case 'fs-write':
      return `tried to write${at || ' a file'} (${d.api})`;
    case 'fs-read':
      return `tried to read${at || ' a file'} outside its own code (${d.api})`;
    case 'child-process':
      return `tried to start a process${at} (${d.api})`;
    case 'worker':
      return `tried to start a worker thread${at} (${d.api})`;
    case 'addon':
      return `tried to load a native addon${at} (${d.api})`;
    case 'network':
      return `tried to use the network${at ? ` (${at.trim()})` : ''} (${d.api})`;
    case 'inspector':
      return `tried to open the inspector (${d.api})`;
    case 'wasi':
      return `tried to run WASI code (${d.api})`;
    case 'process':
      return `tried to control the process (${d.api})`;
  }
}

/** "It tried to write '/tmp/x' (fs.writeFileSync) and tried to ...; the sandbox denied it." */
export function describeDenials(ds: readonly Denial[]): string {
  const shown = ds.slice(0, 3).map(describeDenial);
  const more = ds.length > 3 ? ` and ${ds.length - 3} more` : '';
  return `It ${shown.join(', ')}${more}; the sandbox denied ${ds.length === 1 ? 'it' : 'them'}, so nothing happened, but code that does this cannot be accepted.`;
}

const MAX_PLACES = 3;

function places(c: CodeCoverage): string {
  const shown = c.uncovered.slice(0, MAX_PLACES).map((u) => `line ${u.line} (${u.kind}${u.source ? `: ${u.source.length > 40 ? u.source.slice(0, 40) + '…' : u.source}` : ''})`);
  const more = c.uncovered.length - shown.length;
  return shown.join(', ') + (more > 0 ? ` and ${more} more` : '');
}

/**
 * How thoroughly a candidate was verified, as one sentence: "Compared on 412 inputs; every
 * branch of both versions ran." or which places of the candidate and the original never ran.
 */
export function describeCoverage(inputs: number, candidate: CodeCoverage | null, original: CodeCoverage | null): string {
  const head = `Compared on ${inputs} input${inputs === 1 ? '' : 's'}`;
  if (!candidate && !original) return `${head}; branch coverage was not measured.`;
  const parts: string[] = [];
  if (candidate && candidate.uncovered.length > 0) parts.push(`${candidate.uncovered.length} of ${candidate.probes} branches of the candidate never ran: ${places(candidate)}`);
  if (original && original.uncovered.length > 0) parts.push(`${original.uncovered.length} of ${original.probes} branches of the original never ran: ${places(original)}`);
  if (parts.length === 0) return `${head}; every branch of ${candidate && original ? 'both versions' : candidate ? 'the candidate' : 'the original'} ran.`;
  return `${head}; ${parts.join('; ')}.`;
}

/** The warning of a decided candidate's coverage: a speedup whose code was not all exercised. */
export function coverageWarning(verdict: VerdictKind, candidateUnexercised: number): string | null {
  return verdict === 'faster' && candidateUnexercised > 0 ? 'Faster, but not all of its code was exercised.' : null;
}
