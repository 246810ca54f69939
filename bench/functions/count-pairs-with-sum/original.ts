/**
 * How many index pairs i < j have nums[i] + nums[j] === target. Two nested loops: O(n²).
 */
export function countPairsWithSum(nums: number[], target: number): number {
  let count = 0;
  for (let i = 0; i < nums.length; i++) {
    for (let j = i + 1; j < nums.length; j++) {
      if (nums[i]! + nums[j]! === target) {
        count++;
      }
    }
  }
  return count;
}
