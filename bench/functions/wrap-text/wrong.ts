// Tracks the line length but forgets that a "word" can contain a newline. Differs on
// wrapText('ab\ncd ef', 5): original 'ab\ncd ef' (the line 'cd' has room for ' ef'),
// this one 'ab\ncd\nef' (it thinks the line is 'ab\ncd', 5 characters long).
export function wrapText(text: string, width: number): string {
  let out = '';
  let lineLen = 0;
  for (const word of text.split(' ')) {
    if (lineLen === 0) {
      out += word;
      lineLen = word.length;
    } else if (lineLen + 1 + word.length <= width) {
      out += ' ' + word;
      lineLen += 1 + word.length;
    } else {
      out += '\n' + word;
      lineLen = word.length;
    }
  }
  return out;
}
