/**
 * `trustlens check` on a real docker-registry 2.8.2 with signatures the real cosign 2.5.0 wrote: the
 * cosign verdict reaches the gate through the engine, under `.trustlens.yaml` rules that require
 * cosign, accept either scheme, or say nothing about schemes. The registry has no trust server, so
 * Docker Content Trust is unverifiable for every image here: only cosign can sign them.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePublicKeyPem } from '../../src/core/trust/cosign/publicKeys';
import { signatureTag } from '../../src/core/trust/cosign/cosignFormats';
import { PUBLIC_GOOD_ROOT, sharedFixturePath } from '../helpers/sigstore/sharedFixtures';
import { runCli } from '../helpers/trust/cli';
import { cosign, runTool } from '../helpers/sigstore/tools';
import { freePort } from '../helpers/stack/ports';
import { pushImage } from '../helpers/stack/push';
import { startRegistry, type Registry } from '../helpers/stack/registry';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';

const PASSWORD = 'check-passphrase';
const SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';

interface Signer { name: string; keyIds: string[]; identity?: string; issuer?: string; trusted?: boolean; validity?: { notBefore: string; notAfter: string }; logEntry?: { index: number; integratedTime?: string } }
interface Signature { scheme: string; status: string; signers: Signer[]; findings: { code: string }[] }
interface Result { reference: string; status: string; verdict: string; signedDigest: string | null; findings: { code: string; severity: string; message: string }[]; signatures: Signature[] }

void describe('trustlens check with cosign signatures on a real registry', () => {
  let registry: Registry;
  let dir: TempDir;
  let keyId: string;
  let otherPub: string;
  let tufUrl: string;
  const images: Record<string, { ref: string; digest: string }> = {};

  before(async () => {
    registry = await startRegistry();
    dir = await makeTempDir('cosign-check');
    await mkdir(join(dir.path, 'keys'));
    await cosign(['generate-key-pair', '--output-key-prefix', join(dir.path, 'keys', 'cosign')], { password: PASSWORD, cwd: dir.path });
    await cosign(['generate-key-pair', '--output-key-prefix', join(dir.path, 'keys', 'other')], { password: PASSWORD, cwd: dir.path });
    keyId = parsePublicKeyPem(await readFile(join(dir.path, 'keys', 'cosign.pub')), 'cosign.pub').id;
    otherPub = join(dir.path, 'keys', 'other.pub');
    // Sigstore's TUF repository on a closed port: nothing here may reach the network.
    tufUrl = `http://127.0.0.1:${await freePort()}`;
    const push = async (name: string) => {
      const pushed = await pushImage(registry, `team/${name}`, 'v1');
      images[name] = { ref: `${registry.host}/team/${name}:v1`, digest: pushed.digest };
      return `${registry.host}/team/${name}@${pushed.digest}`;
    };
    await cosign(['sign', '--key', join(dir.path, 'keys', 'cosign.key'), '--tlog-upload=false', '--allow-insecure-registry', '-y', await push('legacy')], { password: PASSWORD });
    const predicate = join(dir.path, 'predicate.json');
    await writeFile(predicate, '{}');
    await cosign(['attest', '--new-bundle-format', '--key', join(dir.path, 'keys', 'cosign.key'), '--tlog-upload=false', '--allow-insecure-registry', '-y',
      '--type', SIGN_PREDICATE, '--predicate', predicate, await push('bundle')], { password: PASSWORD });
    await push('unsigned');
  });
  after(async () => {
    await registry?.stop();
    await dir?.remove();
  });

  let project = 0;
  /** Runs `trustlens check --format json` on a Dockerfile naming `names` (or references written as is), under `policy` (none when undefined). */
  const check = async (names: readonly string[], policy?: string): Promise<{ code: number; results: Result[] }> => {
    const work = join(dir.path, `project${++project}`);
    await mkdir(work, { recursive: true });
    await writeFile(join(work, 'Dockerfile'), names.map((n) => `FROM ${images[n]?.ref ?? n}\n`).join(''));
    if (policy !== undefined) await writeFile(join(work, '.trustlens.yaml'), policy.replaceAll('KEYS', join(dir.path, 'keys')));
    const run = await runCli(['check', work, '--format', 'json', '--cache-dir', join(work, 'cache'), '--docker-config', join(work, 'docker')], { env: { TRUSTLENS_SIGSTORE_TUF_URL: tufUrl } });
    assert.ok(run.code === 0 || run.code === 1, run.stderr);
    return { code: run.code ?? -1, results: (JSON.parse(run.stdout) as { results: Result[] }).results };
  };
  const cosignOf = (r: Result) => r.signatures.find((s) => s.scheme === 'cosign');
  const requireCosign = `rules:\n  - images: ["**"]\n    require: [cosign]\n    cosign:\n      keys: [KEYS/cosign.pub]\n`;

  void it('passes what `cosign sign --key --tlog-upload=false` and `cosign attest --new-bundle-format` wrote, under a rule that requires cosign and trusts the key', async () => {
    const { code, results } = await check(['legacy', 'bundle'], requireCosign);
    assert.equal(code, 0, JSON.stringify(results, null, 1));
    assert.deepEqual(results.map((r) => [r.status, r.verdict, r.signedDigest]), [['signed', 'pass', images.legacy!.digest], ['signed', 'pass', images.bundle!.digest]]);
    for (const r of results) {
      assert.deepEqual(r.signatures.map((s) => s.scheme), ['cosign'], 'require: [cosign] asks cosign only');
      assert.deepEqual(cosignOf(r)!.signers.map((s) => [s.keyIds, s.trusted]), [[[keyId], true]]);
    }
  });

  void it('fails an image cosign did not sign, with no-signature, under the same rule', async () => {
    const { code, results } = await check(['unsigned'], requireCosign);
    assert.equal(code, 1);
    assert.deepEqual(results.map((r) => [r.status, r.verdict, r.findings.map((f) => `${f.code}:${f.severity}`)]), [['unsigned', 'fail', ['no-signature:error']]]);
  });

  void it('a signature by a key no rule trusts is an untrusted signer, naming the trusted key, and fails', async () => {
    const { code, results } = await check(['legacy'], requireCosign.replace('KEYS/cosign.pub', otherPub));
    assert.equal(code, 1);
    const [r] = results;
    assert.deepEqual([r!.status, r!.verdict], ['invalid', 'fail']);
    assert.deepEqual(r!.findings.map((f) => `${f.code}:${f.severity}`), ['untrusted-signer:error']);
    assert.match(r!.findings[0]!.message, /none of the trusted keys \(.*other\.pub.*\) verifies/);
  });

  void it('anyOf: [dct, cosign] passes on the cosign signature while DCT cannot be checked; require: [dct, cosign] fails', async () => {
    const anyOf = await check(['legacy'], requireCosign.replace('require: [cosign]', 'anyOf: [dct, cosign]'));
    assert.equal(anyOf.code, 0, JSON.stringify(anyOf.results, null, 1));
    assert.deepEqual(anyOf.results.map((r) => [r.status, r.verdict, r.signatures.map((s) => `${s.scheme}:${s.status}`)]), [['signed', 'pass', ['dct:unverifiable', 'cosign:signed']]]);
    const both = await check(['legacy'], requireCosign.replace('require: [cosign]', 'require: [dct, cosign]'));
    assert.equal(both.code, 1);
    assert.deepEqual(both.results.map((r) => [r.verdict, r.findings.map((f) => f.code)]), [['fail', ['unverifiable']]]);
  });

  void it('with no policy, every scheme is checked and shown; a signer nobody trusts leads, and the image fails', async () => {
    const { code, results } = await check(['legacy', 'unsigned']);
    assert.equal(code, 1);
    const [legacy, unsigned] = results;
    assert.deepEqual(legacy!.signatures.map((s) => `${s.scheme}:${s.status}`), ['dct:unverifiable', 'cosign:invalid']);
    // The untrusted signer alone is a warning while no rule names a key: DCT's "no answer" keeps the image failing.
    assert.deepEqual([legacy!.status, legacy!.verdict, legacy!.findings.map((f) => `${f.code}:${f.severity}`)], ['invalid', 'fail', ['unverifiable:error', 'untrusted-signer:warning']]);
    assert.match(legacy!.findings.find((f) => f.code === 'untrusted-signer')!.message, /signed with a key, and no rule in \.trustlens\.yaml names a key for this image/);
    // Neither scheme has anything for the unsigned image: cosign's "no signature" says more than DCT's "no answer" (no trust server here), and speaks for both.
    assert.deepEqual(unsigned!.signatures.map((s) => `${s.scheme}:${s.status}`), ['dct:unverifiable', 'cosign:unsigned']);
    assert.deepEqual([unsigned!.verdict, unsigned!.findings.map((f) => f.code)], ['fail', ['no-signature']]);
  });

  void it('an invalid cosign section fails the gate on the policy file, naming its line', async () => {
    const { code, results } = await check(['legacy'], 'rules:\n  - images: ["**"]\n    cosign:\n      key: cosign.pub\n');
    assert.equal(code, 1);
    const file = results.find((r) => r.findings.some((f) => f.code === 'unparsable-file'));
    assert.ok(file, JSON.stringify(results));
    assert.match(file.findings[0]!.message, /unknown cosign key "key"/);
  });

  void it('verifies a real public-good keyless .sig offline, with the policy\'s trustedRoot file, and shows identity, issuer, log entry and certificate validity', async () => {
    const digest = 'sha256:0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a';
    const name = 'keyless/fulcio-rekor-1';
    await runTool('oras', ['cp', '--from-oci-layout', `${sharedFixturePath('sigstore', 'cosign-legacy-sig', 'sig-layout')}:${signatureTag(digest)}`, '--to-plain-http', `${registry.host}/${name}:${signatureTag(digest)}`]);
    const policy = (identity: string) => `rules:\n  - images: ["**"]\n    require: [cosign]\n    cosign:\n      identities:\n        - {issuer: "https://github.com/login/oauth", subject: ${identity}}\n      trustedRoot: ${sharedFixturePath(...PUBLIC_GOOD_ROOT)}\n`;
    const { code, results } = await check([`${registry.host}/${name}@${digest}`], policy('mitr@redhat.com'));
    assert.equal(code, 0, JSON.stringify(results, null, 1));
    assert.deepEqual(cosignOf(results[0]!)!.signers, [{
      name: 'mitr@redhat.com', keyIds: [], identity: 'mitr@redhat.com', issuer: 'https://github.com/login/oauth', trusted: true,
      validity: { notBefore: '2023-01-20T20:51:31.000Z', notAfter: '2023-01-20T21:01:31.000Z' },
      logEntry: { index: 11605770, integratedTime: '2023-01-20T20:51:33.000Z' },
    }]);
    const other = await check([`${registry.host}/${name}@${digest}`], policy('someone@example.com'));
    assert.equal(other.code, 1);
    assert.deepEqual(other.results[0]!.findings.map((f) => [f.code, f.message]), [['untrusted-signer', 'signed by mitr@redhat.com via github.com/login/oauth; no rule in .trustlens.yaml trusts this identity']]);
  });
});
