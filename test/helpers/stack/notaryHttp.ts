/** Raw reads from notary-server, for checking what the stack really serves. */
import { createHash } from 'node:crypto';
import { httpRequest, type HttpResponse } from './http';
import type { NotaryServer } from './notaryServer';

/** A key object as TUF metadata and the `.key` endpoints carry it. */
export interface TufKey {
  keytype: string;
  keyval: { public: string; private: string | null };
}

/** The parts of a signed metadata envelope these checks read. */
export interface TrustFile {
  signed: {
    _type: string;
    version: number;
    expires: string;
    keys?: Record<string, TufKey>;
    roles?: Record<string, { keyids: string[]; threshold: number }>;
  } & Record<string, unknown>;
  signatures: Array<{ keyid: string; method: string; sig: string }>;
}

/**
 * GETs `/v2/<gun>/_trust/tuf/<name>` (e.g. `root.json`, `timestamp.json`, `snapshot.key`) with an
 * optional bearer token, without interpreting the status.
 */
export async function getTrustPath(server: NotaryServer, gun: string, name: string, token?: string): Promise<HttpResponse> {
  return httpRequest(`${server.url}/v2/${gun}/_trust/tuf/${name}`, {
    ca: server.caPem,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

/** GETs and parses a metadata file; throws unless the server answers 200. */
export async function getTrustFile(server: NotaryServer, gun: string, role: string, token?: string): Promise<TrustFile> {
  const response = await getTrustPath(server, gun, `${role}.json`, token);
  if (response.status !== 200) {
    throw new Error(`GET ${role}.json for ${gun} answered ${response.status}: ${response.body.toString('utf8').slice(0, 300)}`);
  }
  return JSON.parse(response.body.toString('utf8')) as TrustFile;
}

/** TUF key ID: sha256 (hex) of `{"keytype":…,"keyval":{"private":null,"public":…}}` exactly. */
export function tufKeyId(key: TufKey): string {
  return createHash('sha256')
    .update(`{"keytype":"${key.keytype}","keyval":{"private":null,"public":"${key.keyval.public}"}}`)
    .digest('hex');
}
