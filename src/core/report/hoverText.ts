/**
 * The hover over an image reference, as Markdown: the verdict in words, the signed digest and its
 * kind, the role and signers, every role's expiry with the soonest one marked, the trust server, how
 * the root was pinned, and the findings with the technical detail some carry. Every value that comes
 * from a document, a registry or trust data is escaped, so the text can never add a link, an image or
 * a command.
 */
import { familiarRepository } from '../model/imageRef';
import type { Severity } from '../model/findings';
import { codeSpan, escapeMarkdown } from '../model/markdown';
import { utcDay } from '../model/time';
import type { CheckResult, SignatureResult, SignerEvidence } from '../trust/checkResult';
import { expiryBadge } from '../trust/expiryBadge';
import type { HoverDetails, HoverExpiry } from '../trust/trustDetails';
import type { ManifestKind } from './manifestKind';
import { STATUS_SHORT, verdictHeadline } from './statusSummary';

export { escapeMarkdown };

/** Everything a hover shows. */
export interface HoverInput {
  /** The verdict of the reference under the pointer. */
  readonly result: CheckResult;
  /** What the backend adds from verified data (how it was verified, each expiry); absent when not verified or not at hand. */
  readonly details?: HoverDetails;
  /** The kind of the signed digest; absent when there is no signed digest. */
  readonly manifest?: ManifestKind;
  readonly now: Date;
  /** The expiry warning window in days, e.g. `30`. */
  readonly expiryWarningDays: number;
  /** A `command:` URI that reveals the repository in the Signers view, when one may be offered. */
  readonly showSignersUri?: string;
  /** The editor's own level for `unverifiable` findings (as its diagnostics use), e.g. `info`. */
  readonly unverifiableLevel?: Severity;
}

function kindText(kind: ManifestKind | undefined): string {
  if (!kind) return '';
  switch (kind.kind) {
    case 'index':
      return 'multi-platform index';
    case 'manifest':
      return 'platform manifest';
    case 'unknown':
      switch (kind.reason) {
        case 'unreachable':
          return 'kind unknown (registry unreachable)';
        case 'not-found':
          return 'kind unknown (not found in the registry)';
        case 'denied':
          return 'kind unknown (the registry refused access)';
        case 'pending':
          return 'kind unknown (the registry has not answered yet)';
        case 'failed':
          return `kind unknown (${kind.detail ? escapeMarkdown(kind.detail) : 'the registry gave no usable answer'})`;
      }
  }
}

const SEVERITY_WORDS: Readonly<Record<Severity, string>> = { error: 'Error', warning: 'Warning', info: 'Info', hint: 'Hint', ignore: 'Ignored' };

/** `in 3 days`, `today`, `3 days ago`. */
function relative(daysLeft: number): string {
  if (daysLeft > 1) return `in ${daysLeft} days`;
  if (daysLeft === 1) return 'within a day';
  if (daysLeft === 0) return 'today';
  return `${-daysLeft} day${daysLeft === -1 ? '' : 's'} ago`;
}

/** How it is renewed, on a line of its own inside the item: `Renewed by …: \`command\``. */
function renewalText(e: Pick<HoverExpiry, 'renewedBy' | 'renewCommand'>): string {
  if (e.renewedBy === undefined && e.renewCommand === undefined) return '';
  const who = e.renewedBy !== undefined ? `Renewed by ${escapeMarkdown(e.renewedBy)}` : 'Renewed with';
  return `  \n  ${who}${e.renewCommand !== undefined ? `: ${codeSpan(e.renewCommand)}` : ''}`;
}

function expiryLine(e: HoverExpiry): string {
  // What the trust server renews by itself is never "within the warning window": it renews it long before.
  const automatic = e.role === 'timestamp' || (e.renewedBy?.startsWith('the trust server') ?? false);
  const state = e.badge.state === 'expired' ? ', expired' : e.badge.state === 'soon' && !automatic ? ', within the warning window' : '';
  const text = `${escapeMarkdown(e.role)}: ${e.badge.day} (${relative(e.badge.daysLeft)}${state}${e.note ? `; ${e.note}` : ''})`;
  return `${e.soonest ? `- **${text} — soonest**` : `- ${text}`}${renewalText(e)}`;
}

/** The expiries of the schemes the details do not cover, from their evidence, e.g. a cosign certificate. */
function evidenceExpiries(signatures: readonly SignatureResult[], covered: string | undefined, now: number, warningDays: number): HoverExpiry[] {
  const several = new Set(signatures.map((s) => s.scheme)).size > 1;
  return signatures
    .filter((s) => s.scheme !== covered && s.status === 'signed')
    .flatMap((s) => s.expires.map((e): HoverExpiry => ({
      role: several ? `${s.scheme}: ${e.what}` : e.what,
      badge: expiryBadge(Date.parse(e.expires), now, warningDays),
      soonest: false,
      ...(e.renewedBy !== undefined ? { renewedBy: e.renewedBy } : {}),
      ...(e.renewCommand !== undefined ? { renewCommand: e.renewCommand } : {}),
    })))
    .filter((e) => !Number.isNaN(e.badge.expiresAt));
}

/** `sha256:<64 hex>` in a code span (validated, so it cannot break out), anything else escaped. */
function digestText(digest: string): string {
  return /^sha256:[0-9a-f]{64}$/.test(digest) ? `\`${digest}\`` : escapeMarkdown(digest);
}

/**
 * The image as written, e.g. `alpine:3.19`, for the title. A pinned digest that is the signed one is
 * shortened there, as the signed digest follows in full.
 */
function title(result: CheckResult): string {
  if (result.target.kind === 'skipped') return escapeMarkdown(result.target.skipped.text);
  const { ref } = result.target.occurrence;
  const name = familiarRepository(ref.repository);
  const digest = ref.digest && ref.digest === result.signedDigest && /^sha256:[0-9a-f]{64}$/.test(ref.digest) ? `\`${ref.digest.slice(0, 19)}…\`` : ref.digest && digestText(ref.digest);
  return escapeMarkdown(`${name}${ref.tag ? `:${ref.tag}` : ref.digest ? '' : ':latest'}`) + (digest ? `@${digest}` : '');
}

function signersText(result: CheckResult): string {
  if (result.signers.length > 0) return result.signers.map(escapeMarkdown).join(', ');
  if (result.role === 'targets') return 'the repository key (Repo Admin)';
  return 'no individual signer';
}

/** An ISO time to the minute, e.g. `2026-06-01 12:03 UTC`; anything unparsable as is. */
function minute(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** One signature's signer: who (identity or key), issuer, key ID, log entry, certificate validity, trust. */
function signerLine(s: SignerEvidence): string {
  const parts: string[] = [];
  if (s.identity !== undefined && s.identity !== s.name) parts.push(`identity ${s.identity}`);
  if (s.issuer !== undefined) parts.push(`issuer ${s.issuer}`);
  if (s.keyIds.length > 0) parts.push(`key ID ${s.keyIds.map((k) => k.slice(0, 12)).join(', ')}`);
  if (s.logEntry) parts.push(`transparency log index ${s.logEntry.index}${s.logEntry.integratedTime ? ` at ${minute(s.logEntry.integratedTime)}` : ''}`);
  if (s.validity) parts.push(`certificate valid ${minute(s.validity.notBefore)} to ${minute(s.validity.notAfter)}`);
  // A logged signature was made while its certificate was valid: the certificate's end never expires it.
  if (s.validity && s.logEntry) parts.push('logged while the certificate was valid, so its end does not expire the signature: nothing to renew');
  if (s.trusted === false) parts.push('no rule trusts this signer');
  return `  - ${escapeMarkdown(s.name)}${parts.length > 0 ? ` — ${escapeMarkdown(parts.join('; '))}` : ''}`;
}

/** Each scheme that checked the reference, with its verdict and, per signature, who signed. */
function signatureLines(signatures: readonly SignatureResult[]): string[] {
  const lines: string[] = [];
  for (const s of signatures) {
    lines.push(`- ${escapeMarkdown(s.scheme)}: ${escapeMarkdown(STATUS_SHORT[s.status])}`);
    // DCT-style signers (a role, no certificate) are named in "Signed by" already.
    for (const signer of s.signers) if (signer.role === undefined) lines.push(signerLine(signer));
  }
  return lines;
}

/** The hover's Markdown. Pure: the same input gives the same text. */
export function hoverMarkdown(input: HoverInput): string {
  const { result, details } = input;
  const lines: string[] = [];
  lines.push(`**TrustLens** · ${title(result)}`, '');
  // The verdict first: a signed tag the policy fails never opens with "Signed".
  lines.push(`**${verdictHeadline(result, escapeMarkdown)}**`, '');

  const facts: string[] = [];
  if (result.target.kind === 'reference') facts.push(`Repository: ${escapeMarkdown(result.target.occurrence.ref.repository)}`);
  if (result.scheme) facts.push(`Verified with: ${escapeMarkdown(result.scheme)}`);
  if (result.signedDigest) {
    const kind = kindText(input.manifest);
    facts.push(`Signed digest: ${digestText(result.signedDigest)}${kind ? ` — ${kind}` : ''}`);
  }
  if (result.role) facts.push(`Role: ${escapeMarkdown(result.role)}`);
  if (result.signedDigest) facts.push(`Signed by: ${signersText(result)}`);
  if (result.trustServer) facts.push(`Trust server: ${escapeMarkdown(result.trustServer)}`);
  if (details) {
    facts.push(...details.facts);
  } else if (result.expires) {
    facts.push(`Expires: ${utcDay(Date.parse(result.expires))}`);
  }
  // Two trailing spaces keep each fact on its own line.
  lines.push(facts.join('  \n'), '');

  const signatures = result.signatures ?? [];
  if (signatures.length > 1 || signatures.some((s) => s.signers.some((g) => g.role === undefined))) {
    lines.push('**Signatures**', '', ...signatureLines(signatures), '');
  }

  const expiries = [...(details?.expiries ?? []), ...evidenceExpiries(signatures, details?.scheme, input.now.getTime(), input.expiryWarningDays)];
  if (expiries.length > 0) {
    lines.push('**Expiry**', '');
    for (const e of expiries) lines.push(expiryLine(e));
    lines.push('');
  }

  const findings = result.findings
    .map((f) => ({ ...f, severity: f.code === 'unverifiable' && input.unverifiableLevel ? input.unverifiableLevel : f.severity }))
    .filter((f) => f.severity !== 'ignore');
  if (findings.length > 0) {
    lines.push('**Findings**', '');
    for (const f of findings) {
      // The detail on a line of its own, inside the same item.
      const detail = f.detail ? `  \n  Detail: ${escapeMarkdown(f.detail)}` : '';
      lines.push(`- ${SEVERITY_WORDS[f.severity]} (${escapeMarkdown(f.code)}): ${escapeMarkdown(f.message)}${detail}`);
    }
    lines.push('');
  }

  if (input.showSignersUri) lines.push(`[Show signers](${input.showSignersUri})`);
  return lines.join('\n').trimEnd();
}

/** The `command:` URI of `trustlens.showSigners` for a repository (a GUN). */
export function showSignersUri(gun: string): string {
  return `command:trustlens.showSigners?${encodeURIComponent(JSON.stringify([gun]))}`;
}
