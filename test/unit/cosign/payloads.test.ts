import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bindingProblem, isSignatureStatement, parseInTotoStatement, parseSimpleSigning } from '../../../src/core/trust/cosign/payloads';
import { signStatement, simpleSigningPayload } from '../../../src/core/trust/cosign/cosignSign';

const D = `sha256:${'a'.repeat(64)}`;
const E = `sha256:${'b'.repeat(64)}`;
const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

void describe('simple-signing payloads', () => {
  void it('writes the payload byte for byte as cosign does', () => {
    assert.equal(Buffer.from(simpleSigningPayload('127.0.0.1:5000/team/app', D)).toString(),
      `{"critical":{"identity":{"docker-reference":"127.0.0.1:5000/team/app"},"image":{"docker-manifest-digest":"${D}"},"type":"cosign container image signature"},"optional":null}`);
    assert.match(Buffer.from(simpleSigningPayload('r/a', D, { team: 'qa' })).toString(), /"optional":\{"team":"qa"\}\}$/);
  });
  void it('reads its digest, reference and optional claims', () => {
    const parsed = parseSimpleSigning(simpleSigningPayload('r/a', D, { team: 'qa' }));
    assert.deepEqual(parsed, { ok: true, value: { digest: D, dockerReference: 'r/a', annotations: { team: 'qa' } } });
  });
  for (const [name, payload] of [
    ['not JSON', '{'],
    ['not UTF-8', new Uint8Array([0xff, 0xfe])],
    ['no critical section', { optional: {} }],
    ['another type', { critical: { type: 'atomic container signature', image: { 'docker-manifest-digest': D } } }],
    ['no digest', { critical: { type: 'cosign container image signature', image: {} } }],
  ] as const) {
    void it(`refuses a payload with ${name}`, () => assert.equal(parseSimpleSigning(payload instanceof Uint8Array ? payload : enc(payload)).ok, false));
  }
  void it('binds only the digest it names', () => {
    assert.equal(bindingProblem([D], D), undefined);
    assert.equal(bindingProblem([D.toUpperCase().replace('SHA256', 'sha256')], D), undefined);
    assert.equal(bindingProblem([E], D), `the signature is for ${E}, not ${D} (copied from another image?)`);
    assert.match(bindingProblem([], D) ?? '', /is for no digest/);
  });
});

void describe('in-toto statements in bundles', () => {
  void it('reads the cosign sign predicate and every sha256 subject digest', () => {
    const parsed = parseInTotoStatement('application/vnd.in-toto+json', signStatement('r/a', D));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value.digests, [D]);
    assert.equal(isSignatureStatement(parsed.value), true);
  });
  void it('reads statements of other predicates as attestations, not signatures', () => {
    const parsed = parseInTotoStatement('application/vnd.in-toto+json', enc({ _type: 'https://in-toto.io/Statement/v0.1', predicateType: 'https://slsa.dev/provenance/v1', subject: [{ name: 'x', digest: { sha256: 'a'.repeat(64), sha512: 'c'.repeat(128) } }] }));
    assert.ok(parsed.ok);
    assert.equal(isSignatureStatement(parsed.value), false);
  });
  void it('ignores digests that are not well-formed sha256', () => {
    const parsed = parseInTotoStatement('application/vnd.in-toto+json', enc({ _type: 'https://in-toto.io/Statement/v1', predicateType: 'p', subject: [{ digest: { sha256: 'ABC' } }, { digest: { sha512: 'c'.repeat(128) } }] }));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value.digests, []);
  });
  for (const [name, type, body] of [
    ['another payload type', 'text/plain', { _type: 'https://in-toto.io/Statement/v1' }],
    ['no _type', 'application/vnd.in-toto+json', { predicateType: 'p', subject: [{}] }],
    ['no subject', 'application/vnd.in-toto+json', { _type: 'https://in-toto.io/Statement/v1', predicateType: 'p', subject: [] }],
  ] as const) {
    void it(`refuses a statement with ${name}`, () => assert.equal(parseInTotoStatement(type, enc(body)).ok, false));
  }
});
