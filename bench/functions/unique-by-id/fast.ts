export interface Item {
  id: number;
  name: string;
}

// O(n) with a Set of seen ids. A Set matches `===` on every number except NaN (a Set finds NaN,
// `NaN === NaN` is false, so the original keeps every NaN item); -0 and 0 are equal both ways.
export function uniqueById(items: Item[]): Item[] {
  const seen = new Set<number>();
  const out: Item[] = [];
  for (const item of items) {
    const id = item.id;
    if (id !== id) {
      out.push(item);
    } else if (!seen.has(id)) {
      seen.add(id);
      out.push(item);
    }
  }
  return out;
}
