/**
 * Hoists the conversion out of the loop (good) but switches includes to indexOf, which uses
 * strict equality: NaN is never found. filterAllowed([NaN], new Set([NaN])) is [NaN] in the
 * original and [] here.
 *
 * @param {number[]} ids
 * @param {Set<number>} allowed
 * @returns {number[]}
 */
export function filterAllowed(ids, allowed) {
  const list = Array.from(allowed);
  return ids.filter((id) => list.indexOf(id) !== -1);
}
