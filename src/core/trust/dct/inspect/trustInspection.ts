/**
 * What `docker trust inspect` showed of one repository, computed from verified trust data only: the
 * released tags with their signers, the signers with their keys, and the administrative keys, in the
 * order and shape docker 28 printed them (`cli/command/trust/inspect.go`, `common.go`). Pure.
 */
import { listSignedTags } from '../tuf/resolveTag';
import { RELEASES_ROLE, signerName } from '../tuf/roleNames';
import type { DelegationInfo, TrustData } from '../tuf/verifiedData';

/** docker's name for a tag signed by the repository key (`targets`) only. */
export const REPO_ADMIN = 'Repo Admin';

/** One released tag, as docker lists it. */
export interface InspectedTag {
  readonly SignedTag: string;
  /** Hex of the sha256 docker pulls, without `sha256:`; empty when the target has none. */
  readonly Digest: string;
  /** Signer names in the order the trust data's walk finds them, or `["Repo Admin"]`. */
  readonly Signers: readonly string[];
}

/** A signer or an administrative role, with its key IDs. */
export interface InspectedSigner {
  readonly Name: string;
  /** Absent when the role lists no key (docker leaves an empty list out). */
  readonly Keys?: ReadonlyArray<{ readonly ID: string }>;
}

/** One element of `docker trust inspect`'s JSON array, fields in docker's order. */
export interface TrustInspection {
  /** The image exactly as given on the command line. */
  readonly Name: string;
  readonly SignedTags: readonly InspectedTag[];
  /** Delegations other than `targets/releases`, by name, last first (as docker sorts them). */
  readonly Signers: readonly InspectedSigner[];
  /** `Root` then `Repository`. */
  readonly AdministrativeKeys: readonly InspectedSigner[];
}

/**
 * Docker's `sortorder.NaturalLess`: runs of digits compare as numbers (fewer leading zeros first on a
 * tie), everything else byte by byte, a digit before any other byte.
 */
export function naturalCompare(a: string, b: string): number {
  const digit = (c: number) => c >= 0x30 && c <= 0x39;
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const c1 = x[i]!;
    const c2 = y[j]!;
    const d1 = digit(c1);
    const d2 = digit(c2);
    if (d1 !== d2) return d1 ? -1 : 1;
    if (!d1) {
      if (c1 !== c2) return c1 - c2;
      i += 1;
      j += 1;
      continue;
    }
    while (i < x.length && x[i] === 0x30) i += 1;
    while (j < y.length && y[j] === 0x30) j += 1;
    const start1 = i;
    const start2 = j;
    while (i < x.length && digit(x[i]!)) i += 1;
    while (j < y.length && digit(y[j]!)) j += 1;
    if (i - start1 !== j - start2) return (i - start1) - (j - start2);
    const n1 = x.subarray(start1, i).toString('latin1');
    const n2 = y.subarray(start2, j).toString('latin1');
    if (n1 !== n2) return n1 < n2 ? -1 : 1;
    if (start1 !== start2) return start1 - start2;
  }
  return (x.length - i) - (y.length - j);
}

/** Byte order of two strings, as Go compares them. */
export function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Every delegation a verified targets file declares, in walk order, each under docker's signer name,
 * `targets/releases` left out. Key IDs are the canonical ones docker shows for signer keys.
 */
export function signerKeys(data: TrustData): Map<string, string[]> {
  const signers = new Map<string, string[]>();
  for (const file of [data.targets, ...data.delegations]) {
    for (const d of file.delegations as readonly DelegationInfo[]) {
      if (d.name === RELEASES_ROLE) continue;
      signers.set(signerName(d.name), d.keys.map((k) => k.canonicalId ?? k.id));
    }
  }
  return signers;
}

const keysOf = (ids: readonly string[]): { Keys?: Array<{ ID: string }> } => (ids.length > 0 ? { Keys: ids.map((ID) => ({ ID })) } : {});

/**
 * `docker trust inspect NAME` for verified trust data: `tag` null lists every released tag (a
 * reference without a tag, or with a digest), else only that tag's rows (none when it is not signed).
 */
export function trustInspection(name: string, tag: string | null, data: TrustData): TrustInspection {
  const rows = listSignedTags(data)
    .filter((row) => tag === null || row.tag === tag)
    .sort((a, b) => naturalCompare(a.tag, b.tag));
  const signers = [...signerKeys(data)].map(([signer, ids]) => ({ Name: signer, ...keysOf(ids) }));
  signers.sort((a, b) => byteCompare(b.Name, a.Name));
  return {
    Name: name,
    SignedTags: rows.map((row) => ({ SignedTag: row.tag, Digest: row.digest, Signers: row.signers.length > 0 ? [...row.signers] : [REPO_ADMIN] })),
    Signers: signers,
    AdministrativeKeys: [
      { Name: 'Root', ...keysOf(data.root.keys.map((k) => k.id)) },
      { Name: 'Repository', ...keysOf(data.targets.keys.map((k) => k.id)) },
    ],
  };
}
