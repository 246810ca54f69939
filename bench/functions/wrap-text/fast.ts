// O(n): keeps the length of the current (last) line instead of re-splitting the output. A word
// may itself contain '\n' (the original splits on spaces only), in which case the current line
// becomes the part after the word's last newline, exactly what out.split('\n').pop() would see.
export function wrapText(text: string, width: number): string {
  let out = '';
  let lineLen = 0;
  for (const word of text.split(' ')) {
    const nl = word.lastIndexOf('\n');
    if (lineLen === 0) {
      out += word;
      lineLen = nl === -1 ? word.length : word.length - nl - 1;
    } else if (lineLen + 1 + word.length <= width) {
      out += ' ' + word;
      lineLen = nl === -1 ? lineLen + 1 + word.length : word.length - nl - 1;
    } else {
      out += '\n' + word;
      lineLen = nl === -1 ? word.length : word.length - nl - 1;
    }
  }
  return out;
}
