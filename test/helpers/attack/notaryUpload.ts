/**
 * Publishes metadata files to notary-server the way the notary client does (protocol doc §5.2): one
 * multipart POST, a `files` part per role named after the role. Lets a test act as a key holder who
 * publishes something the notary CLI would never write.
 */
import { randomBytes } from 'node:crypto';
import { httpRequest } from '../stack/http';
import type { NotaryServer } from '../stack/notaryServer';

/** POSTs `files` (role → bytes) for `gun`; throws with the server's answer unless it accepts them. */
export async function publishFiles(notary: NotaryServer, gun: string, files: Readonly<Record<string, Uint8Array>>): Promise<void> {
  const boundary = randomBytes(16).toString('hex');
  const parts = Object.entries(files).flatMap(([role, bytes]) => [
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${role}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    Buffer.from(bytes),
    Buffer.from('\r\n'),
  ]);
  const body = Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]);
  const response = await httpRequest(`${notary.url}/v2/${gun}/_trust/tuf/`, {
    method: 'POST',
    body,
    ca: notary.caPem,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
  if (response.status !== 200) throw new Error(`notary-server refused the update (${response.status}): ${response.body.toString('utf8')}`);
}
