/**
 * Resolving docker tags against verified trust data, as the docker CLI did (protocol doc §4.4,
 * §6.3–6.5): `GetTargetByName(tag, "targets/releases", "targets")` accepting only those two roles,
 * and `docker trust inspect`'s released-tag rows with their signers.
 *
 * Precedence: the `targets/releases` subtree is searched first, then `targets` and its other
 * delegations. A result found in any role other than `targets/releases` or `targets` is not
 * released (docker refuses to pull it).
 */
import { pathAllowed } from './delegations';
import { RELEASES_ROLE, signerName } from './roleNames';
import type { TargetInfo, TrustData, VerifiedTargetsRole } from './verifiedData';

/** How a tag resolves. */
export type TagResolution =
  | {
      /** Released: pull `<repo>@<digest>`. */
      readonly status: 'signed';
      readonly tag: string;
      /** e.g. `sha256:74d4bf…` */
      readonly digest: string;
      /** Manifest size in bytes. */
      readonly length: number;
      /** The released role that holds it. */
      readonly role: 'targets' | 'targets/releases';
      /** Signer names (delegations other than releases) holding the same tag and digest; empty means the repository key ("Repo Admin"). */
      readonly signers: readonly string[];
    }
  | {
      /** Released without a sha256: docker fails with "no valid hash, expecting sha256". */
      readonly status: 'no-valid-hash';
      readonly tag: string;
      readonly role: 'targets' | 'targets/releases';
    }
  | {
      /** Only a non-released delegation holds it: docker says "No trust data for <tag>". */
      readonly status: 'not-released';
      readonly tag: string;
      /** The role docker's search found it in, e.g. `targets/alice`. */
      readonly role: string;
      /** Every signer name that holds the tag, e.g. `['alice']`. */
      readonly heldBy: readonly string[];
    }
  | {
      /** No role holds it: docker says "No valid trust data for <tag>". */
      readonly status: 'unsigned';
      readonly tag: string;
    };

/** One row of `docker trust inspect`'s `SignedTags`. */
export interface SignedTagRow {
  readonly tag: string;
  /** Hex without `sha256:` (empty if the released target has no sha256). */
  readonly digest: string;
  /** Signer names holding the same tag and digest; empty means "Repo Admin". */
  readonly signers: readonly string[];
}

/** The roles docker treats as released. */
export function isReleasedRole(role: string): role is 'targets' | 'targets/releases' {
  return role === 'targets' || role === RELEASES_ROLE;
}

/** Resolves a tag the way `docker pull` with content trust did. */
export function resolveTag(data: TrustData, tag: string): TagResolution {
  const found = getTargetByName(data, tag, ['targets/releases', 'targets']);
  if (!found) return { status: 'unsigned', tag };
  const holders = allTargetsByName(data, tag);
  if (!isReleasedRole(found.role)) {
    const heldBy = holders.filter((h) => !isReleasedRole(h.role)).map((h) => signerName(h.role));
    return { status: 'not-released', tag, role: found.role, heldBy };
  }
  if (found.target.sha256 === undefined) return { status: 'no-valid-hash', tag, role: found.role };
  const digest = found.target.sha256;
  const signers = holders.filter((h) => !isReleasedRole(h.role) && h.target.sha256 === digest).map((h) => signerName(h.role));
  return { status: 'signed', tag, digest: `sha256:${digest}`, length: found.target.length, role: found.role, signers };
}

/**
 * `docker trust inspect` rows: every (tag, sha256) pair held by a released role, with the signers
 * that hold the same pair, sorted by tag in natural order.
 */
export function listSignedTags(data: TrustData): SignedTagRow[] {
  // Verified data never changes, and a check can ask once per reference (an unsigned tag's message).
  let rows = signedTagsOf.get(data);
  if (!rows) signedTagsOf.set(data, (rows = signedTagRows(data, undefined)));
  return [...rows];
}

const signedTagsOf = new WeakMap<TrustData, readonly SignedTagRow[]>();

/** The rows of {@link listSignedTags}, only those whose digest is `onlyDigest` if given. */
function signedTagRows(data: TrustData, onlyDigest: string | undefined): SignedTagRow[] {
  const all = allTargetsByName(data, '');
  // Tag → sha256 → row.
  const rows = new Map<string, Map<string, { tag: string; digest: string; signers: string[] }>>();
  for (const h of all) {
    if (!isReleasedRole(h.role)) continue;
    const digest = h.target.sha256 ?? '';
    if (onlyDigest !== undefined && digest !== onlyDigest) continue;
    let byDigest = rows.get(h.name);
    if (!byDigest) rows.set(h.name, (byDigest = new Map()));
    if (!byDigest.has(digest)) byDigest.set(digest, { tag: h.name, digest, signers: [] });
  }
  for (const h of all) {
    if (isReleasedRole(h.role)) continue;
    rows.get(h.name)?.get(h.target.sha256 ?? '')?.signers.push(signerName(h.role));
  }
  const list = [...rows.values()].flatMap((byDigest) => [...byDigest.values()]);
  const { natural, plain } = collators();
  return list.sort((a, b) => natural(a.tag, b.tag) || plain(a.digest, b.digest));
}

// One collator each for all comparisons (what `localeCompare` does with these arguments): with
// options, `localeCompare` builds a collator per call, which made sorting 10,000 tags take ~0.4 s.
// Made on first use: the first collator costs about 10 ms (ICU's data), which a check that lists no
// tags, and a CLI that starts, need not pay.
let made: { natural: (a: string, b: string) => number; plain: (a: string, b: string) => number } | undefined;
function collators(): NonNullable<typeof made> {
  return (made ??= { natural: new Intl.Collator('en', { numeric: true }).compare, plain: new Intl.Collator().compare });
}

/** The hex of a `sha256:<64 hex>` digest, lower-cased; `undefined` for anything else. */
export function parseSha256Digest(digest: string): string | undefined {
  const m = /^sha256:([0-9a-fA-F]{64})$/.exec(digest);
  return m ? (m[1] as string).toLowerCase() : undefined;
}

/** For `image:tag@sha256:…`: whether the pinned digest is the one trust data releases for the tag. */
export function pinnedDigestMatches(resolution: TagResolution, pinnedDigest: string): boolean {
  const pinned = parseSha256Digest(pinnedDigest);
  return resolution.status === 'signed' && pinned !== undefined && resolution.digest === `sha256:${pinned}`;
}

/** For `image@sha256:…`: the released tags whose digest is this one (empty: the digest is not signed). */
export function releasedTagsForDigest(data: TrustData, digest: string): SignedTagRow[] {
  const hex = parseSha256Digest(digest);
  return hex === undefined ? [] : signedTagRows(data, hex);
}

interface Holder {
  readonly role: string;
  readonly name: string;
  readonly target: TargetInfo;
}

/** notary `GetTargetByName`: the first hit of each priority role's walk, skipping the other priority roles. */
function getTargetByName(data: TrustData, tag: string, roles: readonly string[]): { role: string; target: TargetInfo } | undefined {
  for (const rolePath of roles) {
    let hit: { role: string; target: TargetInfo } | undefined;
    walkTargets(data, tag, rolePath, roles.filter((r) => r !== rolePath), (role) => {
      if (!Object.hasOwn(role.targets, tag)) return false;
      hit = { role: role.name, target: role.targets[tag] as TargetInfo };
      return true;
    });
    if (hit) return hit;
  }
  return undefined;
}

/**
 * notary `GetAllTargetMetadataByName`: every role (walk order) holding `name`, or every target if
 * `name` is "". Unlike notary for "", a target outside its role's paths is left out (as `ListTargets`
 * does), so a row is never shown for a tag that cannot be pulled.
 */
function allTargetsByName(data: TrustData, name: string): Holder[] {
  const out: Holder[] = [];
  walkTargets(data, name, '', [], (role) => {
    const names = name === '' ? Object.keys(role.targets).filter((t) => pathAllowed(t, role.paths)) : Object.hasOwn(role.targets, name) ? [name] : [];
    for (const target of names) {
      out.push({ role: role.name, name: target, target: role.targets[target] as TargetInfo });
    }
    return false;
  });
  return out;
}

/**
 * notary `Repo.WalkTargets`, breadth first from `targets`: roles on the way to `rolePath` are passed
 * through; a role is visited if its effective paths allow `targetPath` (or it is ""), it is
 * `rolePath` or below it, and it is not skipped. Only visited roles contribute their children.
 * Roles never verified (absent or ignored) are passed over with their subtrees.
 */
function walkTargets(
  data: TrustData,
  targetPath: string,
  rolePath: string,
  skip: readonly string[],
  visit: (role: VerifiedTargetsRole) => boolean,
): void {
  const loaded = new Map<string, VerifiedTargetsRole>([[data.targets.name, data.targets], ...data.delegations.map((d) => [d.name, d] as const)]);
  const queue: { name: string; paths: readonly string[] }[] = [{ name: 'targets', paths: [''] }];
  for (let next = queue.shift(); next; next = queue.shift()) {
    const role = loaded.get(next.name);
    if (!role) continue;
    const children = role.delegations.map((d) => ({ name: d.name, paths: d.paths }));
    if (rolePath.startsWith(`${next.name}/`)) {
      queue.push(...children);
      continue;
    }
    const ancestorOk = rolePath === '' || rolePath === next.name || next.name.startsWith(`${rolePath}/`);
    if ((targetPath === '' || pathAllowed(targetPath, next.paths)) && ancestorOk && !skip.includes(next.name)) {
      if (visit(role)) return;
      queue.push(...children);
    }
  }
}
