/**
 * An in-memory notary-server behind the HttpClient port, for unit tests of the publishing loop: it
 * serves metadata by name and by checksum, hands out server keys, stores multipart uploads with
 * notary's version rule (400 `VERSION` for a version not above the stored one), and re-signs
 * snapshot and timestamp itself. It does not validate signatures: the real server does that in the
 * integration tests.
 */
import { createHash } from 'node:crypto';
import type { HttpClient, HttpMethod, HttpResponse, RequestOptions } from '../../../src/core/net/http';
import { statusError } from '../../../src/core/net/statusError';
import { metaDoc } from '../../../src/core/trust/dct/signing/goShapes';
import { fileBytes, signingInput } from '../../../src/core/trust/dct/signing/fileBytes';
import { fileMetaOf } from '../../../src/core/trust/dct/signing/signUploads';
import { bumped } from '../../../src/core/trust/dct/signing/targetsEdit';
import { keyObjectJson, type TufPublicKey } from '../../../src/core/trust/dct/tuf/keys';
import { generateKey, nodeSigningKey } from './memoryKeys';
import type { SigningKey } from '../../../src/core/trust/dct/keys/signingKey';

interface Repo {
  readonly current: Map<string, Uint8Array>;
  readonly versions: Map<string, number>;
  readonly byChecksum: Map<string, Uint8Array>;
  readonly serverKeys: Map<string, SigningKey>;
  /** Keys made by `POST <role>.key`, used once a stored root lists them. */
  readonly pendingKeys: Map<string, SigningKey>;
}

/** A multipart part: its filename and bytes. */
export interface Part {
  readonly role: string;
  readonly bytes: Uint8Array;
}

/** Splits a Go-style multipart body into parts (`filename` of each `files` field). */
export function parseMultipart(body: Uint8Array, contentType: string): Part[] {
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
  if (!boundary) throw new Error('no boundary');
  const text = Buffer.from(body).toString('latin1');
  const chunks = text.split(`--${boundary}`).slice(1, -1);
  return chunks.map((chunk) => {
    const trimmed = chunk.replace(/^\r\n/, '').replace(/\r\n$/, '');
    const split = trimmed.indexOf('\r\n\r\n');
    const headers = trimmed.slice(0, split);
    const role = /filename="([^"]*)"/.exec(headers)?.[1] ?? '';
    return { role, bytes: new Uint8Array(Buffer.from(trimmed.slice(split + 4), 'latin1')) };
  });
}

const json = (status: number, value: unknown): HttpResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: new Uint8Array(Buffer.from(`${JSON.stringify(value)}\n`)),
  url: '',
});

const errcode = (status: number, code: string, message: string) => json(status, { errors: [{ code, message, detail: {} }] });

/** The fake server; `onPost` runs before an upload is processed (e.g. to let a rival publish first). */
export class FakeNotary implements HttpClient {
  readonly #repos = new Map<string, Repo>();
  readonly posts: Array<{ gun: string; roles: string[]; status: number }> = [];
  /** Every `POST …/<role>.key`. */
  readonly keyRotations: Array<{ gun: string; role: string }> = [];
  onPost: ((gun: string, parts: Part[]) => Promise<void>) | undefined;

  constructor(private readonly now: () => Date = () => new Date()) {}

  #repo(gun: string): Repo {
    let repo = this.#repos.get(gun);
    if (!repo) {
      repo = { current: new Map(), versions: new Map(), byChecksum: new Map(), serverKeys: new Map(), pendingKeys: new Map() };
      this.#repos.set(gun, repo);
    }
    return repo;
  }

  /** The server's key for `role` of `gun`, created on first use. */
  serverKey(gun: string, role: string): SigningKey {
    const repo = this.#repo(gun);
    let key = repo.serverKeys.get(role);
    if (!key) {
      const { privateKey, publicKey } = generateKey();
      key = nodeSigningKey(privateKey, publicKey);
      repo.serverKeys.set(role, key);
    }
    return key;
  }

  /** The current bytes of a role, if stored. */
  file(gun: string, role: string): Uint8Array | undefined {
    return this.#repos.get(gun)?.current.get(role);
  }

  /** Serves other bytes for the current file of `role`, under its current name and checksum. */
  tamper(gun: string, role: string, edit: (text: string) => string): void {
    const repo = this.#repo(gun);
    const bytes = repo.current.get(role);
    if (!bytes) throw new Error(`no ${role} to tamper with`);
    const changed = new Uint8Array(Buffer.from(edit(Buffer.from(bytes).toString('utf8')), 'utf8'));
    repo.current.set(role, changed);
    repo.byChecksum.set(createHash('sha256').update(bytes).digest('hex'), changed);
  }

  /** Pretends a newer version of `role` was stored, so the next upload of it conflicts. */
  raiseStoredVersion(gun: string, role: string): void {
    const repo = this.#repo(gun);
    repo.versions.set(role, (repo.versions.get(role) ?? 0) + 1);
  }

  get(url: string, options?: RequestOptions) { return this.request('GET', url, options); }
  head(url: string, options?: RequestOptions) { return this.request('HEAD', url, options); }
  post(url: string, body: Uint8Array | string, options?: RequestOptions) { return this.request('POST', url, { ...options, body }); }
  put(url: string, body: Uint8Array | string, options?: RequestOptions) { return this.request('PUT', url, { ...options, body }); }

  async request(method: HttpMethod, url: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const match = /\/v2\/(.+)\/_trust\/tuf\/(.*)$/.exec(decodeURIComponent(new URL(url).pathname));
    if (!match) return errcode(404, 'NOT_FOUND', 'not found');
    const [, gun, file] = match as unknown as [string, string, string];
    const rotate = method === 'POST' ? /^(timestamp|snapshot)\.key$/.exec(file) : null;
    const response = rotate ? this.#rotateKey(gun, rotate[1] as string) : method === 'POST' ? await this.#post(gun, options) : this.#get(gun, file);
    const answered = { ...response, url };
    if (options.throwHttpErrors !== false && (answered.status < 200 || answered.status >= 300)) throw statusError(method, answered);
    return answered;
  }

  #get(gun: string, file: string): HttpResponse {
    const repo = this.#repos.get(gun);
    const key = /^(timestamp|snapshot)\.key$/.exec(file);
    if (key) {
      const k = this.serverKey(gun, key[1] as string).publicKey as TufPublicKey;
      return json(200, keyObjectJson(k.keytype, k.public));
    }
    const byName = /^([a-z0-9_/-]+)\.json$/.exec(file);
    const bySum = /^([a-z0-9_/-]+)\.([0-9a-f]{64})\.json$/.exec(file);
    const bytes = bySum ? repo?.byChecksum.get(bySum[2] as string) : byName ? repo?.current.get(byName[1] as string) : undefined;
    if (!bytes) return errcode(404, 'METADATA_NOT_FOUND', 'You have requested metadata that does not exist.');
    return { status: 200, headers: { 'content-type': 'application/json' }, body: bytes, url: '' };
  }

  async #post(gun: string, options: RequestOptions): Promise<HttpResponse> {
    const parts = parseMultipart(options.body as Uint8Array, options.contentType ?? '');
    const hook = this.onPost;
    this.onPost = undefined;
    if (hook) await hook(gun, parts);
    const repo = this.#repo(gun);
    const versionOf = (bytes: Uint8Array) => (JSON.parse(Buffer.from(bytes).toString('utf8')) as { signed: { version: number } }).signed.version;
    for (const part of parts) {
      if ((repo.versions.get(part.role) ?? 0) >= versionOf(part.bytes)) {
        this.posts.push({ gun, roles: parts.map((p) => p.role), status: 400 });
        return errcode(400, 'VERSION', 'A newer version of metadata is already available.');
      }
    }
    for (const part of parts) this.#store(repo, part.role, part.bytes);
    if (!parts.some((p) => p.role === 'snapshot')) await this.#resign(gun, repo, 'snapshot', parts.map((p) => p.role));
    await this.#resign(gun, repo, 'timestamp', ['snapshot']);
    this.posts.push({ gun, roles: parts.map((p) => p.role), status: 200 });
    return json(200, {});
  }

  /** notary-server `POST …/<role>.key`: a new key, pending until a root lists it. */
  #rotateKey(gun: string, role: string): HttpResponse {
    this.keyRotations.push({ gun, role });
    const { privateKey, publicKey } = generateKey();
    const key = nodeSigningKey(privateKey, publicKey);
    this.#repo(gun).pendingKeys.set(role, key);
    return json(200, keyObjectJson(publicKey.keytype, publicKey.public));
  }

  /** The key the server signs `role` with: a pending key once the stored root lists it. */
  #signingKey(gun: string, repo: Repo, role: string): SigningKey {
    const pending = repo.pendingKeys.get(role);
    const root = repo.current.get('root');
    if (pending && root) {
      const listed = (JSON.parse(Buffer.from(root).toString('utf8')) as { signed: { roles: Record<string, { keyids: string[] }> } }).signed.roles[role]?.keyids ?? [];
      if (listed.includes(pending.keyId)) {
        repo.serverKeys.set(role, pending);
        repo.pendingKeys.delete(role);
      }
    }
    return this.serverKey(gun, role);
  }

  #store(repo: Repo, role: string, bytes: Uint8Array): void {
    repo.current.set(role, bytes);
    repo.versions.set(role, (JSON.parse(Buffer.from(bytes).toString('utf8')) as { signed: { version: number } }).signed.version);
    repo.byChecksum.set(createHash('sha256').update(bytes).digest('hex'), bytes);
  }

  /** notary-server `generateSnapshot`/`GetOrCreateTimestamp`: previous meta plus the changed files. */
  async #resign(gun: string, repo: Repo, role: 'snapshot' | 'timestamp', changed: readonly string[]): Promise<void> {
    const previous = repo.current.get(role);
    const base = previous
      ? metaDoc((JSON.parse(Buffer.from(previous).toString('utf8')) as { signed: Record<string, unknown> }).signed)
      : { _type: role === 'snapshot' ? 'Snapshot' : 'Timestamp', expires: '', meta: {}, version: 0 };
    const meta = { ...(base.meta ?? {}) };
    for (const r of role === 'snapshot' ? new Set(['root', ...changed]) : changed) {
      const bytes = repo.current.get(r);
      if (bytes) meta[r] = fileMetaOf(bytes);
    }
    const doc = bumped({ ...base, meta }, role, this.now());
    const raw = await this.#signingKey(gun, repo, role).sign(signingInput(doc));
    this.#store(repo, role, fileBytes(doc, [{ keyid: raw.keyid, method: raw.method, sig: raw.sig }]));
  }
}
