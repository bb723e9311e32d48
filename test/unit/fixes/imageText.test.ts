import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shortDigest, splitWrittenImage, withDigest, withTagAndDigest, writtenVariables } from '../../../src/core/model/imageText';

const D = `sha256:${'a'.repeat(64)}`;
const OLD = `sha256:${'b'.repeat(64)}`;

void describe('written image text', () => {
  void it('splits name, tag and digest, telling a port from a tag', () => {
    assert.deepEqual(splitWrittenImage('alpine:3.19'), { name: 'alpine', tag: '3.19', digest: null });
    assert.deepEqual(splitWrittenImage('localhost:5000/app'), { name: 'localhost:5000/app', tag: null, digest: null });
    assert.deepEqual(splitWrittenImage(`127.0.0.1:5000/a/b:1@${D}`), { name: '127.0.0.1:5000/a/b', tag: '1', digest: D });
    assert.deepEqual(splitWrittenImage(`alpine@${D}`), { name: 'alpine', tag: null, digest: D });
  });

  void it('pins a digest, replacing a wrong one and writing out an implied latest', () => {
    assert.equal(withDigest('alpine:3.19', D), `alpine:3.19@${D}`);
    assert.equal(withDigest(`alpine:3.19@${OLD}`, D), `alpine:3.19@${D}`);
    assert.equal(withDigest('alpine', D), `alpine:latest@${D}`);
    assert.equal(withDigest('localhost:5000/app', D), `localhost:5000/app:latest@${D}`);
    assert.equal(withDigest('docker.io/library/alpine:3.19', D), `docker.io/library/alpine:3.19@${D}`);
  });

  void it('switches the tag keeping the name as written', () => {
    assert.equal(withTagAndDigest('index.docker.io/library/alpine:3.18', '3.19', D), `index.docker.io/library/alpine:3.19@${D}`);
    assert.equal(withTagAndDigest(`alpine@${OLD}`, '3.19', D), `alpine:3.19@${D}`);
    assert.equal(withTagAndDigest('[::1]:5000/app', '2', D), `[::1]:5000/app:2@${D}`);
  });

  void it('names the variables in written text', () => {
    assert.deepEqual(writtenVariables('${REGISTRY}/app:$TAG'), ['${REGISTRY}', '$TAG']);
    assert.deepEqual(writtenVariables('${TAG:-3.19}'), ['${TAG:-3.19}']);
    assert.deepEqual(writtenVariables('alpine:3.19'), []);
  });

  void it('shortens digests for titles', () => {
    assert.equal(shortDigest(D), `sha256:${'a'.repeat(12)}…`);
  });
});
