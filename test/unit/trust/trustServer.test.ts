import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isDockerHubNotary, resolveTrustServer } from '../../../src/core/trust/dct/trustServer';

void describe('resolveTrustServer', () => {
  void it("uses docker's defaults", () => {
    assert.deepEqual(resolveTrustServer('docker.io'), { url: 'https://notary.docker.io', source: 'default' });
    assert.deepEqual(resolveTrustServer('registry.example.com:5000'), { url: 'https://registry.example.com:5000', source: 'default' });
  });

  void it('prefers DOCKER_CONTENT_TRUST_SERVER, then the map', () => {
    const map = { 'registry.example.com': 'https://notary.example.com:4443/' };
    assert.equal(resolveTrustServer('registry.example.com', { map }).url, 'https://notary.example.com:4443');
    assert.equal(resolveTrustServer('registry.example.com', { map }).source, 'policy');
    const env = { DOCKER_CONTENT_TRUST_SERVER: 'https://global.example.com' };
    assert.deepEqual(resolveTrustServer('registry.example.com', { env, map }), { url: 'https://global.example.com', source: 'environment' });
    assert.equal(resolveTrustServer('docker.io', { map: { 'index.docker.io': 'https://mirror.example.com' } }).url, 'https://mirror.example.com');
  });

  void it('requires https, except on loopback', () => {
    assert.throws(() => resolveTrustServer('r.io', { env: { DOCKER_CONTENT_TRUST_SERVER: 'http://notary.example.com' } }), /valid https URL required/);
    assert.throws(() => resolveTrustServer('r.io', { map: { 'r.io': 'not a url' } }), /valid https URL required/);
    assert.equal(resolveTrustServer('r.io', { map: { 'r.io': 'http://127.0.0.1:4443' } }).url, 'http://127.0.0.1:4443');
  });

  void it('recognises Docker Hub notary', () => {
    assert.equal(isDockerHubNotary('https://notary.docker.io'), true);
    assert.equal(isDockerHubNotary('https://notary.example.com'), false);
  });
});
