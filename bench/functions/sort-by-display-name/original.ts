export interface Person {
  first: string;
  last: string;
}

/**
 * Sorts people in place by "last, first", case-insensitively and locale-aware, and returns the
 * same array. Every comparison rebuilds and lower-cases both display names.
 */
export function sortByDisplayName(people: Person[]): Person[] {
  return people.sort((a, b) =>
    `${a.last}, ${a.first}`.toLowerCase().localeCompare(`${b.last}, ${b.first}`.toLowerCase()),
  );
}
