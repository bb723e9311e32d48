/**
 * `trustlens check` on Notation-signed images: the Notation project's own e2e layouts, loaded into a
 * real docker-registry 2.8.2 with the real `oras cp -r`, verified through the CLI as a user runs it.
 * The registry has no referrers API, so the signatures are found through the referrers tag; a registry
 * in front of it that answers the API shows that the API is used where there is one. The trust policy
 * comes from notation's own files in a temporary config home, or from `.trustlens.yaml`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckResultJson } from '../../src/core/trust/checkResult';
import { makeXdgConfigHome } from '../helpers/notation/configHome';
import { loadE2eLayouts, type E2eLayout } from '../helpers/notation/registryFixtures';
import { notationFixture } from '../helpers/notation/scenario';
import { startHostileRegistry, type HostileRegistry } from '../helpers/sigstore/hostileRegistry';
import { startRegistry, type Registry } from '../helpers/stack/registry';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { runCli } from '../helpers/trust/cli';

const SUBJECT = 'sha256:b8479de3f88fb259a0a9ea82a5b2a052a1ef3c4ebbcfc61482d5ae4c831f8af9';
const E2E_SUBJECT = 'CN=e2e,O=Notary,L=Seattle,ST=WA,C=US';
const E2E_CERT = notationFixture('config', 'localkeys', 'e2e.crt');
const policyFile = (name: string) => notationFixture('config', 'trustpolicies', name);

interface Checked { exit: number; results: CheckResultJson[]; stderr: string }

describe('trustlens check on Notation signatures in a real registry (loaded with oras)', () => {
  let registry: Registry;
  let tmp: TempDir;
  let images: Record<E2eLayout, string>;

  before(async () => {
    registry = await startRegistry();
    tmp = await makeTempDir('notation-check');
    images = await loadE2eLayouts(registry);
  });
  after(async () => {
    await registry?.stop();
    await tmp?.remove();
  });

  let run = 0;
  /** `trustlens check --format json` of a Dockerfile pulling `refs`, in a fresh folder and cache. */
  async function check(refs: readonly string[], env: Record<string, string>, policy?: string): Promise<Checked> {
    const dir = join(tmp.path, `run-${++run}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), refs.map((r) => `FROM ${r}\n`).join(''));
    if (policy !== undefined) writeFileSync(join(dir, '.trustlens.yaml'), policy);
    const out = await runCli(['check', dir, '--format', 'json', '--cache-dir', join(dir, '.cache')], { env: { HOME: join(dir, 'home'), ...env } });
    const parsed = JSON.parse(out.stdout) as { results: CheckResultJson[] };
    return { exit: out.code ?? -1, results: parsed.results, stderr: out.stderr };
  }
  const notation = (r: CheckResultJson) => r.signatures.find((s) => s.scheme === 'notation');
  /** The error codes of the Notation evidence (Docker Content Trust has no trust server here: its own finding is apart). */
  const errors = (r: CheckResultJson) => (notation(r)?.findings ?? []).filter((f) => f.severity === 'error').map((f) => f.code);
  const userConfig = (policy: string, stores: Parameters<typeof makeXdgConfigHome>[0]['stores']) => ({ XDG_CONFIG_HOME: makeXdgConfigHome({ policy: policyFile(policy), stores }) });
  const e2eStore = [{ type: 'ca' as const, name: 'e2e', files: [E2E_CERT] }];

  it('honours the user\'s trustpolicy.oci.json and trust store under XDG_CONFIG_HOME: each real layout gets its README outcome', async () => {
    const layouts: E2eLayout[] = ['e2e-valid-signature', 'e2e-valid-multiple-signatures', 'e2e', 'e2e-expired-signature', 'e2e-invalid-signature'];
    const r = await check(layouts.map((l) => images[l]), userConfig('trustpolicy.json', e2eStore));
    assert.equal(r.exit, 1, r.stderr);
    assert.deepEqual(r.results.map((x) => [x.reference, x.status, x.verdict, notation(x)?.status]), [
      [images['e2e-valid-signature'], 'signed', 'pass', 'signed'],
      [images['e2e-valid-multiple-signatures'], 'signed', 'pass', 'signed'],
      [images.e2e, 'unsigned', 'fail', 'unsigned'],
      [images['e2e-expired-signature'], 'expired', 'fail', 'expired'],
      [images['e2e-invalid-signature'], 'invalid', 'fail', 'invalid'],
    ]);
    const valid = r.results[0]!;
    assert.equal(valid.signedDigest, SUBJECT);
    assert.deepEqual(valid.signers, [E2E_SUBJECT]);
    assert.deepEqual(notation(valid)?.signers, [{ name: E2E_SUBJECT, keyIds: [notation(valid)!.signers[0]!.keyIds[0]!], role: 'notary.x509', identity: E2E_SUBJECT, issuer: E2E_SUBJECT }]);
    assert.deepEqual(notation(valid)?.source, { kind: 'registry', url: `http://${registry.host}/notation/e2e-valid-signature` });
    assert.deepEqual(notation(valid)?.findings, []);
    assert.deepEqual(errors(r.results[2]!), ['notation-unsigned']);
    assert.deepEqual(errors(r.results[3]!), ['notation-expired']);
    assert.deepEqual(errors(r.results[4]!), ['notation-invalid']);
  });

  it('asks the registry for the referrers API once, then reads each image\'s referrers tag: at most 4 requests per image with its manifest', async () => {
    const dir = join(tmp.path, 'requests');
    mkdirSync(dir, { recursive: true });
    const refs = [images['e2e-valid-signature'], images['e2e-valid-multiple-signatures']];
    writeFileSync(join(dir, 'Dockerfile'), refs.map((r) => `FROM ${r}\n`).join(''));
    writeFileSync(join(dir, '.trustlens.yaml'), `rules:\n  - images: ["${registry.host}/**"]\n    require: [notation]\n`);
    const out = await runCli(['check', dir, '--format', 'json', '--verbose', '--cache-dir', join(dir, '.cache')], { env: { HOME: join(dir, 'home'), ...userConfig('trustpolicy.json', e2eStore) } });
    const requests = out.stderr.split('\n').filter((l) => l.startsWith('debug: ') && l.includes(`//${registry.host}/v2/notation/`));
    assert.equal(requests.filter((l) => l.includes('/referrers/')).length, 1, requests.join('\n'));
    // Besides that one question (asked for whichever image came first): valid: manifest, referrers tag, signature manifest,
    // envelope; multiple: manifest, referrers tag, up to 2 × (signature manifest, envelope).
    for (const [image, most] of [['e2e-valid-signature', 4], ['e2e-valid-multiple-signatures', 6]] as const) {
      const mine = requests.filter((l) => l.includes(`/v2/notation/${image}/`) && !l.includes('/referrers/'));
      assert.ok(mine.length <= most, `${image}: ${mine.length} requests\n${mine.join('\n')}`);
    }
  });

  it('without any notation trust policy, a Notation-signed image is not checked for Notation signatures', async () => {
    const r = await check([images['e2e-valid-signature']], { XDG_CONFIG_HOME: join(tmp.path, 'no-config') });
    assert.equal(notation(r.results[0]!), undefined);
  });

  it('e2e-with-expired-cert: strict fails it as expired; permissive only warns, and never says signed', async () => {
    const store = [{ type: 'ca' as const, name: 'e2e', files: [notationFixture('config', 'localkeys', 'expired_e2e.crt')] }];
    const strict = await check([images['e2e-with-expired-cert']], userConfig('trustpolicy.json', store));
    assert.deepEqual([strict.results[0]!.status, errors(strict.results[0]!)], ['expired', ['notation-certificate-expired']]);
    const permissive = await check([images['e2e-with-expired-cert']], userConfig('permissive_trustpolicy.json', store));
    assert.equal(notation(permissive.results[0]!)?.status, 'expired');
    assert.deepEqual(notation(permissive.results[0]!)?.findings.map((f) => [f.code, f.severity]), [['notation-certificate-expired', 'warning']]);
  });

  it('the timestamped layouts: expired today by io.cncf.notary.expiry; the "invalid" countersignature fails timestamp verification', async () => {
    const testcert7 = { type: 'ca' as const, name: 'e2e', files: [notationFixture('derived-certs', 'testcert7.crt')] };
    const stamped = await check([images['e2e-with-timestamped-signature']], userConfig('trustpolicy.json', [testcert7]));
    assert.deepEqual([stamped.results[0]!.status, errors(stamped.results[0]!)], ['expired', ['notation-expired']]);
    const tsa = { type: 'tsa' as const, name: 'e2e', files: [notationFixture('config', 'timestamp', 'globalsignTSARoot.cer')] };
    const invalid = await check([images['e2e-with-invalid-timestamped-signature']], userConfig('timestamp_trustpolicy.json', [testcert7, tsa]));
    assert.deepEqual([invalid.results[0]!.status, errors(invalid.results[0]!)], ['invalid', ['notation-timestamp-invalid']]);
  });

  it('a skip policy reads "not verified by policy", never signed', async () => {
    const r = await check([images['e2e-invalid-signature']], userConfig('skip_trustpolicy.json', []));
    const n = notation(r.results[0]!)!;
    assert.equal(n.status, 'not-verified');
    assert.notEqual(r.results[0]!.status, 'signed');
    assert.match(n.findings[0]?.message ?? '', /not verified by policy/);
  });

  it('a .trustlens.yaml notation section trusts a trust store folder of its own, with no notation configuration', async () => {
    const stores = join(tmp.path, 'stores', 'e2e');
    mkdirSync(stores, { recursive: true });
    copyFileSync(E2E_CERT, join(stores, 'e2e.crt'));
    const policy = [
      'rules:',
      `  - images: ["${registry.host}/notation/**"]`,
      '    require: [notation]',
      '    notation:',
      '      trustStores:',
      `        ca: [${JSON.stringify(stores)}]`,
      '      trustedIdentities:',
      `        - "x509.subject: ${E2E_SUBJECT}"`,
      '',
    ].join('\n');
    const r = await check([images['e2e-valid-signature'], images['e2e-with-timestamped-signature'], images.e2e], { XDG_CONFIG_HOME: join(tmp.path, 'no-config') }, policy);
    assert.deepEqual(r.results.map((x) => [x.status, x.verdict]), [['signed', 'pass'], ['untrusted-signer', 'fail'], ['unsigned', 'fail']]);
    // require: [notation], so Docker Content Trust's answer (no trust server here) does not count.
    assert.deepEqual(r.results[0]!.findings.filter((f) => f.severity === 'error' || f.severity === 'warning'), []);
    const untrusted = r.results[1]!.findings.find((f) => f.code === 'untrusted-signer');
    assert.match(untrusted?.message ?? '', /CN=testcert7/);
    assert.ok(untrusted?.trust, 'the finding carries the rule that would trust the signer');
    assert.deepEqual(untrusted.trust.rule.images, [`${registry.host}/notation/e2e-with-timestamped-signature`]);
  });

  it('a rule requiring notation without a trust store: the real signature is untrusted-signer, naming the subject and the CA', async () => {
    const policy = `rules:\n  - images: ["${registry.host}/notation/**"]\n    require: [notation]\n`;
    const r = await check([images['e2e-valid-signature']], { XDG_CONFIG_HOME: join(tmp.path, 'no-config') }, policy);
    assert.equal(r.results[0]!.status, 'untrusted-signer');
    const f = r.results[0]!.findings.find((x) => x.code === 'untrusted-signer');
    assert.match(f?.message ?? '', /CN=e2e,O=Notary,L=Seattle,ST=WA,C=US/);
  });

  describe('a registry with the referrers API', () => {
    let api: HostileRegistry;
    before(async () => {
      api = await startHostileRegistry(registry);
    });
    after(() => api?.close());

    it('is asked instead of the referrers tag: an empty answer means unsigned, a listed signature is verified', async () => {
      const env = userConfig('trustpolicy.json', e2eStore);
      const image = `${api.host}/notation/e2e-valid-signature:v1`;
      const index = (manifests: object[]) => ({ bytes: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests })), mediaType: 'application/vnd.oci.image.index.v1+json' });
      api.forge(`/v2/notation/e2e-valid-signature/referrers/${SUBJECT}`, index([]));
      const empty = await check([image], env);
      assert.equal(notation(empty.results[0]!)?.status, 'unsigned');
      api.forge(`/v2/notation/e2e-valid-signature/referrers/${SUBJECT}`, index([{
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: 'sha256:90ceaff260d657d797c408ac73564a9c7bb9d86055877c2a811f0e63b8c6524f',
        size: SIGNATURE_MANIFEST_SIZE,
        artifactType: 'application/vnd.cncf.notary.signature',
      }]));
      const listed = await check([image], env);
      assert.equal(notation(listed.results[0]!)?.status, 'signed');
    });
  });
});

/** The size of e2e-valid-signature's signature manifest, as its layout's index.json gives it. */
const SIGNATURE_MANIFEST_SIZE = 728;
