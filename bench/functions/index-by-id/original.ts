export interface User {
  id: string;
  name: string;
  age: number;
}

/**
 * A lookup object from id to user (a later duplicate wins). The reducer copies the whole
 * accumulator on every step: O(n²) time and garbage.
 */
export function indexById(users: User[]): Record<string, User> {
  return users.reduce<Record<string, User>>((acc, u) => ({ ...acc, [u.id]: u }), {});
}
