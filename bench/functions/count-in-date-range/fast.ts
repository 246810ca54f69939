// Parses the bounds once and each timestamp once. `dateA >= dateB` compares the objects through
// valueOf(), i.e. their time values (NaN for an invalid date, so every comparison is false), which
// is exactly what comparing getTime() results does.
export function countInDateRange(timestamps: string[], from: string, to: string): number {
  const lo = new Date(from).getTime();
  const hi = new Date(to).getTime();
  let count = 0;
  for (let i = 0; i < timestamps.length; i++) {
    const t = new Date(timestamps[i]!).getTime();
    if (t >= lo && t < hi) count++;
  }
  return count;
}
