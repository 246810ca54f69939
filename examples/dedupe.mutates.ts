// Fast, returns the right values, but compacts the caller's array in place.
export function dedupe(items: number[]): number[] {
  const seen = new Set<number>();
  let w = 0;
  for (let r = 0; r < items.length; r++) {
    const x = items[r]!;
    if (!seen.has(x)) {
      seen.add(x);
      items[w++] = x;
    }
  }
  items.length = w;
  return items;
}
