import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findNextLink } from '../../../src/core/net/linkHeader';
import { registryBaseUrl } from '../../../src/core/net/registryClient';
import { bareMediaType, isIndexMediaType, isValidDigest, isValidRegistryHost, isValidRepository, isValidTag } from '../../../src/core/net/manifestTypes';

void describe('registry names and URLs', () => {
  void it('maps docker.io to registry-1 and allows plain http only for loopback when asked', () => {
    assert.equal(registryBaseUrl('docker.io'), 'https://registry-1.docker.io');
    assert.equal(registryBaseUrl('index.docker.io', true), 'https://registry-1.docker.io');
    assert.equal(registryBaseUrl('myreg.example:5000'), 'https://myreg.example:5000');
    assert.equal(registryBaseUrl('myreg.example:5000', true), 'https://myreg.example:5000');
    assert.equal(registryBaseUrl('127.0.0.1:5000'), 'https://127.0.0.1:5000');
    assert.equal(registryBaseUrl('127.0.0.1:5000', true), 'http://127.0.0.1:5000');
    assert.equal(registryBaseUrl('localhost:5000', true), 'http://localhost:5000');
  });

  void it('validates repository, tag, digest and host the way distribution does', () => {
    for (const ok of ['library/alpine', 'a', 'team/sub/app', 'my-app', 'my__app', 'a.b_c']) assert.equal(isValidRepository(ok), true, ok);
    for (const bad of ['Library/alpine', '../etc', 'a//b', '/a', 'a/', 'a?b', '-a', 'a b', '']) assert.equal(isValidRepository(bad), false, bad);
    for (const ok of ['3.19', 'latest', '_x', 'V1.0-rc_2']) assert.equal(isValidTag(ok), true, ok);
    for (const bad of ['.x', '-x', 'a/b', 'a:b', '', 'x'.repeat(129)]) assert.equal(isValidTag(bad), false, bad);
    assert.equal(isValidDigest(`sha256:${'a'.repeat(64)}`), true);
    assert.equal(isValidDigest('sha256:abc'), false);
    for (const ok of ['docker.io', '127.0.0.1:5000', 'localhost', 'my-reg.example.com:443', '[::1]:5000']) assert.equal(isValidRegistryHost(ok), true, ok);
    for (const bad of ['a/b', 'host:port', 'user@host', '', '-a.com']) assert.equal(isValidRegistryHost(bad), false, bad);
  });

  void it('recognises index media types and strips parameters', () => {
    assert.equal(isIndexMediaType('application/vnd.oci.image.index.v1+json'), true);
    assert.equal(isIndexMediaType('application/vnd.docker.distribution.manifest.list.v2+json'), true);
    assert.equal(isIndexMediaType('application/vnd.oci.image.manifest.v1+json'), false);
    assert.equal(bareMediaType('Application/JSON; charset=utf-8'), 'application/json');
    assert.equal(bareMediaType(undefined), undefined);
  });
});

void describe('findNextLink', () => {
  void it('finds rel="next" among several links and parameter spellings', () => {
    assert.equal(findNextLink('</v2/a/tags/list?last=b&n=2>; rel="next"'), '/v2/a/tags/list?last=b&n=2');
    assert.equal(findNextLink('<https://x/prev>; rel="prev", <https://x/next>; title="t"; rel=next'), 'https://x/next');
    assert.equal(findNextLink('<https://x/a>; rel="prev next"'), 'https://x/a');
  });

  void it('returns undefined without a next link', () => {
    assert.equal(findNextLink(undefined), undefined);
    assert.equal(findNextLink('<https://x/prev>; rel="prev"'), undefined);
    assert.equal(findNextLink('garbage'), undefined);
  });
});
