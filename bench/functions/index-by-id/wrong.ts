export interface User {
  id: string;
  name: string;
  age: number;
}

// The obvious mutable loop. Wrong for the id '__proto__': `acc['__proto__'] = u` sets the
// prototype of the result to u instead of creating an own property, so
// indexById([{ id: '__proto__', name: 'a', age: 1 }]) returns {} (with prototype u) instead of
// { ['__proto__']: u }.
export function indexById(users: User[]): Record<string, User> {
  const acc: Record<string, User> = {};
  for (const u of users) {
    acc[u.id] = u;
  }
  return acc;
}
