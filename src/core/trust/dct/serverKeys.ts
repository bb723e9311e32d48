import { tufKeyId } from './tuf/keys';
import type { HttpClient } from '../../net/http';
import type { TrustData } from './tuf/verifiedData';
import type { RepositoryKey } from './outcome';
import { trustFileUrl } from './trustFiles';

/**
 * Whether the trust server holds the repository's snapshot key (then it re-signs snapshots itself, and
 * their expiry is not the owner's concern). Asks `GET …/snapshot.key`, which returns the key the root
 * names when the server holds it. Undefined when the server does not say (e.g. a pull-only token).
 */
export async function snapshotKeyHeldByServer(
  http: HttpClient,
  key: RepositoryKey,
  data: TrustData,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<boolean | undefined> {
  try {
    const response = await http.get(trustFileUrl(key.server, key.gun, 'snapshot.key'), {
      maxBytes: 64 * 1024,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      throwHttpErrors: false,
    });
    if (response.status !== 200) return undefined;
    const body = JSON.parse(new TextDecoder().decode(response.body)) as { keytype?: unknown; keyval?: { public?: unknown } };
    if (typeof body.keytype !== 'string' || typeof body.keyval?.public !== 'string') return undefined;
    const id = tufKeyId(body.keytype, new Uint8Array(Buffer.from(body.keyval.public, 'base64')));
    return data.snapshot.keys.some((k) => k.id === id);
  } catch {
    return undefined;
  }
}
