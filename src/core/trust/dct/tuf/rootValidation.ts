/**
 * Root validation and rotation, as notary's `trustpinning.ValidateRoot` and the builder's `loadRoot`
 * (`trustpinning/certs.go`, `tuf/builder.go`; protocol doc §4.2).
 */
import type { Clock } from '../../../ports';
import { isExpired } from './expires';
import { checkFileMeta } from './fileChecks';
import type { Envelope, FileMeta, Root } from './metadata';
import { parseEnvelope, parseRoot } from './parseMetadata';
import { certsToKeys, parseRootCerts, rootCertKeyId, validLeafCerts, withValidIntermediates, type LeafRejection } from './rootCerts';
import { verifySignatures } from './signatures';
import { certsMatchingPin, type RootPin } from './trustPin';
import { TufError } from './tufErrors';

/** A root that passed validation. */
export interface ValidatedRoot {
  readonly bytes: Uint8Array;
  readonly envelope: Envelope;
  readonly root: Root;
  /** Key IDs (of the Go-PEM rebuilt certificate keys) that validly signed it. */
  readonly signedBy: readonly string[];
}

/** How to validate one root file. */
export interface RootCheck {
  /** The GUN the leaf certificate CN must match, e.g. `docker.io/library/alpine`. */
  readonly gun: string;
  readonly clock: Clock;
  /** The previously trusted root; the new one must be signed by its keys at its threshold. */
  readonly previous?: ValidatedRoot;
  /** notary `trust_pinning` for this GUN: the root must use a pinned certificate or one the pinned CA issued. */
  readonly pin?: RootPin;
  /** Lowest acceptable version (rollback protection), e.g. the cached root's version. */
  readonly minVersion: number;
  /** Skip the metadata expiry check (notary does for cached and intermediate roots). */
  readonly allowExpired: boolean;
  /** Hashes/length the bytes must match, e.g. the `root` entry of a trusted snapshot. */
  readonly expected?: FileMeta;
}

const VALIDATION_FAIL = 'could not validate the path to a trusted root';
const ROTATION_FAIL = 'could not rotate trust to a new trusted root';

/**
 * Validates a root file:
 * 1. bytes match `expected` if given; structure is valid (`RootFromSigned`);
 * 2. some leaf certificate of the root role has CN = GUN (or a matching wildcard), is unexpired with
 *    one day of NotBefore leeway, not SHA-1 signed, and RSA ≥ 2048 bits;
 * 3. with a previous root: signed by the previous root's leaf certificates (expiry not checked) at
 *    the previous root threshold, else `root-rotation-invalid`;
 * 4. trust pinning: only certificates the pin accepts count (pinned IDs, or chains to the pinned CA);
 *    without a pin, trust on first use;
 * 5. signed by its own valid leaf certificates at its own root threshold;
 * 6. version ≥ `minVersion` (`rollback`), then not expired unless `allowExpired` (`expired`).
 */
export function validateRoot(bytes: Uint8Array, check: RootCheck): ValidatedRoot {
  if (check.expected) checkFileMeta(bytes, 'root', check.expected);
  const envelope = parseEnvelope(bytes, 'root');
  const root = parseRoot(envelope.signed);
  const nowMs = check.clock.now().getTime();

  const allCerts = parseRootCerts(root);
  const leaves = validLeafCerts(allCerts, check.gun, nowMs);
  if (leaves.valid.size === 0) throw noValidLeaf(leaves.rejected, allCerts.size, check.gun);
  let certsFromRoot = withValidIntermediates(leaves.valid, nowMs);

  if (check.previous) verifyRotation(envelope, check.previous, check.gun);

  if (check.pin) {
    const pin = check.pin;
    if (pin.kind === 'refuse') throw new TufError('root-invalid', `${VALIDATION_FAIL}: invalid trust pinning specified: ${pin.source}`, { role: 'root' });
    const matching = certsMatchingPin(certsFromRoot, pin, nowMs);
    if (matching.size === 0) {
      const ids = [...certsFromRoot.values()].map((c) => rootCertKeyId(c) ?? '?').join(', ');
      const wanted = pin.kind === 'certs' ? `${pin.source} pins ${pin.ids.join(', ')}` : `${pin.source}: no root certificate chains to it`;
      throw new TufError('root-invalid', `${VALIDATION_FAIL}: unable to match any certificates to trust_pinning config (${wanted}; the root's certificate key IDs: ${ids})`, { role: 'root' });
    }
    certsFromRoot = matching;
  }

  const rootRole = root.roles.get('root');
  let signedBy: readonly string[];
  try {
    signedBy = verifySignatures(envelope, { name: 'root', keys: certsToKeys(certsFromRoot), threshold: rootRole?.threshold ?? 1 }).signedBy;
  } catch (e) {
    if (!TufError.isTuf(e)) throw e;
    throw new TufError(e.code, `${VALIDATION_FAIL}: failed to validate integrity of roots: ${e.message}`, {
      role: 'root',
      cause: e,
      rejections: e.rejections,
    });
  }

  if (root.version < check.minVersion) {
    throw new TufError('rollback', `root version ${root.version} is lower than current version ${check.minVersion}`, { role: 'root' });
  }
  if (!check.allowExpired && isExpired(root.expires, check.clock)) {
    throw new TufError('expired', `root expired at ${root.expires.text}`, { role: 'root' });
  }
  return { bytes, envelope, root, signedBy };
}

/** Step 3: the previous root's certificates (expiry not checked) must sign at its threshold. */
function verifyRotation(envelope: Envelope, previous: ValidatedRoot, gun: string): void {
  const trusted = validLeafCerts(parseRootCerts(previous.root), gun, undefined).valid;
  if (trusted.size === 0) {
    throw new TufError('root-invalid', `${VALIDATION_FAIL}: could not retrieve trusted certs from previous root role data`, { role: 'root' });
  }
  try {
    verifySignatures(envelope, { name: 'root', keys: certsToKeys(trusted), threshold: previous.root.roles.get('root')?.threshold ?? 1 });
  } catch (e) {
    if (!TufError.isTuf(e)) throw e;
    throw new TufError('root-rotation-invalid', `${ROTATION_FAIL}: failed to validate data with current trusted certificates`, {
      role: 'root',
      cause: e,
      rejections: e.rejections,
    });
  }
}

/** The most specific reason no leaf certificate survived. */
function noValidLeaf(rejected: readonly LeafRejection[], certCount: number, gun: string): TufError {
  const base = `${VALIDATION_FAIL}: unable to retrieve valid leaf certificates`;
  if (certCount === 0) {
    return new TufError('certificate-invalid', `${base} (no root key holds a single leaf certificate)`, { role: 'root' });
  }
  const detail = rejected.map((r) => `CN ${JSON.stringify(r.commonName)}: ${r.problem}`).join('; ');
  const code = rejected.some((r) => r.problem === 'expired')
    ? 'certificate-expired'
    : rejected.some((r) => r.problem === 'cn-mismatch')
      ? 'cn-mismatch'
      : 'certificate-invalid';
  return new TufError(code, `${base} for ${gun} (${detail})`, { role: 'root' });
}

