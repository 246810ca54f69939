/**
 * One formatter for the whole call. ECMA-402 defines Number.prototype.toLocaleString(locales,
 * options) as formatting with a new Intl.NumberFormat(locales, options), so the strings are the same.
 *
 * @param {number[]} prices
 * @returns {string[]}
 */
export function formatPrices(prices) {
  const fmt = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
  const out = new Array(prices.length);
  for (let i = 0; i < prices.length; i++) {
    out[i] = fmt.format(prices[i]);
  }
  return out;
}
