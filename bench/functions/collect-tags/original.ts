export interface Post {
  title: string;
  tags: string[];
}

/**
 * All distinct tags, in order of first appearance. Each step copies the accumulator with a
 * spread and scans it with `includes`: O(n²).
 */
export function collectTags(posts: Post[]): string[] {
  return posts.reduce<string[]>((acc, post) => {
    for (const tag of post.tags) {
      if (!acc.includes(tag)) {
        acc = [...acc, tag];
      }
    }
    return acc;
  }, []);
}
