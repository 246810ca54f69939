/**
 * O(n): Set.prototype.has and Array.prototype.includes both use SameValueZero (NaN finds NaN,
 * -0 finds 0), so membership is the same; the kept values are the caller's own (-0 stays -0).
 *
 * @param {number[]} ids
 * @param {Set<number>} allowed
 * @returns {number[]}
 */
export function filterAllowed(ids, allowed) {
  const out = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (allowed.has(id)) out.push(id);
  }
  return out;
}
