/**
 * O(n): a Map counts (safe for keys like 'constructor' and '__proto__'; Map keeps first-appearance
 * order). The result object is then built exactly as the original builds it, with plain
 * assignment in the same order, so even `result['__proto__'] = n` behaves the same (it is ignored).
 *
 * @param {string} text
 * @returns {Record<string, number>}
 */
export function countWords(text) {
  /** @type {Map<string, number>} */
  const counts = new Map();
  for (const raw of text.split(/\s+/)) {
    if (raw === '') continue;
    const word = raw.toLowerCase();
    const c = counts.get(word);
    counts.set(word, c === undefined ? 1 : c + 1);
  }
  /** @type {Record<string, number>} */
  const result = {};
  for (const [word, c] of counts) {
    result[word] = c;
  }
  return result;
}
