export interface Person {
  first: string;
  last: string;
}

// Precomputes keys (good) but compares them with `<`, i.e. by UTF-16 code units instead of the
// locale's collation. Differs as soon as an accent or punctuation matters: for
// [{ first: 'a', last: 'Élan' }, { first: 'a', last: 'Zoe' }] the original keeps Élan first
// (é sorts with e), this puts Zoe first ('z' < 'é' in code units).
export function sortByDisplayName(people: Person[]): Person[] {
  const keyed = people.map((p) => ({ p, k: `${p.last}, ${p.first}`.toLowerCase() }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  for (let i = 0; i < keyed.length; i++) people[i] = keyed[i]!.p;
  return people;
}
