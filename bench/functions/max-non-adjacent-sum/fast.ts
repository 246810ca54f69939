// Bottom-up with two variables: O(n). Each best(i) is computed from best(i + 1) and best(i + 2)
// with the very same operations (Math.max of the same two doubles), so results are bit-identical
// to the recursion, including NaN, -0 and ±Infinity.
export function maxNonAdjacentSum(values: number[]): number {
  let next1 = 0; // best(i + 1)
  let next2 = 0; // best(i + 2)
  for (let i = values.length - 1; i >= 0; i--) {
    const cur = Math.max(next1, values[i]! + next2);
    next2 = next1;
    next1 = cur;
  }
  return next1;
}
