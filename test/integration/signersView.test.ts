/**
 * The Signers view model and the hover's manifest kinds against the real stack: repositories signed
 * with the real notary CLI are verified by TrustLens, and what the view would show (signer roles and
 * key IDs, released tags and their signers, administrative keys) is compared with what the real
 * `docker trust inspect` prints; the signed digests' kinds are asked of the real registry.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { UndiciHttpClient } from '../../src/core/net/undiciHttpClient';
import { RegistryClient } from '../../src/core/net/registryClient';
import { systemClock } from '../../src/core/ports';
import { hoverMarkdown } from '../../src/core/report/hoverText';
import { ManifestKindCache } from '../../src/core/report/manifestKind';
import { signersModel, type SignersModel } from '../../src/core/trust/signersModel';
import { dockerTrustInspect, type TrustInspectEntry } from '../helpers/stack/dockerCli';
import { SCENARIOS, type Scenario, type ScenarioKind } from '../helpers/stack/scenarios';
import { startStack, type Stack } from '../helpers/stack/stack';
import { makeDockerConfig, type TestDockerConfig } from '../helpers/trust/dockerConfig';
import { dockerfileFrom, policyFrom, resultFor, scanDocuments } from '../helpers/trust/documents';
import { createTrustHarness, type TrustHarness } from '../helpers/trust/harness';

const KINDS: ScenarioKind[] = ['targets-only', 'releases', 'signer-only', 'two-signers', 'server-snapshot'];

interface Built {
  scenario: Scenario;
  model: SignersModel;
  entry: TrustInspectEntry;
}

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

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
      assert.deepEqual(
        model.tags.map((t) => ({ tag: t.tag, digest: t.digest?.slice('sha256:'.length), signers: t.signers.length > 0 ? [...t.signers] : ['Repo Admin'] })),
        entry.SignedTags.map((r) => ({ tag: r.SignedTag, digest: r.Digest, signers: [...r.Signers].sort() })).sort((x, y) => x.tag.localeCompare(y.tag, 'en', { numeric: true })),
      );
      assert.deepEqual(
        model.signers.filter((r) => r.role !== 'targets/releases').map((r) => ({ name: r.label, keys: r.keys.map((k) => k.id) })).sort(byName),
        entry.Signers.map((s) => ({ name: s.Name, keys: s.Keys.map((k) => k.ID) })).sort(byName),
      );
      assert.deepEqual(
        model.admin.map((r) => ({ name: r.label === 'Root' ? 'Root' : 'Repository', keys: r.keys.map((k) => k.id) })),
        entry.AdministrativeKeys.map((a) => ({ name: a.Name, keys: a.Keys.map((k) => k.ID) })),
      );
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
    assert.match(md, /\*\*Signed\*\*/);
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
