/**
 * Distinguished names for `x509.subject:` trusted identities (trust-store-trust-policy.md, "Trusted
 * Identities Constraints"): the policy's DN is read as RFC 4514 text, the certificate's subject from its
 * DER, and both become a set of attribute type → value, compared order-insensitively as a subset.
 * notation-go's rules apply to both sides: no multi-valued RDNs, no repeated attribute type, no `#`
 * (BER-encoded) values, and C, ST (or S) and O must be present.
 */
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';

/** Attribute type → value, or why the DN cannot be used as an identity. */
export type SubjectAttributes = { ok: true; attributes: ReadonlyMap<string, string> } | { ok: false; reason: string };

// Go's pkix attribute names (crypto/x509/pkix `attributeTypeNames`), the names notation prints.
const TYPE_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.6': 'C',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.3': 'CN',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.17': 'POSTALCODE',
};
const MANDATORY = ['C', 'ST', 'O'];

interface Attribute {
  type: string;
  /** The string value, or undefined when the value is not a string type (printed as `#hex`). */
  value: string | undefined;
  hex: string;
}

/** The RDN sequence of a DER Name, each RDN a list of attributes. */
function rdnSequence(name: pkijs.RelativeDistinguishedNames): Attribute[][] {
  const parsed = asn1js.fromBER(name.valueBeforeDecode);
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Sequence)) return [];
  return parsed.result.valueBlock.value.map((set) =>
    (set as asn1js.Set).valueBlock.value.map((atv) => {
      const [oid, value] = (atv as asn1js.Sequence).valueBlock.value as [asn1js.ObjectIdentifier, asn1js.BaseBlock];
      const text = (value as unknown as { valueBlock?: { value?: unknown } }).valueBlock?.value;
      const dotted = oid.valueBlock.toString();
      return {
        type: TYPE_NAMES[dotted] ?? dotted,
        value: typeof text === 'string' ? text : undefined,
        hex: Buffer.from(value.toBER()).toString('hex'),
      };
    }),
  );
}

/** RFC 4514 escaping as Go's `pkix.Name.String` does it. */
function escapeValue(s: string): string {
  let out = '';
  const chars = [...s];
  chars.forEach((c, i) => {
    const escape = ',+"\\<>;'.includes(c) || (c === ' ' && (i === 0 || i === chars.length - 1)) || (c === '#' && i === 0);
    out += escape ? `\\${c}` : c;
  });
  return out;
}

/** The DN as notation prints it: last RDN first, e.g. `CN=e2e,O=Notary,L=Seattle,ST=WA,C=US`. */
export function subjectDisplay(name: pkijs.RelativeDistinguishedNames): string {
  return rdnSequence(name)
    .reverse()
    .map((rdn) => rdn.map((a) => `${a.type}=${a.value !== undefined && a.type in REVERSE_NAMES ? escapeValue(a.value) : `#${a.hex}`}`).join('+'))
    .join(',');
}
const REVERSE_NAMES: Readonly<Record<string, true>> = Object.fromEntries(Object.values(TYPE_NAMES).map((n) => [n, true]));

/** The certificate subject as identity attributes, with notation-go's `ParseDistinguishedName` rules. */
export function subjectAttributes(name: pkijs.RelativeDistinguishedNames): SubjectAttributes {
  const attributes = new Map<string, string>();
  for (const rdn of rdnSequence(name)) {
    if (rdn.length > 1) return { ok: false, reason: 'the subject has a multi-valued RDN' };
    const a = rdn[0];
    if (!a) continue;
    if (!(a.type in REVERSE_NAMES) || a.value === undefined) return { ok: false, reason: `the subject has an attribute (${a.type}) that x509.subject identities cannot name` };
    if (attributes.has(a.type)) return { ok: false, reason: `the subject has more than one ${a.type}` };
    attributes.set(a.type, a.value);
  }
  return withMandatory(attributes);
}

function withMandatory(attributes: Map<string, string>): SubjectAttributes {
  const missing = MANDATORY.filter((t) => !attributes.get(t));
  if (missing.length > 0) return { ok: false, reason: `it lacks ${missing.join(', ')} (C, ST or S, and O are required)` };
  return { ok: true, attributes };
}

/**
 * Parses the DN of an `x509.subject:` identity (RFC 4514 §3: `,` separates RDNs, `+` joins
 * multi-valued ones, `\` escapes a special character or two hex digits). Attribute types are compared
 * case-insensitively, `S` is an alias of `ST`, spaces around separators are ignored.
 */
export function parseDistinguishedName(text: string): SubjectAttributes {
  if (text.includes('=#')) return { ok: false, reason: 'values written as #hex are not supported' };
  const attributes = new Map<string, string>();
  let i = 0;
  const n = text.length;
  const skipSpaces = (): void => {
    while (i < n && text[i] === ' ') i++;
  };
  while (i < n) {
    skipSpaces();
    const eq = text.indexOf('=', i);
    if (eq < 0) return { ok: false, reason: `"${text.slice(i)}" is not TYPE=value` };
    let type = text.slice(i, eq).trim().toUpperCase();
    if (!/^(?:[A-Z][A-Z0-9-]*|[0-9]+(?:\.[0-9]+)*)$/.test(type)) return { ok: false, reason: `"${text.slice(i, eq).trim()}" is not an attribute type` };
    if (type === 'S') type = 'ST';
    i = eq + 1;
    skipSpaces();
    const bytes: number[] = [];
    let lastKept = 0; // length of the value without unescaped trailing spaces
    let end: string | undefined;
    while (i < n) {
      const c = text[i] as string;
      if (c === ',' || c === '+') {
        end = c;
        i++;
        break;
      }
      if (c === '\\') {
        const next = text.slice(i + 1, i + 3);
        if (/^[0-9a-fA-F]{2}$/.test(next)) {
          bytes.push(parseInt(next, 16));
          i += 3;
        } else if (i + 1 < n && ' "#+,;<=>\\'.includes(text[i + 1] as string)) {
          bytes.push(...Buffer.from(text[i + 1] as string, 'utf8'));
          i += 2;
        } else {
          return { ok: false, reason: `bad escape at "${text.slice(i, i + 3)}"` };
        }
        lastKept = bytes.length;
        continue;
      }
      if ('"<>;='.includes(c)) return { ok: false, reason: `"${c}" must be escaped` };
      const code = text.codePointAt(i) as number;
      const char = String.fromCodePoint(code);
      bytes.push(...Buffer.from(char, 'utf8'));
      if (c !== ' ') lastKept = bytes.length;
      i += char.length;
    }
    if (end === '+') return { ok: false, reason: 'multi-valued RDNs are not supported' };
    const value = Buffer.from(bytes.slice(0, lastKept)).toString('utf8');
    if (value === '') return { ok: false, reason: `${type} has an empty value` };
    if (attributes.has(type)) return { ok: false, reason: `${type} appears more than once` };
    attributes.set(type, value);
    if (end === ',' && i >= n) return { ok: false, reason: 'the DN ends with a comma' };
  }
  return withMandatory(attributes);
}

/** Does every attribute of `identity` appear with the same value in `subject` (notation's `IsSubsetDN`)? */
export function isSubsetDN(identity: ReadonlyMap<string, string>, subject: ReadonlyMap<string, string>): boolean {
  for (const [type, value] of identity) if (subject.get(type) !== value) return false;
  return true;
}
