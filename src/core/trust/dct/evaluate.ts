import { familiarRepository } from '../../model/imageRef';
import { DAY_MS } from '../../model/time';
import type { ImageOccurrence } from '../../model/occurrence';
import { isReleasedRole, listSignedTags, resolveTag, releasedTagsForDigest, type TagResolution } from './tuf/resolveTag';
import { signerName } from './tuf/roleNames';
import type { TrustData, VerifiedRole } from './tuf/verifiedData';
import type { EvaluatedResult, TrustStatus } from '../checkResult';
import type { FindingCode, Finding, Severity } from '../../model/findings';
import type { EffectivePolicy } from '../../policy/policy';
import { DOCKER_HUB_NOTARY_SHUTDOWN, isDockerHubNotary } from './trustServer';
import type { RepositoryOutcome } from './outcome';


/** What the evaluation needs besides the reference and the outcome. */
export interface EvaluationContext {
  policy: EffectivePolicy;
  now: Date;
  server: string;
  /** Whether the server holds the snapshot key (it then re-signs snapshots itself); undefined if unknown. */
  snapshotServerManaged?: boolean;
}

const day = (ms: number | string): string => new Date(ms).toISOString().slice(0, 10);
const short = (digest: string): string => `${digest.slice(0, 19)}…`;

/** The image as a person writes it, e.g. `alpine:3.19`. */
function display(o: ImageOccurrence): string {
  const name = familiarRepository(o.ref.repository);
  return `${name}${o.ref.tag ? `:${o.ref.tag}` : o.ref.digest ? '' : ':latest'}${o.ref.digest ? `@${short(o.ref.digest)}` : ''}`;
}

/** Builds findings with the policy's severities (a built image is only informed about, not failed). */
class Findings {
  readonly list: Finding[] = [];
  constructor(private readonly o: ImageOccurrence, private readonly severity: Record<FindingCode, Severity>) {}
  add(code: FindingCode, message: string, detail?: string): void {
    let severity = this.severity[code];
    const builtHere = this.o.kind === 'compose-build-image' && ['unsigned-tag', 'no-trust-data', 'not-released'].includes(code);
    if (builtHere && (severity === 'error' || severity === 'warning')) severity = 'info';
    if (builtHere) message += ' Compose builds this image, so it is signed when it is pushed.';
    this.list.push({ code, severity, message, ...(detail ? { detail } : {}) });
  }
}

/** The verdict for one reference, from its repository's update outcome and the policy. Pure. */
export function evaluateReference(o: ImageOccurrence, outcome: RepositoryOutcome, ctx: EvaluationContext): EvaluatedResult {
  const f = new Findings(o, ctx.policy.severity);
  const base = { target: { kind: 'reference' as const, occurrence: o }, trustServer: ctx.server };
  const repo = o.ref.repository;
  const result = (status: TrustStatus, rest: Partial<EvaluatedResult> = {}): EvaluatedResult => {
    if (isDockerHubNotary(ctx.server)) {
      const past = ctx.now.toISOString().slice(0, 10) >= DOCKER_HUB_NOTARY_SHUTDOWN;
      f.add('dct-retired', `${repo} resolves to notary.docker.io, which ${past ? 'shut down' : 'shuts down'} on ${DOCKER_HUB_NOTARY_SHUTDOWN}; Docker Content Trust for Docker Hub images ${past ? 'is gone' : 'ends then'}. Move signing to a private notary server or another signing system.`);
    }
    if (!o.ref.tag && !o.ref.digest) f.add('implicit-latest', `${o.text} has no tag, so it means ${familiarRepository(repo)}:latest, which moves. Write a tag and pin its signed digest.`);
    return { ...base, status, signedDigest: null, role: null, signers: [], expires: null, ...rest, findings: f.list };
  };

  switch (outcome.kind) {
    case 'unverifiable':
      // A server that cannot be reached is said in a few words; the URL and error codes are the finding's detail.
      if (outcome.reason) f.add('unverifiable', `Could not verify ${display(o)}: the trust server ${ctx.server} ${outcome.reason}. This says nothing about whether it is signed.`, outcome.message);
      else f.add('unverifiable', `Could not verify ${display(o)}: ${outcome.message} (trust server ${ctx.server}). This says nothing about whether it is signed.`);
      return result('unverifiable');
    case 'no-trust-data':
      f.add('no-trust-data', `${repo} has no trust data on ${ctx.server}, so ${display(o)} is not signed with Docker Content Trust.`);
      return result('no-trust-data');
    case 'expired':
      f.add('expired-metadata', `The trust data of ${repo} has expired${outcome.role ? ` (role ${outcome.role})` : ''}: ${outcome.message}. Its signatures can no longer be trusted until the owner re-signs it.`);
      return result('expired');
    case 'invalid':
      f.add('invalid-trust-data', `The trust data of ${repo} failed verification${outcome.role ? ` in role ${outcome.role}` : ''}: ${outcome.message}. Treat ${display(o)} as untrusted.`);
      return result('invalid');
    case 'verified':
      return evaluateVerified(o, outcome.data, ctx, f, result);
  }
}

function evaluateVerified(
  o: ImageOccurrence,
  data: TrustData,
  ctx: EvaluationContext,
  f: Findings,
  result: (status: TrustStatus, rest?: Partial<EvaluatedResult>) => EvaluatedResult,
): EvaluatedResult {
  const repo = o.ref.repository;
  const tag = o.ref.effectiveTag;
  // A released role that could not be trusted may have held what is not found elsewhere: the
  // reference cannot be verified, by tag or by digest alike.
  const ignored = data.problems.find((p) => p.role === 'targets/releases');
  const notVerifiable = (): EvaluatedResult | undefined => {
    if (!ignored) return undefined;
    const code = ignored.code === 'expired' ? 'expired-metadata' : 'invalid-trust-data';
    f.add(code, `targets/releases of ${repo} was ignored (${ignored.message}), so ${display(o)} cannot be verified.`);
    return result(ignored.code === 'expired' ? 'expired' : 'invalid');
  };

  let resolution: TagResolution;
  if (tag === null) {
    // A digest-only reference: matched against every released target.
    const rows = releasedTagsForDigest(data, o.ref.digest ?? '');
    if (rows.length === 0) {
      const failed = notVerifiable();
      if (failed) return failed;
      f.add('unsigned-tag', `${short(o.ref.digest ?? '')} is not the signed digest of any released tag in ${repo} (${summary(data)}).`);
      return result('unsigned');
    }
    resolution = resolveTag(data, rows[0]!.tag);
  } else {
    resolution = resolveTag(data, tag);
  }

  if (resolution.status === 'unsigned' || resolution.status === 'not-released') {
    const failed = notVerifiable();
    if (failed) return failed;
  }
  if (resolution.status === 'unsigned') {
    f.add('unsigned-tag', `${display(o)} is not signed in ${repo} (${summary(data)}).`);
    return result('unsigned');
  }
  if (resolution.status === 'no-valid-hash') {
    f.add('invalid-trust-data', `${display(o)} is released in ${resolution.role} without a sha256 hash, so no digest can be checked.`);
    return result('invalid', { role: resolution.role });
  }
  if (resolution.status === 'not-released') {
    const holder = [data.targets, ...data.delegations].find((r) => r.name === resolution.role);
    const sha = holder?.targets[resolution.tag]?.sha256;
    const who = resolution.heldBy.join(', ');
    f.add('not-released', `${display(o)} is signed only by ${who} (${resolution.role}), not released in targets/releases or targets, so docker does not trust it.`);
    return result('not-released', {
      role: resolution.role,
      signers: [...resolution.heldBy],
      signedDigest: sha ? `sha256:${sha}` : null,
      expires: earliest(usedRoles(data, resolution.role, [])),
    });
  }

  const signers = [...resolution.signers];
  const roles = usedRoles(data, resolution.role, signers.map((s) => `targets/${s}`));
  const verdict: Partial<EvaluatedResult> = { signedDigest: resolution.digest, role: resolution.role, signers, expires: earliest(roles) };
  const by = signers.length > 0 ? signers.join(', ') : 'the repository key';
  let status: TrustStatus = 'signed';
  if (o.ref.digest && tag !== null && o.ref.digest !== resolution.digest) {
    f.add('digest-mismatch', `${display(o)} pins ${short(o.ref.digest)}, but ${resolution.tag} is signed as ${short(resolution.digest)} by ${by} in ${resolution.role}.`);
    status = 'digest-mismatch';
  }
  const missing = ctx.policy.requireSigners.filter((s) => !signers.includes(s));
  if (ctx.policy.requireSigners.length > 0) {
    verdict.requiredSigners = [...ctx.policy.requireSigners];
    verdict.missingSigners = missing;
  }
  if (missing.length > 0) {
    const others = [...new Set(allHolders(data, resolution.tag).filter((h) => h.digest !== resolution.digest && missing.includes(h.signer)).map((h) => h.signer))];
    const detail = others.length > 0 ? `; ${others.join(', ')} signed a different digest` : '';
    f.add('missing-required-signer', `Policy requires ${ctx.policy.requireSigners.join(' and ')} to sign ${display(o)}, but ${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} not signed ${short(resolution.digest)}${detail} (signed by: ${signers.join(', ') || 'the repository key only'}).`);
  }
  for (const role of roles) {
    if (role.name === 'timestamp' || (role.name === 'snapshot' && ctx.snapshotServerManaged !== false)) continue;
    const left = role.expiresAt - ctx.now.getTime();
    if (left < ctx.policy.expiryWarningDays * DAY_MS) {
      f.add('expiring-soon', `The ${role.name} signature of ${repo} expires on ${day(role.expiresAt)} (in ${Math.max(0, Math.ceil(left / DAY_MS))} days). Re-sign it before then.`);
    }
  }
  return result(status, verdict);
}

/** The roles a verdict depends on: the base roles, and the delegations that hold the tag. */
function usedRoles(data: TrustData, role: string | undefined, signerRoles: string[]): VerifiedRole[] {
  const names = new Set([role, ...signerRoles].filter((r): r is string => !!r && r !== 'targets'));
  return [data.root, data.timestamp, data.snapshot, data.targets, ...data.delegations.filter((d) => names.has(d.name))];
}

/** The roles a verdict depends on whose keys the owner holds (the server re-signs the others). */
export function ownedRolesUsed(data: TrustData, role: string | undefined, signerRoles: string[]): VerifiedRole[] {
  return usedRoles(data, role, signerRoles).filter((r) => r.name !== 'timestamp' && r.name !== 'snapshot');
}

/** The earliest expiry among roles whose keys the owner holds (the server re-signs the others). */
function earliest(roles: VerifiedRole[]): string | null {
  const owned = roles.filter((r) => r.name !== 'timestamp' && r.name !== 'snapshot');
  if (owned.length === 0) return null;
  return new Date(Math.min(...owned.map((r) => r.expiresAt))).toISOString();
}

function summary(data: TrustData): string {
  const rows = listSignedTags(data);
  if (rows.length === 0) return 'trust data has no signed tags';
  const names = rows.slice(0, 5).map((r) => r.tag).join(', ');
  return `trust data has ${rows.length} signed tag${rows.length === 1 ? '' : 's'}: ${names}${rows.length > 5 ? ', …' : ''}`;
}

function allHolders(data: TrustData, tag: string): { signer: string; digest: string }[] {
  return data.delegations
    .filter((d) => !isReleasedRole(d.name) && Object.hasOwn(d.targets, tag) && d.targets[tag]?.sha256)
    .map((d) => ({ signer: signerName(d.name), digest: `sha256:${d.targets[tag]!.sha256}` }));
}
