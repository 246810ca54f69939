// A common DP rewrite that "simplifies" with a comparison instead of Math.max. Wrong on NaN:
// `take > skip ? take : skip` picks skip when take is NaN, while Math.max returns NaN. maxNonAdjacentSum([NaN])
// is NaN in the original, 0 here.
export function maxNonAdjacentSum(values: number[]): number {
  let next1 = 0;
  let next2 = 0;
  for (let i = values.length - 1; i >= 0; i--) {
    const take = values[i]! + next2;
    const cur = take > next1 ? take : next1;
    next2 = next1;
    next1 = cur;
  }
  return next1;
}
