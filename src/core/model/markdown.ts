/** Markdown for text whose values come from documents, registries and trust data: escaped, never a link. */

/** Escapes every ASCII punctuation character (CommonMark backslash escapes) and folds newlines. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/** An ISO time to the minute, e.g. `2026-06-01 12:03 UTC`; anything unparsable escaped as is. */
export function utcMinute(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? escapeMarkdown(iso) : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * `text` as one inline code span, whatever it holds: newlines fold to spaces, and the fence is one
 * backtick longer than the longest run of backticks inside, so nothing can close it early.
 */
export function codeSpan(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
