/**
 * Publishing through a docker-style token service, as `docker trust sign` does: the registry login
 * from config.json buys a token for `repository:<gun>:pull,push`; a token without `push` cannot
 * create trust data (the server-key endpoints need it), and the error says so without leaking the
 * password. The servers hold Ed25519 keys, so TrustLens's root lists Ed25519 timestamp and snapshot keys.
 * Having the server make a new key (`key rotate … --server-managed`) asks for `*`, as notary does.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { nullLogger, systemClock } from '../../src/core/ports';
import { createTrustPublisher } from '../../src/core/trust/dct/signing/createPublisher';
import { FileMetadataStore } from '../../src/core/trust/dct/metadataStore';
import { TrustLensError } from '../../src/core/errors';
import { dockerTrustInspect } from '../helpers/stack/dockerCli';
import { pushImage } from '../helpers/stack/push';
import { startStack, type Stack } from '../helpers/stack/stack';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { startTokenIssuer, type TokenIssuer } from '../helpers/stack/tokenIssuer';
import { makeDockerConfig, type TestDockerConfig } from '../helpers/trust/dockerConfig';

const CREDENTIALS = { user: 'release-bot', password: 'signing-auth-password' };
const passphrases = { get: ({ role }: { role: string }) => Promise.resolve(role === 'root' ? 'auth-test-root' : 'auth-test-repository') };

void describe('signing behind a token service', () => {
  let issuer: TokenIssuer;
  let pullOnlyIssuer: TokenIssuer;
  let stack: Stack;
  let pullOnly: Stack;
  /** The publisher that created the repository of the first test (it holds its root key). */
  let owner: Awaited<ReturnType<typeof publisherFor>>;
  const cleanup: Array<() => Promise<unknown>> = [];

  /** A publisher logged in to the stack's registry, with its own docker config and cache. */
  const publisherFor = async (s: Stack) => {
    const docker: TestDockerConfig = await makeDockerConfig([{ host: new URL(s.notary.url).host, caPem: s.notary.caPem }]);
    await docker.writeConfig({ auths: { [s.registry.host]: { auth: Buffer.from(`${CREDENTIALS.user}:${CREDENTIALS.password}`).toString('base64') } } });
    const cache: TempDir = await makeTempDir('signing-auth-cache');
    const tl = createTrustPublisher({
      dockerConfigDir: docker.path, store: new FileMetadataStore(cache.path), passphrases, env: {},
      trustServers: { [s.registry.host]: s.notary.url }, clock: systemClock, logger: nullLogger,
      userAgent: 'trustlens-test', plainHttpForLoopbackRegistries: true,
    });
    cleanup.push(() => tl.close(), () => docker.remove(), () => cache.remove());
    return tl.publisher;
  };

  before(async () => {
    [issuer, pullOnlyIssuer] = await Promise.all([
      startTokenIssuer({ credentials: CREDENTIALS }),
      startTokenIssuer({ credentials: CREDENTIALS, allowedActions: ['pull'] }),
    ]);
    [stack, pullOnly] = await Promise.all([
      startStack({ keyAlgorithm: 'ed25519', tokenAuth: issuer }),
      startStack({ keyAlgorithm: 'ed25519', tokenAuth: pullOnlyIssuer }),
    ]);
  });
  after(async () => {
    for (const step of cleanup) await step();
    await Promise.all([stack?.stop(), pullOnly?.stop(), issuer?.stop(), pullOnlyIssuer?.stop()]);
  });

  void it('asks for repository:<gun>:pull,push with the registry login, creates the repository and signs', async () => {
    const gun = `${stack.registry.host}/signing/auth`;
    const image = await pushImage(stack.registry, 'signing/auth', 'v1');
    owner = await publisherFor(stack);
    const result = await owner.signTag(`${gun}:v1`, { signer: 'alice' });
    assert.deepEqual([result.initialized, result.digest, result.released], [true, image.digest, true]);
    assert.ok(issuer.requests.some((r) => r.status === 200 && r.account === CREDENTIALS.user && r.scopes.includes(`repository:${gun}:pull,push`)));
    const root = result.state.root;
    for (const role of ['timestamp', 'snapshot']) assert.equal(root.keys?.[root.roles?.[role]?.keyids?.[0] ?? '']?.keytype, 'ed25519', role);

    const inspection = await dockerTrustInspect([gun], {
      trustServerUrl: stack.notary.url, caPem: stack.notary.caPem, login: { registryHost: stack.registry.host, ...CREDENTIALS },
    });
    assert.equal(inspection.exitCode, 0, inspection.stderr);
    assert.deepEqual(inspection.entries[0]?.SignedTags.map((t) => [t.SignedTag, t.Signers]), [['v1', ['alice']]]);
  });

  void it('has the server make a new snapshot key with a token for repository:<gun>:*, as notary asks for one', async () => {
    const gun = `${stack.registry.host}/signing/auth`;
    const before = issuer.requests.length;
    const result = await owner.rotateKey(gun, 'snapshot', { serverManaged: true });
    assert.deepEqual(result.uploaded, ['root']);
    const granted = issuer.requests.slice(before).filter((r) => r.status === 200).flatMap((r) => r.scopes);
    assert.ok(granted.includes(`repository:${gun}:*`), granted.join(' '));
    const root = result.state.root;
    assert.notDeepEqual(root.roles?.snapshot?.keyids, result.replacedKeyIds);
    assert.equal(root.keys?.[root.roles?.snapshot?.keyids?.[0] ?? '']?.keytype, 'ed25519', 'the server\'s new key');
  });

  void it('cannot create trust data with a pull-only token, and says why without the password', async () => {
    const gun = `${pullOnly.registry.host}/signing/pull-only`;
    await pushImage(pullOnly.registry, 'signing/pull-only', 'v1');
    const publisher = await publisherFor(pullOnly);
    await assert.rejects(publisher.signTag(`${gun}:v1`, { signer: 'alice' }), (e: unknown) => {
      assert.ok(TrustLensError.is(e, 'auth'), String(e));
      assert.match((e as Error).message, /timestamp\.key.*401.*does not grant repository:.*:pull,push/);
      assert.ok(!(e as Error).message.includes(CREDENTIALS.password));
      return true;
    });
  });
});
