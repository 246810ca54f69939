/**
 * The one place where report values become text: ratios, intervals, durations, and the
 * sentences that describe denied accesses. The CLI, the JSON report's reasons and the results
 * panel all use these, so a number reads the same everywhere.
 */
import type { Denial } from '../sandbox/protocol';

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
