/**
 * Public key files for `signer add --key FILE`, read as `docker trust signer add` reads them
 * (notary `tuf/utils/x509.go` `ParsePEMPublicKey`): a `PUBLIC KEY` block (SubjectPublicKeyInfo:
 * ECDSA → `ecdsa`, RSA → `rsa`, both keeping the DER), or a `CERTIFICATE` block, which must pass
 * notary's certificate checks including expiry and becomes an `ecdsa-x509`/`rsa-x509` key re-encoded
 * with Go's PEM writer. Headers such as `role: alice` (written by `docker trust key generate`) are
 * allowed.
 *
 * Beyond docker, an Ed25519 `PUBLIC KEY` (RFC 8410 SubjectPublicKeyInfo, what `trustlens key
 * generate` writes by default) becomes an `ed25519` key holding the 32 raw bytes, the form notary
 * itself files Ed25519 keys in (`data.NewED25519PublicKey`) and verifies with `eddsa`. docker's
 * `signer add` and notary's `delegation add` refuse such a file ("unknown public key format":
 * `keyTypeForPublicKey` knows only ECDSA and RSA), so a key that must be added with them has to be
 * ECDSA.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { certBundleToKey, makeTufKey, type TufPublicKey } from '../tuf/keys';
import { decodeFirstPemBlock } from '../../../crypto/pem';
import { certificateProblem, parseCertificate } from '../../../crypto/x509';
import { SigningError } from './signingErrors';

/** The 32 raw bytes of an Ed25519 public key, as notary's `ed25519` keys hold them. */
function ed25519Raw(key: KeyObject): Uint8Array {
  const x = key.export({ format: 'jwk' }).x;
  const raw = x === undefined ? new Uint8Array(0) : new Uint8Array(Buffer.from(x, 'base64url'));
  if (raw.length !== 32) throw new SigningError('invalid-key', 'malformed Ed25519 public key');
  return raw;
}

/** Parses one public key PEM; `nowMs` decides certificate expiry. Throws `invalid-key`. */
export function parsePublicKeyPem(pem: string | Uint8Array, nowMs: number): TufPublicKey {
  const block = decodeFirstPemBlock(typeof pem === 'string' ? Buffer.from(pem, 'utf8') : pem);
  if (!block) throw new SigningError('invalid-key', 'no PEM block found in the public key file');
  if (block.type === 'PUBLIC KEY') {
    let key: KeyObject;
    try {
      key = createPublicKey({ key: Buffer.from(block.bytes), format: 'der', type: 'spki' });
    } catch (cause) {
      throw new SigningError('invalid-key', 'the PUBLIC KEY block is not a SubjectPublicKeyInfo', { cause });
    }
    const type = key.asymmetricKeyType;
    if (type === 'ec') return makeTufKey('ecdsa', block.bytes);
    if (type === 'rsa') return makeTufKey('rsa', block.bytes);
    if (type === 'ed25519') return makeTufKey('ed25519', ed25519Raw(key));
    throw new SigningError('invalid-key', `unsupported public key type ${String(type)}: expected an ECDSA, RSA or Ed25519 key`);
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
