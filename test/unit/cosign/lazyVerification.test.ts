import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { CosignPolicy } from '../../../src/core/trust/cosign/cosignPolicy';
import { loadTrust } from '../../../src/core/trust/cosign/lazyVerification';
import { loadCosignTrust } from '../../../src/core/trust/cosign/trustMaterial';

const keyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }) as string;
const files: Record<string, Uint8Array> = { '/k/cosign.pub': new TextEncoder().encode(keyPem) };
const read = async (path: string): Promise<Uint8Array> => {
  const bytes = files[path];
  if (!bytes) throw Object.assign(new Error(`ENOENT ${path}`), { code: 'ENOENT' });
  return bytes;
};

/** What a loaded trust says, comparable with deepEqual (keys by their DER). */
function comparable(t: Awaited<ReturnType<typeof loadCosignTrust>>) {
  return { ...t, keys: t.keys.map((k) => JSON.stringify(k, (_, v: unknown) => (v && typeof v === 'object' && 'export' in v ? (v as { export(o: object): Buffer }).export({ format: 'der', type: 'spki' }).toString('hex') : v))) };
}

void describe('loadTrust (the cosign trust, loading the verification code only for a policy that names a file)', () => {
  const policies: [string, CosignPolicy][] = [
    ['no cosign section', { keys: [], identities: [] }],
    ['identities checked against the Sigstore root', { keys: [], identities: [{ issuer: 'https://issuer.example', subject: 'ci@example.com' }, { subjectRegExp: '^https://github\\.com/acme/' }] }],
    ['a key', { keys: ['/k/cosign.pub'], identities: [] }],
    ['a key and an identity', { keys: ['/k/cosign.pub'], identities: [{ issuer: 'https://issuer.example', subject: 'ci@example.com' }] }],
  ];
  for (const [name, policy] of policies) {
    void it(`gives what loadCosignTrust gives: ${name}`, async () => {
      assert.deepEqual(comparable(await loadTrust(policy, read)), comparable(await loadCosignTrust(policy, read)));
    });
  }

  void it('still reads every file a policy names, and refuses the same way', async () => {
    for (const policy of [{ keys: ['/k/missing.pub'], identities: [] }, { keys: [], identities: [{ subject: 'a', ca: ['/k/missing-ca.pem'] }] }, { keys: [], identities: [], trustedRoot: '/k/missing-root.json' }] as CosignPolicy[]) {
      const plain = await loadCosignTrust(policy, read).then(() => 'loaded', (e: Error) => e.message);
      assert.notEqual(plain, 'loaded');
      assert.equal(await loadTrust(policy, read).then(() => 'loaded', (e: Error) => e.message), plain);
    }
  });
});
