import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planRedirect } from '../../../src/core/net/redirects';
import { isIdempotent, isRetryableError, isRetryableStatus, retryDelayMs, abortableDelay } from '../../../src/core/net/retryPolicy';
import { classifyRequestError, unreachableReason } from '../../../src/core/net/classifyError';
import { NetError, isNetError } from '../../../src/core/net/netError';

void describe('retry policy', () => {
  void it('retries only reads, only on transient statuses and connection errors', () => {
    assert.deepEqual([isIdempotent('GET'), isIdempotent('HEAD'), isIdempotent('POST'), isIdempotent('PUT')], [true, true, false, false]);
    for (const status of [429, 502, 503, 504]) assert.equal(isRetryableStatus(status), true, String(status));
    for (const status of [200, 400, 401, 403, 404, 500]) assert.equal(isRetryableStatus(status), false, String(status));
    assert.equal(isRetryableError(new NetError('connection', 'x')), true);
    assert.equal(isRetryableError(new NetError('timeout', 'x')), false);
    assert.equal(isRetryableError(new NetError('tls', 'x')), false);
  });

  void it('backs off exponentially, honours Retry-After, and stays bounded', () => {
    const policy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => retryDelayMs(policy, n)), [100, 200, 400, 800, 1000]);
    assert.equal(retryDelayMs(policy, 1, '0'), 0);
    assert.equal(retryDelayMs(policy, 1, '3600'), 1000);
    assert.equal(retryDelayMs(policy, 2, 'Wed, 21 Oct 2015 07:28:00 GMT'), 200);
  });

  void it('stops waiting as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const waiting = abortableDelay(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await assert.rejects(waiting, /stop/);
  });
});

void describe('planRedirect', () => {
  const from = new URL('https://registry.example/v2/a/blobs/sha256:1');
  const headers = { authorization: 'Bearer t', Cookie: 'c', accept: '*/*' };

  void it('keeps credentials on the same origin and drops them on another', () => {
    assert.deepEqual(planRedirect(from, 'GET', 307, '/v2/b', headers)?.headers, headers);
    const cross = planRedirect(from, 'GET', 302, 'https://storage.example/x', headers);
    assert.equal(cross?.crossOrigin, true);
    assert.deepEqual(cross?.headers, { accept: '*/*' });
    // Same host, other port: another origin.
    assert.equal(planRedirect(from, 'GET', 302, 'https://registry.example:8443/x', headers)?.crossOrigin, true);
  });

  void it('does not follow non-redirects, missing locations or writes; refuses downgrades and odd schemes', () => {
    assert.equal(planRedirect(from, 'GET', 200, '/x', headers), undefined);
    assert.equal(planRedirect(from, 'GET', 302, undefined, headers), undefined);
    assert.equal(planRedirect(from, 'PUT', 307, '/x', headers), undefined);
    assert.throws(() => planRedirect(from, 'GET', 301, 'http://registry.example/x', headers), (e: unknown) => isNetError(e, 'redirect'));
    assert.throws(() => planRedirect(from, 'GET', 301, 'file:///etc/passwd', headers), (e: unknown) => isNetError(e, 'redirect'));
  });
});

void describe('classifyRequestError', () => {
  const withCode = (message: string, code: string, cause?: unknown): Error => Object.assign(new Error(message, { cause }), { code });

  void it('maps socket, TLS and timeout failures to typed codes', () => {
    assert.equal(classifyRequestError(withCode('connect ECONNREFUSED', 'ECONNREFUSED'), 'GET', 'u').code, 'connection');
    assert.equal(classifyRequestError(withCode('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'), 'GET', 'u').code, 'tls');
    assert.equal(classifyRequestError(withCode('fetch failed', 'UND_ERR_SOCKET', withCode('altname', 'ERR_TLS_CERT_ALTNAME_INVALID')), 'GET', 'u').code, 'tls');
    assert.equal(classifyRequestError(withCode('connect timeout', 'UND_ERR_CONNECT_TIMEOUT'), 'GET', 'u').code, 'timeout');
    const e = classifyRequestError(withCode('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'), 'GET', 'http://127.0.0.1:1/');
    assert.equal(e.url, 'http://127.0.0.1:1/');
    assert.match(e.message, /cannot reach http:\/\/127\.0\.0\.1:1\/ \(GET\): connect ECONNREFUSED/);
  });

  void it('says in a few words why a server could not be reached, from the codes of the whole cause chain', () => {
    const reason = (e: Error) => unreachableReason(classifyRequestError(e, 'GET', 'https://127.0.0.1:1/v2/'));
    assert.equal(reason(withCode('fetch failed', 'UND_ERR_SOCKET', withCode('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'))), 'refused the connection');
    assert.equal(reason(withCode('getaddrinfo ENOTFOUND notary.invalid', 'ENOTFOUND')), 'could not be found (its host name does not resolve)');
    assert.equal(reason(withCode('connect EHOSTUNREACH', 'EHOSTUNREACH')), 'is not reachable from this network');
    assert.equal(reason(withCode('other side closed', 'UND_ERR_SOCKET')), 'closed the connection');
    assert.equal(reason(new Error('fetch failed')), 'could not be reached');
    assert.equal(reason(withCode('connect timeout', 'UND_ERR_CONNECT_TIMEOUT')), 'did not answer in time');
    assert.equal(reason(withCode('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT')), 'presented a TLS certificate that is not trusted');
    assert.equal(reason(withCode('fetch failed', 'UND_ERR_SOCKET', withCode('altname', 'ERR_TLS_CERT_ALTNAME_INVALID'))), 'presented a TLS certificate for another host name');
    assert.equal(reason(withCode('certificate has expired', 'CERT_HAS_EXPIRED')), 'presented an expired TLS certificate');
    assert.equal(reason(withCode('wrong version number', 'ERR_SSL_WRONG_VERSION_NUMBER')), 'failed the TLS handshake');
    assert.equal(unreachableReason(new NetError('timeout', 'GET https://x/root.json timed out after 300 ms')), 'did not answer in time');
    // An answer, a refused login or a bad answer says more in its own message.
    for (const code of ['http-status', 'auth', 'bad-response', 'not-found', 'too-large'] as const) assert.equal(unreachableReason(new NetError(code, 'x')), undefined, code);
  });
});
