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
