/**
 * Several signers of one image, at once, on a real registry: every signature survives in the
 * `.sig` manifest (cosign appends; a registry offers no atomic update), and in the referrers index.
 * Each signer has its own registry client, as separate processes would.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AuthCache } from '../../src/core/net/authCache';
import type { HttpClient } from '../../src/core/net/http';
import { UndiciHttpClient } from '../../src/core/net/undiciHttpClient';
import { OciRegistry } from '../../src/core/oci/ociRegistry';
import { publicKeyPem, signingKey } from '../../src/core/trust/cosign/cosignKeys';
import { signatureTag } from '../../src/core/trust/cosign/cosignFormats';
import { signBundle, signLegacy } from '../../src/core/trust/cosign/cosignSign';
import { keysPolicy, startCosignHarness, type CosignHarness } from '../helpers/sigstore/cosignHarness';
import { GatedHttp, signal } from '../helpers/sigstore/gatedHttp';
import { cosign } from '../helpers/sigstore/tools';
import { pushImage } from '../helpers/stack/push';

void describe('concurrent cosign signers', () => {
  let h: CosignHarness;
  const clients: UndiciHttpClient[] = [];

  before(async () => {
    h = await startCosignHarness();
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await h?.stop();
  });

  const client = (wrap?: (inner: HttpClient) => HttpClient): OciRegistry => {
    const http = new UndiciHttpClient({ retry: { attempts: 1 } });
    clients.push(http);
    return new OciRegistry({ http: wrap ? wrap(http) : http, credentials: { get: async () => undefined }, cache: new AuthCache(), plainHttpForLoopback: true });
  };
  const newSigner = async (name: string) => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pub = join(h.dir, `${name}.pub`);
    await writeFile(pub, publicKeyPem(privateKey));
    return { key: signingKey(privateKey), pub };
  };

  void it('two signers writing the .sig manifest at the same moment both survive, and cosign verifies each', async () => {
    const img = await pushImage(h.registry, 'concurrent/legacy', 'v1');
    const [alice, bob] = await Promise.all([newSigner('alice'), newSigner('bob')]);
    await Promise.all([
      signLegacy({ oci: client(), repo: h.repo('concurrent/legacy'), digest: img.digest, key: alice.key }),
      signLegacy({ oci: client(), repo: h.repo('concurrent/legacy'), digest: img.digest, key: bob.key }),
    ]);
    const result = await h.check('concurrent/legacy', 'v1', keysPolicy(alice.pub, bob.pub));
    assert.deepEqual(result.signers.map((s) => s.keyId).sort(), [alice.key.publicKey.id, bob.key.publicKey.id].sort());
    for (const signer of [alice, bob]) await cosign(['verify', '--key', signer.pub, '--insecure-ignore-tlog', '--allow-insecure-registry', `${h.registry.host}/concurrent/legacy@${img.digest}`]);
  });

  void it('a signer whose write was replaced by a writer that read the same old manifest writes again, so both survive', async () => {
    const img = await pushImage(h.registry, 'concurrent/race', 'v1');
    const tagPath = `/manifests/${signatureTag(img.digest)}`;
    const [alice, bob] = await Promise.all([newSigner('race-alice'), newSigner('race-bob')]);
    // Both read the (absent) manifest, and Bob checks it is unchanged, before Alice writes; Bob's write
    // waits until Alice has written and read her manifest back; Alice's final check waits until Bob
    // has replaced it with his, which lacks hers.
    const bothRead = { count: 0, done: signal() };
    const bobChecked = signal();
    const aliceReadBack = signal();
    const bobWrote = signal();
    let aliceGets = 0;
    let alicePuts = 0;
    const readBarrier = async (method: string, url: string) => {
      if (method !== 'GET' || !url.endsWith(tagPath)) return;
      if (++bothRead.count === 2) bothRead.done.fire();
      await bothRead.done.promise;
    };
    const aliceOci = client((inner) => new GatedHttp(inner, {
      before: async (method, url) => {
        if (method === 'GET' && url.endsWith(tagPath) && ++aliceGets === 1) await readBarrier(method, url);
        if (method === 'PUT' && url.endsWith(tagPath)) await bobChecked.promise;
      },
      after: (method, url) => {
        if (!url.endsWith(tagPath)) return;
        if (method === 'PUT') alicePuts++;
        if (method === 'GET' && aliceGets === 2) aliceReadBack.fire();
      },
    }));
    let bobGets = 0;
    const bobOci = client((inner) => new GatedHttp(inner, {
      before: async (method, url) => {
        if (method === 'GET' && url.endsWith(tagPath) && ++bobGets === 1) await readBarrier(method, url);
        if (method === 'PUT' && url.endsWith(tagPath)) await aliceReadBack.promise;
      },
      after: (method, url) => {
        if (method === 'HEAD' && url.endsWith(tagPath)) bobChecked.fire();
        if (method === 'PUT' && url.endsWith(tagPath)) bobWrote.fire();
      },
    }));
    const [a, b] = await Promise.all([
      signLegacy({ oci: aliceOci, repo: h.repo('concurrent/race'), digest: img.digest, key: alice.key, settle: () => bobWrote.promise }),
      signLegacy({ oci: bobOci, repo: h.repo('concurrent/race'), digest: img.digest, key: bob.key, settle: () => Promise.resolve() }),
    ]);
    assert.ok(a.written && b.written);
    assert.equal(alicePuts, 2, 'Alice wrote again after Bob replaced her manifest');
    const result = await h.check('concurrent/race', 'v1', keysPolicy(alice.pub, bob.pub));
    assert.deepEqual(result.signers.map((s) => s.keyId).sort(), [alice.key.publicKey.id, bob.key.publicKey.id].sort());
  });

  void it('two bundle signers at once both end up in the referrers index', async () => {
    const img = await pushImage(h.registry, 'concurrent/bundles', 'v1');
    const [alice, bob] = await Promise.all([newSigner('bundle-alice'), newSigner('bundle-bob')]);
    await Promise.all([
      signBundle({ oci: client(), repo: h.repo('concurrent/bundles'), digest: img.digest, key: alice.key }),
      signBundle({ oci: client(), repo: h.repo('concurrent/bundles'), digest: img.digest, key: bob.key }),
    ]);
    const result = await h.check('concurrent/bundles', 'v1', keysPolicy(alice.pub, bob.pub));
    assert.deepEqual(result.signers.map((s) => [s.keyId, s.location.source]).sort(), [[alice.key.publicKey.id, 'referrer'], [bob.key.publicKey.id, 'referrer']].sort());
  });

  void it('signing again with the same key adds nothing', async () => {
    const img = await pushImage(h.registry, 'concurrent/again', 'v1');
    const alice = await newSigner('again');
    const first = await signLegacy({ oci: h.oci, repo: h.repo('concurrent/again'), digest: img.digest, key: alice.key, settle: () => Promise.resolve() });
    const second = await signLegacy({ oci: h.oci, repo: h.repo('concurrent/again'), digest: img.digest, key: alice.key, settle: () => Promise.resolve() });
    assert.equal(first.written, true);
    assert.equal(second.written, false);
    assert.equal(second.manifestDigest, first.manifestDigest);
  });
});
