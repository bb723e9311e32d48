import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultDockerConfigDir, findAuthEntry, findCredentialHelper, parseDockerConfig } from '../../../src/core/net/dockerConfig';
import { isNetError } from '../../../src/core/net/netError';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

void describe('docker config.json', () => {
  void it('resolves the config directory from DOCKER_CONFIG or the home directory', () => {
    assert.equal(defaultDockerConfigDir({ DOCKER_CONFIG: '/etc/dc' }, '/home/u'), '/etc/dc');
    assert.equal(defaultDockerConfigDir({ DOCKER_CONFIG: '' }, '/home/u'), '/home/u/.docker');
    assert.equal(defaultDockerConfigDir({}, '/home/u'), '/home/u/.docker');
  });

  void it('decodes auth, username/password and identity tokens', () => {
    const config = parseDockerConfig(
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: b64('alice:pa:ss') },
          'myreg:5000': { username: 'bob', password: 'pw' },
          'https://sso.example': { auth: b64('<token>:'), identitytoken: 'refresh-me' },
          'empty.example': {},
        },
        credsStore: 'desktop',
        credHelpers: { 'gcr.io': 'gcloud', bad: 7 },
      }),
      '/x/config.json',
    );
    assert.deepEqual(findAuthEntry(config, 'docker.io'), { username: 'alice', password: 'pa:ss' });
    assert.deepEqual(findAuthEntry(config, 'myreg:5000'), { username: 'bob', password: 'pw' });
    assert.deepEqual(findAuthEntry(config, 'sso.example'), { username: '<token>', password: '', identityToken: 'refresh-me' });
    assert.deepEqual(findAuthEntry(config, 'empty.example'), {});
    assert.equal(findAuthEntry(config, 'other.example'), undefined);
    assert.equal(findCredentialHelper(config, 'gcr.io'), 'gcloud');
    assert.equal(findCredentialHelper(config, 'https://gcr.io'), 'gcloud');
    assert.equal(findCredentialHelper(config, 'other.example'), 'desktop');
    assert.deepEqual(config.credHelpers, { 'gcr.io': 'gcloud' });
  });

  void it('matches every docker key spelling of a host, preferring the exact server address', () => {
    const config = parseDockerConfig(
      JSON.stringify({
        auths: {
          'http://myreg:5000/v1/': { auth: b64('old:1') },
          'https://registry-1.docker.io': { auth: b64('alias:1') },
          'https://index.docker.io/v1/': { auth: b64('hub:1') },
        },
      }),
      'c.json',
    );
    assert.equal(findAuthEntry(config, 'myreg:5000')?.username, 'old');
    assert.equal(findAuthEntry(config, 'https://myreg:5000')?.username, 'old');
    assert.equal(findAuthEntry(config, 'docker.io')?.username, 'hub');
    assert.equal(findAuthEntry(config, 'index.docker.io')?.username, 'hub');
  });

  void it('rejects broken files with a config error that never quotes the content', () => {
    const secret = 'hunter2-very-secret';
    const cases = [
      `{"auths": {"r": {"auth": "${secret}"`,
      `{"auths": {"r": {"auth": "${b64(`nocolon${secret}`)}"}}}`,
      `{"auths": {"r": "${secret}"}}`,
      `["${secret}"]`,
    ];
    for (const text of cases) {
      assert.throws(
        () => parseDockerConfig(text, '/x/config.json'),
        (e: unknown) => isNetError(e, 'config') && !e.message.includes(secret) && !e.message.includes('nocolon') && e.cause === undefined,
        text,
      );
    }
  });
});
