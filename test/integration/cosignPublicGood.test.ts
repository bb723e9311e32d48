/**
 * Sigstore public-good keyless signatures made by Sigstore's own projects (../shared/fixtures, see its
 * README for provenance and expected outcomes), verified offline against the shipped public-good
 * trusted root: the bundles, and a real keyless cosign `.sig` loaded into a real registry with oras.
 * Each valid one shows its identity; a one-byte change makes each invalid. sigstore-go (bundles) and
 * cosign (the `.sig`) give a second opinion on the same bytes.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verifySigstoreBundle, type BundleArtifact } from '../../src/core/trust/cosign/bundleVerify';
import { ANNOTATIONS, signatureTag } from '../../src/core/trust/cosign/cosignFormats';
import type { CosignPolicy } from '../../src/core/trust/cosign/cosignPolicy';
import { parseTrustedRoot } from '../../src/core/trust/cosign/trustMaterial';
import { startCosignHarness, type CosignHarness } from '../helpers/sigstore/cosignHarness';
import { putSigManifest } from '../helpers/sigstore/rawSignatures';
import { PUBLIC_GOOD_ROOT, readSharedFixture, sharedFixturePath } from '../helpers/sigstore/sharedFixtures';
import { runTool } from '../helpers/sigstore/tools';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';

const BEACON = 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const SJSREL = 'https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main';
const GHA = 'https://token.actions.githubusercontent.com';
const GHOAUTH = 'https://github.com/login/oauth';

interface BundleCase {
  readonly file: readonly string[];
  readonly artifact: BundleArtifact;
  readonly san: string;
  readonly issuer: string;
  /** How to give the artifact to sigstore-go, or undefined where its 0.7.1 CLI cannot check this bundle. */
  readonly oracle?: string[];
}

const file = (...parts: string[]) => ({ bytes: new Uint8Array(readSharedFixture(...parts)) });
const sha512 = (hex: string): BundleArtifact => ({ digest: { algorithm: 'sha512', hex } });
const A_TXT = ['sigstore', 'conformance', 'a.txt'];
const HELLO = ['sigstore', 'sigstore-js', 'hello.txt'];

const VALID: Record<string, BundleCase> = {
  'conformance happy-path-v0.1': { file: ['sigstore', 'conformance', 'happy-path-v0.1', 'bundle.sigstore.json'], artifact: file(...A_TXT), san: BEACON, issuer: GHA, oracle: ['-artifact', sharedFixturePath(...A_TXT)] },
  'conformance happy-path-v0.2': { file: ['sigstore', 'conformance', 'happy-path-v0.2', 'bundle.sigstore.json'], artifact: file(...A_TXT), san: BEACON, issuer: GHA, oracle: ['-artifact', sharedFixturePath(...A_TXT)] },
  'conformance happy-path-v0.3': { file: ['sigstore', 'conformance', 'happy-path-v0.3', 'bundle.sigstore.json'], artifact: file(...A_TXT), san: BEACON, issuer: GHA, oracle: ['-artifact', sharedFixturePath(...A_TXT)] },
  'conformance happy-path-v0.3-new-mediaType': { file: ['sigstore', 'conformance', 'happy-path-v0.3-new-mediaType', 'bundle.sigstore.json'], artifact: file(...A_TXT), san: BEACON, issuer: GHA, oracle: ['-artifact', sharedFixturePath(...A_TXT)] },
  'conformance happy-path-intoto-in-dsse-v3': { file: ['sigstore', 'conformance', 'happy-path-intoto-in-dsse-v3', 'bundle.sigstore.json'], artifact: file(...A_TXT), san: BEACON, issuer: GHA, oracle: ['-artifact', sharedFixturePath(...A_TXT)] },
  'sigstore-go bundle-provenance (npm, 3-certificate chain)': {
    file: ['sigstore', 'sigstore-go', 'bundle-provenance.json'], san: SJSREL, issuer: GHA,
    artifact: sha512('76176ffa33808b54602c7c35de5c6e9a4deb96066dba6533f50ac234f4f1f4c6b3527515dc17c06fbe2860030f410eee69ea20079bd3a2c6f3dcf3b329b10751'),
    oracle: ['-artifact-digest-algorithm', 'sha512', '-artifact-digest', '76176ffa33808b54602c7c35de5c6e9a4deb96066dba6533f50ac234f4f1f4c6b3527515dc17c06fbe2860030f410eee69ea20079bd3a2c6f3dcf3b329b10751'],
  },
  'sigstore-go sigstore.js@2.0.0 provenance': {
    file: ['sigstore', 'sigstore-go', 'sigstore.js@2.0.0-provenance.sigstore.json'], san: SJSREL, issuer: GHA,
    artifact: sha512('46d4e2f74c4877316640000a6fdf8a8b59f1e0847667973e9859f774dd31b8f1e0937813b777fb66a2ac67d50540fe34640966eee9fc2ccca387082b4c85cd3c'),
    oracle: ['-artifact-digest-algorithm', 'sha512', '-artifact-digest', '46d4e2f74c4877316640000a6fdf8a8b59f1e0847667973e9859f774dd31b8f1e0937813b777fb66a2ac67d50540fe34640966eee9fc2ccca387082b4c85cd3c'],
  },
  'sigstore-go dsse (SET only, no inclusion proof)': {
    file: ['sigstore', 'sigstore-go', 'dsse.sigstore.json'], san: 'brian@dehamer.com', issuer: GHOAUTH,
    artifact: sha512('bbfd372fc9beeb777fe35d05bb10c0c70a9733d366a75fed7dd18866c7391de3ee7e88ba74dd47abf3e15c845e547fcf0e5c3da80854c751554224d3a6d4e55f'),
    oracle: ['-artifact-digest-algorithm', 'sha512', '-artifact-digest', 'bbfd372fc9beeb777fe35d05bb10c0c70a9733d366a75fed7dd18866c7391de3ee7e88ba74dd47abf3e15c845e547fcf0e5c3da80854c751554224d3a6d4e55f'],
  },
  'sigstore-js hashedrekord v0.2': { file: ['sigstore', 'sigstore-js', 'hashedrekord.v0.2.json'], artifact: file(...HELLO), san: 'brian@dehamer.com', issuer: GHOAUTH, oracle: ['-artifact', sharedFixturePath(...HELLO)] },
  'sigstore-js DSSE text/plain v0.3': { file: ['sigstore', 'sigstore-js', 'dsse-text-plain.v0.3.json'], artifact: file(...HELLO), san: 'brian@dehamer.com', issuer: GHOAUTH },
  'sigstore-js Rekor v2 hashedrekord (RFC 3161 timestamp)': { file: ['sigstore', 'sigstore-js', 'rekor-v2-hashedrekord.v0.3.json'], artifact: file(...HELLO), san: 'brian@dehamer.com', issuer: GHOAUTH },
  'sigstore-js Rekor v2 DSSE (RFC 3161 timestamp)': { file: ['sigstore', 'sigstore-js', 'rekor-v2-dsse.v0.3.json'], artifact: file(...HELLO), san: 'brian@dehamer.com', issuer: GHOAUTH },
  'cosign OCI image attestation (new bundle format)': {
    file: ['sigstore', 'cosign', 'oci-attestation.sigstore.json'], san: 'cody@soyland.com', issuer: GHOAUTH,
    artifact: { digest: { algorithm: 'sha256', hex: '732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4' } },
    oracle: ['-artifact-digest', '732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4'],
  },
};

const UPSTREAM_INVALID: Record<string, { file: readonly string[]; artifact: BundleArtifact }> = {
  'conformance signature-mismatch_fail': { file: ['sigstore', 'conformance', 'signature-mismatch_fail', 'bundle.sigstore.json'], artifact: file(...A_TXT) },
  'conformance wrong-material_fail': { file: ['sigstore', 'conformance', 'wrong-material_fail', 'bundle.sigstore.json'], artifact: file('sigstore', 'conformance', 'wrong-material_fail', 'artifact') },
  'conformance dsse-invalid-sig_fail': { file: ['sigstore', 'conformance', 'dsse-invalid-sig_fail', 'bundle.sigstore.json'], artifact: file(...A_TXT) },
  'conformance incorrect-public-key_fail': { file: ['sigstore', 'conformance', 'incorrect-public-key_fail', 'bundle.sigstore.json'], artifact: file(...A_TXT) },
  'conformance bundle-from-wrong-instance_fail (staging)': { file: ['sigstore', 'conformance', 'bundle-from-wrong-instance_fail', 'bundle.sigstore.json'], artifact: file(...A_TXT) },
  'sigstore-go dsse-2sigs': { file: ['sigstore', 'sigstore-go', 'dsse-2sigs.sigstore.json'], artifact: VALID['sigstore-go dsse (SET only, no inclusion proof)']!.artifact },
  'sigstore-js invalid-expired-cert': { file: ['sigstore', 'sigstore-js', 'invalid-expired-cert.v0.1.json'], artifact: file(...HELLO) },
  'sigstore-js invalid-bad-signature': { file: ['sigstore', 'sigstore-js', 'invalid-bad-signature.v0.1.json'], artifact: file(...HELLO) },
};

/** The bundle with one byte of its signature changed. */
function oneByteChanged(bundle: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(bundle) as { messageSignature?: { signature: string }; dsseEnvelope?: { signatures: { sig: string }[] } };
  const flip = (b64: string): string => {
    const bytes = Buffer.from(b64, 'base64');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0x01;
    return bytes.toString('base64');
  };
  if (copy.messageSignature) copy.messageSignature.signature = flip(copy.messageSignature.signature);
  else if (copy.dsseEnvelope?.signatures[0]) copy.dsseEnvelope.signatures[0].sig = flip(copy.dsseEnvelope.signatures[0].sig);
  else throw new Error('no signature to change');
  return copy as Record<string, unknown>;
}

void describe('Sigstore public-good keyless bundles, offline against the shipped trusted root', () => {
  const root = parseTrustedRoot(readSharedFixture(...PUBLIC_GOOD_ROOT), 'public-good.trusted_root.json');
  let scratch: TempDir;
  before(async () => {
    scratch = await makeTempDir('bundles');
  });
  after(async () => {
    await scratch?.remove();
  });
  const sigstoreGo = async (bundle: unknown, c: BundleCase) => {
    const path = join(scratch.path, `${createHash('sha256').update(JSON.stringify(bundle)).digest('hex')}.json`);
    await writeFile(path, JSON.stringify(bundle));
    return runTool('sigstore-go-verification', ['-trustedrootJSONpath', sharedFixturePath(...PUBLIC_GOOD_ROOT), ...(c.oracle ?? []), '-expectedSAN', c.san, '-expectedIssuer', c.issuer, path], { allowFailure: true });
  };

  for (const [name, c] of Object.entries(VALID)) {
    void it(`${name} verifies, signed by ${c.san} via ${c.issuer}`, async () => {
      const bundle = JSON.parse(readSharedFixture(...c.file).toString('utf8')) as Record<string, unknown>;
      const result = verifySigstoreBundle(bundle, c.artifact, root);
      assert.ok(result.ok, result.ok ? '' : result.reason);
      assert.equal(result.certificate?.subject, c.san);
      assert.equal(result.certificate?.issuer, c.issuer);
      if (c.oracle) assert.equal((await sigstoreGo(bundle, c)).code, 0, 'sigstore-go agrees');
    });
    void it(`${name} with one byte of its signature changed is invalid`, async () => {
      const bundle = oneByteChanged(JSON.parse(readSharedFixture(...c.file).toString('utf8')) as Record<string, unknown>);
      const result = verifySigstoreBundle(bundle, c.artifact, root);
      assert.equal(result.ok, false);
      if (c.oracle) assert.equal((await sigstoreGo(bundle, c)).code, 1, 'sigstore-go rejects it too');
    });
  }
  for (const [name, c] of Object.entries(UPSTREAM_INVALID)) {
    void it(`${name} is invalid, as upstream expects`, () => {
      const result = verifySigstoreBundle(JSON.parse(readSharedFixture(...c.file).toString('utf8')), c.artifact, root);
      assert.equal(result.ok, false);
    });
  }
  void it('a message-signature bundle checked against another artifact (one byte changed) is invalid', () => {
    const c = VALID['conformance happy-path-v0.3']!;
    const artifact = Buffer.from(readSharedFixture(...A_TXT));
    artifact[0] = (artifact[0] as number) ^ 0x01;
    assert.equal(verifySigstoreBundle(JSON.parse(readSharedFixture(...c.file).toString('utf8')), { bytes: artifact }, root).ok, false);
  });
});

void describe('a real keyless cosign .sig in a real registry (loaded with oras)', () => {
  const LEGACY = ['sigstore', 'cosign-legacy-sig'];
  const DIGEST = 'sha256:0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a';
  const NAME = 'cosign-signed/fulcio-rekor-1';
  const IDENTITY = { issuer: GHOAUTH, subject: 'mitr@redhat.com' };
  let h: CosignHarness;
  let withRoot: CosignPolicy;

  before(async () => {
    h = await startCosignHarness();
    await runTool('oras', ['cp', '--from-oci-layout', `${sharedFixturePath(...LEGACY, 'sig-layout')}:${signatureTag(DIGEST)}`, '--to-plain-http', `${h.registry.host}/${NAME}:${signatureTag(DIGEST)}`]);
    withRoot = { keys: [], identities: [IDENTITY], trustedRoot: sharedFixturePath(...PUBLIC_GOOD_ROOT) };
  });
  after(async () => {
    await h?.stop();
  });

  const annotations = () => JSON.parse(readSharedFixture(...LEGACY, 'annotations.json').toString('utf8')) as Record<string, string>;
  const payload = () => new Uint8Array(readSharedFixture(...LEGACY, 'payload.json'));

  void it('verifies offline for its digest, showing identity, issuer, Rekor entry and certificate validity', async () => {
    const result = await h.check(NAME, DIGEST, withRoot);
    assert.equal(result.status, 'signed', JSON.stringify(result.findings));
    assert.deepEqual(result.signers, [{
      kind: 'certificate', name: 'mitr@redhat.com', identity: 'mitr@redhat.com', issuer: GHOAUTH,
      certificate: { notBefore: '2023-01-20T20:51:31.000Z', notAfter: '2023-01-20T21:01:31.000Z', authority: 'sigstore' },
      rekor: { logIndex: 11605770, integratedTime: '2023-01-20T20:51:33.000Z' },
      trusted: true, location: { source: 'sig-tag', manifestDigest: 'sha256:1edc720502eb1f82fdfc972c9c943185fb3b99c29208af238e0df8feeb62a2e1' },
    }]);
    assert.deepEqual(result.expires, [], 'a logged keyless signature does not expire with its certificate');
  });

  void it('cosign agrees, fully offline, on the same layout', async () => {
    const pem = (name: string) => sharedFixturePath('sigstore', 'trusted-root', 'pem', name);
    const env = { SIGSTORE_ROOT_FILE: pem('fulcio-intermediate-and-root.pem'), SIGSTORE_REKOR_PUBLIC_KEY: pem('rekor.sigstore.dev.pub'), SIGSTORE_CT_LOG_PUBLIC_KEY_FILE: pem('ctfe.sigstore.dev-2022.pub') };
    const verify = (layout: string) => runTool('cosign', ['verify', '--local-image', '--offline', '--certificate-identity', 'mitr@redhat.com', '--certificate-oidc-issuer', GHOAUTH, sharedFixturePath(...LEGACY, layout)], { extraEnv: env, allowFailure: true });
    assert.equal((await verify('cosign-save-layout')).code, 0);
    assert.equal((await verify('tampered-payload-layout')).code, 1);
  });

  void it('with no rule trusting the identity, it is an untrusted signer named with its issuer', async () => {
    const result = await h.check(NAME, DIGEST, { keys: [], identities: [], trustedRoot: sharedFixturePath(...PUBLIC_GOOD_ROOT) });
    assert.equal(result.status, 'invalid');
    const finding = result.findings.find((f) => f.code === 'untrusted-signer');
    assert.equal(finding?.message, 'signed by mitr@redhat.com via github.com/login/oauth; no rule in .trustlens.yaml trusts this identity');
    assert.equal(finding?.severity, 'warning', 'no rule trusts anyone yet');
    assert.deepEqual(finding?.fix, { repository: `${h.registry.host}/${NAME}`, issuer: GHOAUTH, subject: 'mitr@redhat.com' });
  });

  void it('offline with no trusted root file and none cached, it is unverifiable, never unsigned', async () => {
    const result = await h.check(NAME, DIGEST, { keys: [], identities: [IDENTITY] });
    assert.equal(result.status, 'unverifiable');
    assert.match(result.findings[0]?.message ?? '', /keyless signature of mitr@redhat\.com cannot be checked: the Sigstore trusted root could not be fetched/);
  });

  void it('the tampered layout\'s .sig (payload changed, signature kept) is invalid', async () => {
    const name = 'cosign-signed/tampered';
    await runTool('oras', ['cp', '--from-oci-layout', `${sharedFixturePath(...LEGACY, 'tampered-payload-layout')}@sha256:b8f3245ab8b4ebfe048d97f0df725840a074793e426d93a989bbe3f23cf76b69`,
      '--to-plain-http', `${h.registry.host}/${name}:${signatureTag(DIGEST)}`]);
    const result = await h.check(name, DIGEST, withRoot);
    assert.equal(result.status, 'invalid');
    assert.match(result.findings.map((f) => f.message).join('\n'), /digest mismatch|signature verification failed/);
  });

  void it('one byte of the signature changed makes it invalid', async () => {
    const name = 'cosign-signed/one-byte';
    const a = annotations();
    const sig = Buffer.from(a[ANNOTATIONS.signature] as string, 'base64');
    sig[sig.length - 1] = (sig[sig.length - 1] as number) ^ 0x01;
    await putSigManifest(h.oci, h.repo(name), DIGEST, [{ payload: payload(), annotations: { ...a, [ANNOTATIONS.signature]: sig.toString('base64') } }]);
    const result = await h.check(name, DIGEST, withRoot);
    assert.equal(result.status, 'invalid', JSON.stringify(result.findings));
  });

  void it('control for the layer rewritten by the test: the same annotations unchanged verify', async () => {
    const name = 'cosign-signed/rewritten';
    await putSigManifest(h.oci, h.repo(name), DIGEST, [{ payload: payload(), annotations: annotations() }]);
    assert.equal((await h.check(name, DIGEST, withRoot)).status, 'signed');
  });

  void it('a SET replaced by one signed with another key is invalid', async () => {
    const name = 'cosign-signed/rogue-set';
    const a = annotations();
    const rekor = JSON.parse(a[ANNOTATIONS.bundle] as string) as { SignedEntryTimestamp: string };
    const { generateKeyPairSync, sign } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    rekor.SignedEntryTimestamp = sign('sha256', Buffer.from('anything'), { key: privateKey, dsaEncoding: 'der' }).toString('base64');
    await putSigManifest(h.oci, h.repo(name), DIGEST, [{ payload: payload(), annotations: { ...a, [ANNOTATIONS.bundle]: JSON.stringify(rekor) } }]);
    const result = await h.check(name, DIGEST, withRoot);
    assert.equal(result.status, 'invalid');
    assert.match(result.findings.map((f) => f.message).join('\n'), /inclusion promise could not be verified/);
  });

  void it('a copy under another digest\'s .sig tag is invalid (it names 0489…)', async () => {
    const name = 'cosign-signed/copied';
    const other = `sha256:${'ab'.repeat(32)}`;
    await putSigManifest(h.oci, h.repo(name), other, [{ payload: payload(), annotations: annotations() }]);
    const result = await h.check(name, other, withRoot);
    assert.equal(result.status, 'invalid');
    assert.match(result.findings[0]?.message ?? '', new RegExp(`signature is for ${DIGEST}`));
  });
});
