import type { JsonPathSegment } from './stream.js';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Formats a JSON path the way a JavaScript reader would write it: `runs[0].results[3]`,
 * `properties["security-severity"]`. The root (an empty path) is the empty string.
 */
export function pathToString(path: readonly JsonPathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** `at runs[0].results` or `at the root`, for error messages. */
export function describePath(path: readonly JsonPathSegment[]): string {
  return path.length === 0 ? 'at the root' : `at ${pathToString(path)}`;
}
