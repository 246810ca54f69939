export interface Item {
  id: number;
  name: string;
}

// Plausible O(n) version, wrong for NaN ids: the Set treats NaN as one value, while the original's
// `===` never matches NaN. uniqueById([{ id: NaN, name: 'a' }, { id: NaN, name: 'b' }]) keeps both
// in the original and only the first here.
export function uniqueById(items: Item[]): Item[] {
  const seen = new Set<number>();
  const out: Item[] = [];
  for (const item of items) {
    if (!seen.has(item.id)) {
      seen.add(item.id);
      out.push(item);
    }
  }
  return out;
}
