// O(n) when every value is an integer of magnitude <= 2^51: then every sum a + b is exact, so
// a + b === target  <=>  a === target - b, and a Map counts the earlier partners of each element.
// Anything else (fractions, NaN, ±Infinity, huge values) falls back to the exact quadratic scan,
// because in floating point a + b === t does not follow from t - b === a (nor the converse).
const LIMIT = 2 ** 51;

export function countPairsWithSum(nums: number[], target: number): number {
  const n = nums.length;
  let exact = true;
  for (let i = 0; i < n; i++) {
    const x = nums[i]!;
    if (!Number.isInteger(x) || x > LIMIT || x < -LIMIT) {
      exact = false;
      break;
    }
  }
  if (!exact) {
    let count = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        if (nums[i]! + nums[j]! === target) count++;
      }
    }
    return count;
  }
  // All sums are integers in [-2^52, 2^52]: no other target can be hit.
  if (!Number.isInteger(target) || target > 2 * LIMIT || target < -2 * LIMIT) return 0;
  const seen = new Map<number, number>(); // value -> how many times it occurred so far (-0 and 0 together, as === does)
  let count = 0;
  for (let j = 0; j < n; j++) {
    const x = nums[j]!;
    const partners = seen.get(target - x);
    if (partners !== undefined) count += partners;
    seen.set(x, (seen.get(x) ?? 0) + 1);
  }
  return count;
}
