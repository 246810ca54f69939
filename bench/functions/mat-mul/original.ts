/**
 * Matrix product a × b (b's column count is its first row's length). For every cell it copies
 * a column of b out with `map` and folds the row with `reduce`: O(n³) time plus O(n³) garbage.
 * Ragged or mismatched inputs give NaN where an entry is missing (x * undefined).
 */
export function matMul(a: number[][], b: number[][]): number[][] {
  const cols = b.length === 0 ? 0 : b[0]!.length;
  return a.map((row) => {
    const out: number[] = [];
    for (let j = 0; j < cols; j++) {
      const column = b.map((r) => r[j]);
      out.push(row.reduce((sum, x, k) => sum + x * (column[k] as number), 0));
    }
    return out;
  });
}
