/**
 * Counts case-insensitive word occurrences, in order of first appearance.
 * Looks each word up with `indexOf` in an array of the words seen so far: O(n · distinct words).
 *
 * @param {string} text
 * @returns {Record<string, number>}
 */
export function countWords(text) {
  /** @type {string[]} */
  const words = [];
  /** @type {number[]} */
  const counts = [];
  for (const raw of text.split(/\s+/)) {
    if (raw === '') continue;
    const word = raw.toLowerCase();
    const idx = words.indexOf(word);
    if (idx === -1) {
      words.push(word);
      counts.push(1);
    } else {
      counts[idx] += 1;
    }
  }
  /** @type {Record<string, number>} */
  const result = {};
  for (let i = 0; i < words.length; i++) {
    result[words[i]] = counts[i];
  }
  return result;
}
