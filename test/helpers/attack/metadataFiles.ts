/**
 * Reading, editing and re-signing notary metadata files for attack tests. Edits of real files keep
 * every byte they do not mean to change (the `signed` text is never re-serialised unless the file is
 * re-signed); re-signed files are written the way notary writes them (`signedFile` of `tufRepo.ts`,
 * whose canonical JSON is independent of `src/`).
 */
import { createHash } from 'node:crypto';
import { fileMeta, sortedJson, signedFile, type TestKey } from '../tufRepo';
import type { Upstream } from './tamperServer';

/** One entry of `signatures`. */
export interface WireSignature {
  keyid: string;
  method: string;
  sig: string;
}

/** A parsed file; `signed` is a plain JSON object to edit. */
export interface ParsedFile {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- metadata is edited freely by tests
  signed: any;
  signatures: WireSignature[];
}

/** The files of one repository as a client fetches them. */
export interface RepoFiles {
  readonly root: Uint8Array;
  readonly timestamp: Uint8Array;
  readonly snapshot: Uint8Array;
  readonly targets: Uint8Array;
  /** Delegation role → file, for every delegation the snapshot lists. */
  readonly delegations: ReadonlyMap<string, Uint8Array>;
}

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

export function parseFile(bytes: Uint8Array): ParsedFile {
  return JSON.parse(text(bytes)) as ParsedFile;
}

/** Lower-case hex SHA-256. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The consistent name a client asks for, e.g. `targets/releases.<sha256>.json`. */
export function consistentPath(role: string, bytes: Uint8Array): string {
  return `${role}.${sha256Hex(bytes)}.json`;
}

/**
 * Replaces the `signatures` array of a file as notary writes it (`{"signed":…,"signatures":[…]}`),
 * leaving the `signed` bytes exactly as they were.
 */
export function withSignatures(bytes: Uint8Array, edit: (signatures: WireSignature[]) => WireSignature[]): Uint8Array {
  const raw = text(bytes);
  const at = raw.lastIndexOf(',"signatures":');
  if (at < 0 || !raw.endsWith(']}')) throw new Error('not a notary metadata file');
  const signatures = edit(parseFile(bytes).signatures.map((s) => ({ ...s })));
  return Buffer.from(`${raw.slice(0, at)},"signatures":${JSON.stringify(signatures)}}`, 'utf8');
}

/** Flips the lowest bit of one byte of the first signature (same length, still valid JSON and base64). */
export function flipSignatureByte(bytes: Uint8Array, byteIndex = 10): Uint8Array {
  return withSignatures(bytes, ([first, ...rest]) => {
    if (!first) throw new Error('the file has no signature to flip');
    const sig = Buffer.from(first.sig, 'base64');
    sig[byteIndex] = (sig[byteIndex] as number) ^ 0x01;
    return [{ ...first, sig: sig.toString('base64') }, ...rest];
  });
}

/** Replaces the only occurrence of `from` in the file text with `to` (throws unless there is exactly one). */
export function replaceOnce(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const raw = text(bytes);
  const first = raw.indexOf(from);
  if (first < 0 || raw.indexOf(from, first + 1) >= 0) throw new Error(`expected exactly one occurrence of ${from}`);
  return Buffer.from(raw.slice(0, first) + to + raw.slice(first + from.length), 'utf8');
}

/** Signs an edited `signed` object with `keys`, as notary writes a file. */
export function resign(signed: object, keys: readonly TestKey[]): Uint8Array {
  return signedFile(signed, keys);
}

/** A file re-signed after `edit` changed its `signed` object. */
export function editAndSign(bytes: Uint8Array, keys: readonly TestKey[], edit: (signed: ParsedFile['signed']) => void): Uint8Array {
  const { signed } = parseFile(bytes);
  edit(signed);
  return resign(signed, keys);
}

/** The canonical bytes a signature covers (for signing the same content twice). */
export function canonicalSigned(bytes: Uint8Array): Buffer {
  return Buffer.from(sortedJson(parseFile(bytes).signed), 'utf8');
}

/** FileMeta JSON (sha256 + sha512 + length) of some bytes, as snapshot and timestamp carry it. */
export { fileMeta };

/** Fetches a repository's current files from the real server, following the hashes as a client would. */
export async function fetchRepoFiles(upstream: Upstream, gun: string): Promise<RepoFiles> {
  const get = async (file: string): Promise<Buffer> => {
    const response = await upstream(gun, file);
    if (response.status !== 200) throw new Error(`GET ${file} of ${gun} answered ${response.status}`);
    return response.body;
  };
  const hexOf = (meta: { hashes: { sha256: string } }): string => Buffer.from(meta.hashes.sha256, 'base64').toString('hex');
  const root = await get('root.json');
  const timestamp = await get('timestamp.json');
  const snapshot = await get(`snapshot.${hexOf(parseFile(timestamp).signed.meta.snapshot)}.json`);
  const meta = parseFile(snapshot).signed.meta as Record<string, { hashes: { sha256: string } }>;
  const targets = await get(`targets.${hexOf(meta.targets as { hashes: { sha256: string } })}.json`);
  const delegations = new Map<string, Uint8Array>();
  for (const [role, m] of Object.entries(meta)) {
    if (role.startsWith('targets/')) delegations.set(role, await get(`${role}.${hexOf(m)}.json`));
  }
  return { root, timestamp, snapshot, targets, delegations };
}

/** The paths a client asks for, mapped to the bytes of `files`. */
export function filesByPath(files: RepoFiles): Map<string, Uint8Array> {
  const paths = new Map<string, Uint8Array>([
    ['root.json', files.root],
    ['timestamp.json', files.timestamp],
    [consistentPath('snapshot', files.snapshot), files.snapshot],
    [consistentPath('targets', files.targets), files.targets],
  ]);
  for (const [role, bytes] of files.delegations) paths.set(consistentPath(role, bytes), bytes);
  return paths;
}
