/**
 * Who renews what a cosign verdict depends on. A key signature has no expiry of its own, and a keyless
 * (Sigstore) certificate lives minutes by design: the transparency log or a timestamp proves the image
 * was signed while it was valid, so neither is ever an expiry of the verdict. Only a certificate that
 * a CA of the policy vouches for is checked at the time of use: its signer renews it with a new
 * certificate and a new signature, and the CA's own certificate is renewed by the CA, then trusted in
 * the policy. Plain data.
 */
import { commandLine, plainValue } from '../commandLine';
import type { Expiry } from './cosignResult';

type Renewal = Pick<Expiry, 'renewedBy' | 'renewCommand'>;

/** The renewal of a signing certificate checked at the time of use, for the image `image@digest`. */
export function signingCertificateRenewal(image: string, digest: string): Renewal {
  const target = `${image}@${digest}`;
  const command = plainValue(target) ? commandLine('cosign', 'sign', '--key', 'KEY', '--certificate', 'NEW-CERT.pem', '--certificate-chain', 'CA-CHAIN.pem', target) : undefined;
  return { renewedBy: 'the signer, with a new certificate from the CA, by signing the image again', ...(command === undefined ? {} : { renewCommand: command }) };
}

/** The renewal of a CA certificate the policy trusts. */
export function caCertificateRenewal(): Renewal {
  return { renewedBy: 'the CA, with a new CA certificate, which the policy (ca: in .trustlens.yaml) must then trust' };
}
