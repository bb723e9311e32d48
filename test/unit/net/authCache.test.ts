import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AuthCache } from '../../../src/core/net/authCache';
import { decodeTokenAnswer } from '../../../src/core/net/tokenFetch';
import { isNetError } from '../../../src/core/net/netError';

const key = { realm: 'https://auth.example/token', service: 'reg', scope: 'repository:a:pull', account: 'alice' };

void describe('AuthCache', () => {
  void it('keeps a token until shortly before expires_in on the injected clock', () => {
    let now = 1_000_000;
    const cache = new AuthCache({ now: () => new Date(now) });
    cache.setToken(key, 't1', 60);
    assert.equal(cache.getToken(key), 't1');
    now += 54_000;
    assert.equal(cache.getToken(key), 't1');
    now += 2_000;
    assert.equal(cache.getToken(key), undefined);
  });

  void it('keys tokens by realm, service, scope and account', () => {
    const cache = new AuthCache();
    cache.setToken(key, 't1', 300);
    assert.equal(cache.getToken({ ...key, scope: 'repository:a:pull,push' }), undefined);
    assert.equal(cache.getToken({ ...key, account: '' }), undefined);
    assert.equal(cache.getToken({ ...key, service: 'other' }), undefined);
    cache.deleteToken(key);
    assert.equal(cache.getToken(key), undefined);
  });

  void it('says "first time" once per text', () => {
    const cache = new AuthCache();
    assert.equal(cache.firstTime('a'), true);
    assert.equal(cache.firstTime('a'), false);
    cache.clear();
    assert.equal(cache.firstTime('a'), true);
  });
});

void describe('decodeTokenAnswer', () => {
  void it('accepts token or access_token and defaults expires_in to 60', () => {
    assert.deepEqual(decodeTokenAnswer('{"token":"a","expires_in":300}', 'u'), { token: 'a', expiresInSec: 300 });
    assert.deepEqual(decodeTokenAnswer('{"access_token":"b"}', 'u'), { token: 'b', expiresInSec: 60 });
    assert.deepEqual(decodeTokenAnswer('{"token":"","access_token":"c","expires_in":-1}', 'u'), { token: 'c', expiresInSec: 60 });
  });

  void it('rejects answers without a token with bad-response', () => {
    for (const text of ['{}', 'nope', '[1]', '{"token":5}']) {
      assert.throws(() => decodeTokenAnswer(text, 'https://auth.example/token'), (e: unknown) => isNetError(e, 'bad-response'), text);
    }
  });
});
