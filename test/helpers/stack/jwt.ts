/**
 * JSON Web Tokens as docker/distribution 2.x's token access controller (used by notary-server)
 * verifies them: ES256 (raw r‖s) or RS256, with the signing key named by an `x5c` chain that
 * verifies to the `rootcertbundle`, or by a `kid` in libtrust fingerprint form.
 */
import { createHash, createPublicKey, sign, type KeyObject } from 'node:crypto';

/** JWS algorithms the access controller accepts for EC P-256 and RSA keys. */
export type JwtAlgorithm = 'ES256' | 'RS256';

/** How the token names its signing key. */
export type JwtKeyHint = 'x5c' | 'kid';

/** One `access` entry, e.g. `{ type: 'repository', name: '127.0.0.1:5000/x', actions: ['pull'] }`. */
export interface ResourceAccess {
  type: string;
  name: string;
  actions: string[];
}

/** What {@link signJwt} needs. */
export interface JwtSigningInput {
  algorithm: JwtAlgorithm;
  privateKey: KeyObject;
  /** DER of the signing key's certificate (for `x5c`) . */
  certificateDer: Buffer;
  keyHint: JwtKeyHint;
  claims: {
    iss: string;
    sub: string;
    aud: string;
    /** Seconds since the epoch. */
    iat: number;
    exp: number;
    jti: string;
    access: ResourceAccess[];
  };
}

/** Signs a compact JWT. `nbf` is set to `iat`. */
export function signJwt(input: JwtSigningInput): string {
  const header: Record<string, unknown> = { typ: 'JWT', alg: input.algorithm };
  if (input.keyHint === 'x5c') header.x5c = [input.certificateDer.toString('base64')];
  else header.kid = libtrustKeyId(createPublicKey(input.privateKey).export({ type: 'spki', format: 'der' }));
  const claims = { ...input.claims, nbf: input.claims.iat };
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = input.algorithm === 'ES256'
    // JWS ES256 is the raw r‖s pair, not DER.
    ? sign('sha256', Buffer.from(signingInput), { key: input.privateKey, dsaEncoding: 'ieee-p1363' })
    : sign('sha256', Buffer.from(signingInput), input.privateKey);
  return `${signingInput}.${b64url(signature)}`;
}

/**
 * libtrust's key ID: the first 240 bits of sha256(SPKI DER), base32 without padding, in groups of
 * four characters joined by `:` (e.g. `ABCD:EFGH:…`, 12 groups).
 */
export function libtrustKeyId(spkiDer: Buffer): string {
  const encoded = base32(createHash('sha256').update(spkiDer).digest().subarray(0, 30));
  return encoded.match(/.{1,4}/g)?.join(':') ?? '';
}

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** RFC 4648 base32, no padding. */
function base32(bytes: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}
