/**
 * Hostile envelopes: random byte changes, truncations and garbage (a fixed seed, so every run tries the
 * same inputs) never throw out of the verifier, and whatever it still accepts carries exactly the
 * original signed content (a change to an unprotected, unsigned header such as the signing agent is
 * allowed to pass, as the specification says).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LIMITS } from '../../../../src/core/trust/notation/constants';
import { verifySignature, type SignatureContext } from '../../../../src/core/trust/notation/verifySignature';
import { verifyIntegrity } from '../../../../src/core/trust/notation/integrity';
import { noNetwork, testPolicy } from '../../../helpers/notation/scenario';
import { signEnvelope } from '../../../helpers/notation/signatureGenerator';
import { makeCert, profiles } from '../../../helpers/notation/testPki';

/** Mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TARGET = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'e'.repeat(64)}`, size: 99 };
const root = makeCert(profiles.rootCa([['C', 'US'], ['ST', 'WA'], ['O', 'Fuzz'], ['CN', 'Fuzz Root']]));
const leaf = makeCert(profiles.leafOf(root, [['C', 'US'], ['ST', 'WA'], ['O', 'Fuzz'], ['CN', 'fuzz']]));

function context(): SignatureContext {
  const { policy, readTrustStore } = testPolicy({ stores: [{ type: 'ca', name: 'f', files: [root.pem] }] });
  return {
    repository: 'r.example.com/fuzz',
    target: TARGET,
    policy,
    stores: () => policy.trustStores.map(readTrustStore),
    now: Date.now(),
    maxChainLength: DEFAULT_LIMITS.maxChainLength,
    revocation: { http: noNetwork, clock: { now: () => new Date() }, limits: DEFAULT_LIMITS, crlCache: new Map(), ocspCache: new Map() },
  };
}

for (const format of ['jws', 'cose'] as const) {
  describe(`hostile ${format.toUpperCase()} envelopes`, () => {
    it('500 mutated envelopes: none throws, none is signed with content other than the original', async () => {
      const { bytes, mediaType } = await signEnvelope({ format, target: TARGET, chain: [leaf, root] });
      const ctx = context();
      assert.equal((await verifySignature('sha256:0', mediaType, bytes, ctx)).status, 'signed', 'control');
      const signedContent = async (input: Uint8Array): Promise<string> => {
        const c = await verifyIntegrity(mediaType, input, TARGET, 10);
        return JSON.stringify([Buffer.from(c.payload).toString('hex'), Buffer.from(c.signature).toString('hex'), c.certificates.map((x) => x.thumbprint), c.signed, c.timestampToken]);
      };
      const original = await signedContent(bytes);
      let accepted = 0;
      const random = prng(format === 'jws' ? 14 : 15);
      for (let i = 0; i < 500; i++) {
        const mutated = new Uint8Array(bytes);
        const kind = i % 4;
        let input: Uint8Array = mutated;
        if (kind === 0) {
          const at = Math.floor(random() * mutated.length);
          mutated[at] = (mutated[at] as number) ^ (1 + Math.floor(random() * 255));
        } else if (kind === 1) {
          input = mutated.subarray(0, Math.floor(random() * mutated.length));
        } else if (kind === 2) {
          for (let k = 0; k < 8; k++) mutated[Math.floor(random() * mutated.length)] = Math.floor(random() * 256);
        } else {
          input = new Uint8Array(Math.floor(random() * 2048)).map(() => Math.floor(random() * 256));
        }
        if (Buffer.compare(Buffer.from(input), Buffer.from(bytes)) === 0) continue;
        const r = await verifySignature('sha256:0', mediaType, input, ctx);
        if (r.status === 'signed') {
          accepted++;
          assert.equal(await signedContent(input), original, `mutation ${i} (kind ${kind}) was accepted with other signed content`);
        }
      }
      assert.ok(accepted < 25, `${accepted} of 500 mutations were accepted`);
    });
  });
}
