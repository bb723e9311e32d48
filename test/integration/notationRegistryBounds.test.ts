/**
 * The Notation backend's bounds (count, sizes, timeouts) through a real docker-registry 2.8.2, with a
 * hostile registry in front of it that forges the answers a real registry would not give: an envelope
 * descriptor announcing more than the limit, an envelope blob larger than its descriptor (announced or
 * streamed without end: `invalid`, as the announced one is), answers that never come, more signatures than the limit. Generated signatures
 * are pushed with the real `oras cp -r`. Every case has a `signed` control through the same proxy, and
 * none is ever `signed`.
 *
 * The CLI has no option for the per-request timeout (15 s), so the timeout cases run the engine the
 * CLI builds (`standardBackends` over the registry transport) with its `timeoutMs` option set short.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { FileMetadataStore, standardBackends } from '../../src/core/composition/backends';
import { createRegistryTransport } from '../../src/core/net/registryTransport';
import { scanPaths } from '../../src/core/parse/scanPaths';
import { loadGatePolicy } from '../../src/core/policy/policyProblem';
import { nullLogger, systemClock } from '../../src/core/ports';
import { checkResultJson, type CheckResultJson } from '../../src/core/trust/checkResult';
import { createTrustEngine } from '../../src/core/trust/trustService';
import { checkWithNotationRule, notationOf, writeNotationProject, type NotationRuleSpec } from '../helpers/notation/cliCheck';
import { pushSignedImage } from '../helpers/notation/registryFixtures';
import type { GeneratedSignature } from '../helpers/notation/scenario';
import { makeCert, profiles, testKey } from '../helpers/notation/testPki';
import { jsonForgery, startHostileRegistry, type HostileRegistry } from '../helpers/sigstore/hostileRegistry';
import { startRegistry, type Registry } from '../helpers/stack/registry';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';

const name = (cn: string) => [['C', 'US'], ['ST', 'WA'], ['O', 'Bounds'], ['CN', cn]] as const;
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const INDEX = 'application/vnd.oci.image.index.v1+json';
/** The backend's limits (src/core/trust/notation/constants.ts DEFAULT_LIMITS). */
const MAX_ENVELOPE_BYTES = 1024 * 1024;
const MAX_SIGNATURES = 32;

const sha256 = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

interface Pushed {
  repository: string;
  /** The image through the hostile registry. */
  image: string;
  subject: string;
  signature: string;
}

describe('Notation bounds through a hostile registry in front of a real one, and trustlens check', () => {
  const root = makeCert(profiles.rootCa(name('Bounds Root')));
  const leaf = makeCert(profiles.leafOf(root, name('release'), { key: testKey('rsa', 'bounds-leaf') }));
  const good: GeneratedSignature = { format: 'jws', chain: [leaf, root] };
  let registry: Registry;
  let hostile: HostileRegistry;
  let tmp: TempDir;
  let control: Pushed;
  let rule: NotationRuleSpec;

  /** Pushes an image signed once into the real registry; names it through the hostile one. */
  async function push(repository: string): Promise<Pushed> {
    const pushed = await pushSignedImage(registry.host, repository, [good]);
    return { repository, image: `${hostile.host}/${repository}:v1`, subject: pushed.target.digest, signature: pushed.signatureManifests[0]!.digest };
  }

  before(async () => {
    registry = await startRegistry();
    hostile = await startHostileRegistry(registry);
    tmp = await makeTempDir('notation-registry-bounds');
    rule = { images: `${hostile.host}/**`, ca: [root.pem], identities: ['x509.subject: C=US, ST=WA, O=Bounds, CN=release'] };
    control = await push('bounds/control');
  });
  after(async () => {
    await hostile?.close();
    await registry?.stop();
    await tmp?.remove();
  });

  /** The real registry's bytes of a manifest. */
  async function realManifest(repository: string, reference: string, accept: string): Promise<Uint8Array> {
    const res = await fetch(`${registry.url}/v2/${repository}/manifests/${reference}`, { headers: { accept } });
    assert.equal(res.status, 200, `${repository}:${reference}`);
    return new Uint8Array(await res.arrayBuffer());
  }

  /** Serves, through the hostile registry, `manifests` as the referrers tag index of the image. */
  function forgeReferrers(p: Pushed, manifests: object[]): void {
    hostile.forge(`/v2/${p.repository}/manifests/sha256-${p.subject.slice(7)}`, jsonForgery({ schemaVersion: 2, mediaType: INDEX, manifests } as { mediaType: string }));
  }

  /**
   * Serves a changed copy of the image's signature manifest under its new digest, and a referrers index
   * naming it. Returns the envelope's descriptor as the forged manifest gives it.
   */
  async function forgeSignatureManifest(p: Pushed, change: (layer: { size: number; digest: string }) => void): Promise<{ digest: string; size: number }> {
    const manifest = JSON.parse(Buffer.from(await realManifest(p.repository, p.signature, MANIFEST)).toString('utf8')) as { mediaType: string; layers: { size: number; digest: string }[] };
    change(manifest.layers[0]!);
    const forged = jsonForgery(manifest);
    const digest = sha256(forged.bytes);
    hostile.forge(`/v2/${p.repository}/manifests/${digest}`, forged);
    forgeReferrers(p, [{ mediaType: MANIFEST, digest, size: forged.bytes.byteLength, artifactType: 'application/vnd.cncf.notary.signature' }]);
    return manifest.layers[0]!;
  }

  /** The real envelope descriptor of an image's signature. */
  async function envelopeOf(p: Pushed): Promise<{ digest: string; size: number }> {
    return (JSON.parse(Buffer.from(await realManifest(p.repository, p.signature, MANIFEST)).toString('utf8')) as { layers: { digest: string; size: number }[] }).layers[0]!;
  }

  /** `trustlens check` of the control and `image`, both through the hostile registry; asserts the control is signed. */
  async function checkBeside(image: string): Promise<CheckResultJson> {
    const { results, stderr } = await checkWithNotationRule(tmp.path, [control.image, image], rule);
    assert.deepEqual([results[0]!.status, notationOf(results[0]!)?.status], ['signed', 'signed'], stderr);
    return results[1]!;
  }

  const messages = (r: CheckResultJson): string => (notationOf(r)?.findings ?? []).map((f) => `${f.code}: ${f.message}`).join('\n');
  /** Not signed, failing, with the Notation evidence `status` and a finding matching `pattern`. */
  function refused(r: CheckResultJson, status: 'invalid' | 'unverifiable', pattern: RegExp): void {
    assert.equal(notationOf(r)?.status, status, messages(r));
    assert.equal(r.status, status, messages(r));
    assert.equal(r.verdict, 'fail');
    assert.equal(r.signedDigest, null);
    assert.match(messages(r), pattern);
  }
  const requested = (path: string): boolean => hostile.requests.some((q) => new URL(q.url, 'http://x').pathname === path);

  it('an envelope whose descriptor announces more than the limit is refused without being fetched', async () => {
    const p = await push('bounds/announced-large');
    const envelope = await forgeSignatureManifest(p, (layer) => (layer.size = 2 * MAX_ENVELOPE_BYTES));
    const r = await checkBeside(p.image);
    refused(r, 'invalid', new RegExp(`the signature envelope is ${2 * MAX_ENVELOPE_BYTES} bytes \\(at most ${MAX_ENVELOPE_BYTES}\\)`));
    assert.ok(requested(`/v2/${p.repository}/manifests/sha256-${p.subject.slice(7)}`), 'the forged referrers were read');
    assert.ok(!requested(`/v2/${p.repository}/blobs/${envelope.digest}`), 'the envelope was not requested');
  });

  it('an envelope blob larger than its (small) descriptor, announced by Content-Length, is refused by its length', async () => {
    const p = await push('bounds/announced-blob');
    const envelope = await envelopeOf(p);
    hostile.forge(`/v2/${p.repository}/blobs/${envelope.digest}`, { bytes: new Uint8Array(MAX_ENVELOPE_BYTES + 1), mediaType: 'application/octet-stream' });
    refused(await checkBeside(p.image), 'invalid', new RegExp(`larger than its descriptor's ${envelope.size} bytes: .*announced ${MAX_ENVELOPE_BYTES + 1} bytes, more than the limit of ${MAX_ENVELOPE_BYTES}`));
  });

  it('an envelope blob that streams without end under a small descriptor is cut off at the limit', async () => {
    const p = await push('bounds/endless-blob');
    const envelope = await envelopeOf(p);
    let sent = 0;
    let closed: Promise<unknown> | undefined;
    hostile.respond(`/v2/${p.repository}/blobs/${envelope.digest}`, (_req, res) => {
      closed = once(res, 'close');
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 0x7b);
      // Writes as fast as the client reads, for as long as the connection stays open.
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) sent += chunk.length;
        if (!res.destroyed) {
          sent += chunk.length;
          res.once('drain', pump);
        }
      };
      pump();
    });
    refused(await checkBeside(p.image), 'invalid', new RegExp(`larger than its descriptor's ${envelope.size} bytes: .*sent more than the limit of ${MAX_ENVELOPE_BYTES} bytes`));
    assert.ok(closed, 'the envelope was requested');
    await closed;
    // The client hung up near the limit (plus what loopback socket buffers hold), not after a timeout's worth of data.
    assert.ok(sent < 32 * MAX_ENVELOPE_BYTES, `${sent} bytes were sent before the client hung up`);
  });

  it(`more than ${MAX_SIGNATURES} signature manifests: a valid one listed after ${MAX_SIGNATURES} invalid ones is never read; listed as number ${MAX_SIGNATURES} it is signed`, async () => {
    // One image with a valid signature and 32 of another image's digest, all pushed; the proxy lists them in the order each case needs.
    const other = { target: { mediaType: MANIFEST, digest: sha256(randomBytes(32)), size: 1000 } };
    const pushed = await pushSignedImage(registry.host, 'bounds/many-signatures', [good, ...Array.from({ length: MAX_SIGNATURES }, () => ({ ...good, ...other }))]);
    const p: Pushed = { repository: 'bounds/many-signatures', image: `${hostile.host}/bounds/many-signatures:v1`, subject: pushed.target.digest, signature: pushed.signatureManifests[0]!.digest };
    const [valid, ...invalid] = pushed.signatureManifests.map((d) => ({ mediaType: MANIFEST, digest: d.digest, size: d.size, artifactType: 'application/vnd.cncf.notary.signature' }));

    forgeReferrers(p, [...invalid.slice(1), valid]);
    const signed = await checkBeside(p.image);
    assert.equal(notationOf(signed)?.status, 'signed', messages(signed));

    forgeReferrers(p, [...invalid, valid]);
    const before = hostile.requests.length;
    const r = await checkBeside(p.image);
    refused(r, 'invalid', new RegExp(`signature evaluation stopped: .* lists more than ${MAX_SIGNATURES} Notation signatures and none of the first ${MAX_SIGNATURES} verified`));
    const asked = hostile.requests.slice(before).map((q) => new URL(q.url, 'http://x').pathname).filter((path) => path.startsWith(`/v2/${p.repository}/manifests/sha256:`));
    assert.deepEqual(asked.filter((path) => path.endsWith(valid!.digest)), [], 'the signature beyond the limit was not fetched');
    assert.equal(asked.length, MAX_SIGNATURES, asked.join('\n'));
  });

  describe('answers that never come, with the engine\'s per-request timeout set short', () => {
    const TIMEOUT_MS = 1500;
    let run = 0;

    /** The engine as `trustlens check` builds it, with `timeoutMs`, on a project pulling the control and `image`. */
    async function engineCheck(image: string): Promise<CheckResultJson> {
      const dir = join(tmp.path, `engine-${++run}`);
      writeNotationProject(dir, [control.image, image], rule);
      const transport = createRegistryTransport({ dockerConfigDir: join(dir, 'docker'), allowCredentials: false, clock: systemClock, logger: nullLogger, userAgent: 'trustlens-test' });
      const cacheDir = join(dir, '.cache');
      const engine = createTrustEngine({
        clock: systemClock, logger: nullLogger, env: { HOME: join(dir, 'home'), XDG_CONFIG_HOME: join(dir, 'xdg') }, store: new FileMetadataStore(cacheDir), transport,
        backends: standardBackends({ ttlMs: 0, timeoutMs: TIMEOUT_MS, cacheDir }),
      });
      try {
        const { policy, problem } = loadGatePolicy(join(dir, '.trustlens.yaml'), 1024 * 1024);
        assert.equal(problem, undefined);
        const results = (await engine.check(scanPaths([dir], { env: {} }), { policy })).map(checkResultJson);
        assert.deepEqual([results[0]!.status, notationOf(results[0]!)?.status], ['signed', 'signed'], messages(results[0]!));
        return results[1]!;
      } finally {
        await engine.close();
      }
    }

    it('a signature manifest request that is never answered is unverifiable after the timeout', async () => {
      const p = await push('bounds/silent-manifest');
      let asked = false;
      hostile.respond(`/v2/${p.repository}/manifests/${p.signature}`, () => {
        asked = true;
      });
      refused(await engineCheck(p.image), 'unverifiable', new RegExp(`signature manifest ${p.signature} could not be fetched: .*timed out after ${TIMEOUT_MS} ms`));
      assert.ok(asked, 'the signature manifest was requested');
    });

    it('a registry that never answers any of several signature manifests costs one timeout: the rest are not asked', async () => {
      const p = await push('bounds/silent-manifests');
      const size = (await realManifest(p.repository, p.signature, MANIFEST)).byteLength;
      const listed = [p.signature, sha256(randomBytes(32)), sha256(randomBytes(32))];
      forgeReferrers(p, listed.map((digest) => ({ mediaType: MANIFEST, digest, size, artifactType: 'application/vnd.cncf.notary.signature' })));
      const asked: string[] = [];
      for (const digest of listed) hostile.respond(`/v2/${p.repository}/manifests/${digest}`, () => void asked.push(digest));
      const r = await engineCheck(p.image);
      assert.deepEqual(asked, [p.signature]);
      refused(r, 'unverifiable', new RegExp(`timed out after ${TIMEOUT_MS} ms[\\s\\S]*signature evaluation stopped`));
    });

    it('an envelope whose answer stops after its headers and first bytes is unverifiable after the timeout', async () => {
      const p = await push('bounds/silent-envelope');
      const envelope = await envelopeOf(p);
      let asked = false;
      hostile.respond(`/v2/${p.repository}/blobs/${envelope.digest}`, (_req, res) => {
        asked = true;
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(envelope.size) });
        res.write('{"payload":');
      });
      refused(await engineCheck(p.image), 'unverifiable', new RegExp(`signature envelope ${envelope.digest} could not be fetched: .*timed out after ${TIMEOUT_MS} ms`));
      assert.ok(asked, 'the envelope was requested');
    });
  });
});
