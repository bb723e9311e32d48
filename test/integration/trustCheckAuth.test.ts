/**
 * The trust check against a notary-server behind a docker-style token service: anonymous tokens,
 * Basic credentials from a real `docker-credential-*` helper named in config.json, and untrusted
 * mode, where no helper may run and a server that demands credentials leaves the image unverifiable.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dockerTrustInspect } from '../helpers/stack/dockerCli';
import { buildTargetsOnly, type Scenario } from '../helpers/stack/scenarios';
import { startStack, type Stack } from '../helpers/stack/stack';
import { startTokenIssuer, type TokenIssuer } from '../helpers/stack/tokenIssuer';
import { prependToPath, writeCredentialHelper, type TestCredentialHelper } from '../helpers/trust/credentialHelper';
import { makeDockerConfig, type TestDockerConfig } from '../helpers/trust/dockerConfig';
import { codesOf, dockerfileFrom, policyFrom, scanDocuments } from '../helpers/trust/documents';
import { createTrustHarness, type TrustHarness } from '../helpers/trust/harness';

const CREDENTIALS = { user: 'ci-bot', password: 'trust-check-password' };

void describe('trust check behind a token service', () => {
  let openIssuer: TokenIssuer;
  let strictIssuer: TokenIssuer;
  /** Anonymous tokens for anything. */
  let open: Stack;
  /** Tokens only for Basic credentials. */
  let strict: Stack;
  let openScenario: Scenario;
  let strictScenario: Scenario;
  let helper: TestCredentialHelper;
  let wrongHelper: TestCredentialHelper;
  let restorePath: (() => void) | undefined;
  const cleanup: Array<() => Promise<void>> = [];

  const harness = async (docker: TestDockerConfig, allowCredentials = true): Promise<TrustHarness> => {
    const h = await createTrustHarness({ dockerConfigDir: docker.path, allowCredentials });
    cleanup.push(() => h.close());
    return h;
  };
  const dockerConfig = async (stack: Stack, config?: unknown): Promise<TestDockerConfig> => {
    const d = await makeDockerConfig([{ host: stack.notary.host, caPem: stack.notary.caPem }]);
    if (config !== undefined) await d.writeConfig(config);
    cleanup.push(() => d.remove());
    return d;
  };
  const check = (h: TrustHarness, stack: Stack, s: Scenario) =>
    h.check(scanDocuments([{ file: 'Dockerfile', kind: 'dockerfile', text: dockerfileFrom([`${s.gun}:v1`, `${s.gun}:multi`]) }]),
      policyFrom({ [stack.registry.host]: stack.notary.url }));

  before(async () => {
    [openIssuer, strictIssuer] = await Promise.all([startTokenIssuer(), startTokenIssuer({ credentials: CREDENTIALS })]);
    // Server keys are ed25519 here: no notary-signer to start.
    [open, strict] = await Promise.all([
      startStack({ keyAlgorithm: 'ed25519', tokenAuth: openIssuer }),
      startStack({ keyAlgorithm: 'ed25519', tokenAuth: strictIssuer, notaryAuth: CREDENTIALS }),
    ]);
    [openScenario, strictScenario] = await Promise.all([buildTargetsOnly(open), buildTargetsOnly(strict)]);
    helper = await writeCredentialHelper({ name: 'trustlens-test', serverUrl: strict.registry.host, ...CREDENTIALS });
    wrongHelper = await writeCredentialHelper({ name: 'trustlens-wrong', serverUrl: strict.registry.host, user: CREDENTIALS.user, password: 'not-the-password' });
    restorePath = prependToPath(`${helper.binDir}:${wrongHelper.binDir}`);
  });

  after(async () => {
    restorePath?.();
    for (const c of cleanup) await c();
    await Promise.all([open?.stop(), strict?.stop()]);
    await Promise.all([openIssuer?.stop(), strictIssuer?.stop(), helper?.remove(), wrongHelper?.remove()]);
  });

  void it('anonymous: the 401 challenge leads to a pull token for the GUN, then the repository verifies', async () => {
    const h = await harness(await dockerConfig(open));
    const before = openIssuer.requests.length;
    const results = await check(h, open, openScenario);
    for (const [r, tag] of results.map((x, i) => [x, ['v1', 'multi'][i]!] as const)) {
      assert.deepEqual([r.status, r.signedDigest, codesOf(r)], ['signed', openScenario.images[tag]!.digest, []]);
    }
    const metadata = h.trustRequests(openScenario.gun);
    assert.deepEqual([metadata[0]!.file, metadata[0]!.status], ['root.json', 401], 'the first request is challenged');
    assert.ok(metadata.slice(1).every((x) => x.status === 200));
    // One token, reused for every file of the repository.
    assert.deepEqual(openIssuer.requests.slice(before), [
      { service: openIssuer.service, scopes: [`repository:${openScenario.gun}:pull`], account: null, status: 200 },
    ]);
    // docker, anonymous too, lists the same signed tags.
    const inspection = await dockerTrustInspect(openScenario.gun, { trustServerUrl: open.notary.url, caPem: open.notary.caPem });
    assert.equal(inspection.exitCode, 0, inspection.stderr);
    assert.deepEqual(
      inspection.entries[0]!.SignedTags.map((t) => [t.SignedTag, `sha256:${t.Digest}`]).sort(),
      results.map((r) => [r.target.kind === 'reference' ? r.target.occurrence.ref.tag : '', r.signedDigest]).sort(),
    );
  });

  void it('credentials from a real docker-credential helper named in credHelpers: token with the account, signed', async () => {
    const docker = await dockerConfig(strict, { credHelpers: { [strict.registry.host]: helper.name } });
    const h = await harness(docker);
    const callsBefore = (await helper.calls()).length;
    const before = strictIssuer.requests.length;
    const results = await check(h, strict, strictScenario);
    for (const [r, tag] of results.map((x, i) => [x, ['v1', 'multi'][i]!] as const)) {
      assert.deepEqual([r.status, r.signedDigest, codesOf(r)], ['signed', strictScenario.images[tag]!.digest, []]);
    }
    assert.deepEqual((await helper.calls()).slice(callsBefore), [{ action: 'get', serverUrl: strict.registry.host }], 'run once, for the registry');
    assert.deepEqual(strictIssuer.requests.slice(before), [
      { service: strictIssuer.service, scopes: [`repository:${strictScenario.gun}:pull`], account: CREDENTIALS.user, status: 200 },
    ]);

    // docker, with the same config directory, runs the same helper and lists the same tags.
    const dockerCalls = (await helper.calls()).length;
    const inspection = await dockerTrustInspect(strictScenario.gun, { trustServerUrl: strict.notary.url, caPem: strict.notary.caPem, dockerConfigDir: docker.path });
    assert.equal(inspection.exitCode, 0, inspection.stderr);
    assert.ok((await helper.calls()).length > dockerCalls, 'docker ran the helper too');
    assert.deepEqual(
      inspection.entries[0]!.SignedTags.map((t) => `sha256:${t.Digest}`).sort(),
      results.map((r) => r.signedDigest).sort(),
    );
  });

  void it('untrusted mode: the helper never runs and the 401 makes the image unverifiable', async () => {
    const docker = await dockerConfig(strict, { credHelpers: { [strict.registry.host]: helper.name } });
    const h = await harness(docker, false);
    const callsBefore = (await helper.calls()).length;
    const before = strictIssuer.requests.length;
    const results = await check(h, strict, strictScenario);
    for (const r of results) {
      assert.equal(r.status, 'unverifiable', JSON.stringify(r.findings));
      assert.deepEqual([r.signedDigest, r.role, r.signers], [null, null, []]);
      assert.deepEqual(r.findings.map((f) => [f.code, f.severity]), [['unverifiable', 'error']]);
      assert.match(r.findings[0]!.message, /401/);
    }
    assert.equal((await helper.calls()).length, callsBefore, 'no credential helper was run');
    const asked = strictIssuer.requests.slice(before);
    assert.ok(asked.length >= 1);
    for (const request of asked) assert.deepEqual([request.account, request.status], [null, 401], 'only anonymous token requests, refused');

    // docker without credentials is refused as well.
    const anonymousDocker = await dockerTrustInspect(strictScenario.gun, { trustServerUrl: strict.notary.url, caPem: strict.notary.caPem });
    assert.notEqual(anonymousDocker.exitCode, 0);
    assert.deepEqual(anonymousDocker.entries, []);
  });

  void it('wrong credentials from a helper: unverifiable, never unsigned', async () => {
    const docker = await dockerConfig(strict, { credHelpers: { [strict.registry.host]: wrongHelper.name } });
    const h = await harness(docker);
    const results = await check(h, strict, strictScenario);
    for (const r of results) {
      assert.equal(r.status, 'unverifiable', JSON.stringify(r.findings));
      assert.deepEqual(codesOf(r), ['unverifiable']);
    }
    assert.deepEqual((await wrongHelper.calls()).map((c) => c.serverUrl), [strict.registry.host]);
  });
});
