// The textbook hash-map version: counts earlier occurrences of `target - x`. Wrong on fractions,
// where a + b === t does not imply t - b === a: for nums = [0.1, 0.2], target = 0.1 + 0.2
// (0.30000000000000004) the original counts 1 pair, this 0. (Also wrong on NaN: the Map finds NaN.)
export function countPairsWithSum(nums: number[], target: number): number {
  const seen = new Map<number, number>();
  let count = 0;
  for (const x of nums) {
    count += seen.get(target - x) ?? 0;
    seen.set(x, (seen.get(x) ?? 0) + 1);
  }
  return count;
}
