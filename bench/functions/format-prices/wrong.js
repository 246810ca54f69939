/**
 * "Faster" hand-rolled formatting. Wrong on negative zero (and NaN, ±Infinity, huge values):
 * formatPrices([-0]) gives '$0.00' here but '-$0.00' from Intl; also rounding of values like
 * 1.005 differs (toFixed works on the binary value, Intl rounds the decimal half-expand).
 *
 * @param {number[]} prices
 * @returns {string[]}
 */
export function formatPrices(prices) {
  return prices.map((p) => {
    const sign = p < 0 ? '-' : '';
    const [int, frac] = Math.abs(p).toFixed(2).split('.');
    return `${sign}$${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
  });
}
