/**
 * No await in the loop: the store lookup is synchronous underneath. Throwing inside an async
 * function rejects its promise with the same TypeError, at the same (first invalid) id.
 *
 * @param {number[]} userIds
 * @param {Map<number, { name: string, email: string }>} store
 * @returns {Promise<{ id: number, name: string }[]>}
 */
export async function loadProfiles(userIds, store) {
  const profiles = [];
  for (let i = 0; i < userIds.length; i++) {
    const id = userIds[i];
    if (!Number.isInteger(id)) {
      throw new TypeError(`Invalid user id: ${id}`);
    }
    const user = store.get(id);
    if (user === undefined) continue;
    profiles.push({ id, name: user.name });
  }
  return profiles;
}
