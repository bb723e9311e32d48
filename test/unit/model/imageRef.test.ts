import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { familiarRepository, parseImageRef } from '../../../src/core/model/imageRef';

const HEX = '0123456789abcdef'.repeat(4);

function ok(text: string) {
  const r = parseImageRef(text);
  assert.ok(r.ok, `expected ${text} to parse: ${r.ok ? '' : r.message}`);
  return r.ref;
}

function bad(text: string, pattern: RegExp) {
  const r = parseImageRef(text);
  assert.equal(r.ok, false, `expected ${text} to be rejected`);
  if (!r.ok) assert.match(r.message, pattern);
}

void describe('parseImageRef (docker normalisation)', () => {
  void it('adds docker.io, library/ and the latest tag', () => {
    const r = ok('alpine');
    assert.equal(r.registry, 'docker.io');
    assert.equal(r.path, 'library/alpine');
    assert.equal(r.repository, 'docker.io/library/alpine');
    assert.equal(r.tag, null);
    assert.equal(r.effectiveTag, 'latest');
    assert.equal(r.reference, 'docker.io/library/alpine:latest');
  });

  void it('keeps user namespaces on docker.io and maps index.docker.io', () => {
    assert.equal(ok('bitnami/redis:7').reference, 'docker.io/bitnami/redis:7');
    assert.equal(ok('index.docker.io/library/busybox:1').reference, 'docker.io/library/busybox:1');
    assert.equal(ok('docker.io/alpine:3').reference, 'docker.io/library/alpine:3');
  });

  void it('treats a first component with a dot, a colon or localhost as a registry', () => {
    assert.equal(ok('ghcr.io/acme/app:1').registry, 'ghcr.io');
    assert.equal(ok('127.0.0.1:5000/team/app').reference, '127.0.0.1:5000/team/app:latest');
    assert.equal(ok('localhost/app:dev').registry, 'localhost');
    assert.equal(ok('myhost:5000/app').registry, 'myhost:5000');
    assert.equal(ok('team/app').registry, 'docker.io');
    assert.equal(ok('[::1]:5000/app:1').registry, '[::1]:5000');
  });

  void it('tells a port from a tag', () => {
    const r = ok('localhost:5000/app');
    assert.equal(r.tag, null);
    assert.equal(r.effectiveTag, 'latest');
    assert.equal(ok('localhost:5000').reference, 'docker.io/library/localhost:5000');
  });

  void it('parses digests with and without a tag', () => {
    const d = ok(`alpine@sha256:${HEX}`);
    assert.equal(d.tag, null);
    assert.equal(d.effectiveTag, null);
    assert.equal(d.digest, `sha256:${HEX}`);
    assert.equal(d.reference, `docker.io/library/alpine@sha256:${HEX}`);
    const td = ok(`alpine:3.19@sha256:${HEX}`);
    assert.equal(td.tag, '3.19');
    assert.equal(td.reference, `docker.io/library/alpine:3.19@sha256:${HEX}`);
    assert.equal(ok(`app@sha512:${'ab'.repeat(64)}`).digest, `sha512:${'ab'.repeat(64)}`);
  });

  void it('validates the digest algorithm and length', () => {
    bad('alpine@sha256:abc', /invalid digest/);
    bad(`alpine@sha256:${HEX}00`, /expected 64 hex characters/);
    bad(`alpine@md5:${HEX}`, /unsupported digest algorithm/);
    bad(`alpine@sha256:${HEX.toUpperCase()}`, /lower case/);
    bad('alpine@', /invalid digest/);
  });

  void it('rejects upper case, empty parts and bad tags', () => {
    bad('Alpine:3', /must be lowercase/);
    bad('docker.io/Library/alpine', /must be lowercase/);
    bad('', /empty/);
    bad(':3', /repository name is empty/);
    bad('team//app', /empty path component/);
    bad('app/', /empty path component/);
    bad('alpine:-bad', /invalid tag/);
    bad(`alpine:${'x'.repeat(129)}`, /invalid tag/);
    bad('al pine', /white space/);
    bad(HEX, /64-byte hexadecimal/);
    bad('a..b/c', /invalid/);
  });

  void it('shortens docker.io names the way docker prints them', () => {
    assert.equal(familiarRepository('docker.io/library/alpine'), 'alpine');
    assert.equal(familiarRepository('docker.io/bitnami/redis'), 'bitnami/redis');
    assert.equal(familiarRepository('ghcr.io/acme/app'), 'ghcr.io/acme/app');
  });
});
