/**
 * "Parallel" version with Promise.all: validates inside each mapped async callback, so the
 * rejection is the same, but it forgets that the original keeps the id as given: it stores the
 * Map's key instead, and Map keys normalise -0 to 0. loadProfiles([-0], new Map([[0, u]])) gives
 * [{ id: -0, name }] in the original and [{ id: 0, name }] here.
 *
 * @param {number[]} userIds
 * @param {Map<number, { name: string, email: string }>} store
 * @returns {Promise<{ id: number, name: string }[]>}
 */
export async function loadProfiles(userIds, store) {
  for (const id of userIds) {
    if (!Number.isInteger(id)) throw new TypeError(`Invalid user id: ${id}`);
  }
  const byId = new Map();
  for (const [key, user] of store) byId.set(key, { id: key, name: user.name });
  const found = await Promise.all(userIds.map(async (id) => byId.get(id)));
  return found.filter((p) => p !== undefined).map((p) => ({ id: p.id, name: p.name }));
}
