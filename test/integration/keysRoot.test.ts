/**
 * Root keys and certificates made by TrustLens against the real tools: `notary init --rootkey
 * --rootcert` takes them, root.json lists the certificate key under the ID TrustLens computes,
 * `docker trust inspect` accepts the repository, and the certificate notary makes itself for a
 * TrustLens root key has exactly the TBSCertificate TrustLens builds.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { children, readTlv, type Tlv } from '../../src/core/crypto/der';
import { canonicalKeyId, makeTufKey } from '../../src/core/trust/dct/tuf/keys';
import { verifySignature } from '../../src/core/trust/dct/tuf/verifiers';
import { createRootCertificate } from '../../src/core/trust/dct/keys/certificate';
import { FileKeyStore } from '../../src/core/trust/dct/keys/fileKeyStore';
import { createRootKey } from '../../src/core/trust/dct/keys/rootKey';
import type { PassphraseProvider } from '../../src/core/trust/dct/keys/signingKey';
import { canonicalize } from '../../src/core/trust/dct/tuf/canonicalJson';
import { dockerTrustInspect } from '../helpers/stack/dockerCli';
import { NotaryCli } from '../helpers/stack/notaryCli';
import { getTrustFile } from '../helpers/stack/notaryHttp';
import { startStack, type Stack } from '../helpers/stack/stack';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';

const ROOT_PASS = 'keys-test-root-1';
const fixed = (passphrase: string): PassphraseProvider => ({ get: () => Promise.resolve(passphrase) });

/** The TBSCertificate (header included) of a DER certificate, in hex. */
function tbsOf(der: Uint8Array): string {
  const top = readTlv(der, 0) as Tlv;
  const [tbs] = children(der, top) as Tlv[];
  return Buffer.from(der.subarray(top.start, (tbs as Tlv).end)).toString('hex');
}

void describe('keys: TrustLens root keys and certificates with the real notary and docker', () => {
  let stack: Stack;
  let temp: TempDir;
  let owner: NotaryCli;
  let store: FileKeyStore;

  before(async () => {
    stack = await startStack();
    temp = await makeTempDir('keys-root');
    owner = await NotaryCli.create({ serverUrl: stack.notary.url, caPath: stack.notary.caPath, passphrases: { root: ROOT_PASS } });
    store = new FileKeyStore(join(temp.path, 'trust'));
  });
  after(async () => {
    await owner?.dispose();
    await temp?.remove();
    await stack?.stop();
  });

  void it('notary init --rootkey --rootcert accepts a TrustLens root key and certificate; root.json uses TrustLens\'s key ID', async () => {
    const gun = `${stack.registry.host}/keys/root-cert`;
    const root = await createRootKey(gun, store, fixed(ROOT_PASS));
    const keyFile = (await store.get(root.keyId))?.path as string;
    assert.match(await readFile(keyFile, 'utf8'), /^-----BEGIN ENCRYPTED PRIVATE KEY-----\nrole: root\n\n/);
    const certFile = join(temp.path, 'root.crt');
    await writeFile(certFile, root.certificate.pem);

    await owner.run(['init', gun, '--rootkey', keyFile, '--rootcert', certFile]);
    await owner.publish(gun);

    const served = await getTrustFile(stack.notary, gun, 'root');
    assert.deepEqual(served.signed.roles?.root.keyids, [root.signingKey.keyId]);
    const listed = served.signed.keys?.[root.signingKey.keyId];
    assert.ok(listed);
    assert.equal(listed.keytype, 'ecdsa-x509');
    assert.equal(Buffer.from(listed.keyval.public, 'base64').toString('latin1'), root.certificate.pem);
    // notary signed root.json with the TrustLens key, under the certificate key ID.
    const sig = served.signatures.find((s) => s.keyid === root.signingKey.keyId);
    assert.ok(sig);
    assert.ok(verifySignature(sig.method, root.signingKey.publicKey, Buffer.from(sig.sig, 'base64'), canonicalize(served.signed)));

    const inspection = await dockerTrustInspect([gun], { trustServerUrl: stack.notary.url, caPem: stack.notary.caPem });
    assert.equal(inspection.exitCode, 0, inspection.stderr);
    const rootKeys = inspection.entries[0]?.AdministrativeKeys.find((k) => k.Name === 'Root')?.Keys.map((k) => k.ID);
    assert.deepEqual(rootKeys, [root.signingKey.keyId]);
  });

  void it('the certificate notary makes for a TrustLens root key has the very TBSCertificate TrustLens builds', async () => {
    const gun = `${stack.registry.host}/keys/root-only`;
    const [info] = await store.forRole('root');
    assert.ok(info);
    await owner.run(['init', gun, '--rootkey', info.path]);
    await owner.publish(gun);

    const served = await getTrustFile(stack.notary, gun, 'root');
    const [rootId] = served.signed.roles?.root.keyids ?? [];
    const listed = served.signed.keys?.[rootId as string];
    assert.ok(listed);
    const notaryKey = makeTufKey(listed.keytype, Buffer.from(listed.keyval.public, 'base64'));
    assert.equal(canonicalKeyId(notaryKey), info.keyId);

    const notaryCert = new X509Certificate(Buffer.from(notaryKey.public));
    const ours = await createRootCertificate(await store.open(info.keyId, fixed(ROOT_PASS)), {
      gun,
      notBefore: new Date(notaryCert.validFrom),
      serial: Buffer.from(notaryCert.serialNumber, 'hex'),
    });
    assert.equal(tbsOf(ours.der), tbsOf(new Uint8Array(notaryCert.raw)));
  });
});
