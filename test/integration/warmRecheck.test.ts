/**
 * A re-check within the cache TTL makes no request, also for an image the registry says does not
 * exist (a tag being typed, a tag not pushed yet): the engine as `trustlens check` builds it, over a
 * real docker-registry 2.8.2 with an image cosign signed (the real cosign CLI) and one Notation signed
 * (pushed with oras). The signed images stay `signed` (the control); the missing tags keep their
 * verdict; Refresh (`force`) and the end of the TTL ask again and see a tag pushed meanwhile.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileMetadataStore, standardBackends } from '../../src/core/composition/backends';
import { createRegistryTransport } from '../../src/core/net/registryTransport';
import { scanPaths } from '../../src/core/parse/scanPaths';
import { loadGatePolicy } from '../../src/core/policy/policyProblem';
import { nullLogger, type Clock } from '../../src/core/ports';
import { checkResultJson, type CheckResultJson } from '../../src/core/trust/checkResult';
import { createTrustEngine, type TrustService } from '../../src/core/trust/trustService';
import { pushSignedImages } from '../helpers/backends/signedImages';
import { freePort } from '../helpers/stack/ports';
import { pushImage } from '../helpers/stack/push';
import { startRegistry, type Registry } from '../helpers/stack/registry';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';

const TTL_MS = 300_000;

describe('a re-check within the TTL asks the registry nothing, for images it has and images it has not', () => {
  let registry: Registry;
  let tmp: TempDir;
  let engine: TrustService;
  let now = Math.floor(Date.now() / 1000) * 1000;
  const clock: Clock = { now: () => new Date(now) };
  const asked: string[] = [];

  before(async () => {
    registry = await startRegistry();
    tmp = await makeTempDir('warm-recheck');
    const dir = tmp.path;
    await pushSignedImages(registry, dir, 'warm');
    writeFileSync(join(dir, 'Dockerfile'), [
      `FROM ${registry.host}/warm/cosign:v1`,
      `FROM ${registry.host}/warm/notation:v1`,
      `FROM ${registry.host}/warm/cosign:v2`,
      `FROM ${registry.host}/warm/notation:v2`,
      '',
    ].join('\n'));
    const transport = createRegistryTransport({
      dockerConfigDir: join(dir, 'docker'), allowCredentials: false, clock, logger: nullLogger, userAgent: 'trustlens-test',
      onRequest: (e) => asked.push(`${e.method} ${e.url}`),
    });
    const cacheDir = join(dir, '.cache');
    engine = createTrustEngine({
      clock, logger: nullLogger, env: { HOME: join(dir, 'home'), XDG_CONFIG_HOME: join(dir, 'xdg') }, store: new FileMetadataStore(cacheDir), transport,
      // Sigstore's TUF mirror is a closed port: these rules trust a key, not the public-good instance.
      backends: standardBackends({ ttlMs: TTL_MS, timeoutMs: 5000, cacheDir, sigstoreTufUrl: `http://127.0.0.1:${await freePort()}` }),
    });
  });
  after(async () => {
    await engine?.close();
    await registry?.stop();
    await tmp?.remove();
  });

  /** Checks the project; returns each reference's scheme and status, and the requests made to the registry. */
  async function check(force = false): Promise<{ statuses: string[]; results: CheckResultJson[]; made: string[] }> {
    const from = asked.length;
    const { policy, problem } = loadGatePolicy(join(tmp.path, '.trustlens.yaml'), 1024 * 1024);
    assert.equal(problem, undefined);
    const results = (await engine.check(scanPaths([tmp.path], { env: {} }), { policy, force })).map(checkResultJson);
    const statuses = results.map((r) => `${r.reference}: ${r.signatures.map((s) => `${s.scheme}:${s.status}`).join('+')}`);
    return { statuses, results, made: asked.slice(from).filter((r) => r.includes(`//${registry.host}/`)) };
  }

  it('asks once; within the TTL asks nothing; Refresh and the end of the TTL ask again and see what was pushed meanwhile', async () => {
    const r = registry.host;
    const first = await check();
    const missing = [`${r}/warm/cosign:v2: cosign:unverifiable`, `${r}/warm/notation:v2: notation:unverifiable`];
    assert.deepEqual(first.statuses, [`${r}/warm/cosign:v1: cosign:signed`, `${r}/warm/notation:v1: notation:signed`, ...missing], JSON.stringify(first.results.map((x) => x.findings), null, 1));
    for (const tag of ['cosign', 'notation']) {
      assert.ok(first.made.some((m) => m.startsWith('HEAD ') && m.endsWith(`/v2/warm/${tag}/manifests/v2`)), `the missing ${tag} tag was asked about:\n${first.made.join('\n')}`);
    }

    now += TTL_MS - 1000;
    const warm = await check();
    assert.deepEqual(warm.statuses, first.statuses);
    assert.deepEqual(warm.results, first.results, 'the same verdicts, findings included');
    assert.deepEqual(warm.made, [], 'within the TTL no request is made, for the missing tags neither');

    // The missing tags are pushed (unsigned): a re-check within the TTL still answers from what it was told.
    await pushImage(registry, 'warm/cosign', 'v2');
    await pushImage(registry, 'warm/notation', 'v2');
    assert.deepEqual((await check()).made, []);

    const refreshed = await check(true);
    assert.deepEqual(refreshed.statuses, [first.statuses[0], first.statuses[1], `${r}/warm/cosign:v2: cosign:unsigned`, `${r}/warm/notation:v2: notation:unsigned`]);
    assert.ok(refreshed.made.length > 0);

    // A missing tag once the TTL is over: asked again.
    writeFileSync(join(tmp.path, 'Dockerfile'), `FROM ${r}/warm/cosign:v3\nFROM ${r}/warm/notation:v3\n`);
    const v3 = await check();
    assert.deepEqual(v3.statuses, [`${r}/warm/cosign:v3: cosign:unverifiable`, `${r}/warm/notation:v3: notation:unverifiable`]);
    assert.equal((await check()).made.length, 0);
    now += TTL_MS + 1000;
    const expired = await check();
    assert.deepEqual(expired.statuses, v3.statuses);
    for (const tag of ['cosign', 'notation']) assert.ok(expired.made.some((m) => m.endsWith(`/v2/warm/${tag}/manifests/v3`)), `asked again about ${tag}:v3 after the TTL`);
  });
});
