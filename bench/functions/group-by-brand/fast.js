/**
 * O(n): every key of `groups` is an own enumerable string key created by assignment, so
 * Object.keys(groups).includes(c) is exactly Object.hasOwn(groups, c). Keeping the same plain
 * object and the same assignments keeps every quirk of the original, e.g. a '__proto__' brand
 * (never an own key: each assignment replaces the prototype with a fresh array).
 *
 * @param {{ brand: string, name: string, price: number }[]} products
 * @returns {Record<string, { brand: string, name: string, price: number }[]>}
 */
export function groupByBrand(products) {
  /** @type {Record<string, { brand: string, name: string, price: number }[]>} */
  const groups = {};
  for (let i = 0; i < products.length; i++) {
    const p = products[i];
    const c = p.brand;
    if (!Object.hasOwn(groups, c)) {
      groups[c] = [];
    }
    groups[c].push(p);
  }
  return groups;
}
