/**
 * The Signers view model and the hover's manifest kinds against the real stack: repositories signed
 * with the real notary CLI are verified by TrustLens, and what the view would show (signer roles and
 * key IDs, released tags and their signers, administrative keys) is compared with what the real
 * `docker trust inspect` prints, also after each of `trustlens signer add`, `signer remove` and
 * `revoke`; the signed digests' kinds are asked of the real registry.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UndiciHttpClient } from '../../src/core/net/undiciHttpClient';
import { RegistryClient } from '../../src/core/net/registryClient';
import { systemClock } from '../../src/core/ports';
import { hoverMarkdown } from '../../src/core/report/dct/hoverText';
import { ManifestKindCache } from '../../src/core/report/manifestKind';
import { signersModel, type SignersModel } from '../../src/core/trust/dct/signersModel';
import { dockerTrustInspect, type TrustInspectEntry } from '../helpers/stack/dockerCli';
import { getTrustPath } from '../helpers/stack/notaryHttp';
import { pushImage, type PushedManifest } from '../helpers/stack/push';
import { SCENARIOS, type Scenario, type ScenarioKind } from '../helpers/stack/scenarios';
import { createSigner, hexOf, signAs } from '../helpers/stack/signers';
import { startStack, type Stack } from '../helpers/stack/stack';
import { makeDockerConfig, type TestDockerConfig } from '../helpers/trust/dockerConfig';
import { dockerfileFrom, policyFrom, resultFor, scanDocuments } from '../helpers/trust/documents';
import { createTrustHarness, type TrustHarness } from '../helpers/trust/harness';
import { makeWriteCli } from '../helpers/trust/writeCli';

const KINDS: ScenarioKind[] = ['targets-only', 'releases', 'signer-only', 'two-signers', 'server-snapshot'];
/** docker's passphrase variables for the CLI steps. */
const PASSPHRASES = { root: 'view-steps-root-1', repository: 'view-steps-repository-1' };

/** The first item `test` accepts, testing one at a time. */
async function findAsync<T>(items: readonly T[], test: (item: T) => Promise<boolean>): Promise<T | undefined> {
  for (const item of items) if (await test(item)) return item;
  return undefined;
}

interface Built {
  scenario: Scenario;
  model: SignersModel;
  entry: TrustInspectEntry;
}

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

/** What docker shows of a repository, as `docker trust inspect` prints it. */
function dockerView(entry: TrustInspectEntry) {
  return {
    tags: entry.SignedTags.map((r) => ({ tag: r.SignedTag, digest: r.Digest, signers: [...r.Signers].sort() })).sort((x, y) => x.tag.localeCompare(y.tag, 'en', { numeric: true })),
    signers: entry.Signers.map((s) => ({ name: s.Name, keys: s.Keys.map((k) => k.ID) })).sort(byName),
    admin: entry.AdministrativeKeys.map((a) => ({ name: a.Name, keys: a.Keys.map((k) => k.ID) })),
  };
}

/** The same from the Signers view model: docker's shape, `releases` left out as docker leaves it out. */
function modelView(model: SignersModel): ReturnType<typeof dockerView> {
  return {
    tags: model.tags.map((t) => ({ tag: t.tag, digest: t.digest?.slice('sha256:'.length) ?? '', signers: t.signers.length > 0 ? [...t.signers] : ['Repo Admin'] })),
    signers: model.signers.filter((r) => r.role !== 'targets/releases').map((r) => ({ name: r.label, keys: r.keys.map((k) => k.id) })).sort(byName),
    admin: model.admin.map((r) => ({ name: r.label === 'Root' ? 'Root' : 'Repository', keys: r.keys.map((k) => k.id) })),
  };
}

/** Signed tags (digest and signers), signers with their key IDs, and administrative keys agree. */
function assertAgrees(model: SignersModel, entry: TrustInspectEntry, label: string): void {
  const mine = modelView(model);
  const docker = dockerView(entry);
  assert.deepEqual(mine.tags, docker.tags, `${label}: signed tags`);
  assert.deepEqual(mine.signers, docker.signers, `${label}: signers`);
  assert.deepEqual(mine.admin, docker.admin, `${label}: administrative keys`);
}

void describe('Signers view model on the real stack agrees with docker trust inspect', () => {
  let stack: Stack;
  let docker: TestDockerConfig;
  let harness: TrustHarness;
  let http: UndiciHttpClient;
  let kinds: ManifestKindCache;
  const built = new Map<ScenarioKind, Built>();

  before(async () => {
    stack = await startStack();
    docker = await makeDockerConfig([{ host: stack.notary.host, caPem: stack.notary.caPem }]);
    harness = await createTrustHarness({ dockerConfigDir: docker.path });
    http = new UndiciHttpClient();
    const registry = new RegistryClient({ http, credentials: { get: async () => undefined }, plainHttpForLoopback: true });
    kinds = new ManifestKindCache({ clock: systemClock, resolve: (r, p, d, signal) => registry.resolveTag(r, p, d, signal) });
    for (const kind of KINDS) {
      const scenario = await SCENARIOS[kind](stack);
      const outcome = await harness.service.repository({ server: stack.notary.url, gun: scenario.gun, registry: stack.registry.host });
      assert.equal(outcome.kind, 'verified', `${kind}: ${JSON.stringify(outcome)}`);
      if (outcome.kind !== 'verified') continue;
      const inspection = await dockerTrustInspect([scenario.gun], { trustServerUrl: stack.notary.url, caPem: stack.notary.caPem });
      assert.equal(inspection.exitCode, 0, inspection.stderr);
      built.set(kind, { scenario, model: signersModel(outcome.data, { now: Date.now(), warningDays: 30 }), entry: inspection.entries[0]! });
    }
  });

  after(async () => {
    await http?.close();
    await harness?.close();
    await docker?.remove();
    await stack?.stop();
  });

  for (const kind of KINDS) {
    void it(`${kind}: signed tags, signers with the key IDs docker shows, and administrative keys`, () => {
      const b = built.get(kind);
      assert.ok(b, `${kind} was not built`);
      const { model, entry } = b;
      assertAgrees(model, entry, kind);
      for (const r of [...model.signers, ...model.admin]) {
        if (r.state === 'verified') assert.equal(r.badge?.state, 'ok', `${kind}: ${r.role} expires ${r.badge?.text}`);
      }
      const releases = model.signers.find((r) => r.role === 'targets/releases');
      if (b.scenario.signers.length > 0) {
        assert.equal(releases?.state, 'verified');
        assert.equal(releases?.threshold, 1);
        // docker puts every signer's key into targets/releases.
        const signerKeys = model.signers.filter((r) => r !== releases).flatMap((r) => r.keys.map((k) => k.id)).sort();
        assert.deepEqual(releases?.keys.map((k) => k.id).sort(), signerKeys);
      }
    });
  }

  void it('trustlens signer add, signer remove, then revoke: after each step the model agrees with docker trust inspect', async () => {
    const cli = await makeWriteCli(stack, 'signers-steps');
    try {
      // bob's notary client is removed with the stack.
      const bob = await createSigner(stack, 'bob');
      const repository = 'view/steps';
      const gun = `${stack.registry.host}/${repository}`;
      const tag1 = await pushImage(stack.registry, repository, 'tag1');
      const tag2 = await pushImage(stack.registry, repository, 'tag2');
      const run = async (args: string[]) => {
        const result = await cli.run(args, PASSPHRASES);
        assert.equal(result.code, 0, `trustlens ${args.join(' ')}\n${result.stdout}\n${result.stderr}`);
      };
      /** The model (fresh from the server) and docker's view after a step; asserts they agree and returns docker's. */
      const step = async (label: string) => {
        const outcome = await harness.service.repository({ server: stack.notary.url, gun, registry: stack.registry.host }, { force: true });
        assert.equal(outcome.kind, 'verified', `${label}: ${JSON.stringify(outcome)}`);
        if (outcome.kind !== 'verified') throw new Error('unreachable');
        const inspection = await dockerTrustInspect([gun], { trustServerUrl: stack.notary.url, caPem: stack.notary.caPem });
        assert.equal(inspection.exitCode, 0, inspection.stderr);
        const entry = inspection.entries[0]!;
        assertAgrees(signersModel(outcome.data, { now: Date.now(), warningDays: 30 }), entry, label);
        return dockerView(entry);
      };
      const digest = (image: PushedManifest) => hexOf(image.digest);

      // alice: an Ed25519 key from trustlens key generate; she signs both tags.
      await run(['key', 'generate', 'alice', '--dir', cli.project.path]);
      await run(['signer', 'add', 'alice', gun, '--key', join(cli.project.path, 'alice.pub')]);
      await run(['sign', `${gun}:tag1`, '--signer', 'alice']);
      await run(['sign', `${gun}:tag2`, '--signer', 'alice']);
      const keyFiles = await readdir(join(cli.docker.path, 'trust', 'private'));
      const aliceFile = await findAsync(keyFiles, async (f) => /\nrole: alice\n/.test(await readFile(join(cli.docker.path, 'trust', 'private', f), 'utf8')));
      const aliceId = aliceFile?.replace(/\.key$/, '');
      const start = await step('signed by alice');
      assert.deepEqual(start.signers, [{ name: 'alice', keys: [aliceId] }]);
      assert.deepEqual(start.tags, [
        { tag: 'tag1', digest: digest(tag1), signers: ['alice'] },
        { tag: 'tag2', digest: digest(tag2), signers: ['alice'] },
      ]);

      // signer add: bob (an ECDSA key of the notary CLI), who then signs tag1 into his own role only.
      await run(['signer', 'add', 'bob', gun, '--key', bob.publicKeyPath]);
      await signAs(bob, gun, 'tag1', tag1, { released: false });
      const added = await step('signer add bob');
      assert.deepEqual(added.signers, [{ name: 'alice', keys: [aliceId] }, { name: 'bob', keys: [bob.keyId] }]);
      assert.deepEqual(added.tags, [
        { tag: 'tag1', digest: digest(tag1), signers: ['alice', 'bob'] },
        { tag: 'tag2', digest: digest(tag2), signers: ['alice'] },
      ]);
      assert.deepEqual(added.admin, start.admin, 'the administrative keys stay');

      // signer remove: bob's role goes, though the server's snapshot still lists it.
      await run(['signer', 'remove', 'bob', gun]);
      const removed = await step('signer remove bob');
      const snapshot = JSON.parse((await getTrustPath(stack.notary, gun, 'snapshot.json')).body.toString()) as { signed: { meta: Record<string, unknown> } };
      assert.ok(Object.hasOwn(snapshot.signed.meta, 'targets/bob'), 'notary-server keeps the stale snapshot entry');
      assert.deepEqual(removed.signers, [{ name: 'alice', keys: [aliceId] }]);
      assert.deepEqual(removed.tags, start.tags);
      assert.deepEqual(removed.admin, start.admin);

      // revoke: tag2 leaves targets/releases and alice's role.
      await run(['revoke', `${gun}:tag2`]);
      const revoked = await step('revoke tag2');
      assert.deepEqual(revoked.tags, [{ tag: 'tag1', digest: digest(tag1), signers: ['alice'] }]);
      assert.deepEqual(revoked.signers, removed.signers);
      assert.deepEqual(revoked.admin, start.admin);
    } finally {
      await cli.remove();
    }
  });

  void it('asks the registry whether each signed digest is an index or a platform manifest', async () => {
    for (const kind of KINDS) {
      const { scenario, model } = built.get(kind)!;
      for (const tag of model.tags) {
        const pushed = scenario.images[tag.tag];
        assert.ok(pushed && tag.digest === pushed.digest, `${kind}:${tag.tag}`);
        const k = await kinds.get(stack.registry.host, scenario.repository, tag.digest);
        assert.deepEqual(k, { kind: 'manifests' in pushed ? 'index' : 'manifest', mediaType: pushed.mediaType }, `${kind}:${tag.tag}`);
      }
    }
    assert.equal(built.get('targets-only')!.model.tags.find((t) => t.tag === 'multi') !== undefined, true, 'an index was signed');
  });

  void it('a hover for a signed reference on the stack names the index, the signers and every role', async () => {
    const { scenario } = built.get('two-signers')!;
    const text = `${scenario.gun}:v1`;
    const [result] = await harness.check(scanDocuments([{ file: 'Dockerfile', kind: 'dockerfile', text: dockerfileFrom([text]) }]), policyFrom({ [stack.registry.host]: stack.notary.url }));
    assert.ok(result);
    const r = resultFor([result], text);
    const outcome = await harness.service.repository({ server: stack.notary.url, gun: scenario.gun, registry: stack.registry.host });
    assert.equal(outcome.kind, 'verified');
    if (outcome.kind !== 'verified') return;
    const manifest = await kinds.get(stack.registry.host, scenario.repository, r.signedDigest!);
    const md = hoverMarkdown({
      result: r, manifest, now: new Date(), expiryWarningDays: 30,
      details: { data: outcome.data, firstUse: outcome.firstUse, pinnedAt: outcome.pinnedAt, verifiedAt: outcome.verifiedAt },
    });
    assert.match(md, /\*\*Pass — Signed\*\*/);
    assert.ok(md.includes(`Signed digest: \`${scenario.images.v1!.digest}\` — platform manifest`), md);
    assert.match(md, /Role: targets\\\/releases/);
    assert.match(md, /Signed by: alice, bob/);
    assert.match(md, /Root: pinned on first use on \d{4}-\d\d-\d\d \d\d:\d\d UTC \(trust on first use, root version 2\)/);
    for (const role of ['root', 'targets', 'targets\\/releases', 'targets\\/alice', 'targets\\/bob', 'snapshot', 'timestamp']) {
      assert.match(md, new RegExp(`\\n- (\\*\\*)?${role.replace(/\\/g, '\\\\')}: \\d{4}-\\d\\d-\\d\\d `), role);
    }
    assert.equal(md.match(/— soonest\*\*/g)?.length, 1);
  });
});
