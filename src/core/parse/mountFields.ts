/**
 * The comma-separated fields of a `RUN --mount=…` value, as buildkit reads them with go-csvvalue
 * (frontend/dockerfile/instructions/commands_runmount.go, `parseMount`): a field may be double-quoted,
 * `""` inside quotes is a quote, and a stray quote is an error.
 */

export interface MountField {
  key: string;
  /** Whether the field has `=` (buildkit ignores `from` without one while parsing). */
  hasValue: boolean;
  value: string;
  /** Offsets of the value in the flag value (inside quotes for a quoted field). */
  valueStart: number;
  valueEnd: number;
}

/** The `key=value` fields of a mount; throws buildkit's error for malformed CSV. */
export function mountFields(text: string): MountField[] {
  const fields: MountField[] = [];
  if (text === '') return fields;
  let i = 0;
  for (;;) {
    let content = '';
    let start: number;
    let end: number;
    if (text[i] === '"') {
      start = i + 1;
      let k = start;
      for (;;) {
        const q = text.indexOf('"', k);
        if (q < 0) throw new Error('failed to parse csv mounts: extraneous or missing " in quoted-field');
        if (text[q + 1] === '"') {
          content += `${text.slice(k, q)}"`;
          k = q + 2;
          continue;
        }
        content += text.slice(k, q);
        end = q;
        i = q + 1;
        break;
      }
      if (i < text.length && text[i] !== ',') throw new Error('failed to parse csv mounts: extraneous or missing " in quoted-field');
    } else {
      const comma = text.indexOf(',', i);
      end = comma < 0 ? text.length : comma;
      start = i;
      content = text.slice(i, end);
      if (content.includes('"')) throw new Error('failed to parse csv mounts: bare " in non-quoted-field');
      i = end;
    }
    const eq = content.indexOf('=');
    const key = (eq < 0 ? content : content.slice(0, eq)).toLowerCase();
    // The value's offsets: exact for an unquoted field, the quoted span for a quoted one.
    const keyLength = eq < 0 ? content.length : eq + 1;
    fields.push({ key, hasValue: eq >= 0, value: eq < 0 ? '' : content.slice(eq + 1), valueStart: Math.min(start + keyLength, end), valueEnd: end });
    if (i >= text.length) return fields;
    i += 1;
  }
}
