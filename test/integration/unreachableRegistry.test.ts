/**
 * A registry that cannot be reached is not asked again on every re-check (the editor re-checks on each
 * edit): the engine as `trustlens check` builds it, over a real docker-registry 2.8.2 with an image
 * cosign signed (the real cosign CLI) and one Notation signed (pushed with oras), and a registry on a
 * closed port. The unreachable images stay `unverifiable` and say until when they are not asked; the
 * live registry is asked on every check and its images stay `signed`; Refresh (`force`) and the end of
 * the wait ask again.
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
import { startRegistry, type Registry } from '../helpers/stack/registry';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';


describe('a registry that cannot be reached is held, per registry, for cosign and Notation', () => {
  let registry: Registry;
  let tmp: TempDir;
  let down: string;
  let engine: TrustService;
  let now = Math.floor(Date.now() / 1000) * 1000;
  const inThirtySeconds = (from: number) => new Date(from + 30_000).toISOString().replace(/\./g, '\\.');
  const clock: Clock = { now: () => new Date(now) };
  const asked: string[] = [];

  before(async () => {
    registry = await startRegistry();
    tmp = await makeTempDir('unreachable-registry');
    down = `127.0.0.1:${await freePort()}`;
    const dir = tmp.path;
    await pushSignedImages(registry, dir, 'backoff', [down]);
    writeFileSync(join(dir, 'Dockerfile'), [
      `FROM ${registry.host}/backoff/cosign:v1`,
      `FROM ${registry.host}/backoff/notation:v1`,
      `FROM ${down}/backoff/cosign:v1`,
      `FROM ${down}/backoff/notation:v1`,
      '',
    ].join('\n'));
    const transport = createRegistryTransport({
      dockerConfigDir: join(dir, 'docker'), allowCredentials: false, clock, logger: nullLogger, userAgent: 'trustlens-test',
      onRequest: (e) => asked.push(e.url),
    });
    const cacheDir = join(dir, '.cache');
    engine = createTrustEngine({
      clock, logger: nullLogger, env: { HOME: join(dir, 'home'), XDG_CONFIG_HOME: join(dir, 'xdg') }, store: new FileMetadataStore(cacheDir), transport,
      // No verdict is reused: every check asks every registry that is not held. Sigstore's TUF mirror is a closed port.
      backends: standardBackends({ ttlMs: 0, timeoutMs: 5000, cacheDir, sigstoreTufUrl: `http://127.0.0.1:${await freePort()}` }),
    });
  });
  after(async () => {
    await engine?.close();
    await registry?.stop();
    await tmp?.remove();
  });

  /** Checks the project; returns the results and the requests made to the live and the unreachable registry. */
  async function check(force = false): Promise<{ results: CheckResultJson[]; live: number; unreachable: number }> {
    const from = asked.length;
    const { policy, problem } = loadGatePolicy(join(tmp.path, '.trustlens.yaml'), 1024 * 1024);
    assert.equal(problem, undefined);
    const results = (await engine.check(scanPaths([tmp.path], { env: {} }), { policy, force })).map(checkResultJson);
    const made = asked.slice(from);
    return { results, live: made.filter((u) => u.includes(`//${registry.host}/`)).length, unreachable: made.filter((u) => u.includes(`//${down}/`)).length };
  }
  const statuses = (results: readonly CheckResultJson[]) => results.map((r) => `${r.signatures.map((s) => s.scheme).join('+')}:${r.status}`);
  const heldMessages = (results: readonly CheckResultJson[]) => results.slice(2).map((r) => r.findings.map((f) => f.message).join('\n'));

  it('asks it once, then not again until the wait is over or the user refreshes; the live registry is asked every time and stays signed', async () => {
    const expected = ['cosign:signed', 'notation:signed', 'cosign:unverifiable', 'notation:unverifiable'];
    const start = now;
    const first = await check();
    assert.deepEqual(statuses(first.results), expected, JSON.stringify(first.results.map((r) => r.findings), null, 1));
    assert.ok(first.unreachable >= 2, `each scheme tried the unreachable registry (${first.unreachable} attempts)`);
    for (const message of heldMessages(first.results)) assert.match(message, new RegExp(`${down} is not asked again before ${inThirtySeconds(start)} unless refreshed`));

    now += 29_000;
    const held = await check();
    assert.deepEqual(statuses(held.results), expected);
    assert.equal(held.unreachable, 0, 'within the wait, the unreachable registry is not asked');
    assert.ok(held.live > 0, 'the live registry is asked again (no verdict is reused here)');
    for (const message of heldMessages(held.results)) assert.match(message, new RegExp(`is not asked again before ${inThirtySeconds(start)} unless refreshed`));

    const refreshed = await check(true);
    assert.deepEqual(statuses(refreshed.results), expected);
    assert.ok(refreshed.unreachable >= 2, 'Refresh asks it again');

    // Refresh started the wait over: 30 s from now.
    now += 29_000;
    assert.equal((await check()).unreachable, 0);
    now += 2_000;
    const after = await check();
    assert.deepEqual(statuses(after.results), expected);
    assert.ok(after.unreachable >= 2, 'asked again once the wait is over');
    assert.ok(after.live > 0);
  });
});
