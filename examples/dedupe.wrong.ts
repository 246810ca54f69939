// Looks right and is fast, but a Set stores -0 as +0: dedupe([-0]) returns [0], not [-0].
export function dedupe(items: number[]): number[] {
  return [...new Set(items)];
}
