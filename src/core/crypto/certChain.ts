/**
 * Whether a certificate chains to one of some CA certificates, as Go's `x509.Certificate.Verify`
 * decides it with default options (notary's CA trust pinning calls it so): every certificate on the
 * path valid now, each signed by the next, intermediates marked as CAs, and the path usable for
 * server authentication (Go's default key usage).
 */
import { X509Certificate } from 'node:crypto';
import type { CertInfo } from './x509';

const ANY_EKU = '2.5.29.37.0';
/** serverAuth, and the two Server Gated Crypto usages Go accepts in its place. */
const SERVER_AUTH = new Set(['1.3.6.1.5.5.7.3.1', '2.16.840.1.113730.4.1', '1.3.6.1.4.1.311.10.3.3']);
/** Go's `maxChainSignatureChecks` bounds the work; a path this long is never legitimate here. */
const MAX_DEPTH = 10;

interface Node {
  readonly info: CertInfo;
  readonly x509: X509Certificate;
}

function node(info: CertInfo): Node | undefined {
  try {
    return { info, x509: new X509Certificate(Buffer.from(info.der)) };
  } catch {
    return undefined;
  }
}

const validAt = (c: CertInfo, nowMs: number): boolean => nowMs >= c.notBefore && nowMs <= c.notAfter;

/** Go `checkChainForKeyUsage` for serverAuth: each certificate names no usage, any usage, or server auth. */
function usableForServerAuth(chain: readonly Node[]): boolean {
  return chain.every(({ x509 }) => {
    const usages = x509.keyUsage;
    return !usages || usages.length === 0 || usages.includes(ANY_EKU) || usages.some((u) => SERVER_AUTH.has(u));
  });
}

function signedBy(child: Node, parent: Node): boolean {
  if (child.x509.issuer !== parent.x509.subject) return false;
  try {
    return child.x509.verify(parent.x509.publicKey);
  } catch {
    return false;
  }
}

/**
 * Whether `leaf` chains to one of `roots`, through certificates of `intermediates` as needed, at
 * `nowMs`. A leaf that is itself one of the roots chains trivially, as in Go.
 */
export function chainsToRoot(leaf: CertInfo, intermediates: readonly CertInfo[], roots: readonly CertInfo[], nowMs: number): boolean {
  const start = node(leaf);
  if (!start || !validAt(leaf, nowMs)) return false;
  const rootNodes = roots.flatMap((r) => node(r) ?? []);
  const middle = intermediates.flatMap((c) => node(c) ?? []);
  const same = (a: Node, b: Node) => Buffer.from(a.info.der).equals(Buffer.from(b.info.der));
  if (rootNodes.some((r) => same(r, start))) return usableForServerAuth([start]);

  const search = (chain: Node[]): boolean => {
    const current = chain[chain.length - 1]!;
    for (const root of rootNodes) {
      // Go takes signatures only from a parent that is a CA (CheckSignatureFrom).
      if (root.info.isCA && validAt(root.info, nowMs) && signedBy(current, root) && usableForServerAuth([...chain, root])) return true;
    }
    if (chain.length >= MAX_DEPTH) return false;
    for (const next of middle) {
      if (!next.info.isCA || !validAt(next.info, nowMs) || chain.some((c) => same(c, next))) continue;
      if (signedBy(current, next) && search([...chain, next])) return true;
    }
    return false;
  };
  return search([start]);
}
