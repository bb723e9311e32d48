/**
 * Notation in one process: 20 images carrying the Notation project's real signature (its
 * `e2e-valid-signature` layout, copied into 20 repositories of a real docker-registry with oras),
 * verified cold by the Notation backend as `trustlens check` builds it, under the user's notation trust
 * policy. Prints JSON: the cold time of the whole check, requests per image (cold, and warm within the
 * TTL), and the verification time per image without the network (the same bytes, served from memory).
 */
import { join, resolve } from 'node:path';
import { scanText } from '../src/core/parse/scanText';
import { createRegistryTransport } from '../src/core/net/registryTransport';
import { OciRegistry } from '../src/core/oci/ociRegistry';
import { defaultPolicy } from '../src/core/policy/policy';
import { nullLogger, systemClock } from '../src/core/ports';
import { checkNotation } from '../src/core/trust/notation/checkNotation';
import { notationBackend } from '../src/core/trust/notation/createBackend';
import { readNotationConfig } from '../src/core/trust/notation/configFiles';
import { resolveNotationPolicy } from '../src/core/trust/notation/policy';
import { RegistryArtifactSource } from '../src/core/trust/notation/registrySource';
import type { NotationArtifactSource, OciDescriptor } from '../src/core/trust/notation/source';
import { createTrustEngine } from '../src/core/trust/trustService';
import { makeXdgConfigHome } from '../test/helpers/notation/configHome';
import { loadE2eLayouts } from '../test/helpers/notation/registryFixtures';
import { startRegistry } from '../test/helpers/stack/registry';

const ROOT = resolve(__dirname, '..', '..');
const IMAGES = 20;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A source that keeps what it fetched, then serves it from memory. */
class Recorded implements NotationArtifactSource {
  readonly #referrers = new Map<string, readonly OciDescriptor[]>();
  readonly #bytes = new Map<string, Uint8Array>();
  constructor(private readonly inner?: NotationArtifactSource) {}
  async referrers(subject: OciDescriptor): Promise<readonly OciDescriptor[]> {
    if (!this.inner) return this.#referrers.get(subject.digest) ?? [];
    const r = await this.inner.referrers(subject);
    this.#referrers.set(subject.digest, r);
    return r;
  }
  async fetchManifest(d: OciDescriptor, max: number): Promise<Uint8Array> {
    return this.#fetch(d, () => this.inner!.fetchManifest(d, max));
  }
  async fetchBlob(d: OciDescriptor, max: number): Promise<Uint8Array> {
    return this.#fetch(d, () => this.inner!.fetchBlob(d, max));
  }
  async #fetch(d: OciDescriptor, get: () => Promise<Uint8Array>): Promise<Uint8Array> {
    if (!this.inner) return this.#bytes.get(d.digest)!;
    const b = await get();
    this.#bytes.set(d.digest, b);
    return b;
  }
  offline(): Recorded {
    const copy = new Recorded();
    this.#referrers.forEach((v, k) => copy.#referrers.set(k, v));
    this.#bytes.forEach((v, k) => copy.#bytes.set(k, v));
    return copy;
  }
}

async function main(): Promise<void> {
  const registry = await startRegistry();
  try {
    const images: string[] = [];
    for (let i = 0; i < IMAGES; i += 1) {
      const loaded = await loadE2eLayouts(registry, ['e2e-valid-signature'], { prefix: `bench/app${i}`, root: ROOT });
      images.push(loaded['e2e-valid-signature']);
    }
    const xdg = makeXdgConfigHome({
      policy: join(ROOT, '..', 'shared', 'fixtures', 'notation', 'config', 'trustpolicies', 'trustpolicy.json'),
      stores: [{ type: 'ca', name: 'e2e', files: [join(ROOT, '..', 'shared', 'fixtures', 'notation', 'config', 'localkeys', 'e2e.crt')] }],
    });
    const env = { XDG_CONFIG_HOME: xdg, HOME: '/nonexistent' };
    let requests = 0;
    const transport = createRegistryTransport({
      dockerConfigDir: join(xdg, 'docker'), allowCredentials: false, clock: systemClock, logger: nullLogger, userAgent: 'trustlens-bench',
      onRequest: () => { requests += 1; },
    });
    const engine = createTrustEngine({ clock: systemClock, logger: nullLogger, env, transport, backends: [notationBackend({ ttlMs: 300_000 })] });
    const scan = scanText('Dockerfile', 'dockerfile', images.map((image) => `FROM ${image}\n`).join(''));
    const started = process.hrtime.bigint();
    const results = await engine.check(scan, { policy: defaultPolicy() });
    const coldMs = Number(process.hrtime.bigint() - started) / 1e6;
    const cold = requests;
    if (results.some((r) => r.status !== 'signed')) throw new Error(`not every image verified: ${results.map((r) => r.status).join(', ')}`);
    requests = 0;
    await engine.check(scan, { policy: defaultPolicy() });
    const warm = requests;
    await engine.close();

    // Verification alone: each image's bytes fetched once, then verified from memory in this process.
    const http = createRegistryTransport({ dockerConfigDir: join(xdg, 'docker'), allowCredentials: false, clock: systemClock, logger: nullLogger, userAgent: 'trustlens-bench' });
    const oci = new OciRegistry({ http: http.http, credentials: http.credentials, cache: http.authCache, plainHttpForLoopback: true });
    const policy = resolveNotationPolicy(scan.references[0]!.ref.repository, undefined, readNotationConfig(env));
    const verifyMs: number[] = [];
    for (const occurrence of scan.references) {
      const repo = { registry: occurrence.ref.registry, repository: occurrence.ref.path };
      const resolved = await oci.resolve(repo, 'v1');
      const target = { mediaType: resolved.mediaType, digest: resolved.digest, size: resolved.size };
      const recorded = new Recorded(new RegistryArtifactSource(oci, repo));
      const options = { repository: occurrence.ref.repository, target, policy: resolveNotationPolicy(occurrence.ref.repository, undefined, readNotationConfig(env)) ?? policy, http: http.http };
      await checkNotation({ ...options, source: recorded });
      const offline = recorded.offline();
      const t = process.hrtime.bigint();
      const r = await checkNotation({ ...options, source: offline });
      verifyMs.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (r.status !== 'signed') throw new Error(`offline verification gave ${r.status}`);
    }
    await http.close();
    process.stdout.write(`${JSON.stringify({ images: IMAGES, coldMs, coldRequests: cold, warmRequests: warm, verifyMedianMs: median(verifyMs), verifyFirstMs: verifyMs[0], verifyMaxMs: Math.max(...verifyMs) })}\n`);
  } finally {
    await registry.stop();
  }
}

void main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
