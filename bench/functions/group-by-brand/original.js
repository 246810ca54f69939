/**
 * Groups products by brand, groups in order of first appearance. Checks for an existing
 * group with Object.keys(...).includes, which builds and scans the key list per product.
 *
 * @param {{ brand: string, name: string, price: number }[]} products
 * @returns {Record<string, { brand: string, name: string, price: number }[]>}
 */
export function groupByBrand(products) {
  /** @type {Record<string, { brand: string, name: string, price: number }[]>} */
  const groups = {};
  for (const p of products) {
    if (!Object.keys(groups).includes(p.brand)) {
      groups[p.brand] = [];
    }
    groups[p.brand].push(p);
  }
  return groups;
}
