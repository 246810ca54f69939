/**
 * Reads a user from the store (async, as if it were a database).
 *
 * @param {Map<number, { name: string, email: string }>} store
 * @param {number} id
 */
async function getUser(store, id) {
  return store.get(id);
}

/**
 * The public profiles of the given users, in order; ids missing from the store are skipped,
 * non-integer ids are rejected. Awaits each user one after another.
 *
 * @param {number[]} userIds
 * @param {Map<number, { name: string, email: string }>} store
 * @returns {Promise<{ id: number, name: string }[]>}
 */
export async function loadProfiles(userIds, store) {
  const profiles = [];
  for (const id of userIds) {
    if (!Number.isInteger(id)) {
      throw new TypeError(`Invalid user id: ${id}`);
    }
    const user = await getUser(store, id);
    if (user === undefined) continue;
    profiles.push({ id, name: user.name });
  }
  return profiles;
}
