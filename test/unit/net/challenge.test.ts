import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findBearerChallenge, hasBasicChallenge, parseWwwAuthenticate } from '../../../src/core/net/challenge';

void describe('parseWwwAuthenticate', () => {
  void it('parses a docker Bearer challenge with a comma inside the quoted scope', () => {
    const header = 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"';
    assert.deepEqual(parseWwwAuthenticate(header), [
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:samalba/my-app:pull,push' } },
    ]);
  });

  void it('parses several challenges, as joined repeated headers or in one header', () => {
    const challenges = parseWwwAuthenticate('Basic realm="Registry Realm", Bearer realm="https://h/token", service=notary, error="invalid_token"');
    assert.equal(challenges.length, 2);
    assert.deepEqual(challenges[0], { scheme: 'basic', params: { realm: 'Registry Realm' } });
    assert.deepEqual(challenges[1], { scheme: 'bearer', params: { realm: 'https://h/token', service: 'notary', error: 'invalid_token' } });
    assert.equal(hasBasicChallenge(challenges), true);
    assert.deepEqual(findBearerChallenge(challenges), { realm: 'https://h/token', service: 'notary', error: 'invalid_token' });
  });

  void it('handles escapes, spaces around =, case and token68', () => {
    const challenges = parseWwwAuthenticate('NEGOTIATE abc+/==, bEaReR Realm = "a \\"quoted\\" realm" ,SCOPE="x"');
    assert.deepEqual(challenges, [
      { scheme: 'negotiate', params: {}, token68: 'abc+/==' },
      { scheme: 'bearer', params: { realm: 'a "quoted" realm', scope: 'x' } },
    ]);
  });

  void it('keeps a scheme with no parameters and tolerates empty parts', () => {
    assert.deepEqual(parseWwwAuthenticate(' , Basic ,, Bearer realm=r'), [
      { scheme: 'basic', params: {} },
      { scheme: 'bearer', params: { realm: 'r' } },
    ]);
    assert.deepEqual(parseWwwAuthenticate(''), []);
  });

  void it('does not invent values from an unterminated quoted string', () => {
    const [challenge] = parseWwwAuthenticate('Bearer service="s", realm="https://unterminated');
    assert.deepEqual(challenge?.params, { service: 's' });
    assert.equal(findBearerChallenge(parseWwwAuthenticate('Bearer service="s"')), undefined);
  });

  void it('keeps the first value of a repeated parameter', () => {
    const [challenge] = parseWwwAuthenticate('Bearer realm="https://first/token", realm="https://second/token"');
    assert.equal(challenge?.params['realm'], 'https://first/token');
  });
});
