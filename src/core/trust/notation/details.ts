/**
 * What the Signers view and the hover show of a repository's Notation signatures. Notation keeps no
 * list of signers per repository (each signature belongs to one image digest), so these are the
 * signers of the repository's references that were checked, with how each signature fared.
 */
import { escapeMarkdown, utcMinute } from '../../model/markdown';
import type { CheckResult } from '../checkResult';
import { expiryBadge } from '../expiryBadge';
import type { DetailsGroup, DetailsRole, DetailsTag, HoverDetails, HoverExpiry, RepositoryKey, SignedTag, TrustDetails } from '../trustDetails';
import type { NotationEntry } from './notationBackend';
import type { NotationSignatureResult, RevocationStatus } from './result';
import { certificateRenewal, signatureRenewal } from './renewal';
import { NOTATION_SCHEME } from './signatureEvidence';

const REVOCATION_WORDS: Readonly<Record<RevocationStatus, string>> = {
  good: 'good (not revoked)',
  revoked: 'revoked',
  unknown: 'unknown (no usable OCSP or CRL answer)',
  'not-checked': 'not checked',
};

/** `CN=e2e,O=Notary,…` → `e2e`; the whole DN when it has no CN. */
function commonName(dn: string): string {
  return /(?:^|,)\s*CN=((?:\\.|[^,])*)/.exec(dn)?.[1] ?? dn;
}

function signingTimeText(s: NotationSignatureResult): string {
  if (!s.signingTime) return 'unknown';
  const when = utcMinute(s.signingTime);
  if (s.timestamp && s.timestampAuthority) return `${when}, authenticated by the timestamp of ${s.timestampAuthority} (${utcMinute(s.timestamp)})`;
  if (s.timeAuthenticated) return `${when}, authenticated by the signing authority`;
  return `${when}, as the signer claims (no trusted timestamp)`;
}

/** Plain lines about one signature: who, how, when, until when, revocation. */
export function signatureLines(s: NotationSignatureResult): string[] {
  const lines: string[] = [];
  if (s.signer) {
    lines.push(`Signer: ${s.signer.subject}`, `Issuer: ${s.signer.issuer}`);
  }
  if (s.signingScheme) lines.push(`Signing scheme: ${s.signingScheme}`);
  lines.push(`Signing time: ${signingTimeText(s)}`);
  lines.push(`Expiry: ${s.expiry ? utcMinute(s.expiry) : 'none set by the signer'}`);
  lines.push(`Revocation: ${REVOCATION_WORDS[s.revocation]}`);
  if (s.policy) lines.push(`Trust policy: ${s.policy}`);
  return lines;
}

function roleOf(s: NotationSignatureResult, references: readonly string[], now: number, warningDays: number): DetailsRole | undefined {
  if (!s.signer) return undefined;
  return {
    kind: 'role',
    id: s.signer.subject,
    label: commonName(s.signer.subject),
    description: `${s.status === 'signed' ? 'verified' : s.status} · ${commonName(s.signer.issuer)}`,
    tooltip: [...signatureLines(s), `Signed: ${references.join(', ')}`],
    icon: s.status === 'signed' ? 'verified' : 'person',
    warning: s.status !== 'signed',
    ...(s.expiry ? { badge: expiryBadge(Date.parse(s.expiry), now, warningDays) } : {}),
    keys: [{
      id: s.signer.thumbprints[0] ?? '',
      shortId: (s.signer.thumbprints[0] ?? '').slice(0, 7),
      keytype: 'x509',
      holders: [commonName(s.signer.subject)],
      description: `certificate, valid until ${utcMinute(s.signer.notAfter)}`,
      tooltip: [`SHA-256 thumbprint ${s.signer.thumbprints[0] ?? ''}`, `Subject: ${s.signer.subject}`, `Issuer: ${s.signer.issuer}`],
    }],
    counted: true,
    context: 'role',
  };
}

/** The details of a repository from its checked references' Notation verdicts. */
export function notationDetails(key: RepositoryKey, entries: readonly NotationEntry[], now: number, warningDays: number): TrustDetails {
  const signers = new Map<string, { signature: NotationSignatureResult; references: string[] }>();
  const tags: DetailsTag[] = [];
  const signedTags: SignedTag[] = [];
  for (const e of entries) {
    for (const s of e.result.signatures) {
      if (!s.signer) continue;
      const known = signers.get(s.signer.subject);
      // A verified signature of the signer is the one shown.
      if (!known || (known.signature.status !== 'signed' && s.status === 'signed')) signers.set(s.signer.subject, { signature: s, references: [...(known?.references ?? []), e.reference] });
      else known.references.push(e.reference);
    }
    if (e.result.status === 'signed' && e.result.signedDigest && e.result.signature?.signer) {
      const who = commonName(e.result.signature.signer.subject);
      if (e.tag) {
        tags.push({ kind: 'tag', tag: e.tag, digest: e.result.signedDigest, signers: [who], signedBy: who });
        signedTags.push({ tag: e.tag, digest: e.result.signedDigest, role: NOTATION_SCHEME, signers: [who] });
      }
    }
  }
  const roles = [...signers.values()].map((v) => roleOf(v.signature, [...new Set(v.references)], now, warningDays)).filter((r): r is DetailsRole => r !== undefined);
  const groups: DetailsGroup[] = [
    { id: 'signers', label: 'Notation signers', icon: 'organization', empty: 'No Notation signature found in the checked references', items: roles },
    { id: 'tags', label: 'Notation-signed tags', icon: 'tag', empty: 'No checked tag has a trusted Notation signature', items: tags },
  ];
  const byReference = new Map(entries.map((e) => [e.reference, e]));
  return {
    scheme: NOTATION_SCHEME,
    key,
    groups,
    signedTags,
    notes: [`Notation signatures read from ${key.server}`],
    hoverFor: (result: CheckResult, at: number, days: number): HoverDetails => hoverFor(result, byReference, at, days),
  };
}

function hoverFor(result: CheckResult, byReference: ReadonlyMap<string, NotationEntry>, now: number, warningDays: number): HoverDetails {
  if (result.target.kind !== 'reference') return { facts: [], expiries: [] };
  const entry = byReference.get(result.target.occurrence.ref.reference);
  if (!entry) return { facts: [], expiries: [] };
  const facts: string[] = [];
  const expiries: HoverExpiry[] = [];
  entry.result.signatures.forEach((s, i) => {
    const label = entry.result.signatures.length > 1 ? `Notation signature ${i + 1} (${s.status})` : `Notation signature (${s.status})`;
    facts.push(`${escapeMarkdown(label)}:`, ...signatureLines(s).map((l) => `· ${escapeMarkdown(l)}`));
    if (s.status !== 'signed') return;
    const digest = entry.result.signedDigest;
    if (s.expiry) expiries.push({ role: 'Notation signature', badge: expiryBadge(Date.parse(s.expiry), now, warningDays), soonest: expiries.length === 0, ...signatureRenewal(entry.repository, digest) });
    // Checked at the time of use (no trusted timestamp), the certificate expires for the verdict too.
    if (s.signer && !s.timeAuthenticated) {
      expiries.push({ role: `certificate of ${s.signer.subject}`, badge: expiryBadge(Date.parse(s.signer.notAfter), now, warningDays), soonest: false, ...certificateRenewal(entry.repository, digest) });
    }
  });
  if (entry.result.status === 'not-verified') facts.push('Notation: not verified by policy (level skip)');
  return { facts, expiries, scheme: NOTATION_SCHEME };
}
