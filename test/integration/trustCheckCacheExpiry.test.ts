/**
 * The trust engine's metadata cache, request sharing, pinned root and expiry handling, against the
 * real notary-server: requests are counted per repository, the pinned root is compared with a real
 * notary client holding the same pin, and expiry is proven by moving the verifier's clock over real
 * metadata (the server fixes the expiries: timestamp 14 days, snapshot and targets 3 years, root and
 * its certificate 10 years).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { offsetClock, systemClock } from '../../src/core/ports';
import type { CheckResult } from '../../src/core/trust/checkResult';
import { DEFAULT_TTL_MS } from '../../src/core/trust/dct/createBackend';
import { dockerTrustInspect } from '../helpers/stack/dockerCli';
import { getTrustFile } from '../helpers/stack/notaryHttp';
import { pushImage } from '../helpers/stack/push';
import { buildReleases, buildServerSnapshot, buildTargetsOnly, type Scenario } from '../helpers/stack/scenarios';
import { hexOf } from '../helpers/stack/signers';
import { startStack, type Stack } from '../helpers/stack/stack';
import { makeDockerConfig, type TestDockerConfig } from '../helpers/trust/dockerConfig';
import { codesOf, composeWith, dockerfileFrom, policyFrom, scanDocuments } from '../helpers/trust/documents';
import { createTrustHarness, type TrustHarness, type TrustHarnessOptions } from '../helpers/trust/harness';
import { createRepositoryOwner, type RepositoryOwner } from '../helpers/trust/repositoryOwner';

const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;

void describe('trust check: cache, request sharing and expiry on the real stack', () => {
  let stack: Stack;
  let docker: TestDockerConfig;
  /** (a) targets only, client-held snapshot key. */
  let a: Scenario;
  /** (g) targets only, server-managed snapshot. */
  let g: Scenario;
  /** (b) targets/releases + targets/alice, server-managed snapshot. */
  let b: Scenario;
  const harnesses: TrustHarness[] = [];
  const owners: RepositoryOwner[] = [];

  const policy = (extra = '') => policyFrom({ [stack.registry.host]: stack.notary.url }, extra);
  const harness = async (options: Partial<TrustHarnessOptions> = {}): Promise<TrustHarness> => {
    const h = await createTrustHarness({ dockerConfigDir: docker.path, ...options });
    harnesses.push(h);
    return h;
  };
  const scanOf = (...images: string[]) => scanDocuments([{ file: 'Dockerfile', kind: 'dockerfile', text: dockerfileFrom(images) }]);
  const v1 = (s: Scenario) => `${s.gun}:v1`;

  before(async () => {
    stack = await startStack();
    a = await buildTargetsOnly(stack);
    g = await buildServerSnapshot(stack);
    b = await buildReleases(stack);
    docker = await makeDockerConfig([{ host: stack.notary.host, caPem: stack.notary.caPem }]);
  });

  after(async () => {
    for (const h of harnesses) await h.close();
    for (const o of owners) await o.dispose();
    await docker?.remove();
    await stack?.stop();
  });

  void describe('cache and concurrency', () => {
    void it('a second check within the TTL makes no request, also in a new engine sharing the cache dir', async () => {
      const first = await harness();
      const [r1] = await first.check(scanOf(v1(a)), policy());
      assertSigned(r1!, a.images.v1!.digest);
      const files = first.trustRequests(a.gun).map((r) => r.file);
      assert.deepEqual(files.map(shape), ['root.json', 'timestamp.json', 'snapshot.<sha256>.json', 'targets.<sha256>.json']);
      assert.equal(first.requests.length, files.length, 'nothing but trust metadata was requested');

      first.resetRequests();
      const [r2] = await first.check(scanOf(v1(a)), policy());
      assert.deepEqual(r2, r1);
      assert.equal(first.requests.length, 0);

      const next = await harness({ cacheDir: first.cacheDir });
      const [r3] = await next.check(scanOf(v1(a), `${a.gun}:multi`), policy());
      assertSigned(r3!, a.images.v1!.digest);
      assert.equal(next.requests.length, 0);
    });

    void it('past the TTL an unchanged repository costs one request, for timestamp.json', async () => {
      for (const s of [a, b]) {
        const warm = await harness();
        const [fresh] = await warm.check(scanOf(v1(s)), policy());
        assertSigned(fresh!, s.images.v1!.digest);

        const ways: Array<[string, () => Promise<CheckResult[]>, TrustHarness]> = [];
        const noTtl = await harness({ cacheDir: warm.cacheDir, ttlMs: 0 });
        ways.push(['ttlMs 0', () => noTtl.check(scanOf(v1(s)), policy()), noTtl]);
        const later = await harness({ cacheDir: warm.cacheDir, clock: offsetClock(systemClock, DEFAULT_TTL_MS + 60_000) });
        ways.push(['the clock moved past the TTL', () => later.check(scanOf(v1(s)), policy()), later]);
        ways.push(['force', () => warm.check(scanOf(v1(s)), policy(), { force: true }), warm]);
        for (const [how, run, h] of ways) {
          h.resetRequests();
          const [r] = await run();
          assertSigned(r!, s.images.v1!.digest);
          assert.deepEqual(r!.signers, fresh!.signers, `${s.kind}, ${how}`);
          assert.deepEqual(h.trustRequests().map((x) => [x.method, x.file, x.status]), [['GET', 'timestamp.json', 200]], `${s.kind}, ${how}`);
          assert.equal(h.requests.length, 1, `${s.kind}, ${how}`);
        }
      }
    });

    void it('past the TTL a changed repository is re-read; within it the cached answer stands', async () => {
      const s = await buildTargetsOnly(stack, { repository: 'trustlens/changing' });
      const before = await harness();
      const [old] = await before.check(scanOf(`${s.gun}:v2`), policy());
      assert.equal(old!.status, 'unsigned');

      const v2 = await pushImage(stack.registry, s.repository, 'v2');
      await stack.cli.addHash(s.gun, 'v2', v2.size, hexOf(v2.digest));
      await stack.cli.publish(s.gun);

      const within = await harness({ cacheDir: before.cacheDir });
      const [cached] = await within.check(scanOf(`${s.gun}:v2`), policy());
      assert.equal(cached!.status, 'unsigned', 'within the TTL the cache answers');
      assert.equal(within.requests.length, 0);

      const past = await harness({ cacheDir: before.cacheDir, ttlMs: 0 });
      const [now] = await past.check(scanOf(`${s.gun}:v2`, `${s.gun}:v1`), policy());
      assertSigned(now!, v2.digest);
      // The root did not change: timestamp, then the new snapshot and targets; never root.json again.
      assert.deepEqual(past.trustRequests(s.gun).map((x) => shape(x.file)), ['timestamp.json', 'snapshot.<sha256>.json', 'targets.<sha256>.json']);
    });

    void it('many references to two repositories, and concurrent checks, cost one update per repository', async () => {
      const baseline = new Map<string, string[]>();
      for (const s of [a, b]) {
        const h = await harness();
        await h.check(scanOf(v1(s)), policy());
        baseline.set(s.gun, h.trustRequests(s.gun).map((x) => x.file).sort());
        assert.ok(baseline.get(s.gun)!.length >= 4);
      }
      const aRefs = ['v1', 'multi', 'v1', 'nope', 'latest'].map((t) => `${a.gun}:${t}`)
        .concat([`${a.gun}@${a.images.v1!.digest}`, `${a.gun}:v1@${a.images.v1!.digest}`, `${a.gun}:multi@${a.images.multi!.digest}`]);
      const bRefs = ['v1', 'v1', 'beta', 'v9'].map((t) => `${b.gun}:${t}`).concat([`${b.gun}@${b.images.v1!.digest}`]);
      const scan = scanDocuments([
        { file: 'Dockerfile', kind: 'dockerfile', text: dockerfileFrom([...aRefs.slice(0, 4), ...bRefs.slice(0, 3)]) },
        { file: 'compose.yaml', kind: 'compose', text: composeWith([...bRefs.slice(3), ...aRefs.slice(4)]) },
      ]);
      assert.equal(scan.references.length, aRefs.length + bRefs.length);

      const many = await harness();
      const results = await many.check(scan, policy());
      const concurrent = await harness();
      const runs = await Promise.all([1, 2, 3].map(() => concurrent.check(scan, policy())));
      for (const h of [many, concurrent]) {
        for (const s of [a, b]) assert.deepEqual(h.trustRequests(s.gun).map((x) => x.file).sort(), baseline.get(s.gun), s.kind);
        assert.equal(h.requests.length, [...baseline.values()].flat().length);
      }
      for (const run of runs) assert.deepEqual(run, results);
      const statuses = results.map((r) => r.status);
      assert.equal(statuses.filter((x) => x === 'signed').length, 9);
      assert.equal(statuses.filter((x) => x === 'unsigned').length, 4);
    });
  });

  void describe('the pinned root, against real key rotations', () => {
    const owner = async (label: string) => {
      const o = await createRepositoryOwner(stack, label);
      owners.push(o);
      return o;
    };
    const publishV1 = async (o: RepositoryOwner, repository: string, seed?: string) => {
      const image = await pushImage(stack.registry, repository, 'v1', { seed });
      const gun = `${stack.registry.host}/${repository}`;
      await o.cli.init(gun);
      await o.cli.addHash(gun, 'v1', image.size, hexOf(image.digest));
      await o.cli.publish(gun);
      return { gun, image };
    };

    void it('follows a targets-key rotation and two root-key rotations (through <v>.root.json), as the notary client does', async () => {
      const o = await owner('rotating');
      const { gun, image } = await publishV1(o, 'trustlens/rotating');
      // A real notary client pins root version 1 too.
      const reader = await stack.newNotaryCli();
      assert.deepEqual((await reader.list(gun)).map((t) => t.name), ['v1']);
      const pinned = await harness();
      assertSigned((await pinned.check(scanOf(`${gun}:v1`), policy()))[0]!, image.digest);

      await o.rotateTargetsKey(gun);
      await o.rotateRootKey(gun);
      await o.rotateRootKey(gun);
      const root = await getTrustFile(stack.notary, gun, 'root');
      assert.equal(root.signed.version, 4);

      const later = await harness({ cacheDir: pinned.cacheDir, ttlMs: 0 });
      assertSigned((await later.check(scanOf(`${gun}:v1`), policy()))[0]!, image.digest);
      const files = later.trustRequests(gun).map((x) => x.file);
      // Version 4 is not signed by the pinned root's key: the chain 2 → 3 leads there.
      assert.ok(files.includes('root.json') && files.includes('2.root.json') && files.includes('3.root.json'), files.join(' '));
      assert.deepEqual((await reader.list(gun)).map((t) => `${t.name} sha256:${t.digest}`), [`v1 ${image.digest}`]);

      // The new root is the pin now: within the TTL nothing is asked, past it no chain is walked again.
      const again = await harness({ cacheDir: pinned.cacheDir });
      assertSigned((await again.check(scanOf(`${gun}:v1`), policy()))[0]!, image.digest);
      assert.equal(again.requests.length, 0);
      const refreshed = await harness({ cacheDir: pinned.cacheDir, ttlMs: 0 });
      assertSigned((await refreshed.check(scanOf(`${gun}:v1`), policy()))[0]!, image.digest);
      assert.deepEqual(refreshed.trustRequests(gun).map((x) => x.file), ['timestamp.json']);
    });

    void it('a repository re-created under another root key is invalid for a pinned cache, as for the notary client', async () => {
      const first = await owner('first-owner');
      const { gun, image } = await publishV1(first, 'trustlens/recreated');
      const reader = await stack.newNotaryCli();
      assert.deepEqual((await reader.list(gun)).map((t) => t.name), ['v1']);
      const pinned = await harness();
      assertSigned((await pinned.check(scanOf(`${gun}:v1`), policy()))[0]!, image.digest);

      await first.deleteRemote(gun);
      const second = await owner('second-owner');
      const { image: replaced } = await publishV1(second, 'trustlens/recreated', 'a different image');
      assert.notEqual(replaced.digest, image.digest);

      const later = await harness({ cacheDir: pinned.cacheDir, ttlMs: 0 });
      const [r] = await later.check(scanOf(`${gun}:v1`, `${gun}:v1@${replaced.digest}`), policy());
      assert.equal(r!.status, 'invalid', JSON.stringify(r!.findings));
      assert.deepEqual([r!.signedDigest, codesOf(r!)], [null, ['invalid-trust-data']]);
      assert.match(r!.findings[0]!.message, /could not rotate trust to a new trusted root/);
      await assert.rejects(reader.list(gun), /could not rotate trust to a new trusted root/);

      // With nothing pinned, TrustLens and docker both trust the new root on first use.
      const fresh = await harness();
      assertSigned((await fresh.check(scanOf(`${gun}:v1`), policy()))[0]!, replaced.digest);
      const inspection = await dockerTrustInspect(gun, { trustServerUrl: stack.notary.url, caPem: stack.notary.caPem });
      assert.equal(inspection.exitCode, 0, inspection.stderr);
      assert.deepEqual(inspection.entries[0]!.SignedTags.map((t) => `sha256:${t.Digest}`), [replaced.digest]);
    });
  });

  void describe('expiry, by moving the verifier clock over real metadata', () => {
    const at = (offsetMs: number, cacheDir?: string) => harness({ clock: offsetClock(systemClock, offsetMs), cacheDir });

    void it('+15 days: the 14-day timestamp has expired, so nothing is signed, even with a warm cache', async () => {
      const warm = await harness();
      await warm.check(scanOf(v1(a), v1(g), v1(b)), policy());
      for (const cacheDir of [undefined, warm.cacheDir]) {
        const h = await at(15 * DAY_MS, cacheDir);
        const results = await h.check(scanOf(v1(a), v1(g), v1(b)), policy());
        for (const r of results) {
          assertExpired(r, /\btimestamp\b/);
          assert.match(r.findings[0]!.message, /\(role timestamp\)/);
        }
        assert.ok(h.trustRequests().some((x) => x.file === 'timestamp.json'), 'asked the server, did not answer from the cache');
      }
    });

    void it('+3 years + 1 day: expired, never signed (the timestamp, checked first, has expired too)', async () => {
      for (const s of [a, g, b]) {
        const targets = await getTrustFile(stack.notary, s.gun, 'targets');
        const offset = 3 * YEAR_MS + DAY_MS;
        assert.ok(Date.now() + offset > Date.parse(targets.signed.expires), 'targets has expired at that time');
      }
      const h = await at(3 * YEAR_MS + DAY_MS);
      for (const r of await h.check(scanOf(v1(a), v1(g), v1(b)), policy())) assertExpired(r, /\b(timestamp|snapshot|targets)\b/);
    });

    void it('+10 years: the root certificate has expired', async () => {
      const h = await at(3651 * DAY_MS);
      for (const r of await h.check(scanOf(v1(a), v1(g), v1(b)), policy())) {
        assertExpired(r, /\(role root\)/);
        assert.match(r.findings[0]!.message, /certificate/);
      }
      // Only root.json is needed to know.
      assert.deepEqual([...new Set(h.trustRequests().map((x) => x.file))], ['root.json']);
    });

    void it('a verifier clock behind the root certificate: 12 hours is within the one-day leeway, 2 days is not', async () => {
      const behind = await at(-12 * 3_600_000);
      const results = await behind.check(scanOf(v1(a), v1(b)), policy());
      results.forEach((r, i) => assertSigned(r, [a, b][i]!.images.v1!.digest));
      const further = await at(-2 * DAY_MS);
      for (const r of await further.check(scanOf(v1(a), v1(b)), policy())) {
        assert.notEqual(r.status, 'signed');
        assert.equal(r.signedDigest, null);
        assert.deepEqual(r.findings.map((f) => f.severity), ['error']);
        assert.match(r.findings[0]!.message, /could not validate the path to a trusted root/);
      }
    });

    void it('+13 days: still signed, and the timestamp expiring the next day is never expiring-soon', async () => {
      const h = await at(13 * DAY_MS);
      const results = await h.check(scanOf(v1(a), v1(g), v1(b)), policy());
      for (const [r, s] of results.map((x, i) => [x, [a, g, b][i]!] as const)) {
        assertSigned(r, s.images.v1!.digest);
        assert.deepEqual(codesOf(r), [], `${s.kind}: ${JSON.stringify(r.findings)}`);
      }
      const timestamp = await getTrustFile(stack.notary, a.gun, 'timestamp');
      assert.ok(Date.parse(timestamp.signed.expires) - (Date.now() + 13 * DAY_MS) < 30 * DAY_MS, 'inside the default window');
    });

    void it('20 days before the targets expiry: expired, since the server-fixed timestamp ran out first', async () => {
      const targets = await getTrustFile(stack.notary, a.gun, 'targets');
      const h = await at(Date.parse(targets.signed.expires) - 20 * DAY_MS - Date.now());
      for (const r of await h.check(scanOf(v1(a), v1(g)), policy())) {
        assertExpired(r, /\btimestamp\b/);
        assert.ok(!codesOf(r).includes('expiring-soon'));
      }
    });

    void it('expiring-soon names targets, owner-held snapshots and delegations, never the timestamp or a server-managed snapshot', async () => {
      // A window reaching 20 days past the targets expiry, on the real clock, so the timestamp stays valid.
      const expiries = await Promise.all([a, g, b].map(async (s) => Date.parse((await getTrustFile(stack.notary, s.gun, 'targets')).signed.expires)));
      const days = Math.ceil((Math.max(...expiries) - Date.now()) / DAY_MS) + 20;
      assert.ok(days < 3650 - 30, 'the window stops well before the root expiry');
      const h = await harness();
      const [ra, rg, rb] = await h.check(scanOf(v1(a), v1(g), v1(b)), policy(`expiryWarningDays: ${days}\n`));
      const warned = (r: CheckResult) => r.findings.filter((f) => f.code === 'expiring-soon').map((f) => /^The (\S+) signature/.exec(f.message)?.[1]).sort();
      for (const r of [ra, rg, rb]) {
        assert.equal(r!.status, 'signed');
        for (const f of r!.findings) assert.equal(f.severity, 'warning');
      }
      assert.deepEqual(warned(ra!), ['snapshot', 'targets'], 'client-held snapshot key: the owner must re-sign it');
      assert.deepEqual(warned(rg!), ['targets'], 'server-managed snapshot: the server re-signs it');
      assert.deepEqual(warned(rb!), ['targets', 'targets/alice', 'targets/releases']);
      // Whether the server holds the snapshot key was asked of the server, once per repository.
      assert.deepEqual(h.trustRequests().filter((x) => x.file === 'snapshot.key').map((x) => x.gun).sort(), [a.gun, b.gun, g.gun].sort());
    });
  });
});

function assertSigned(r: CheckResult, digest: string): void {
  assert.equal(r.status, 'signed', JSON.stringify(r.findings));
  assert.equal(r.signedDigest, digest);
}

function assertExpired(r: CheckResult, role: RegExp): void {
  const text = r.target.kind === 'reference' ? r.target.occurrence.text : '';
  assert.equal(r.status, 'expired', `${text}: ${JSON.stringify(r.findings)}`);
  assert.equal(r.signedDigest, null);
  assert.deepEqual(r.findings.map((f) => [f.code, f.severity]), [['expired-metadata', 'error']], text);
  assert.match(r.findings[0]!.message, role, text);
}

/** `snapshot.<64 hex>.json` → `snapshot.<sha256>.json`. */
function shape(file: string): string {
  return file.replace(/\.[0-9a-f]{64}\.json$/, '.<sha256>.json');
}
