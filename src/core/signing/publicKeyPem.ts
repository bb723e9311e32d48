/**
 * Public key files as `docker trust signer add --key FILE` reads them (notary `tuf/utils/x509.go`
 * `ParsePEMPublicKey`): a `PUBLIC KEY` block (SubjectPublicKeyInfo: ECDSA → `ecdsa`, RSA → `rsa`),
 * or a `CERTIFICATE` block, which must pass notary's certificate checks including expiry and becomes
 * an `ecdsa-x509`/`rsa-x509` key re-encoded with Go's PEM writer. Headers such as `role: alice`
 * (written by `docker trust key generate`) are allowed.
 */
import { createPublicKey } from 'node:crypto';
import { certBundleToKey, makeTufKey, type TufPublicKey } from '../crypto/keys';
import { decodeFirstPemBlock } from '../crypto/pem';
import { certificateProblem, parseCertificate } from '../crypto/x509';
import { SigningError } from './signingErrors';

/** Parses one public key PEM; `nowMs` decides certificate expiry. Throws `invalid-key`. */
export function parsePublicKeyPem(pem: string | Uint8Array, nowMs: number): TufPublicKey {
  const block = decodeFirstPemBlock(typeof pem === 'string' ? Buffer.from(pem, 'utf8') : pem);
  if (!block) throw new SigningError('invalid-key', 'no PEM block found in the public key file');
  if (block.type === 'PUBLIC KEY') {
    let type: string | undefined;
    try {
      type = createPublicKey({ key: Buffer.from(block.bytes), format: 'der', type: 'spki' }).asymmetricKeyType;
    } catch (cause) {
      throw new SigningError('invalid-key', 'the PUBLIC KEY block is not a SubjectPublicKeyInfo', { cause });
    }
    if (type === 'ec') return makeTufKey('ecdsa', block.bytes);
    if (type === 'rsa') return makeTufKey('rsa', block.bytes);
    throw new SigningError('invalid-key', `unsupported public key type ${String(type)}: notary accepts ECDSA and RSA keys`);
  }
  if (block.type === 'CERTIFICATE') {
    const cert = parseCertificate(block.bytes);
    if (!cert) throw new SigningError('invalid-key', 'the CERTIFICATE block does not parse');
    const problem = certificateProblem(cert, nowMs);
    if (problem) throw new SigningError('invalid-key', `the certificate is not usable: ${problem}`);
    const key = certBundleToKey(cert, []);
    if (!key) throw new SigningError('invalid-key', 'the certificate holds neither an ECDSA nor an RSA key');
    return key;
  }
  throw new SigningError('invalid-key', `unsupported PEM block ${block.type}: expected PUBLIC KEY or CERTIFICATE`);
}
