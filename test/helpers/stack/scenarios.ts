/**
 * Builders for every kind of repository the trust tests need, made on a running stack with the real
 * registry and notary CLI. Each returns the GUN, what was pushed, and what a correct client must
 * conclude (which tags are signed, where, by whom, whether docker would trust them).
 */
import type { ServerKeyAlgorithm } from './notaryServer';
import { pushImage, pushIndex, type PushedImage, type PushedIndex } from './push';
import { addSigner, createSigner, hexOf, signAs, type Signer } from './signers';
import type { Stack } from './stack';

export type ScenarioKind =
  | 'targets-only' | 'releases' | 'signer-only' | 'two-signers'
  | 'unsigned-tag' | 'no-trust-data' | 'server-snapshot' | 'ed25519-server';

/** What a correct verifier finds for one signed tag. */
export interface ExpectedTag {
  readonly tag: string;
  /** `sha256:<hex>` of the manifest or index the tag was pushed as. */
  readonly digest: string;
  /** Manifest size in bytes (the target `length`). */
  readonly size: number;
  /** Where docker's lookup finds it: `targets/releases`, else `targets`, else a signer role. */
  readonly role: string;
  /** Every role whose metadata lists it, sorted. */
  readonly roles: readonly string[];
  /** Trusted by docker: held by `targets/releases` or `targets`. */
  readonly released: boolean;
  /** `docker trust inspect` Signers for it: signer names sorted, `['Repo Admin']` for `targets`, `[]` if unreleased. */
  readonly signers: readonly string[];
}

/** What was built and what must be concluded about it. */
export interface Scenario {
  readonly kind: ScenarioKind;
  /** Docker-style GUN: `<registry host:port>/<repository>`. */
  readonly gun: string;
  /** Repository path in the registry, e.g. `trustlens/releases`. */
  readonly repository: string;
  /** Every pushed tag (signed or not). */
  readonly images: Readonly<Record<string, PushedImage | PushedIndex>>;
  /** Signers taking part (their clients stay usable until the stack stops). */
  readonly signers: readonly Signer[];
  readonly expected: {
    /** False when the notary server has nothing for the GUN (404 on root.json). */
    readonly hasTrustData: boolean;
    /** Tags held by any role, sorted by tag. */
    readonly tags: readonly ExpectedTag[];
    /** Pushed tags no role holds. */
    readonly unsignedTags: readonly string[];
    /** Delegations docker lists as signers (all but `targets/releases`), sorted by name. */
    readonly signers: ReadonlyArray<{ readonly name: string; readonly keyIds: readonly string[] }>;
    /** Who holds the snapshot key. */
    readonly snapshotKey: 'client' | 'server' | 'none';
    /** Type of the server's timestamp (and server-held snapshot) key. */
    readonly serverKeyAlgorithm: ServerKeyAlgorithm;
    /** Version of the current root.json (rotating the snapshot key to the server makes it 2); 0 if none. */
    readonly rootVersion: number;
  };
}

/** Options for every builder. */
export interface ScenarioOptions {
  /** Registry path; default `trustlens/<kind>`. Use another to build a kind twice on one stack. */
  repository?: string;
}

type Builder = (stack: Stack, options?: ScenarioOptions) => Promise<Scenario>;

/** (a) Tags signed straight into `targets` by the owner, snapshot key held by the client. */
export const buildTargetsOnly: Builder = async (stack, options) => {
  const ctx = context(stack, 'targets-only', options);
  const images = { v1: await pushImage(stack.registry, ctx.repository, 'v1'), multi: await pushIndex(stack.registry, ctx.repository, 'multi') };
  await stack.cli.init(ctx.gun);
  for (const [tag, image] of Object.entries(images)) await stack.cli.addHash(ctx.gun, tag, image.size, hexOf(image.digest));
  await stack.cli.publish(ctx.gun);
  return ctx.result(images, [], adminTags(images), 'client', 1);
};

/** (b) Docker style: signer `alice` in `targets/releases` + `targets/alice` signed `v1`. */
export const buildReleases: Builder = async (stack, options) => {
  const ctx = context(stack, 'releases', options);
  const rootVersion = await initWithServerSnapshot(stack, ctx.gun);
  const alice = await createSigner(stack, 'alice');
  await addSigner(stack.cli, ctx.gun, alice);
  const images = { v1: await pushImage(stack.registry, ctx.repository, 'v1') };
  await signAs(alice, ctx.gun, 'v1', images.v1);
  return ctx.result(images, [alice], [released('v1', images.v1, ['alice'])], 'server', rootVersion);
};

/** (c) `v1` released by `bob`, and `beta` held only by `targets/bob` (docker does not trust it). */
export const buildSignerOnly: Builder = async (stack, options) => {
  const ctx = context(stack, 'signer-only', options);
  const rootVersion = await initWithServerSnapshot(stack, ctx.gun);
  const bob = await createSigner(stack, 'bob');
  await addSigner(stack.cli, ctx.gun, bob);
  const images = { v1: await pushImage(stack.registry, ctx.repository, 'v1'), beta: await pushImage(stack.registry, ctx.repository, 'beta') };
  await signAs(bob, ctx.gun, 'v1', images.v1);
  await signAs(bob, ctx.gun, 'beta', images.beta, { released: false });
  const beta: ExpectedTag = {
    tag: 'beta', digest: images.beta.digest, size: images.beta.size,
    role: 'targets/bob', roles: ['targets/bob'], released: false, signers: [],
  };
  return ctx.result(images, [bob], [released('v1', images.v1, ['bob']), beta], 'server', rootVersion);
};

/** (d) `alice` and `bob`, each with their own key and client, both signed the same `v1`. */
export const buildTwoSigners: Builder = async (stack, options) => {
  const ctx = context(stack, 'two-signers', options);
  const rootVersion = await initWithServerSnapshot(stack, ctx.gun);
  const alice = await createSigner(stack, 'alice');
  const bob = await createSigner(stack, 'bob');
  await addSigner(stack.cli, ctx.gun, alice);
  await addSigner(stack.cli, ctx.gun, bob);
  const images = { v1: await pushImage(stack.registry, ctx.repository, 'v1') };
  await signAs(alice, ctx.gun, 'v1', images.v1);
  await signAs(bob, ctx.gun, 'v1', images.v1);
  return ctx.result(images, [alice, bob], [released('v1', images.v1, ['alice', 'bob'])], 'server', rootVersion);
};

/** (e) A repository with trust data where `v1` is signed but `unsigned` was only pushed. */
export const buildUnsignedTag: Builder = async (stack, options) => {
  const ctx = context(stack, 'unsigned-tag', options);
  const images = { v1: await pushImage(stack.registry, ctx.repository, 'v1'), unsigned: await pushImage(stack.registry, ctx.repository, 'unsigned') };
  await stack.cli.init(ctx.gun);
  await stack.cli.addHash(ctx.gun, 'v1', images.v1.size, hexOf(images.v1.digest));
  await stack.cli.publish(ctx.gun);
  return ctx.result(images, [], adminTags({ v1: images.v1 }), 'client', 1);
};

/** (f) Pushed to the registry, never signed: the notary server has no trust data for the GUN. */
export const buildNoTrustData: Builder = async (stack, options) => {
  const ctx = context(stack, 'no-trust-data', options);
  const images = { v1: await pushImage(stack.registry, ctx.repository, 'v1') };
  return ctx.result(images, [], [], 'none', 0, false);
};

/** (g) Owner-signed `targets` tags after `key rotate … snapshot -r` (docker's default); Docker media types. */
export const buildServerSnapshot: Builder = async (stack, options) => {
  const ctx = context(stack, 'server-snapshot', options);
  const rootVersion = await initWithServerSnapshot(stack, ctx.gun);
  const images = {
    v1: await pushImage(stack.registry, ctx.repository, 'v1', { format: 'docker' }),
    multi: await pushIndex(stack.registry, ctx.repository, 'multi', { format: 'docker' }),
  };
  for (const [tag, image] of Object.entries(images)) await stack.cli.addHash(ctx.gun, tag, image.size, hexOf(image.digest));
  await stack.cli.publish(ctx.gun);
  return ctx.result(images, [], adminTags(images), 'server', rootVersion);
};

/** (h) Server-managed snapshot on a server whose keys are Ed25519; the stack must use `keyAlgorithm: 'ed25519'`. */
export const buildEd25519Server: Builder = async (stack, options) => {
  if (stack.notary.keyAlgorithm !== 'ed25519') {
    throw new Error(`the ed25519-server scenario needs a stack started with keyAlgorithm 'ed25519', not '${stack.notary.keyAlgorithm}'`);
  }
  const ctx = context(stack, 'ed25519-server', options);
  const rootVersion = await initWithServerSnapshot(stack, ctx.gun);
  const images = { v1: await pushImage(stack.registry, ctx.repository, 'v1') };
  await stack.cli.addHash(ctx.gun, 'v1', images.v1.size, hexOf(images.v1.digest));
  await stack.cli.publish(ctx.gun);
  return ctx.result(images, [], adminTags(images), 'server', rootVersion);
};

/** Every builder by kind. */
export const SCENARIOS: Readonly<Record<ScenarioKind, Builder>> = {
  'targets-only': buildTargetsOnly,
  releases: buildReleases,
  'signer-only': buildSignerOnly,
  'two-signers': buildTwoSigners,
  'unsigned-tag': buildUnsignedTag,
  'no-trust-data': buildNoTrustData,
  'server-snapshot': buildServerSnapshot,
  'ed25519-server': buildEd25519Server,
};

/** `init`, first `publish`, then hand the snapshot key to the server; returns the root version (2). */
async function initWithServerSnapshot(stack: Stack, gun: string): Promise<number> {
  await stack.cli.init(gun);
  await stack.cli.publish(gun);
  await stack.cli.rotateSnapshotToServer(gun);
  return 2;
}

function adminTags(images: Record<string, PushedImage | PushedIndex>): ExpectedTag[] {
  return Object.entries(images).map(([tag, image]) => ({
    tag, digest: image.digest, size: image.size, role: 'targets', roles: ['targets'], released: true, signers: ['Repo Admin'],
  }));
}

function released(tag: string, image: PushedImage | PushedIndex, signers: string[]): ExpectedTag {
  const sorted = [...signers].sort();
  return {
    tag, digest: image.digest, size: image.size, role: 'targets/releases',
    roles: ['targets/releases', ...sorted.map((s) => `targets/${s}`)].sort(), released: true, signers: sorted,
  };
}

function context(stack: Stack, kind: ScenarioKind, options: ScenarioOptions | undefined) {
  const repository = options?.repository ?? `trustlens/${kind}`;
  const gun = `${stack.registry.host}/${repository}`;
  const result = (images: Record<string, PushedImage | PushedIndex>, signers: Signer[], tags: ExpectedTag[],
    snapshotKey: Scenario['expected']['snapshotKey'], rootVersion: number, hasTrustData = true): Scenario => {
    const held = new Set(tags.map((t) => t.tag));
    return {
      kind, gun, repository, images, signers,
      expected: {
        hasTrustData,
        tags: [...tags].sort((a, b) => a.tag.localeCompare(b.tag)),
        unsignedTags: Object.keys(images).filter((tag) => !held.has(tag)).sort(),
        signers: [...signers].sort((a, b) => a.name.localeCompare(b.name)).map((s) => ({ name: s.name, keyIds: [s.keyId] })),
        snapshotKey,
        serverKeyAlgorithm: stack.notary.keyAlgorithm,
        rootVersion,
      },
    };
  };
  return { repository, gun, result };
}
