/**
 * Demo target: removes duplicates, keeping the first occurrence of each value.
 * `out.includes` makes it O(n²): fine for ten items, slow for ten thousand.
 */
export function dedupe(items: number[]): number[] {
  const out: number[] = [];
  for (const x of items) {
    if (!out.includes(x)) {
      out.push(x);
    }
  }
  return out;
}
