import type { HttpClient } from '../../net/http';

/** The URL of a metadata file, e.g. `https://h:4443/v2/127.0.0.1:5000/app/_trust/tuf/timestamp.json`. */
export function trustFileUrl(server: string, gun: string, path: string): string {
  const encodedGun = gun.split('/').map(encodeURIComponent).join('/');
  const encodedPath = path.split('/').map(encodeURIComponent).join('/');
  return `${server}/v2/${encodedGun}/_trust/tuf/${encodedPath}`;
}

/** Downloads one metadata file; `maxBytes` is enforced while streaming. Throws typed network errors. */
export async function fetchTrustFile(
  http: HttpClient,
  server: string,
  gun: string,
  path: string,
  options: { maxBytes: number; timeoutMs: number; signal?: AbortSignal },
): Promise<Uint8Array> {
  const response = await http.get(trustFileUrl(server, gun, path), {
    maxBytes: options.maxBytes,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    accept: 'application/json',
  });
  return response.body;
}
