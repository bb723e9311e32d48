/**
 * A trust backend that lives only in the tests: every reference but one tagged `unsigned` is signed by "test-signer", with a
 * digest derived from the reference, so that a test can see a second scheme's results wherever
 * TrustLens shows results. It plugs in through `createTrustEngine` like any backend.
 */
import { createHash } from 'node:crypto';
import type { BackendCheckOptions, BackendReference, DetailsOptions, TrustBackend } from '../../../src/core/trust/backend';
import type { SignatureResult } from '../../../src/core/trust/checkResult';
import type { ImageOccurrence } from '../../../src/core/model/occurrence';
import type { RepositoryKey, TrustDetails } from '../../../src/core/trust/trustDetails';

export const TEST_SCHEME = 'test';
/** The tag the test backend does not sign. */
export const UNSIGNED_TAG = 'unsigned';
export const TEST_SIGNER = 'test-signer';
export const TEST_KEY_ID = 'a'.repeat(64);
export const TEST_SOURCE = 'test://signatures.invalid';
/** The expiry every signature has. */
export const TEST_EXPIRES = '2099-01-01T00:00:00.000Z';

/** The digest the test backend says is signed for a reference. */
export function testDigest(reference: string): string {
  return `sha256:${createHash('sha256').update(reference).digest('hex')}`;
}

export class TestSignerBackend implements TrustBackend {
  readonly scheme = TEST_SCHEME;
  /** References it was asked about, in order. */
  readonly asked: string[] = [];

  appliesTo(): boolean {
    return true;
  }

  repositoryKey(occurrence: ImageOccurrence): RepositoryKey {
    return { server: TEST_SOURCE, gun: occurrence.ref.repository, registry: occurrence.ref.registry };
  }

  async checkReferences(references: readonly BackendReference[], _options: BackendCheckOptions): Promise<SignatureResult[]> {
    return references.map(({ occurrence, policy }) => {
      this.asked.push(occurrence.ref.reference);
      // The one tag it does not sign, so that a finding shows too.
      if (occurrence.ref.tag === UNSIGNED_TAG) {
        return {
          scheme: TEST_SCHEME, status: 'unsigned', signedDigest: null, signers: [], expires: [], role: null,
          findings: [{ code: 'unsigned-tag', severity: policy.severity['unsigned-tag'], message: `${occurrence.ref.reference} is not signed by ${TEST_SIGNER}.` }],
          source: { kind: 'registry', url: TEST_SOURCE },
        };
      }
      return {
        scheme: TEST_SCHEME,
        status: 'signed',
        signedDigest: testDigest(occurrence.ref.repository),
        signers: [{ name: TEST_SIGNER, keyIds: [TEST_KEY_ID] }],
        expires: [{ what: `signature of ${TEST_SIGNER}`, expires: TEST_EXPIRES }],
        findings: [],
        source: { kind: 'registry', url: TEST_SOURCE },
        role: null,
      };
    });
  }

  async details(key: RepositoryKey, _options: DetailsOptions): Promise<TrustDetails> {
    const digest = testDigest(key.gun);
    return {
      scheme: TEST_SCHEME,
      key,
      groups: [
        {
          id: 'signers', label: 'Signers', icon: 'organization', empty: 'No signers',
          items: [{
            kind: 'role', id: TEST_SIGNER, label: TEST_SIGNER, description: 'test scheme', tooltip: [`${TEST_SIGNER} signs everything`], icon: 'person',
            warning: false, counted: true, context: 'role',
            keys: [{ id: TEST_KEY_ID, shortId: TEST_KEY_ID.slice(0, 7), keytype: 'test', holders: [TEST_SIGNER], description: 'test', tooltip: [`Key ID ${TEST_KEY_ID}`] }],
          }],
        },
        { id: 'tags', label: 'Signed tags', icon: 'tag', empty: 'No signed tags', items: [{ kind: 'tag', tag: 'any', digest, signers: [TEST_SIGNER], signedBy: TEST_SIGNER }] },
      ],
      signedTags: [{ tag: 'any', digest, role: TEST_SCHEME, signers: [TEST_SIGNER] }],
      notes: [`Signed by ${TEST_SIGNER} (test scheme)`],
      hoverFor: () => ({ facts: [`Test scheme: every reference is signed by ${TEST_SIGNER}`], expiries: [] }),
    };
  }

  async idle(): Promise<void> {}
}
