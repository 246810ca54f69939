export interface Post {
  title: string;
  tags: string[];
}

// O(n): one output array and a Set. Set membership and `includes` are both SameValueZero.
export function collectTags(posts: Post[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const post of posts) {
    for (const tag of post.tags) {
      if (!seen.has(tag)) {
        seen.add(tag);
        out.push(tag);
      }
    }
  }
  return out;
}
