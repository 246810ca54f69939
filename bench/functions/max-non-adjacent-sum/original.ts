/**
 * The largest sum of values with no two neighbours both taken (the "house robber" problem);
 * taking nothing gives 0. Plain recursion without memo: best(i) recomputes best(i + 2) through
 * best(i + 1), so the call count grows like Fibonacci(n).
 */
export function maxNonAdjacentSum(values: number[]): number {
  function best(i: number): number {
    if (i >= values.length) return 0;
    return Math.max(best(i + 1), values[i]! + best(i + 2));
  }
  return best(0);
}
