export interface Person {
  first: string;
  last: string;
}

// Decorate-sort-undecorate: each key is built once, and one Intl.Collator (what localeCompare
// without arguments uses) compares them. Sorting the index array with a comparator that gives the
// same answer for each pair makes the (deterministic) sort do exactly the same moves, so the order,
// including the order of equal keys, is the original's. The result is written back in place and
// the same array is returned, as Array.prototype.sort does.
export function sortByDisplayName(people: Person[]): Person[] {
  const n = people.length;
  const keys: string[] = new Array(n);
  const idx: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const p = people[i]!;
    keys[i] = `${p.last}, ${p.first}`.toLowerCase();
    idx[i] = i;
  }
  const compare = new Intl.Collator().compare;
  idx.sort((i, j) => compare(keys[i]!, keys[j]!));
  const sorted: Person[] = new Array(n);
  for (let k = 0; k < n; k++) sorted[k] = people[idx[k]!]!;
  for (let k = 0; k < n; k++) people[k] = sorted[k]!;
  return people;
}
