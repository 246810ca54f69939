// Transposes b once (missing entries stay undefined, so x * undefined is NaN as before), then each
// cell is a plain loop doing the same additions in the same order (k = 0, 1, ...), from 0.
export function matMul(a: number[][], b: number[][]): number[][] {
  const cols = b.length === 0 ? 0 : b[0]!.length;
  const bl = b.length;
  const columns: (number | undefined)[][] = new Array(cols);
  for (let j = 0; j < cols; j++) {
    const column: (number | undefined)[] = new Array(bl);
    for (let k = 0; k < bl; k++) column[k] = b[k]![j];
    columns[j] = column;
  }
  const result: number[][] = new Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const row = a[i]!;
    const rl = row.length;
    const out: number[] = new Array(cols);
    for (let j = 0; j < cols; j++) {
      const column = columns[j]!;
      let sum = 0;
      for (let k = 0; k < rl; k++) sum = sum + row[k]! * (column[k] as number);
      out[j] = sum;
    }
    result[i] = out;
  }
  return result;
}
