/**
 * The cosign engine's behaviour around the signatures: caching and shared fetches, multi-platform
 * images (index and platform digests kept apart), registries behind htpasswd, registries that cannot be
 * reached, unreadable policy files, bundles that sign the manifest itself, and attestations that are
 * not signatures. All on the real docker-registry with signatures the real cosign wrote.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { toMessageSignatureBundle, bundleToJSON } from '@sigstore/bundle';
import { isNetError } from '../../src/core/net/netError';
import { publicKeyPem, signingKey, type CosignSigningKey } from '../../src/core/trust/cosign/cosignKeys';
import { signBundle, signLegacy } from '../../src/core/trust/cosign/cosignSign';
import { keysPolicy, startCosignHarness, type CosignHarness } from '../helpers/sigstore/cosignHarness';
import { pushBundleReferrer } from '../helpers/sigstore/rawSignatures';
import { cosign } from '../helpers/sigstore/tools';
import { freePort } from '../helpers/stack/ports';
import { pushImage, pushIndex } from '../helpers/stack/push';

const noSettle = () => Promise.resolve();

void describe('the cosign engine', () => {
  let h: CosignHarness;
  let cached: CosignHarness;
  let key: CosignSigningKey;
  let pub: string;

  before(async () => {
    [h, cached] = await Promise.all([startCosignHarness(), startCosignHarness({ ttlMs: 60_000 })]);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    key = signingKey(privateKey);
    pub = await h.write('engine.pub', publicKeyPem(privateKey));
  });
  after(async () => {
    await Promise.all([h?.stop(), cached?.stop()]);
  });

  void it('a warm re-check within the TTL makes no request', async () => {
    const img = await pushImage(cached.registry, 'engine/warm', 'v1');
    await signLegacy({ oci: cached.oci, repo: cached.repo('engine/warm'), digest: img.digest, key, settle: noSettle });
    assert.equal((await cached.check('engine/warm', 'v1', keysPolicy(pub))).status, 'signed');
    const before = cached.requests();
    const again = await cached.check('engine/warm', 'v1', keysPolicy(pub));
    assert.equal(again.status, 'signed');
    assert.equal(cached.requests() - before, 0);
    await cached.check('engine/warm', 'v1', keysPolicy(pub), { force: true });
    assert.ok(cached.requests() > before, 'force asks the registry again');
  });

  void it('concurrent checks of one reference share one fetch', async () => {
    const img = await pushImage(cached.registry, 'engine/shared', 'v1');
    await signLegacy({ oci: cached.oci, repo: cached.repo('engine/shared'), digest: img.digest, key, settle: noSettle });
    cached.verifier.clear();
    const before = cached.requests();
    await cached.check('engine/shared', 'v1', keysPolicy(pub));
    const single = cached.requests() - before;
    cached.verifier.clear();
    const start = cached.requests();
    const results = await Promise.all(Array.from({ length: 5 }, () => cached.check('engine/shared', 'v1', keysPolicy(pub))));
    assert.deepEqual(results.map((r) => r.status), ['signed', 'signed', 'signed', 'signed', 'signed']);
    assert.equal(cached.requests() - start, single);
  });

  void it('a cancelled check stops waiting without cancelling the fetch another check shares', async () => {
    const img = await pushImage(cached.registry, 'engine/cancel', 'v1');
    await signLegacy({ oci: cached.oci, repo: cached.repo('engine/cancel'), digest: img.digest, key, settle: noSettle });
    cached.verifier.clear();
    const controller = new AbortController();
    const cancelled = cached.check('engine/cancel', 'v1', keysPolicy(pub), { signal: controller.signal });
    const other = cached.check('engine/cancel', 'v1', keysPolicy(pub));
    controller.abort();
    await assert.rejects(cancelled, (e: unknown) => isNetError(e, 'aborted'));
    assert.equal((await other).status, 'signed');
  });

  void describe('multi-platform images: the index digest and the platform digest are kept apart', () => {
    void it('an index signed by cosign is signed for its own digest', async () => {
      const index = await pushIndex(h.registry, 'engine/multi', 'v1');
      await cosign(['sign', '--key', await signingKeyFile(h), '--tlog-upload=false', '--allow-insecure-registry', '-y', `${h.registry.host}/engine/multi@${index.digest}`], { password: 'engine' });
      const result = await h.check('engine/multi', 'v1', keysPolicy(join(h.dir, 'engine-cosign.pub')), { platform: 'linux/arm64' });
      assert.equal(result.status, 'signed');
      assert.equal(result.digest, index.digest);
      assert.equal(result.signedDigest, index.digest);
      assert.equal(result.platformDigest, index.manifests[1]?.digest);
    });
    void it('an unsigned index whose platform manifest is signed is signed for that platform\'s digest', async () => {
      const index = await pushIndex(h.registry, 'engine/per-platform', 'v1');
      const amd64 = index.manifests[0]!;
      await signLegacy({ oci: h.oci, repo: h.repo('engine/per-platform'), digest: amd64.digest, key, settle: noSettle });
      const forAmd64 = await h.check('engine/per-platform', 'v1', keysPolicy(pub), { platform: 'linux/amd64' });
      assert.equal(forAmd64.status, 'signed');
      assert.equal(forAmd64.digest, index.digest);
      assert.equal(forAmd64.platformDigest, amd64.digest);
      assert.equal(forAmd64.signedDigest, amd64.digest);
      const forArm = await h.check('engine/per-platform', 'v1', keysPolicy(pub), { platform: 'linux/arm64' });
      assert.equal(forArm.status, 'unsigned');
      assert.equal(forArm.digest, index.digest);
      assert.equal(forArm.platformDigest, index.manifests[1]?.digest);
    });
  });

  void it('a registry behind htpasswd: TrustLens signs and verifies with its credentials, and without them the result is unverifiable', async () => {
    const locked = await startCosignHarness({ registry: { htpasswd: { user: 'ci', password: 'registry-secret' } } });
    try {
      const img = await pushImage(locked.registry, 'engine/locked', 'v1');
      await signLegacy({ oci: locked.oci, repo: locked.repo('engine/locked'), digest: img.digest, key, settle: noSettle });
      await signBundle({ oci: locked.oci, repo: locked.repo('engine/locked'), digest: img.digest, key, settle: noSettle });
      const result = await locked.check('engine/locked', 'v1', keysPolicy(pub));
      assert.equal(result.status, 'signed');
      assert.deepEqual(result.signers.map((s) => s.location.source).sort(), ['referrer', 'sig-tag']);
      const anonymous = await h.verifier.check({ registry: locked.registry.host, repository: 'engine/locked', reference: 'v1' }, { policy: keysPolicy(pub) });
      assert.equal(anonymous.status, 'unverifiable');
      assert.match(anonymous.findings[0]?.message ?? '', /401/);
    } finally {
      await locked.stop();
    }
  });

  void it('a registry that cannot be reached is unverifiable, never unsigned', async () => {
    const port = await freePort();
    const result = await h.verifier.check({ registry: `127.0.0.1:${port}`, repository: 'engine/none', reference: 'v1' }, { policy: keysPolicy(pub) });
    assert.equal(result.status, 'unverifiable');
    assert.match(result.findings[0]?.message ?? '', /could not be checked/);
  });

  void it('a tag that does not exist is unverifiable', async () => {
    const result = await h.check('engine/missing', 'v1', keysPolicy(pub));
    assert.equal(result.status, 'unverifiable');
    assert.match(result.findings[0]?.message ?? '', /not found/);
  });

  void it('a key file the policy names that cannot be read makes the result unverifiable, naming the file', async () => {
    const img = await pushImage(h.registry, 'engine/nokey', 'v1');
    const result = await h.check('engine/nokey', 'v1', keysPolicy(join(h.dir, 'missing.pub')));
    assert.equal(result.status, 'unverifiable');
    assert.match(result.findings[0]?.message ?? '', /cannot read the cosign key file .*missing\.pub: ENOENT/);
    void img;
  });

  void it('a key-signed message-signature bundle over the manifest bytes verifies', async () => {
    const img = await pushImage(h.registry, 'engine/message', 'v1');
    const manifest = (await h.oci.fetchManifest(h.repo('engine/message'), img.digest)).bytes;
    const bundle = toMessageSignatureBundle({ digest: createHash('sha256').update(manifest).digest(), signature: Buffer.from(key.sign(manifest)), keyHint: key.publicKey.hint });
    await pushBundleReferrer(h.oci, h.repo('engine/message'), { digest: img.digest, size: img.size, mediaType: img.mediaType }, bundleToJSON(bundle));
    const result = await h.check('engine/message', 'v1', keysPolicy(pub));
    assert.equal(result.status, 'signed', JSON.stringify(result.findings));
  });

  void it('an image with only an attestation of another type is unsigned', async () => {
    const img = await pushImage(h.registry, 'engine/attested', 'v1');
    const predicate = await h.write('provenance.json', '{"builder":{"id":"test"}}');
    await cosign(['attest', '--new-bundle-format', '--key', await signingKeyFile(h), '--tlog-upload=false', '--allow-insecure-registry', '-y',
      '--type', 'https://example.com/test-results/v1', '--predicate', predicate, `${h.registry.host}/engine/attested@${img.digest}`], { password: 'engine' });
    const result = await h.check('engine/attested', 'v1', keysPolicy(join(h.dir, 'engine-cosign.pub')));
    assert.equal(result.status, 'unsigned');
    assert.match(result.findings[0]?.message ?? '', /only 1 attestation of other types/);
  });

  void it('a signed image checked with no rule at all shows its signer as untrusted, as a warning', async () => {
    const img = await pushImage(h.registry, 'engine/no-rule', 'v1');
    await signLegacy({ oci: h.oci, repo: h.repo('engine/no-rule'), digest: img.digest, key, settle: noSettle });
    const result = await h.check('engine/no-rule', 'v1', { keys: [], identities: [] });
    assert.equal(result.status, 'invalid');
    assert.deepEqual(result.findings.map((f) => [f.code, f.severity]), [['untrusted-signer', 'warning']]);
  });
});

let cosignKeyMade: Promise<string> | undefined;
/** A cosign key pair made by the real cosign once per run (passphrase `engine`). */
function signingKeyFile(h: CosignHarness): Promise<string> {
  cosignKeyMade ??= cosign(['generate-key-pair', '--output-key-prefix', join(h.dir, 'engine-cosign')], { password: 'engine' }).then(() => join(h.dir, 'engine-cosign.key'));
  return cosignKeyMade;
}
