export interface Item {
  id: number;
  name: string;
}

/** Keeps the first item of each id, in input order. `out.some` rescans the output: O(n²). */
export function uniqueById(items: Item[]): Item[] {
  const out: Item[] = [];
  for (const item of items) {
    if (!out.some((o) => o.id === item.id)) {
      out.push(item);
    }
  }
  return out;
}
