/**
 * The cosign attack matrix on a real registry: each attack comes out `invalid` (or `unverifiable`),
 * never `signed`, and each has a control built the same way without the attack that comes out
 * `signed`. Certificate attacks (untrusted CA, outside validity, wrong identity or issuer) are in
 * cosignIdentities.test.ts; the Sigstore public-good ones in cosignPublicGood.test.ts.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { ANNOTATIONS, signatureTag } from '../../src/core/trust/cosign/cosignFormats';
import { publicKeyPem, signingKey, type CosignSigningKey } from '../../src/core/trust/cosign/cosignKeys';
import type { CosignPolicy } from '../../src/core/trust/cosign/cosignPolicy';
import type { CosignCheckResult } from '../../src/core/trust/cosign/cosignResult';
import { preAuthEncoding, signBundle, signLegacy, signStatement, simpleSigningPayload } from '../../src/core/trust/cosign/cosignSign';
import { keysPolicy, startCosignHarness, type CosignHarness } from '../helpers/sigstore/cosignHarness';
import { createLocalLog, dsseBody, hashedRekordBody, inclusionProof, rekorAnnotation, trustedRootJson, type LocalLog } from '../helpers/sigstore/localLog';
import { startHostileRegistry, jsonForgery, type HostileRegistry } from '../helpers/sigstore/hostileRegistry';
import { pushBundleReferrer, putReferrersIndex, putSigManifest, sha256, signedLayer } from '../helpers/sigstore/rawSignatures';
import { pushImage, type PushedImage } from '../helpers/stack/push';

const noSettle = () => Promise.resolve();

void describe('cosign attack matrix', () => {
  let h: CosignHarness;
  let hostile: HostileRegistry;
  let signer: CosignSigningKey;
  let signerPub: string;
  let log: LocalLog;
  let logRoot: string;
  let n = 0;

  before(async () => {
    h = await startCosignHarness();
    hostile = await startHostileRegistry(h.registry);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    signer = signingKey(privateKey);
    signerPub = await h.write('signer.pub', publicKeyPem(privateKey));
    log = createLocalLog();
    logRoot = await h.write('local-trusted-root.json', JSON.stringify(trustedRootJson([log])));
  });
  after(async () => {
    await hostile?.close();
    await h?.stop();
  });

  const fresh = async (): Promise<PushedImage & { name: string }> => {
    const name = `attack/case${++n}`;
    return { ...(await pushImage(h.registry, name, 'v1')), name };
  };
  const check = (img: { name: string }, policy: CosignPolicy = keysPolicy(signerPub), via?: string): Promise<CosignCheckResult> => h.check(img.name, 'v1', policy, via ? { via } : {});
  const messages = (r: CosignCheckResult): string => r.findings.map((f) => `${f.code}: ${f.message}`).join('\n');
  const refused = (r: CosignCheckResult, status: 'invalid' | 'unverifiable', pattern: RegExp): void => {
    assert.equal(r.status, status, messages(r));
    assert.equal(r.signedDigest, null);
    assert.match(messages(r), pattern);
  };
  const ref = (img: { name: string }) => `${h.registry.host}/${img.name}`;
  // A signed 300 KiB payload whose descriptor, served by the hostile registry, says 1000 bytes.
  const lyingLayer = async (img: { name: string; digest: string }): Promise<Uint8Array> => {
    const payload = simpleSigningPayload(ref(img), img.digest, { padding: 'x'.repeat(300 * 1024) });
    const signature = Buffer.from(signer.sign(payload)).toString('base64');
    await putSigManifest(h.oci, h.repo(img.name), img.digest, [{ payload, annotations: { [ANNOTATIONS.signature]: signature } }]);
    const real = await h.oci.fetchManifest(h.repo(img.name), signatureTag(img.digest));
    const manifest = JSON.parse(Buffer.from(real.bytes).toString('utf8')) as { mediaType: string; layers: { size: number }[] };
    (manifest.layers[0] as { size: number }).size = 1000;
    hostile.forge(`/v2/${img.name}/manifests/${signatureTag(img.digest)}`, jsonForgery(manifest));
    return payload;
  };

  void describe('a signature copied from another image', () => {
    void it('control: the legacy signature of image A verifies for A', async () => {
      const a = await fresh();
      await signLegacy({ oci: h.oci, repo: h.repo(a.name), digest: a.digest, key: signer, settle: noSettle });
      assert.equal((await check(a)).status, 'signed');
    });
    void it('A\'s .sig layer copied under B\'s .sig tag is invalid for B', async () => {
      const a = await fresh();
      const b = await fresh();
      await putSigManifest(h.oci, h.repo(b.name), b.digest, [signedLayer(signer, ref(a), a.digest)]);
      refused(await check(b), 'invalid', new RegExp(`signature is for ${a.digest}, not ${b.digest}`));
    });
    void it('A\'s bundle referrer listed among B\'s referrers is invalid for B', async () => {
      const a = await fresh();
      const b = await fresh();
      await signBundle({ oci: h.oci, repo: h.repo(a.name), digest: a.digest, key: signer, settle: noSettle });
      const aIndex = await h.oci.fetchManifest(h.repo(a.name), `sha256-${a.digest.slice(7)}`);
      assert.equal(aIndex.document.kind, 'index');
      const entries = aIndex.document.kind === 'index' ? aIndex.document.manifests : [];
      // Copy A's referrer manifest and bundle into B's repository, then list it for B.
      for (const entry of entries) {
        const m = await h.oci.fetchManifest(h.repo(a.name), entry.digest);
        if (m.document.kind !== 'manifest') continue;
        for (const blob of [m.document.config, ...m.document.layers]) await h.oci.pushBlob(h.repo(b.name), await h.oci.fetchBlob(h.repo(a.name), blob.digest));
        await h.oci.pushManifest(h.repo(b.name), entry.digest, m.bytes, m.descriptor.mediaType);
      }
      await putReferrersIndex(h.oci, h.repo(b.name), b.digest, entries);
      refused(await check(b), 'invalid', /listed for .* but refers to|signature is for/);
    });
    void it('A\'s bundle re-attached to B with B as the referrer\'s subject is invalid for B', async () => {
      const a = await fresh();
      const b = await fresh();
      const statement = signStatement(ref(a), a.digest);
      const sig = Buffer.from(signer.sign(preAuthEncoding('application/vnd.in-toto+json', statement))).toString('base64');
      await pushBundleReferrer(h.oci, h.repo(b.name), { digest: b.digest, size: b.size, mediaType: b.mediaType }, keyedBundle(statement, sig, signer.publicKey.hint));
      refused(await check(b), 'invalid', new RegExp(`signature is for ${a.digest}`));
    });
  });

  void describe('a payload changed after signing', () => {
    void it('control: the unchanged payload verifies', async () => {
      const img = await fresh();
      await putSigManifest(h.oci, h.repo(img.name), img.digest, [signedLayer(signer, ref(img), img.digest)]);
      assert.equal((await check(img)).status, 'signed');
    });
    void it('a payload edited after signing (same digest claim, another reference and claims) is invalid', async () => {
      const img = await fresh();
      const layer = signedLayer(signer, ref(img), img.digest);
      const edited = simpleSigningPayload(`${h.registry.host}/elsewhere`, img.digest, { approved: 'yes' });
      await putSigManifest(h.oci, h.repo(img.name), img.digest, [{ ...layer, payload: edited }]);
      refused(await check(img), 'invalid', /none of the trusted keys .* verifies: made with another key, or changed after signing/);
    });
    void it('a bundle whose statement was edited after signing is invalid', async () => {
      const img = await fresh();
      const other = await fresh();
      const statement = signStatement(ref(other), other.digest);
      const sig = Buffer.from(signer.sign(preAuthEncoding('application/vnd.in-toto+json', statement))).toString('base64');
      const edited = signStatement(ref(img), img.digest);
      await pushBundleReferrer(h.oci, h.repo(img.name), { digest: img.digest, size: img.size, mediaType: img.mediaType }, keyedBundle(edited, sig, signer.publicKey.hint));
      refused(await check(img), 'invalid', /none of the trusted keys/);
    });
  });

  void describe('the wrong key', () => {
    void it('control: the key the policy names verifies', async () => {
      const img = await fresh();
      await signLegacy({ oci: h.oci, repo: h.repo(img.name), digest: img.digest, key: signer, settle: noSettle });
      assert.equal((await check(img)).status, 'signed');
    });
    void it('a signature by another key is an untrusted signer, and the image is not signed', async () => {
      const img = await fresh();
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      await signLegacy({ oci: h.oci, repo: h.repo(img.name), digest: img.digest, key: signingKey(privateKey), settle: noSettle });
      const result = await check(img);
      refused(result, 'invalid', /untrusted-signer: a signature that none of the trusted keys \(ecdsa-p256 key [0-9a-f]{12} \(.*signer\.pub\)\) verifies/);
    });
  });

  void describe('a SET signed by the wrong Rekor key', () => {
    const withSet = async (signWith?: 'rogue') => {
      const img = await fresh();
      const layer = signedLayer(signer, ref(img), img.digest);
      const body = hashedRekordBody(layer.payload, layer.annotations[ANNOTATIONS.signature] as string, publicKeyPem(signer.publicKey.key));
      const rogue = signWith ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey : undefined;
      const annotation = rekorAnnotation(log, body, Math.floor(Date.now() / 1000), 42, rogue);
      await putSigManifest(h.oci, h.repo(img.name), img.digest, [{ ...layer, annotations: { ...layer.annotations, [ANNOTATIONS.bundle]: annotation } }]);
      return img;
    };
    void it('control: a SET the trusted log signed verifies, and the Rekor entry is shown', async () => {
      const img = await withSet();
      const result = await check(img, { ...keysPolicy(signerPub), trustedRoot: logRoot });
      assert.equal(result.status, 'signed', messages(result));
      assert.equal(result.signers[0]?.rekor?.logIndex, 42);
      assert.ok(result.signers[0]?.rekor?.integratedTime);
    });
    void it('a SET signed by another key is invalid', async () => {
      const img = await withSet('rogue');
      refused(await check(img, { ...keysPolicy(signerPub), trustedRoot: logRoot }), 'invalid', /inclusion promise could not be verified/);
    });
  });

  void describe('a bundle whose inclusion proof does not match', () => {
    const withProof = async (tamper: boolean) => {
      const img = await fresh();
      const statement = signStatement(ref(img), img.digest);
      const sig = Buffer.from(signer.sign(preAuthEncoding('application/vnd.in-toto+json', statement))).toString('base64');
      const envelope = { payload: Buffer.from(statement).toString('base64'), payloadType: 'application/vnd.in-toto+json', signatures: [{ sig }] };
      const body = dsseBody(statement, sig, publicKeyPem(signer.publicKey.key), JSON.stringify(envelope));
      const entry = {
        logIndex: '0', logId: { keyId: log.logId.toString('base64') }, kindVersion: { kind: 'dsse', version: '0.0.1' },
        integratedTime: String(Math.floor(Date.now() / 1000)), inclusionProof: inclusionProof(log, body, Buffer.alloc(32, 7), tamper), canonicalizedBody: body.toString('base64'),
      };
      await pushBundleReferrer(h.oci, h.repo(img.name), { digest: img.digest, size: img.size, mediaType: img.mediaType }, keyedBundle(statement, sig, signer.publicKey.hint, [entry]));
      return img;
    };
    void it('control: a bundle with a matching inclusion proof and signed checkpoint verifies', async () => {
      const result = await check(await withProof(false), { ...keysPolicy(signerPub), trustedRoot: logRoot });
      assert.equal(result.status, 'signed', messages(result));
      assert.equal(result.signers[0]?.rekor?.logIndex, 0);
    });
    void it('a bundle whose inclusion proof does not lead to the checkpoint\'s root is invalid', async () => {
      refused(await check(await withProof(true), { ...keysPolicy(signerPub), trustedRoot: logRoot }), 'invalid', /calculated root hash does not match/);
    });
  });

  void describe('a .sig manifest with 10,000 layers, and an oversize layer', () => {
    void it('control: the same signature manifest served as is by the same hostile registry verifies', async () => {
      const img = await fresh();
      await putSigManifest(h.oci, h.repo(img.name), img.digest, [signedLayer(signer, ref(img), img.digest)]);
      const real = await h.oci.fetchManifest(h.repo(img.name), signatureTag(img.digest));
      hostile.forge(`/v2/${img.name}/manifests/${signatureTag(img.digest)}`, { bytes: real.bytes, mediaType: real.descriptor.mediaType });
      assert.equal((await check(img, keysPolicy(signerPub), hostile.host)).status, 'signed');
    });
    void it('a .sig manifest with 10,000 layers (the first a good signature) is refused without fetching them', async () => {
      const img = await fresh();
      const good = signedLayer(signer, ref(img), img.digest);
      await h.oci.pushBlob(h.repo(img.name), good.payload);
      const layers = Array.from({ length: 10_000 }, (_, i) => ({ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', size: good.payload.byteLength, digest: sha256(i === 0 ? good.payload : `filler ${i}`), annotations: good.annotations }));
      hostile.forge(`/v2/${img.name}/manifests/${signatureTag(img.digest)}`, jsonForgery({
        schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: 2, digest: sha256('{}') }, layers,
      } as { mediaType: string }));
      const before = h.requests();
      refused(await check(img, keysPolicy(signerPub), hostile.host), 'invalid', /10000 layers, more than the limit of 1000/);
      assert.ok(h.requests() - before < 10, `a bounded number of requests, not one per layer (${h.requests() - before})`);
    });
    void it('a layer whose descriptor says it is larger than the limit is refused before it is fetched', async () => {
      const img = await fresh();
      const good = signedLayer(signer, ref(img), img.digest);
      await putSigManifest(h.oci, h.repo(img.name), img.digest, [good]);
      const real = await h.oci.fetchManifest(h.repo(img.name), signatureTag(img.digest));
      const manifest = JSON.parse(Buffer.from(real.bytes).toString('utf8')) as { mediaType: string; layers: { size: number }[] };
      (manifest.layers[0] as { size: number }).size = 50 * 1024 * 1024;
      hostile.forge(`/v2/${img.name}/manifests/${signatureTag(img.digest)}`, jsonForgery(manifest));
      const before = h.requests();
      refused(await check(img, keysPolicy(signerPub), hostile.host), 'invalid', /52428800 bytes, more than the limit of 262144/);
      assert.ok(h.requests() - before <= 6, 'the layer itself was not requested');
    });
    void it('a validly signed payload larger than the limit, under a descriptor that lies small, is refused by its announced length', async () => {
      const img = await fresh();
      await lyingLayer(img);
      refused(await check(img, keysPolicy(signerPub), hostile.host), 'invalid', /announced \d+ bytes, more than the limit of 262144/);
    });
    void it('the same payload streamed without a length is cut off at the limit', async () => {
      const img = await fresh();
      const payload = await lyingLayer(img);
      hostile.forge(`/v2/${img.name}/blobs/${sha256(payload)}`, { bytes: payload, mediaType: 'application/octet-stream', chunked: true });
      refused(await check(img, keysPolicy(signerPub), hostile.host), 'invalid', /sent more than the limit of 262144 bytes/);
    });
  });

  void describe('a referrers index that loops or points at missing manifests', () => {
    const bundleOf = async (img: PushedImage & { name: string }) => {
      await signBundle({ oci: h.oci, repo: h.repo(img.name), digest: img.digest, key: signer, settle: noSettle });
      const index = await h.oci.fetchManifest(h.repo(img.name), `sha256-${img.digest.slice(7)}`);
      return index.document.kind === 'index' ? index.document.manifests : [];
    };
    void it('control: an index listing the bundle referrer verifies', async () => {
      const img = await fresh();
      await bundleOf(img);
      assert.equal((await check(img)).status, 'signed');
    });
    void it('an index that lists the subject itself and another index (a loop) is invalid', async () => {
      const img = await fresh();
      const self = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] as object[] };
      const looping = [
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: img.digest, size: img.size, artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json' },
        { mediaType: 'application/vnd.oci.image.index.v1+json', digest: sha256('an index'), size: 80, artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json' },
      ];
      self.manifests = looping;
      hostile.forge(`/v2/${img.name}/manifests/sha256-${img.digest.slice(7)}`, jsonForgery(self));
      refused(await check(img, keysPolicy(signerPub), hostile.host), 'invalid', /list the subject itself[\s\S]*not followed through indexes/);
    });
    void it('a referrers API whose pages link back to themselves is invalid', async () => {
      const img = await fresh();
      const path = `/v2/${img.name}/referrers/${img.digest}`;
      const page = jsonForgery({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] } as { mediaType: string });
      hostile.forge(path, { ...page, headers: { link: `<${path}>; rel="next"` } });
      refused(await check(img, keysPolicy(signerPub), hostile.host), 'invalid', /did not end within 10 pages \(the pagination loops or is too long\)/);
    });
    void it('an index listing manifests the registry does not have is invalid', async () => {
      const img = await fresh();
      const missing = [1, 2, 3].map((i) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(`missing referrer ${i}`), size: 600, artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }));
      hostile.forge(`/v2/${img.name}/manifests/sha256-${img.digest.slice(7)}`, jsonForgery({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: missing } as { mediaType: string }));
      refused(await check(img, keysPolicy(signerPub), hostile.host), 'invalid', /is listed as a referrer of .* but the registry does not have it/);
    });
    void it('a good bundle beside missing entries is signed, and the missing ones are reported', async () => {
      const img = await fresh();
      const entries = await bundleOf(img);
      const manifests = [...entries, { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256('gone'), size: 10 }];
      hostile.forge(`/v2/${img.name}/manifests/sha256-${img.digest.slice(7)}`, jsonForgery({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests } as { mediaType: string }));
      const result = await check(img, keysPolicy(signerPub), hostile.host);
      assert.equal(result.status, 'signed');
      assert.match(messages(result), /invalid-signature: .*does not have it/);
      assert.ok(result.findings.every((f) => f.severity === 'warning'), 'the missing entry does not undo the good signature');
    });
  });
});

/** A key-signed DSSE bundle over `statement`, as cosign writes one, with optional tlog entries. */
function keyedBundle(statement: Uint8Array, sig: string, hint: string, tlogEntries: object[] = []): object {
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { publicKey: { hint }, tlogEntries, timestampVerificationData: { rfc3161Timestamps: [] } },
    dsseEnvelope: { payload: Buffer.from(statement).toString('base64'), payloadType: 'application/vnd.in-toto+json', signatures: [{ sig, keyid: '' }] },
  };
}
