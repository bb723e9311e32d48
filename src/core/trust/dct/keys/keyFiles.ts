/**
 * The files of notary's private key directory (`<trust dir>/private`; protocol doc §7): listing
 * them the way notary does (recursively, ID from the file name, role and GUN from PEM headers,
 * legacy `root_keys/<id>_root.key` and `tuf_keys/<gun>/<id>_<role>.key` layouts understood without
 * migrating them) and writing one atomically with notary's permissions (0600 files, 0700 dirs).
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { KeyError } from './keyErrors';
import { isEncryptedKeyBlock, readKeyBlock } from './keyPem';

/** What the store knows about a key without decrypting it. */
export interface KeyInfo {
  /** Canonical key ID: the file name without `.key` (and, in legacy layouts, without `_<role>`). */
  readonly keyId: string;
  /** The `role` header (or legacy file name suffix), e.g. `root`, `targets`, `alice`; `''` if none. */
  readonly role: string;
  /** The `gun` header (or legacy directory), for `targets`/`snapshot` keys. */
  readonly gun?: string;
  /** Absolute path of the key file. */
  readonly path: string;
  /** Whether opening it needs a passphrase. */
  readonly encrypted: boolean;
  /** Whether it sits in a pre-0.4 layout (`root_keys/`, `tuf_keys/`). */
  readonly legacyLayout: boolean;
}

const KEY_EXT = '.key';
const ROOT_KEYS_DIR = 'root_keys';
const NON_ROOT_KEYS_DIR = 'tuf_keys';
/** Key files are a few hundred bytes; anything much larger is not one. */
const MAX_KEY_FILE_BYTES = 64 * 1024;
/** Directory depth limit for the walk (GUNs nest a few levels under `tuf_keys/`). */
const MAX_DEPTH = 16;

/**
 * Every key file under `privateDir`, sorted by key ID. Unreadable files, files without a private key
 * PEM block and symlinks are skipped, as notary skips them. When a key ID appears twice, the file in
 * the current layout wins over a legacy one.
 */
export async function listKeyFiles(privateDir: string): Promise<KeyInfo[]> {
  const byId = new Map<string, KeyInfo>();
  for (const path of await walk(privateDir, 0)) {
    const info = await readKeyInfo(privateDir, path);
    const seen = info && byId.get(info.keyId);
    if (info && (!seen || (seen.legacyLayout && !info.legacyLayout))) byId.set(info.keyId, info);
  }
  return [...byId.values()].sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0));
}

async function walk(dir: string, depth: number): Promise<string[]> {
  if (depth > MAX_DEPTH) return [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path, depth + 1)));
    else if (entry.isFile() && entry.name.endsWith(KEY_EXT)) out.push(path);
  }
  return out;
}

async function readKeyInfo(privateDir: string, path: string): Promise<KeyInfo | undefined> {
  let text: Buffer;
  try {
    if ((await lstat(path)).size > MAX_KEY_FILE_BYTES) return undefined;
    text = await readFile(path);
  } catch {
    return undefined;
  }
  let block;
  try {
    block = readKeyBlock(text);
  } catch {
    return undefined;
  }
  const parts = relative(privateDir, path).slice(0, -KEY_EXT.length).split(sep);
  const legacy = parts.length > 1 && (parts[0] === ROOT_KEYS_DIR || parts[0] === NON_ROOT_KEYS_DIR) ? legacyName(parts) : undefined;
  const name = parts[parts.length - 1] as string;
  const role = block.headers.role || legacy?.role || '';
  const gun = block.headers.gun || legacy?.gun || undefined;
  return { keyId: legacy?.keyId ?? name, role, ...(gun ? { gun } : {}), path, encrypted: isEncryptedKeyBlock(block), legacyLayout: legacy !== undefined };
}

/** notary `moveKeyTo0Dot4Location`: GUN from the directories under `tuf_keys/`, role after the first `_`. */
function legacyName(parts: string[]): { keyId: string; role?: string; gun?: string } {
  const base = parts[parts.length - 1] as string;
  const gun = parts.slice(1, -1).join('/') || undefined;
  const underscore = base.indexOf('_');
  if (underscore < 0) return { keyId: base, gun };
  const role = base.slice(underscore + 1).split('_')[0] as string;
  return { keyId: base.slice(0, underscore), role, gun };
}

/**
 * Writes `<privateDir>/<keyId>.key` atomically: a 0600 temp file in the same directory (whose name
 * does not end in `.key`, so no reader lists it), flushed, then renamed over the target. Missing
 * directories are created 0700. Returns the path.
 */
export async function writeKeyFile(privateDir: string, keyId: string, text: string): Promise<string> {
  if (!/^[0-9a-f]{64}$/.test(keyId)) throw new KeyError('invalid-key', 'key IDs are 64 lower-case hex characters');
  await mkdir(privateDir, { recursive: true, mode: 0o700 });
  const target = join(privateDir, `${keyId}${KEY_EXT}`);
  const temp = join(privateDir, `.${keyId}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      await handle.chmod(0o600);
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  await syncDirectory(privateDir);
  return target;
}

/** Makes the rename durable where the platform allows it. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not supported everywhere (e.g. Windows); the rename itself already happened.
  }
}
