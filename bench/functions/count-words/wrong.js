/**
 * The usual one-liner counter on a plain object. Wrong for words that name Object.prototype
 * members: countWords('constructor') returns { constructor: 'function Object() { [native code] }1' }
 * instead of { constructor: 1 } (and 'toString', 'hasOwnProperty' likewise).
 *
 * @param {string} text
 * @returns {Record<string, number>}
 */
export function countWords(text) {
  /** @type {Record<string, number>} */
  const result = {};
  for (const raw of text.split(/\s+/)) {
    if (raw === '') continue;
    const word = raw.toLowerCase();
    result[word] = (result[word] || 0) + 1;
  }
  return result;
}
