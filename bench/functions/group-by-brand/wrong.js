/**
 * The idiomatic `??=` version. Wrong for brands named like Object.prototype members:
 * groups['constructor'] already exists (it is Object), so nothing is created and `.push` throws
 * TypeError. groupByBrand([{ brand: 'constructor', name: 'x', price: 1 }]) returns
 * { constructor: [...] } in the original and throws here.
 *
 * @param {{ brand: string, name: string, price: number }[]} products
 * @returns {Record<string, { brand: string, name: string, price: number }[]>}
 */
export function groupByBrand(products) {
  /** @type {Record<string, { brand: string, name: string, price: number }[]>} */
  const groups = {};
  for (const p of products) {
    (groups[p.brand] ??= []).push(p);
  }
  return groups;
}
