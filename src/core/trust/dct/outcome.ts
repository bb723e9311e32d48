import { describeError } from '../../errors';
import { unreachableReason } from '../../net/classifyError';
import { isNetError } from '../../net/netError';
import type { TrustData } from './tuf/verifiedData';
import { TufError } from './tuf/tufErrors';
import type { RepositoryKey } from '../trustDetails';

export type { RepositoryKey };

/** What an update of one repository came to. Only `verified` carries trust data. */
export type RepositoryOutcome =
  | {
      kind: 'verified';
      data: TrustData;
      /** True when this update pinned the root for the first time (trust on first use). */
      firstUse: boolean;
      /** ISO time the root was first pinned, when known. */
      pinnedAt: string | undefined;
      /** ISO time of the last successful verification against the server. */
      verifiedAt: string;
      /** How many HTTP requests this update made (0 when answered from the cache within the TTL). */
      requests: number;
      /** The trust pin the root matched, e.g. `trustPinning.certs "127.0.0.1:5000/app"`; absent on trust on first use. */
      rootPin?: string;
    }
  | { kind: 'no-trust-data'; message: string }
  | { kind: 'expired'; role: string | undefined; message: string }
  | { kind: 'invalid'; code: string; role: string | undefined; message: string }
  | {
      kind: 'unverifiable';
      /** What failed, in full: the request's URL and the error's codes. */
      message: string;
      /** Why the trust server could not be asked, completing "the trust server …", e.g. `refused the connection`; absent when `message` says more. */
      reason?: string;
    };

/**
 * Classifies a failure as notary does for a reader: a 404 on root.json means there is no trust data;
 * network, TLS, timeout, auth and server errors mean the data could not be checked; every
 * verification failure, and a body larger than allowed, means the data is not trustworthy. Nothing
 * here can mean "signed".
 */
export function outcomeOfError(e: unknown, fetchingRoot: boolean): RepositoryOutcome {
  if (isNetError(e, 'not-found')) {
    return fetchingRoot
      ? { kind: 'no-trust-data', message: 'the trust server has no trust data for this repository' }
      : { kind: 'invalid', code: 'missing-metadata', role: undefined, message: `trust data is incomplete on the server: ${describeError(e)}` };
  }
  if (TufError.isTuf(e)) {
    if (e.code === 'expired' || e.code === 'certificate-expired') return { kind: 'expired', role: e.role, message: e.message };
    return { kind: 'invalid', code: e.code, role: e.role, message: e.message };
  }
  if (isNetError(e, 'too-large')) {
    // notary ErrMaliciousServer: more bytes than the signed length (or a cap) is a bad answer, not an outage.
    return { kind: 'invalid', code: 'oversize-response', role: undefined, message: `trust server returned a bad response: ${describeError(e)}` };
  }
  if (isNetError(e)) {
    const reason = unreachableReason(e);
    return { kind: 'unverifiable', message: describeError(e), ...(reason ? { reason } : {}) };
  }
  return { kind: 'unverifiable', message: `unexpected failure: ${describeError(e)}` };
}
