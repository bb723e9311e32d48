/**
 * RFC 3161 timestamps on legacy cosign signatures, end to end with real parts: the real cosign 2.5.0
 * signs with a key and `--timestamp-server-url` pointing at a TSA on loopback (`openssl ts -reply`), so
 * cosign itself writes the `dev.sigstore.cosign/rfc3161timestamp` annotation on a real docker-registry.
 * TrustLens, given a trusted root that lists the TSA, verifies the timestamp, and a timestamp it
 * cannot verify (its TSA not in the root, or stamped over another signature) fails the signature, as
 * `cosign verify --timestamp-certificate-chain` does.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ANNOTATIONS, SIMPLE_SIGNING_MEDIA_TYPE, signatureTag } from '../../src/core/trust/cosign/cosignFormats';
import type { CosignCheckResult } from '../../src/core/trust/cosign/cosignResult';
import { keysPolicy, startCosignHarness, type CosignHarness } from '../helpers/sigstore/cosignHarness';
import { trustedRootJson } from '../helpers/sigstore/localLog';
import { putSigManifest, type RawLayer } from '../helpers/sigstore/rawSignatures';
import { startTimestampServer, type TimestampServer } from '../helpers/sigstore/timestampServer';
import { cosign } from '../helpers/sigstore/tools';
import { runCli } from '../helpers/trust/cli';
import { freePort } from '../helpers/stack/ports';
import { pushImage } from '../helpers/stack/push';

const PASSWORD = 'timestamp-passphrase';

void describe('RFC 3161 timestamps cosign writes on a legacy .sig', () => {
  let h: CosignHarness;
  let tsa: TimestampServer;
  let rogueTsa: TimestampServer;
  let key: string;
  let pub: string;
  /** Trusted roots: listing the TSA that stamped, only another TSA, or no TSA at all. */
  const roots = { tsa: '', rogue: '', none: '' };
  const images: Record<'stamped' | 'other', { repository: string; digest: string; byDigest: string }> = {} as never;

  before(async () => {
    h = await startCosignHarness();
    await cosign(['generate-key-pair', '--output-key-prefix', join(h.dir, 'cosign')], { password: PASSWORD, cwd: h.dir });
    key = join(h.dir, 'cosign.key');
    pub = join(h.dir, 'cosign.pub');
    await mkdir(join(h.dir, 'tsa'));
    tsa = await startTimestampServer(join(h.dir, 'tsa'), 'TrustLens TSA');
    rogueTsa = await startTimestampServer(join(h.dir, 'tsa'), 'Rogue TSA');
    const root = (authorities: object[]) => JSON.stringify({ ...trustedRootJson([]), timestampAuthorities: authorities });
    roots.tsa = await h.write('root-tsa.json', root([tsa.authority]));
    roots.rogue = await h.write('root-rogue.json', root([rogueTsa.authority]));
    roots.none = await h.write('root-none.json', root([]));
    for (const name of ['stamped', 'other'] as const) {
      const repository = `timestamp/${name}`;
      const pushed = await pushImage(h.registry, repository, 'v1');
      images[name] = { repository, digest: pushed.digest, byDigest: `${h.registry.host}/${repository}@${pushed.digest}` };
      await cosign(['sign', '--key', key, '--tlog-upload=false', '--timestamp-server-url', tsa.url, '--allow-insecure-registry', '-y', images[name].byDigest], { password: PASSWORD });
    }
  });
  after(async () => {
    await tsa?.stop();
    await rogueTsa?.stop();
    await h?.stop();
  });

  /** The layers of an image's `.sig` manifest, with their payloads. */
  const sigLayers = async (img: { repository: string; digest: string }): Promise<RawLayer[]> => {
    const manifest = JSON.parse(Buffer.from((await h.oci.fetchManifest(h.repo(img.repository), signatureTag(img.digest))).bytes).toString('utf8')) as {
      layers: { digest: string; mediaType: string; annotations: Record<string, string> }[];
    };
    return Promise.all(manifest.layers.map(async (l) => {
      assert.equal(l.mediaType, SIMPLE_SIGNING_MEDIA_TYPE);
      return { payload: await h.oci.fetchBlob(h.repo(img.repository), l.digest), annotations: l.annotations };
    }));
  };
  const check = (img: { repository: string }, root: string): Promise<CosignCheckResult> => h.check(img.repository, 'v1', { ...keysPolicy(pub), trustedRoot: root });
  const cosignVerify = (img: { byDigest: string }, chain: string) => cosign(['verify', '--key', pub, '--insecure-ignore-tlog', '--use-signed-timestamps',
    '--timestamp-certificate-chain', chain, '--allow-insecure-registry', img.byDigest], { allowFailure: true });

  void it('cosign asked the TSA and wrote the rfc3161timestamp annotation on the signature layer', async () => {
    assert.equal(tsa.stamped(), 2, 'one timestamp per signature');
    assert.equal(rogueTsa.stamped(), 0);
    const [layer] = await sigLayers(images.stamped);
    const annotation = JSON.parse(layer!.annotations[ANNOTATIONS.rfc3161Timestamp] ?? 'null') as { SignedRFC3161Timestamp?: string } | null;
    assert.equal(typeof annotation?.SignedRFC3161Timestamp, 'string');
    assert.equal(layer!.annotations[ANNOTATIONS.bundle], undefined, 'no Rekor entry: the timestamp is the only evidence of signing time');
  });

  void it('control: with a trusted root listing the TSA, the key signature and its timestamp verify: signed', async () => {
    const result = await check(images.stamped, roots.tsa);
    assert.equal(result.status, 'signed', JSON.stringify(result.findings));
    assert.equal(result.signedDigest, images.stamped.digest);
    assert.deepEqual(result.signers.map((s) => [s.kind, s.location.source, s.trusted]), [['key', 'sig-tag', true]]);
  });

  void it('`cosign verify --use-signed-timestamps --timestamp-certificate-chain` accepts the same signature with the TSA\'s chain', async () => {
    const chain = await h.write('tsa-chain.pem', tsa.chainPem);
    const verified = await cosignVerify(images.stamped, chain);
    assert.equal(verified.code, 0, verified.stderr);
    assert.match(verified.stdout, new RegExp(`"docker-manifest-digest":"${images.stamped.digest}"`));
  });

  void it('a trusted root that does not list the TSA that stamped (another TSA, or none) makes the signature invalid, as cosign refuses it', async () => {
    for (const root of [roots.rogue, roots.none]) {
      const result = await check(images.stamped, root);
      assert.equal(result.status, 'invalid', `${root}: ${JSON.stringify(result.findings)}`);
      assert.deepEqual(result.findings.map((f) => f.code), ['invalid-signature']);
      assert.match(result.findings[0]!.message, /timestamp could not be verified/);
    }
    const rogueChain = await h.write('rogue-chain.pem', rogueTsa.chainPem);
    const refused = await cosignVerify(images.stamped, rogueChain);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /unable to verify RFC3161 timestamp bundle: .*certificate signed by unknown authority/);
  });

  void it('a timestamp copied from another signature (stamped over other bytes by the trusted TSA) makes the signature invalid, for TrustLens and cosign', async () => {
    const [own] = await sigLayers(images.stamped);
    const [other] = await sigLayers(images.other);
    const copied = other!.annotations[ANNOTATIONS.rfc3161Timestamp]!;
    assert.notEqual(copied, own!.annotations[ANNOTATIONS.rfc3161Timestamp]);
    const forged = { repository: 'timestamp/copied', digest: '', byDigest: '' };
    const pushed = await pushImage(h.registry, forged.repository, 'v1', { seed: `${images.stamped.repository}:v1` });
    Object.assign(forged, { digest: pushed.digest, byDigest: `${h.registry.host}/${forged.repository}@${pushed.digest}` });
    // The same image content as `stamped`, so its signature layer binds this digest too.
    assert.equal(pushed.digest, images.stamped.digest);
    await putSigManifest(h.oci, h.repo(forged.repository), forged.digest, [{ payload: own!.payload, annotations: { ...own!.annotations, [ANNOTATIONS.rfc3161Timestamp]: copied } }]);
    const result = await check(forged, roots.tsa);
    assert.equal(result.status, 'invalid', JSON.stringify(result.findings));
    assert.match(result.findings[0]!.message, /timestamp could not be verified/);
    const chain = await h.write('tsa-chain.pem', tsa.chainPem);
    const refused = await cosignVerify(forged, chain);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /unable to verify RFC3161 timestamp bundle: hashed messages don't match/);
    // Control: the untouched signature in its own repository still verifies.
    assert.equal((await check(images.stamped, roots.tsa)).status, 'signed');
  });

  void it('`trustlens check` passes the timestamped signature under a trusted root listing the TSA and fails it under one that does not', async () => {
    const work = join(h.dir, 'project');
    await mkdir(work, { recursive: true });
    await writeFile(join(work, 'Dockerfile'), `FROM ${h.registry.host}/${images.stamped.repository}:v1\n`);
    const run = async (root: string) => {
      await writeFile(join(work, '.trustlens.yaml'), `rules:\n  - images: ["**"]\n    require: [cosign]\n    cosign:\n      keys: [${pub}]\n      trustedRoot: ${root}\n`);
      const cli = await runCli(['check', work, '--format', 'json', '--cache-dir', join(work, `cache-${root.length}-${Date.now()}`), '--docker-config', join(work, 'docker')],
        { env: { TRUSTLENS_SIGSTORE_TUF_URL: `http://127.0.0.1:${await freePort()}` } });
      const [result] = (JSON.parse(cli.stdout) as { results: { status: string; verdict: string; findings: { code: string }[] }[] }).results;
      return { code: cli.code, status: result?.status, verdict: result?.verdict, findings: result?.findings.map((f) => f.code) };
    };
    assert.deepEqual(await run(roots.tsa), { code: 0, status: 'signed', verdict: 'pass', findings: [] });
    assert.deepEqual(await run(roots.rogue), { code: 1, status: 'invalid', verdict: 'fail', findings: ['invalid-signature'] });
  });

  /** `trustlens sign --scheme cosign --timestamp-server-url` of a new image; its reference. */
  const signWithTimestamp = async (name: string, format: 'legacy' | 'bundle'): Promise<{ repository: string; digest: string; byDigest: string; stdout: string }> => {
    const repository = `timestamp/${name}`;
    const pushed = await pushImage(h.registry, repository, 'v1', { seed: name });
    const before = tsa.stamped();
    const signed = await runCli(['sign', `${h.registry.host}/${repository}@${pushed.digest}`, '--scheme', 'cosign', '--key', key, '--format', format,
      '--timestamp-server-url', tsa.url, '--docker-config', join(h.dir, 'docker'), '--cache-dir', join(h.dir, `sign-cache-${name}`)], { env: { COSIGN_PASSWORD: PASSWORD } });
    assert.equal(signed.code, 0, signed.stderr);
    assert.equal(tsa.stamped(), before + 1, 'one timestamp asked for');
    return { repository, digest: pushed.digest, byDigest: `${h.registry.host}/${repository}@${pushed.digest}`, stdout: signed.stdout };
  };

  void it('TrustLens signs with --timestamp-server-url (legacy .sig): cosign verifies the timestamp with the TSA\'s chain; TrustLens verifies it under a root listing the TSA and not under another', async () => {
    const img = await signWithTimestamp('trustlens-legacy', 'legacy');
    assert.match(img.stdout, new RegExp(`timestamped by ${tsa.url.replace(/[.]/g, '\\.')}`));
    const [layer] = await sigLayers(img);
    assert.equal(typeof (JSON.parse(layer!.annotations[ANNOTATIONS.rfc3161Timestamp] ?? 'null') as { SignedRFC3161Timestamp?: unknown } | null)?.SignedRFC3161Timestamp, 'string');
    const verified = await cosignVerify(img, await h.write('tsa-chain.pem', tsa.chainPem));
    assert.equal(verified.code, 0, verified.stderr);
    const refused = await cosignVerify(img, await h.write('rogue-chain.pem', rogueTsa.chainPem));
    assert.notEqual(refused.code, 0, 'cosign refuses it with another TSA\'s chain');
    assert.equal((await check(img, roots.tsa)).status, 'signed');
    assert.equal((await check(img, roots.rogue)).status, 'invalid');
  });

  void it('TrustLens signs with --timestamp-server-url (Sigstore bundle): cosign verify-attestation accepts it under a trusted root listing the TSA, and TrustLens verifies it', async () => {
    const img = await signWithTimestamp('trustlens-bundle', 'bundle');
    const verified = await cosign(['verify-attestation', '--new-bundle-format', '--trusted-root', roots.tsa, '--key', pub, '--insecure-ignore-tlog', '--use-signed-timestamps',
      '--type', 'https://sigstore.dev/cosign/sign/v1', '--allow-insecure-registry', `${h.registry.host}/${img.repository}:v1`], { allowFailure: true });
    assert.equal(verified.code, 0, verified.stderr);
    const refused = await cosign(['verify-attestation', '--new-bundle-format', '--trusted-root', roots.rogue, '--key', pub, '--insecure-ignore-tlog', '--use-signed-timestamps',
      '--type', 'https://sigstore.dev/cosign/sign/v1', '--allow-insecure-registry', `${h.registry.host}/${img.repository}:v1`], { allowFailure: true });
    assert.notEqual(refused.code, 0, 'cosign refuses it under a root listing another TSA');
    assert.equal((await check(img, roots.tsa)).status, 'signed');
    assert.equal((await check(img, roots.rogue)).status, 'invalid');
  });

  void it('a timestamp authority that refuses or answers something else: nothing is signed', async () => {
    const repository = 'timestamp/refused';
    const pushed = await pushImage(h.registry, repository, 'v1', { seed: 'refused' });
    const signed = await runCli(['sign', `${h.registry.host}/${repository}@${pushed.digest}`, '--scheme', 'cosign', '--key', key,
      '--timestamp-server-url', `http://${h.registry.host}/v2/`, '--docker-config', join(h.dir, 'docker'), '--cache-dir', join(h.dir, 'sign-cache-refused')], { env: { COSIGN_PASSWORD: PASSWORD } });
    assert.notEqual(signed.code, 0);
    assert.match(signed.stderr, /timestamp authority .* (answered HTTP|did not answer with a TimeStampResp)/);
    const sigTag = await h.oci.headManifest(h.repo(repository), signatureTag(pushed.digest));
    assert.equal(sigTag, undefined, 'no signature was pushed');
  });
});
