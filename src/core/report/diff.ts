/** Unified diffs of the user's file, for reports and the editor. */
import path from 'node:path';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';

/** The path shown in diff headers: relative to the working directory when inside it, else the basename. */
function headerPath(filePath: string): string {
  const abs = path.resolve(filePath);
  const rel = path.relative(process.cwd(), abs);
  if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  return path.basename(abs);
}

/** A unified diff from `before` to `after` with `a/<path>` and `b/<path>` headers; '' when identical. */
export function unifiedDiff(filePath: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const name = headerPath(filePath);
  return createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, undefined, undefined, { context, headerOptions: FILE_HEADERS_ONLY });
}
