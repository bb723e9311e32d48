/**
 * The text `docker trust inspect` printed: its JSON (an indented array, as docker's inspector writes
 * it) and its `--pretty` layout (tables aligned as Go's tabwriter aligns them). Pure.
 */
import { naturalCompare, REPO_ADMIN, type TrustInspection } from './trustInspection';

/**
 * A JSON value as Go's `json.Marshal` then `json.Indent(…, "", "    ")` write it: four spaces, `[]`
 * for an empty list, and `<`, `>`, `&`, U+2028, U+2029 escaped as Go escapes them.
 */
export function goIndentedJson(value: unknown): string {
  return JSON.stringify(value, null, 4).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * `docker trust inspect`'s standard output for the images it could inspect: their array, or `[]`
 * when there is none, then a newline.
 */
export function inspectJsonText(entries: readonly object[]): string {
  return `${entries.length === 0 ? '[]' : goIndentedJson(entries)}\n`;
}

/**
 * Rows laid out as docker's table formatter does (Go tabwriter, minimum width 10, padding 3): every
 * column but the last padded to its widest cell plus three spaces.
 */
export function tabulate(rows: ReadonlyArray<readonly string[]>): string {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns - 1 }, (_, c) => Math.max(10, ...rows.map((r) => [...(r[c] ?? '')].length + 3)));
  return rows.map((r) => r.map((cell, c) => (c < r.length - 1 ? cell + ' '.repeat(widths[c]! - [...cell].length) : cell)).join('')).map((line) => `${line}\n`).join('');
}

/** docker's short key ID: the first 12 characters. */
const truncateId = (id: string): string => id.slice(0, 12);

const sortedBytes = (list: readonly string[]): string[] => [...list].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

/** What `docker trust inspect --pretty` printed for one image. */
export function inspectPrettyText(entry: TrustInspection): string {
  const name = entry.Name;
  let text = '';
  if (entry.SignedTags.length > 0) {
    text += `\nSignatures for ${name}\n\n`;
    text += tabulate([
      ['SIGNED TAG', 'DIGEST', 'SIGNERS'],
      ...entry.SignedTags.map((t) => {
        const signers = t.Signers.length === 1 && t.Signers[0] === REPO_ADMIN ? [`(${REPO_ADMIN})`] : sortedBytes(t.Signers);
        return [t.SignedTag, t.Digest, signers.join(', ')];
      }),
    ]);
  } else {
    text += `\nNo signatures for ${name}\n\n`;
  }
  if (entry.Signers.length > 0) {
    text += `\nList of signers and their keys for ${name}\n\n`;
    const signers = [...entry.Signers].sort((a, b) => naturalCompare(a.Name, b.Name));
    text += tabulate([['SIGNER', 'KEYS'], ...signers.map((s) => [s.Name, sortedBytes((s.Keys ?? []).map((k) => k.ID)).map(truncateId).join(', ')])]);
  }
  text += `\nAdministrative keys for ${name}\n\n`;
  // docker prints targets' keys before root's.
  for (const [label, role] of [['Repository Key', 'Repository'], ['Root Key', 'Root']] as const) {
    const keys = entry.AdministrativeKeys.find((k) => k.Name === role)?.Keys ?? [];
    text += `  ${label}:\t${sortedBytes(keys.map((k) => k.ID)).join(', ')}\n`;
  }
  return text;
}

/** `docker trust inspect --pretty` for several images: each image's text, separated by a blank line. */
export function inspectPrettyTexts(entries: readonly TrustInspection[]): string {
  return entries.map(inspectPrettyText).join('\n\n');
}
