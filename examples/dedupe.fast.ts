// O(n): a Set remembers what was seen; the output keeps the original values and order.
export function dedupe(items: number[]): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (const x of items) {
    if (!seen.has(x)) {
      seen.add(x);
      out.push(x);
    }
  }
  return out;
}
