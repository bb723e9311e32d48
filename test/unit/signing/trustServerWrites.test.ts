import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { HttpClient, HttpResponse, RequestOptions } from '../../../src/core/net/http';
import { multipartBody, serverErrors, uploadMetadata, getServerKey } from '../../../src/core/trust/dct/signing/trustServerWrites';
import { SigningError } from '../../../src/core/trust/dct/signing/signingErrors';
import { parsePublicKeyPem } from '../../../src/core/trust/dct/signing/publicKeyPem';
import { tufKeyId } from '../../../src/core/trust/dct/tuf/keys';
import { encodePem } from '../../../src/core/crypto/pem';
import { generateKey } from './memoryKeys';

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

/** An HttpClient that records requests and answers with one canned response. */
function stub(status: number, body: unknown): HttpClient & { calls: Array<{ method: string; url: string; options: RequestOptions }> } {
  const calls: Array<{ method: string; url: string; options: RequestOptions }> = [];
  const answer = (method: string, url: string, options: RequestOptions = {}): Promise<HttpResponse> => {
    calls.push({ method, url, options });
    return Promise.resolve({ status, headers: { 'content-type': 'application/json' }, body: bytes(JSON.stringify(body)), url });
  };
  return {
    calls,
    request: (m, u, o) => answer(m, u, o),
    get: (u, o) => answer('GET', u, o),
    head: (u, o) => answer('HEAD', u, o),
    post: (u, b, o) => answer('POST', u, { ...o, body: b }),
    put: (u, b, o) => answer('PUT', u, { ...o, body: b }),
  };
}

void describe('notary-server writes', () => {
  void it('builds the multipart body exactly as Go multipart.Writer + CreateFormFile do', () => {
    const { body, contentType } = multipartBody([{ role: 'targets', bytes: bytes('{"a":1}') }, { role: 'targets/releases', bytes: bytes('{"b":2}') }], 'BOUND');
    assert.equal(contentType, 'multipart/form-data; boundary=BOUND');
    assert.equal(Buffer.from(body).toString('utf8'),
      '--BOUND\r\nContent-Disposition: form-data; name="files"; filename="targets"\r\nContent-Type: application/octet-stream\r\n\r\n{"a":1}' +
      '\r\n--BOUND\r\nContent-Disposition: form-data; name="files"; filename="targets/releases"\r\nContent-Type: application/octet-stream\r\n\r\n{"b":2}' +
      '\r\n--BOUND--\r\n');
    assert.match(multipartBody([]).contentType, /^multipart\/form-data; boundary=[0-9a-f]{60}$/);
  });

  void it('POSTs to …/_trust/tuf/ and reports stored', async () => {
    const http = stub(200, {});
    const outcome = await uploadMetadata(http, 'https://n:4443', '127.0.0.1:5000/a/b', [{ role: 'root', bytes: bytes('{}') }], { timeoutMs: 1000 });
    assert.deepEqual(outcome, { kind: 'stored' });
    assert.equal(http.calls[0]?.url, 'https://n:4443/v2/127.0.0.1%3A5000/a/b/_trust/tuf/');
    assert.match(http.calls[0]?.options.contentType ?? '', /^multipart\/form-data; boundary=/);
  });

  void it('turns 400 VERSION into a conflict and other refusals into server-rejected with notary detail', async () => {
    const version = stub(400, { errors: [{ code: 'VERSION', message: 'A newer version of metadata is already available.', detail: {} }] });
    assert.equal((await uploadMetadata(version, 'https://n', 'g/a', [], { timeoutMs: 1000 })).kind, 'conflict');
    const invalid = stub(400, { errors: [{ code: 'INVALID_UPDATE', message: 'Update sent by the client is invalid.', detail: { Name: 'ErrBadTargets', Error: { Msg: 'no snapshot' } } }] });
    await assert.rejects(uploadMetadata(invalid, 'https://n', 'g/a', [], { timeoutMs: 1000 }),
      (e: unknown) => SigningError.is(e, 'server-rejected') && /INVALID_UPDATE.*ErrBadTargets: no snapshot/.test((e as Error).message));
    assert.deepEqual(serverErrors({ status: 500, headers: {}, body: bytes('oops'), url: '' }), []);
  });

  void it('reads a server key object', async () => {
    const key = generateKey().publicKey;
    const http = stub(200, { keytype: 'ecdsa', keyval: { public: Buffer.from(key.public).toString('base64'), private: null } });
    const got = await getServerKey(http, 'https://n', 'g/a', 'timestamp', { timeoutMs: 1000 });
    assert.equal(got.id, key.id);
    assert.match(http.calls[0]?.url ?? '', /\/_trust\/tuf\/timestamp\.key$/);
    await assert.rejects(getServerKey(stub(200, { nope: 1 }), 'https://n', 'g/a', 'snapshot', { timeoutMs: 1000 }), (e: unknown) => SigningError.is(e, 'server-rejected'));
  });
});

void describe('public key files for signer add', () => {
  void it('reads a PUBLIC KEY PEM with a role header as docker trust key generate writes it', () => {
    const key = generateKey().publicKey;
    const pem = encodePem('PUBLIC KEY', key.public).replace('-----\n', '-----\nrole: alice\n\n');
    assert.equal(parsePublicKeyPem(pem, Date.now()).id, key.id);
  });

  void it('reads an Ed25519 PUBLIC KEY (RFC 8410) as notary files Ed25519 keys: keytype ed25519, the 32 raw bytes', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
    const raw = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url'));
    assert.equal(raw.length, 32);
    const parsed = parsePublicKeyPem(encodePem('PUBLIC KEY', spki, { role: 'alice' }), Date.now());
    assert.deepEqual([parsed.keytype, parsed.public, parsed.id], ['ed25519', raw, tufKeyId('ed25519', raw)]);
  });

  void it('refuses private keys, keys notary cannot verify, and garbage', () => {
    assert.throws(() => parsePublicKeyPem('nothing', Date.now()), (e: unknown) => SigningError.is(e, 'invalid-key'));
    assert.throws(() => parsePublicKeyPem(encodePem('EC PRIVATE KEY', new Uint8Array(8)), Date.now()), (e: unknown) => SigningError.is(e, 'invalid-key'));
    for (const [type, key] of [['ed448', generateKeyPairSync('ed448').publicKey], ['x25519', generateKeyPairSync('x25519').publicKey]] as const) {
      const pem = encodePem('PUBLIC KEY', key.export({ type: 'spki', format: 'der' }));
      assert.throws(() => parsePublicKeyPem(pem, Date.now()),
        (e: unknown) => SigningError.is(e, 'invalid-key') && (e as Error).message.includes(`unsupported public key type ${type}`), type);
    }
  });
});
