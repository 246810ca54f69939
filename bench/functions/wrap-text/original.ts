/**
 * Greedy word wrap: words (separated by single spaces) go on the current line while it stays
 * within `width` characters. Finds the current line by splitting everything written so far,
 * for every word: O(n²) in the length of the text.
 */
export function wrapText(text: string, width: number): string {
  let out = '';
  for (const word of text.split(' ')) {
    const lastLine = out.split('\n').pop() ?? '';
    if (lastLine.length === 0) {
      out += word;
    } else if (lastLine.length + 1 + word.length <= width) {
      out += ' ' + word;
    } else {
      out += '\n' + word;
    }
  }
  return out;
}
