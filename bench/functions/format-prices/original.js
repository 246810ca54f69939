/**
 * Formats amounts as US dollars. `toLocaleString` with options builds a new Intl.NumberFormat
 * (locale negotiation, option parsing) on every call.
 *
 * @param {number[]} prices
 * @returns {string[]}
 */
export function formatPrices(prices) {
  const out = [];
  for (const p of prices) {
    out.push(p.toLocaleString('en-US', { style: 'currency', currency: 'USD' }));
  }
  return out;
}
