/**
 * The ids that are in the allowed set, in order (duplicates kept). Converts the Set to an array
 * for every id and scans it: O(n · m).
 *
 * @param {number[]} ids
 * @param {Set<number>} allowed
 * @returns {number[]}
 */
export function filterAllowed(ids, allowed) {
  return ids.filter((id) => Array.from(allowed).includes(id));
}
