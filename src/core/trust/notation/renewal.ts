/**
 * Who renews what a Notation verdict depends on: a signature's `io.cncf.notary.expiry` passes, and a
 * new signature is the only renewal (`notation sign`); a signing certificate checked at the time of
 * use (no trusted timestamp) expires with it, and its signer needs a new certificate from the CA before
 * signing again. Plain data.
 */
import type { ExpiryEvidence } from '../checkResult';
import { commandLine, plainValue } from '../commandLine';

type Renewal = Pick<ExpiryEvidence, 'renewedBy' | 'renewCommand'>;

/** `notation sign IMAGE@DIGEST`, when the image and digest are known and plain. */
function signAgain(image: string | undefined, digest: string | null): Renewal {
  const target = image !== undefined && digest !== null ? `${image}@${digest}` : undefined;
  const command = target !== undefined && plainValue(target) ? commandLine('notation', 'sign', target) : undefined;
  return command === undefined ? {} : { renewCommand: command };
}

/** The renewal of a signature's own expiry (`io.cncf.notary.expiry`). */
export function signatureRenewal(image: string | undefined, digest: string | null): Renewal {
  return { renewedBy: 'the signer, by signing the image again', ...signAgain(image, digest) };
}

/** The renewal of a signing certificate the verdict depends on (one no trusted timestamp outlives). */
export function certificateRenewal(image: string | undefined, digest: string | null): Renewal {
  return {
    renewedBy: 'the signer, with a new certificate from its CA, by signing the image again (a signature with a trusted timestamp outlives its certificate)',
    ...signAgain(image, digest),
  };
}
