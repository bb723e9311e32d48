/**
 * Notary key files as the notary CLI writes them: PEM with `name: value` headers (which OpenSSL
 * refuses), key IDs, and the `path:` header `notary key import` needs for an encrypted key.
 */
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';

/** A PEM block split into its parts. */
export interface PemBlock {
  /** e.g. `ENCRYPTED PRIVATE KEY`. */
  readonly type: string;
  /** e.g. `{ role: 'alice' }`, in file order. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly der: Buffer;
}

/** Parses the first PEM block of `text`, keeping its headers. Throws on anything else. */
export function parsePem(text: string): PemBlock {
  const match = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (!match) throw new Error('not a PEM block');
  const headers: Array<[string, string]> = [];
  const body: string[] = [];
  for (const line of match[2].split(/\r?\n/)) {
    const header = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
    if (header) headers.push([header[1], header[2]]);
    else if (line.trim() !== '') body.push(line.trim());
  }
  return { type: match[1], headers, der: Buffer.from(body.join(''), 'base64') };
}

/** Writes a PEM block the way Go's `pem.Encode` does: headers sorted, blank line, 64-char lines. */
export function formatPem(block: PemBlock): string {
  const lines = [`-----BEGIN ${block.type}-----`];
  const headers = [...block.headers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (headers.length > 0) lines.push(...headers.map(([k, v]) => `${k}: ${v}`), '');
  const b64 = block.der.toString('base64');
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  lines.push(`-----END ${block.type}-----`, '');
  return lines.join('\n');
}

/**
 * The TUF key ID of a public key given as SubjectPublicKeyInfo DER: sha256 of the canonical JSON
 * `{"keytype":<ecdsa|rsa>,"keyval":{"private":null,"public":<base64 DER>}}`, in hex.
 */
export function tufKeyIdFromSpki(spkiDer: Buffer): string {
  const type = createPublicKey({ key: spkiDer, format: 'der', type: 'spki' }).asymmetricKeyType;
  const keytype = type === 'ec' ? 'ecdsa' : type === 'rsa' ? 'rsa' : undefined;
  if (!keytype) throw new Error(`unsupported public key type for a notary key ID: ${String(type)}`);
  const canonical = `{"keytype":"${keytype}","keyval":{"private":null,"public":"${spkiDer.toString('base64')}"}}`;
  return createHash('sha256').update(canonical).digest('hex');
}

/** The key ID of a `PUBLIC KEY` PEM as notary writes it with `key generate -o`. */
export function keyIdFromPublicPem(pem: string): string {
  const block = parsePem(pem);
  if (block.type !== 'PUBLIC KEY') throw new Error(`expected a PUBLIC KEY PEM, got ${block.type}`);
  return tufKeyIdFromSpki(block.der);
}

/** The key ID of an (encrypted or plain) PKCS#8 private key PEM, decrypting it with `passphrase`. */
export function keyIdFromPrivatePem(pem: string, passphrase: string): string {
  const block = parsePem(pem);
  const key = createPrivateKey({ key: block.der, format: 'der', type: 'pkcs8', passphrase });
  return tufKeyIdFromSpki(createPublicKey(key).export({ type: 'spki', format: 'der' }));
}

/**
 * Returns the PEM with a `path: <keyId>` header added (or replaced). `notary key import` cannot
 * read the ID of an encrypted key, and without that header it imports nothing ("failed to import
 * all keys: invalid key pem block"). The header names the file the key is stored under, which must
 * be its canonical key ID for the CLI to find it when signing.
 */
export function withPathHeader(pem: string, keyId: string): string {
  const block = parsePem(pem);
  const headers = block.headers.filter(([name]) => name !== 'path');
  return formatPem({ ...block, headers: [...headers, ['path', keyId]] });
}
