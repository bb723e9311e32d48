/**
 * A mutable notary-shaped repository for tests: root (self-signed certificate, CN = GUN), targets,
 * snapshot and timestamp keys, docker-style delegations, and `build()` to sign everything and derive
 * snapshot and timestamp meta, exactly as a notary-server would serve it.
 */
import { ecdsaKey, fileMeta, goTime, keyJson, rootCertKey, signedFile, type TestKey } from './tufRepo';

const DAY = 24 * 60 * 60 * 1000;
const YEAR = 365 * DAY;

/** A targets or delegation `signed` object. */
export interface TargetsSigned {
  _type: string;
  delegations: { keys: Record<string, object>; roles: { keyids: string[]; name: string; paths?: string[]; threshold: number }[] };
  expires: string;
  targets: Record<string, { hashes: Record<string, string>; length: number }>;
  version: number;
}

/** A root `signed` object. */
export interface RootSigned {
  _type: string;
  consistent_snapshot: boolean;
  expires: string;
  keys: Record<string, object>;
  roles: Record<string, { keyids: string[]; threshold: number }>;
  version: number;
}

/** Every file of a published repository, by role. */
export interface RepoFiles {
  readonly root: Uint8Array;
  readonly timestamp: Uint8Array;
  readonly snapshot: Uint8Array;
  readonly targets: Uint8Array;
  readonly delegations: Readonly<Record<string, Uint8Array>>;
}

/** Options for one `build()`. */
export interface BuildOptions {
  /** Sign these roles with these keys instead of the role's own. */
  readonly signers?: Readonly<Record<string, readonly TestKey[]>>;
  /** ECDSA signatures in ASN.1 DER instead of notary's raw r‖s. */
  readonly derEcdsa?: boolean;
  /** Leave these roles out of the snapshot's meta. */
  readonly omitFromSnapshot?: readonly string[];
}

/** A test repository; mutate the public fields, then `build()`. */
export class TestRepo {
  readonly gun: string;
  readonly now: Date;
  readonly keys: { root: TestKey; targets: TestKey; snapshot: TestKey; timestamp: TestKey };
  readonly root: RootSigned;
  readonly targets: TargetsSigned;
  readonly delegations = new Map<string, { signed: TargetsSigned; keys: TestKey[] }>();
  /** Versions and expiries of the server-generated roles. */
  readonly snapshot = { version: 1, expires: '' };
  readonly timestamp = { version: 1, expires: '' };

  constructor(options: { gun: string; now: Date; keys?: Partial<TestRepo['keys']> }) {
    this.gun = options.gun;
    this.now = options.now;
    this.keys = {
      root: options.keys?.root ?? rootCertKey(options.gun, options.now),
      targets: options.keys?.targets ?? ecdsaKey(),
      snapshot: options.keys?.snapshot ?? ecdsaKey(),
      timestamp: options.keys?.timestamp ?? ecdsaKey(),
    };
    this.snapshot.expires = this.expiresIn(3 * YEAR);
    this.timestamp.expires = this.expiresIn(14 * DAY);
    const keys: Record<string, object> = {};
    const roles: RootSigned['roles'] = {};
    for (const [role, key] of Object.entries(this.keys)) {
      keys[key.id] = keyJson(key);
      roles[role] = { keyids: [key.id], threshold: 1 };
    }
    this.root = { _type: 'Root', consistent_snapshot: false, expires: this.expiresIn(10 * YEAR), keys, roles, version: 1 };
    this.targets = this.emptyTargets();
  }

  /** `now + ms` in notary's format. */
  expiresIn(ms: number): string {
    return goTime(new Date(this.now.getTime() + ms));
  }

  /** A new empty targets object, as notary initialises one. */
  emptyTargets(): TargetsSigned {
    return { _type: 'Targets', delegations: { keys: {}, roles: [] }, expires: this.expiresIn(3 * YEAR), targets: {}, version: 1 };
  }

  /** The `signed` object of `targets` or a delegation. */
  role(name: string): TargetsSigned {
    if (name === 'targets') return this.targets;
    const d = this.delegations.get(name);
    if (!d) throw new Error(`no delegation ${name}`);
    return d.signed;
  }

  /** Signs `tag` into a role as docker does: sha256 of the manifest digest and the manifest length. */
  addTarget(role: string, tag: string, digestHex: string, length = 1357): void {
    this.role(role).targets[tag] = { hashes: { sha256: Buffer.from(digestHex, 'hex').toString('base64') }, length };
  }

  /** Declares `name` in its parent's delegations (keys, threshold, paths) and creates its file. */
  delegate(parent: string, name: string, keys: TestKey[], options: { threshold?: number; paths?: string[] } = {}): void {
    const p = this.role(parent);
    for (const k of keys) p.delegations.keys[k.id] = keyJson(k);
    const paths = options.paths ?? [''];
    p.delegations.roles.push({ keyids: keys.map((k) => k.id), name, ...(paths.length ? { paths } : {}), threshold: options.threshold ?? 1 });
    this.delegations.set(name, { signed: this.emptyTargets(), keys });
  }

  /** Signs every file and derives snapshot and timestamp meta from the signed bytes. */
  build(options: BuildOptions = {}): RepoFiles {
    const signersFor = (role: string, own: readonly TestKey[]) => options.signers?.[role] ?? own;
    const sign = (signed: object, role: string, own: readonly TestKey[]) =>
      signedFile(signed, signersFor(role, own), options.derEcdsa ? { derEcdsa: true } : undefined);
    const root = sign(this.root, 'root', [this.keys.root]);
    const targets = sign(this.targets, 'targets', [this.keys.targets]);
    const delegations: Record<string, Uint8Array> = {};
    for (const [name, d] of this.delegations) delegations[name] = sign(d.signed, name, d.keys);
    const meta: Record<string, object> = {};
    for (const [name, bytes] of [['root', root], ['targets', targets], ...Object.entries(delegations)] as [string, Uint8Array][]) {
      if (!options.omitFromSnapshot?.includes(name)) meta[name] = fileMeta(bytes);
    }
    const snapshot = sign({ _type: 'Snapshot', expires: this.snapshot.expires, meta, version: this.snapshot.version }, 'snapshot', [this.keys.snapshot]);
    const timestamp = sign(
      { _type: 'Timestamp', expires: this.timestamp.expires, meta: { snapshot: fileMeta(snapshot) }, version: this.timestamp.version },
      'timestamp',
      [this.keys.timestamp],
    );
    return { root, timestamp, snapshot, targets, delegations };
  }
}

/** The bytes of a role in a built repository. */
export function fileOf(files: RepoFiles, role: string): Uint8Array {
  if (role === 'root' || role === 'timestamp' || role === 'snapshot' || role === 'targets') return files[role];
  const bytes = files.delegations[role];
  if (!bytes) throw new Error(`no file for ${role}`);
  return bytes;
}

/** Anything that names the next file and takes its bytes (the trusted set, structurally). */
export interface Feedable {
  nextRequest(): { role: string; path: string } | undefined;
  update(role: string, bytes: Uint8Array): void;
}

/** Feeds files until the set asks for nothing more; returns the paths it asked for, in order. */
export function feedAll(set: Feedable, files: RepoFiles, replace: Readonly<Record<string, Uint8Array>> = {}): string[] {
  const paths: string[] = [];
  for (let req = set.nextRequest(); req; req = set.nextRequest()) {
    paths.push(req.path);
    set.update(req.role, replace[req.role] ?? fileOf(files, req.role));
  }
  return paths;
}
