/** One replacement of `before[start, end)` by `text`. */
export interface OffsetEdit {
  start: number;
  end: number;
  text: string;
}

/**
 * The smallest single replacement that turns `before` into `after` (common prefix and suffix kept),
 * so an editor edit touches, and undo restores, only what changed.
 */
export function minimalEdit(before: string, after: string): OffsetEdit {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start += 1;
  // Never split a surrogate pair.
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start -= 1;
  let tail = 0;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail += 1;
  if (tail > 0 && isHighSurrogate(before.charCodeAt(before.length - 1 - tail))) tail -= 1;
  return { start, end: before.length - tail, text: after.slice(start, after.length - tail) };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
