/**
 * How many timestamps fall in [from, to). Parses `from` and `to` again for every element,
 * and each timestamp up to twice.
 */
export function countInDateRange(timestamps: string[], from: string, to: string): number {
  return timestamps.filter((t) => new Date(t) >= new Date(from) && new Date(t) < new Date(to)).length;
}
