/**
 * Proves the local test stack with the real tools: every scenario is built with the real registry
 * and notary CLI, then checked against `notary list`, `docker trust inspect`, the registry and the
 * raw metadata notary-server serves.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dockerTrustInspect, dockerTrustInspectPretty } from '../helpers/stack/dockerCli';
import { httpRequest } from '../helpers/stack/http';
import { getTrustFile, getTrustPath, tufKeyId, type TufKey } from '../helpers/stack/notaryHttp';
import { SCENARIOS, type Scenario, type ScenarioKind } from '../helpers/stack/scenarios';
import { startStack, type Stack } from '../helpers/stack/stack';

const KINDS = Object.keys(SCENARIOS) as ScenarioKind[];

void describe('stack: every scenario, checked with notary, docker and raw HTTP', () => {
  let ecdsa: Stack;
  let ed25519: Stack;
  const built = new Map<ScenarioKind, Scenario>();
  const stackOf = (s: Scenario): Stack => (s.expected.serverKeyAlgorithm === 'ed25519' ? ed25519 : ecdsa);

  before(async () => {
    [ecdsa, ed25519] = await Promise.all([startStack(), startStack({ keyAlgorithm: 'ed25519' })]);
    // One client per stack signs everything, so scenarios are built one after another.
    for (const kind of KINDS) built.set(kind, await SCENARIOS[kind](kind === 'ed25519-server' ? ed25519 : ecdsa));
  });
  after(async () => {
    await Promise.all([ecdsa?.stop(), ed25519?.stop()]);
  });

  for (const kind of KINDS) {
    void it(`${kind}: notary list holds exactly the expected tags, digests, sizes and roles`, async () => {
      const s = scenario(built, kind);
      const cli = stackOf(s).cli;
      if (!s.expected.hasTrustData) {
        await assert.rejects(cli.list(s.gun), /does not have trust data/);
        return;
      }
      const listed = await cli.list(s.gun);
      assert.deepEqual(
        listed.map((t) => ({ tag: t.name, digest: `sha256:${t.digest}`, size: t.size, role: t.role })).sort(byTag),
        s.expected.tags.map((t) => ({ tag: t.tag, digest: t.digest, size: t.size, role: t.role })),
      );
      for (const tag of s.expected.tags) {
        for (const role of tag.roles) {
          const inRole = await cli.list(s.gun, [role]);
          assert.ok(inRole.some((t) => t.name === tag.tag && `sha256:${t.digest}` === tag.digest), `${tag.tag} missing from ${role}`);
        }
      }
      for (const unsigned of s.expected.unsignedTags) assert.ok(!listed.some((t) => t.name === unsigned));
    });

    void it(`${kind}: docker trust inspect shows the released tags, signers and keys`, async () => {
      const s = scenario(built, kind);
      const notary = stackOf(s).notary;
      const inspection = await dockerTrustInspect([s.gun], { trustServerUrl: notary.url, caPem: notary.caPem });
      if (!s.expected.hasTrustData) {
        assert.equal(inspection.exitCode, 1);
        assert.deepEqual(inspection.entries, []);
        assert.match(inspection.stderr, /no signatures or cannot access/);
        return;
      }
      assert.equal(inspection.exitCode, 0, inspection.stderr);
      const [entry] = inspection.entries;
      assert.equal(entry.Name, s.gun);
      assert.deepEqual(
        entry.SignedTags.map((t) => ({ tag: t.SignedTag, digest: `sha256:${t.Digest}`, signers: t.Signers })).sort(byTag),
        s.expected.tags.filter((t) => t.released).map((t) => ({ tag: t.tag, digest: t.digest, signers: [...t.signers] })),
      );
      // docker lists signers by name, descending.
      assert.deepEqual(
        entry.Signers.map((x) => ({ name: x.Name, keyIds: x.Keys.map((k) => k.ID) })),
        [...s.expected.signers].reverse().map((x) => ({ name: x.name, keyIds: [...x.keyIds] })),
      );
      assert.deepEqual(entry.AdministrativeKeys.map((k) => k.Name), ['Root', 'Repository']);
    });

    void it(`${kind}: the registry serves every pushed tag at its recorded digest`, async () => {
      const s = scenario(built, kind);
      const registry = stackOf(s).registry;
      for (const [tag, image] of Object.entries(s.images)) {
        const response = await httpRequest(`${registry.url}/v2/${s.repository}/manifests/${tag}`, { headers: { accept: image.mediaType } });
        assert.equal(response.status, 200);
        assert.equal(response.headers['docker-content-digest'], image.digest);
        assert.equal(response.body.length, image.size);
      }
    });

    void it(`${kind}: notary-server holds the expected root version and server key types`, async () => {
      const s = scenario(built, kind);
      const notary = stackOf(s).notary;
      if (!s.expected.hasTrustData) {
        const response = await getTrustPath(notary, s.gun, 'root.json');
        assert.equal(response.status, 404);
        assert.equal(JSON.parse(response.body.toString()).errors[0].code, 'METADATA_NOT_FOUND');
        return;
      }
      const root = await getTrustFile(notary, s.gun, 'root');
      assert.equal(root.signed.version, s.expected.rootVersion);
      const keyOf = (role: string): TufKey => {
        const id = root.signed.roles?.[role]?.keyids[0] ?? '';
        const key = root.signed.keys?.[id];
        assert.ok(key, `root lists no key for ${role}`);
        return key;
      };
      assert.equal(keyOf('timestamp').keytype, s.expected.serverKeyAlgorithm);
      const timestamp = await getTrustFile(notary, s.gun, 'timestamp');
      assert.equal(timestamp.signatures[0].method, s.expected.serverKeyAlgorithm === 'ed25519' ? 'eddsa' : 'ecdsa');
      // The server's snapshot key is the one root names exactly when the snapshot is server-managed.
      const serverSnapshotKey = JSON.parse((await getTrustPath(notary, s.gun, 'snapshot.key')).body.toString()) as TufKey;
      const rootSnapshotId = root.signed.roles?.snapshot.keyids[0];
      assert.equal(tufKeyId(serverSnapshotKey) === rootSnapshotId, s.expected.snapshotKey === 'server');
      const snapshot = await getTrustFile(notary, s.gun, 'snapshot');
      assert.equal(snapshot.signatures[0].keyid, rootSnapshotId);
    });
  }

  void it('pretty output and per-tag inspection: a signer-only tag is not listed as signed', async () => {
    const s = scenario(built, 'signer-only');
    const options = { trustServerUrl: ecdsa.notary.url, caPem: ecdsa.notary.caPem };
    const pretty = await dockerTrustInspectPretty([s.gun], options);
    assert.match(pretty.stdout, new RegExp(`v1\\s+${s.images.v1.digest.slice(7)}\\s+bob`));
    assert.doesNotMatch(pretty.stdout, /\bbeta\b/);
    const beta = await dockerTrustInspect([`${s.gun}:beta`], options);
    assert.equal(beta.exitCode, 0);
    assert.deepEqual(beta.entries[0].SignedTags, []);
  });

  void it('gives different content, so different digests, to every pushed tag', () => {
    const digests = [...built.values()].flatMap((s) => Object.values(s.images).map((i) => i.digest));
    assert.equal(new Set(digests).size, digests.length);
  });
});

function scenario(built: Map<ScenarioKind, Scenario>, kind: ScenarioKind): Scenario {
  const s = built.get(kind);
  assert.ok(s, `scenario ${kind} was not built`);
  return s;
}

function byTag(a: { tag: string }, b: { tag: string }): number {
  return a.tag.localeCompare(b.tag);
}
