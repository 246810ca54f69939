/** Human formatting shared by notifications and diff titles (the webview has its own copy in media/results.js). */
import type { SpeedupInterval } from '../core';

export function ratio(x: number): string {
  return x >= 10 ? x.toFixed(0) : x >= 1.995 ? x.toFixed(1) : x.toFixed(2);
}

/** "3.1× faster (95% CI 2.8–3.4×)". */
export function formatSpeedup(s: SpeedupInterval): string {
  const pct = Math.round(s.confidence * 100);
  const head = s.estimate >= 1 ? `${ratio(s.estimate)}× faster` : `${ratio(1 / s.estimate)}× slower`;
  return `${head} (${pct}% CI ${ratio(s.low)}–${ratio(s.high)}×)`;
}
