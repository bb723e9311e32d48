/**
 * Fixes of images written as separate fields (a kustomize `images:` entry, a Helm `image:` map): the
 * digest goes into its `digest:` field, set or added as a new line beside the others, or after the tag
 * as `tag@sha256:…` where the map has no digest field; quotes, comments and the other fields stay.
 */
import type { ImageOccurrence, WrittenField } from '../model/occurrence';
import type { Position, Range } from '../model/range';
import type { TextAt } from './editTarget';
import type { PlannedFix } from './pinFix';

interface Edit {
  at: Range;
  text: string;
}

/** Values a YAML plain scalar would not read back as the same string (numbers, booleans, null). */
const NOT_A_PLAIN_STRING = /^(?:[-+]?(?:\d[\d_]*)?(?:\.\d*)?(?:[eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+|true|false|yes|no|on|off|null|~|\.inf|\.nan)$/i;

const after = (p: Position, n = 0): Range => ({ start: { line: p.line, character: p.character + n }, end: { line: p.line, character: p.character + n } });
const compare = (a: Position, b: Position) => a.line - b.line || a.character - b.character;

/** A field's new text, quoted when it is written plain and YAML would read the new value as something other than a string. */
function setField(field: WrittenField, value: string, textAt: TextAt): Edit {
  const { start } = field.range;
  const before = start.character > 0 ? textAt({ start: { line: start.line, character: start.character - 1 }, end: start }) : '';
  const quoted = before === '"' || before === "'";
  if (!quoted && before === ':') return { at: field.range, text: ` ${value}` };
  return { at: field.range, text: !quoted && NOT_A_PLAIN_STRING.test(value) ? `"${value}"` : value };
}

/**
 * One replacement setting the digest (and, for a switch, the tag) of an image written as fields, or
 * the reason it cannot be done; undefined when the document changed since the check.
 */
export function fieldFix(occurrence: ImageOccurrence, textAt: TextAt, action: string, change: { digest: string; tag?: string }): PlannedFix | undefined {
  const fields = occurrence.fields!;
  for (const field of [fields.tag, fields.digest]) if (field && textAt(field.range) !== field.text) return undefined;
  const edits: Edit[] = [];
  const inserts: string[] = [];
  if (fields.pin === 'tag-suffix') {
    if (!fields.tag) {
      return { kind: 'disabled', reason: `The tag comes from the chart's appVersion and this image has no digest: field, so TrustLens cannot ${action} safely. Add a tag: or digest: to the map.` };
    }
    const tag = change.tag ?? fields.tag.text.replace(/@.*$/, '');
    edits.push(setField(fields.tag, `${tag}@${change.digest}`, textAt));
  } else {
    if (change.tag !== undefined) {
      if (fields.tag) edits.push(setField(fields.tag, change.tag, textAt));
      else inserts.push(`${fields.tagKey}: "${change.tag}"`);
    }
    if (fields.digest) edits.push(setField(fields.digest, change.digest, textAt));
    else inserts.push(`digest: ${change.digest}`);
  }
  if (inserts.length > 0) {
    if (!fields.insert) return { kind: 'disabled', reason: `The image is written as a flow map, so TrustLens cannot ${action} safely.` };
    edits.push({ at: after(fields.insert.after), text: inserts.map((line) => `\n${fields.insert!.indent}${line}`).join('') });
  }
  edits.sort((a, b) => compare(a.at.start, b.at.start));
  // One replacement from the first edit to the last, the text between them kept.
  const range: Range = { start: edits[0]!.at.start, end: edits[edits.length - 1]!.at.end };
  let newText = '';
  for (let i = 0; i < edits.length; i += 1) {
    newText += edits[i]!.text;
    const next = edits[i + 1];
    if (next) newText += textAt({ start: edits[i]!.at.end, end: next.at.start });
  }
  return { kind: 'edit', replacement: { range, oldText: textAt(range), newText, arg: null } };
}
