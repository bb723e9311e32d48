/**
 * Revocation work is bounded per certificate, and servers named by a certificate that no trust store
 * anchors are never contacted.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpClient, HttpResponse } from '../../../../src/core/net/http';
import { checkNotation } from '../../../../src/core/trust/notation/checkNotation';
import { testPolicy, writeSignedImage } from '../../../helpers/notation/scenario';
import { makeCert, profiles } from '../../../helpers/notation/testPki';

/** An HTTP port that records every URL and answers none of them. */
function recordingHttp(): { http: HttpClient; urls: string[] } {
  const urls: string[] = [];
  const refuse = (url: string): Promise<HttpResponse> => {
    urls.push(url);
    return Promise.reject(new Error('connection refused'));
  };
  return { urls, http: { request: (_m, url) => refuse(url), get: refuse, head: refuse, post: refuse, put: refuse } };
}

const name = (o: string) => [['C', 'US'], ['ST', 'WA'], ['O', o], ['CN', o]] as const;

describe('Notation revocation bounds', () => {
  it('tries at most four OCSP responders and four CRLs per certificate', async () => {
    const root = makeCert(profiles.rootCa(name('Bounds Root')));
    const urls = Array.from({ length: 20 }, (_, i) => `http://127.0.0.1:9/${i}`);
    const leaf = makeCert(profiles.leafOf(root, name('Bounds'), { ocspUrls: urls, crlUrls: urls }));
    const image = await writeSignedImage([{ format: 'jws', chain: [leaf, root] }]);
    const { policy, readTrustStore } = testPolicy({ stores: [{ type: 'ca', name: 'b', files: [root.pem] }] });
    const { http, urls: asked } = recordingHttp();
    const r = await checkNotation({ repository: 'r.example.com/a/b', target: image.target, source: image.source, policy, http, readTrustStore });
    assert.equal(r.status, 'unverifiable');
    assert.equal(asked.length, 8);
  });

  it('never contacts the revocation servers of an untrusted chain, even under audit', async () => {
    const root = makeCert(profiles.rootCa(name('Untrusted Root')));
    const leaf = makeCert(profiles.leafOf(root, name('Untrusted'), { ocspUrls: ['http://169.254.169.254/latest'], crlUrls: ['http://10.0.0.1/crl'] }));
    const trusted = makeCert(profiles.rootCa(name('Trusted Root')));
    const image = await writeSignedImage([{ format: 'jws', chain: [leaf, root] }]);
    const { policy, readTrustStore } = testPolicy({ level: 'audit', stores: [{ type: 'ca', name: 't', files: [trusted.pem] }] });
    const { http, urls: asked } = recordingHttp();
    const r = await checkNotation({ repository: 'r.example.com/a/b', target: image.target, source: image.source, policy, http, readTrustStore });
    assert.equal(r.status, 'untrusted-signer');
    assert.equal(r.signature?.revocation, 'not-checked');
    assert.deepEqual(asked, []);
  });
});
