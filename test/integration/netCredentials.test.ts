import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CredentialResolver, describeCredentials } from '../../src/core/net/credentials';
import { runCredentialHelper } from '../../src/core/net/credentialHelper';
import { isNetError } from '../../src/core/net/netError';
import { installCredentialHelper, type InstalledHelper } from '../helpers/net/credentialHelperScript';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { RecordingLogger } from '../helpers/net/recordingLogger';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

void describe('credentials from docker config and real docker-credential helpers', () => {
  let tmp: TempDir;
  let binDir: string;
  let env: Record<string, string | undefined>;
  let tableHelper: InstalledHelper;
  let storeHelper: InstalledHelper;

  function configDir(name: string, config: unknown): string {
    const dir = join(tmp.path, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    return dir;
  }

  before(async () => {
    tmp = await makeTempDir('creds');
    binDir = join(tmp.path, 'bin');
    mkdirSync(binDir);
    // The helpers are found through PATH, as docker finds them; the test's own PATH is left untouched.
    env = { ...process.env, PATH: `${binDir}:${process.env['PATH'] ?? ''}` };
    tableHelper = installCredentialHelper(binDir, 'tltable', {
      kind: 'table',
      entries: {
        '127.0.0.1:5000': { Username: 'alice', Secret: 'helper-secret' },
        'https://index.docker.io/v1/': { Username: '<token>', Secret: 'identity-secret' },
      },
    });
    storeHelper = installCredentialHelper(binDir, 'tlstore', { kind: 'table', entries: { 'other.example:443': { Username: 'carol', Secret: 's' } } });
    installCredentialHelper(binDir, 'tlhang', { kind: 'hang' });
    installCredentialHelper(binDir, 'tlfail', { kind: 'fail', status: 3, stdout: 'keychain locked' });
    installCredentialHelper(binDir, 'tlgarbage', { kind: 'print', stdout: 'not json at all' });
  });
  after(() => tmp.remove());

  void it('runs the helper named in credHelpers with the server URL on stdin, and never logs the secret', async () => {
    const logger = new RecordingLogger();
    const dockerConfigDir = configDir('helpers', {
      auths: { '127.0.0.1:5000': { auth: b64('file-user:file-secret') } },
      credHelpers: { '127.0.0.1:5000': 'tltable', 'docker.io': 'tltable' },
      credsStore: 'tlstore',
    });
    const resolver = new CredentialResolver({ dockerConfigDir, allowCredentialHelpers: true, env, logger });
    const before = tableHelper.invocations().length;
    const creds = await resolver.get('127.0.0.1:5000');
    assert.deepEqual(creds, { host: '127.0.0.1:5000', source: 'docker-credential-tltable', username: 'alice', password: 'helper-secret' });
    assert.equal(describeCredentials(creds), 'user alice for 127.0.0.1:5000 from docker-credential-tltable');
    const hub = await resolver.get('index.docker.io');
    assert.deepEqual(hub, { host: 'docker.io', source: 'docker-credential-tltable', identityToken: 'identity-secret' });
    assert.deepEqual(tableHelper.invocations().slice(before), ['127.0.0.1:5000', 'https://index.docker.io/v1/']);
    // Cached per host: asking again runs nothing.
    await resolver.get('127.0.0.1:5000');
    assert.equal(tableHelper.invocations().length, before + 2);
    // A host without a credHelpers entry goes to credsStore, which has nothing for it.
    assert.equal(await resolver.get('unknown.example'), undefined);
    assert.deepEqual(storeHelper.invocations().at(-1), 'unknown.example');
    assert.doesNotMatch(logger.text, /secret/);
  });

  void it('never starts a helper when helpers are disabled, and falls back to config.json auths', async () => {
    const logger = new RecordingLogger();
    const dockerConfigDir = configDir('untrusted', {
      auths: { 'http://127.0.0.1:5000/v1/': { auth: b64('file-user:file-secret') } },
      credHelpers: { '127.0.0.1:5000': 'tltable' },
      credsStore: 'tlstore',
    });
    const before = [tableHelper.invocations().length, storeHelper.invocations().length];
    const resolver = new CredentialResolver({ dockerConfigDir, allowCredentialHelpers: false, env, logger });
    assert.deepEqual(await resolver.get('127.0.0.1:5000'), { host: '127.0.0.1:5000', source: 'config.json', username: 'file-user', password: 'file-secret' });
    assert.equal(await resolver.get('docker.io'), undefined);
    assert.deepEqual([tableHelper.invocations().length, storeHelper.invocations().length], before);
    assert.match(logger.text, /docker-credential-tltable not run for 127\.0\.0\.1:5000: credential helpers are disabled/);
    assert.doesNotMatch(logger.text, /secret/);
  });

  void it('reads no credentials from a missing config and fails clearly on a broken one', async () => {
    const missing = new CredentialResolver({ dockerConfigDir: join(tmp.path, 'nothing-here'), allowCredentialHelpers: true, env });
    assert.equal(await missing.get('docker.io'), undefined);
    const dir = join(tmp.path, 'broken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'config.json'), '{"auths": {"x": {"auth": "c2VjcmV0LXZhbHVl"');
    const broken = new CredentialResolver({ dockerConfigDir: dir, allowCredentialHelpers: true, env });
    await assert.rejects(broken.get('x'), (e: unknown) => isNetError(e, 'config') && /config\.json is not valid JSON/.test(e.message));
  });

  void it('reports a missing helper, a failing helper and a garbage answer as credentials errors', async () => {
    await assert.rejects(runCredentialHelper('tl-not-installed', 'h', { env }), (e: unknown) => isNetError(e, 'credentials') && /docker-credential-tl-not-installed not found on PATH/.test(e.message));
    await assert.rejects(runCredentialHelper('tlfail', 'h', { env }), (e: unknown) => isNetError(e, 'credentials') && /exit status 3: keychain locked/.test(e.message));
    await assert.rejects(runCredentialHelper('tlgarbage', 'h', { env }), (e: unknown) => isNetError(e, 'credentials') && /invalid JSON/.test(e.message) && !e.message.includes('not json'));
    await assert.rejects(runCredentialHelper('../../bin/sh', 'h', { env }), (e: unknown) => isNetError(e, 'credentials') && /invalid credential helper name/.test(e.message));
  });

  void it('kills a helper that never answers after its timeout', async () => {
    const started = performance.now();
    await assert.rejects(runCredentialHelper('tlhang', 'h', { env, timeoutMs: 500 }), (e: unknown) => isNetError(e, 'timeout') && /did not answer within 500 ms/.test(e.message));
    assert.ok(performance.now() - started < 5000);
  });
});
