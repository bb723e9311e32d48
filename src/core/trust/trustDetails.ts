/**
 * What a backend tells about one repository, for the Signers view, the hover and *Switch to signed
 * tag*: plain, backend-neutral data, already in words. A backend decides what its groups, roles and
 * keys are (DCT: signers, signed tags, administrative keys); the editor only draws them.
 */
import type { CheckResult } from './checkResult';
import type { ExpiryBadge } from './expiryBadge';

/**
 * Identifies one repository's evidence: the source verified against (a trust server or registry), the
 * repository, and the registry whose credentials apply. `scheme` names the backend, when known.
 */
export interface RepositoryKey {
  /** e.g. `https://127.0.0.1:4443` */
  server: string;
  /** e.g. `127.0.0.1:5000/library/alpine` */
  gun: string;
  /** e.g. `127.0.0.1:5000` */
  registry: string;
  /** e.g. `dct`; absent means the engine's first backend. */
  scheme?: string;
}

/** Why a repository has no verified data to show. */
export interface DetailsProblem {
  /** `unverifiable`: could not be asked (offline, 401, TLS); the others say what the answer was. */
  readonly kind: 'unverifiable' | 'no-data' | 'expired' | 'invalid';
  /** e.g. `trust server unreachable` */
  readonly short: string;
  /** e.g. `trust server unreachable: connection refused` */
  readonly detail: string;
  /** A codicon name, e.g. `debug-disconnect`. */
  readonly icon: string;
  /** The cause alone, e.g. `connection refused`. */
  readonly message: string;
}

/** A key that may sign. */
export interface DetailsKey {
  /** The full ID, as the scheme's tools print it (what *Copy Key ID* copies). */
  readonly id: string;
  /** How it is shown, e.g. its first seven hex digits. */
  readonly shortId: string;
  readonly keytype: string;
  /** Who holds it, e.g. `alice`. */
  readonly holders: readonly string[];
  readonly description: string;
  readonly tooltip: readonly string[];
}

/** Someone or something that may sign: a signer, a role, an identity, an administrative key holder. */
export interface DetailsRole {
  readonly kind: 'role';
  /** Unique in its group, e.g. `targets/alice`. */
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly tooltip: readonly string[];
  /** A codicon name shown while its badge is fine, e.g. `person`. */
  readonly icon: string;
  /** Shown with a warning icon whatever its badge says (e.g. ignored by the scheme's clients). */
  readonly warning: boolean;
  readonly badge?: ExpiryBadge;
  readonly keys: readonly DetailsKey[];
  /** Whether it counts in its group's number (a release role listed among signers does not). */
  readonly counted: boolean;
  /**
   * The menu context: `role`; `signerRole` for a signer that can be removed (and renewed);
   * `releaseRole` for the release role (renewed, not removed); `rootRole` and `repositoryRole` for the
   * administrative roles whose keys can be rotated (and, the repository's, renewed).
   */
  readonly context: 'role' | 'signerRole' | 'releaseRole' | 'rootRole' | 'repositoryRole';
}

/** A signed tag. */
export interface DetailsTag {
  readonly kind: 'tag';
  readonly tag: string;
  /** `sha256:<hex>`, or null when none is signed that a client could pull. */
  readonly digest: string | null;
  /** Signer names that signed it; empty means an administrative key. */
  readonly signers: readonly string[];
  /** e.g. `alice, bob` or `Repo Admin`. */
  readonly signedBy: string;
}

/** A group of a repository's node in the Signers view. */
export interface DetailsGroup {
  /** e.g. `signers`, `tags`, `admin`: its menu context is `trustlens.group.<id>`. */
  readonly id: string;
  readonly label: string;
  readonly icon: string;
  /** Shown when it has no items. */
  readonly empty: string;
  readonly items: readonly (DetailsRole | DetailsTag)[];
}

/** A tag *Switch to signed tag* may offer: one the scheme's clients pull as signed. */
export interface SignedTag {
  readonly tag: string;
  readonly digest: string;
  /** Where it is signed, e.g. `targets/releases`. */
  readonly role: string;
  readonly signers: readonly string[];
}

/** One expiry a hover lists. */
export interface HoverExpiry {
  /** What expires, e.g. `targets/releases`. */
  readonly role: string;
  readonly badge: ExpiryBadge;
  /** Whether it is the soonest one the owner must renew. */
  readonly soonest: boolean;
  /** e.g. that the server re-signs it. */
  readonly note?: string;
  /** Who renews it, in words, e.g. `the trust server, automatically`. */
  readonly renewedBy?: string;
  /** The command line that renews it, when one does. */
  readonly renewCommand?: string;
}

/** What a hover adds from a repository's verified data. */
export interface HoverDetails {
  /** Markdown lines (values from outside already escaped), e.g. how the root was pinned. */
  readonly facts: readonly string[];
  readonly expiries: readonly HoverExpiry[];
  /** The scheme whose expiries these are (the hover adds the other schemes' from their evidence). */
  readonly scheme?: string;
}

/** One repository, as one backend knows it. */
export interface TrustDetails {
  readonly scheme: string;
  readonly key: RepositoryKey;
  /** Absent when its data verified. */
  readonly problem?: DetailsProblem;
  readonly groups: readonly DetailsGroup[];
  /** Tags signed for pulling, closest to the hovered reference's tag first when one was given. */
  readonly signedTags: readonly SignedTag[];
  /** The soonest expiry its owner must renew. */
  readonly nearest?: { readonly what: string; readonly badge: ExpiryBadge };
  /** More lines for the repository's tooltip. */
  readonly notes: readonly string[];
  /** What a hover over `result` adds, when the data verified. */
  hoverFor?(result: CheckResult, now: number, warningDays: number): HoverDetails;
}
