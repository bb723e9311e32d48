import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mayReceiveCredentials } from '../../../src/core/net/authPolicy';

const may = (host: string, url: string): boolean => mayReceiveCredentials({ host }, new URL(url));

void describe('mayReceiveCredentials', () => {
  void it('allows the registry’s own host name on any port, over https', () => {
    assert.equal(may('registry.example.com', 'https://registry.example.com/token'), true);
    assert.equal(may('registry.example.com:5000', 'https://REGISTRY.example.com:5001/auth'), true);
  });

  void it('allows Docker Hub credentials at its well-known auth host only', () => {
    assert.equal(may('docker.io', 'https://auth.docker.io/token'), true);
    assert.equal(may('docker.io', 'https://registry-1.docker.io/v2/'), true);
    assert.equal(may('docker.io', 'https://auth.docker.io.evil.example/token'), false);
    assert.equal(may('docker.io', 'https://evil.example/token'), false);
    assert.equal(may('registry.example.com', 'https://auth.docker.io/token'), false);
  });

  void it('refuses other hosts, look-alike suffixes and plain http outside loopback', () => {
    assert.equal(may('registry.example.com', 'https://auth.example.com/token'), false);
    assert.equal(may('example.com', 'https://example.com.evil.test/token'), false);
    assert.equal(may('registry.example.com', 'http://registry.example.com/token'), false);
    assert.equal(may('127.0.0.1:5000', 'http://127.0.0.1:5001/token'), true);
    assert.equal(may('127.0.0.1:5000', 'http://localhost:5001/token'), false);
  });

  void it('allows hosts the user explicitly trusts for these credentials', () => {
    const url = new URL('https://auth.corp.example/token');
    assert.equal(mayReceiveCredentials({ host: 'registry.corp.example' }, url), false);
    assert.equal(mayReceiveCredentials({ host: 'registry.corp.example' }, url, ['AUTH.corp.example']), true);
    assert.equal(mayReceiveCredentials({ host: 'registry.corp.example' }, new URL('http://auth.corp.example/token'), ['auth.corp.example']), false);
  });
});
