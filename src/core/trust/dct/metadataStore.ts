import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TrustLensError } from '../../errors';

import type { MetadataStore } from '../store';

export type { MetadataStore };

/** A directory-safe name for a server URL or GUN, e.g. `https%3A%2F%2F127.0.0.1%3A4443`. */
function segment(name: string): string {
  return encodeURIComponent(name).replace(/\./g, '%2E');
}

/** Role names may contain `/` (`targets/releases`); each part is encoded on its own. */
function roleFile(role: string): string {
  if (!/^[a-z0-9_/-]+$/.test(role) || role.split('/').some((p) => p === '' || p === '.' || p === '..')) {
    throw new TrustLensError('invalid-role-name', `refusing to store metadata for role "${role}"`);
  }
  return `${role}.json`;
}

/** A repository the store holds trust data of. */
export interface StoredRepository {
  /** e.g. `https://127.0.0.1:4443` */
  readonly server: string;
  /** e.g. `127.0.0.1:5000/team/app` */
  readonly gun: string;
  /** Whether it holds a `root.json`: the root pinned on first use. */
  readonly pinnedRoot: boolean;
}

/** Stores metadata under `<root>/<server>/<gun>/`, writing each file atomically (temp file + rename). */
export class FileMetadataStore implements MetadataStore {
  constructor(private readonly root: string) {}

  #dir(server: string, gun: string): string {
    return join(this.root, segment(server), segment(gun));
  }

  async read(server: string, gun: string, role: string): Promise<Uint8Array | undefined> {
    return this.#readFile(join(this.#dir(server, gun), roleFile(role)));
  }

  async write(server: string, gun: string, role: string, bytes: Uint8Array): Promise<void> {
    await this.#writeFile(join(this.#dir(server, gun), roleFile(role)), bytes);
  }

  async readState<T>(server: string, gun: string): Promise<T | undefined> {
    const bytes = await this.#readFile(join(this.#dir(server, gun), 'state.trustlens'));
    if (!bytes) return undefined;
    try {
      return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
    } catch {
      // A torn or foreign state file only costs a refresh.
      return undefined;
    }
  }

  async writeState<T>(server: string, gun: string, state: T): Promise<void> {
    await this.#writeFile(join(this.#dir(server, gun), 'state.trustlens'), Buffer.from(JSON.stringify(state), 'utf8'));
  }

  async clear(server?: string, gun?: string): Promise<void> {
    const target = server === undefined ? this.root : gun === undefined ? join(this.root, segment(server)) : this.#dir(server, gun);
    await rm(target, { recursive: true, force: true });
  }

  /** Every repository the store holds something for, sorted by server then GUN. */
  async list(): Promise<StoredRepository[]> {
    const found: StoredRepository[] = [];
    for (const server of await entries(this.root)) {
      for (const gun of await entries(join(this.root, server))) {
        const pinnedRoot = await stat(join(this.root, server, gun, roleFile('root'))).then((s) => s.isFile(), () => false);
        found.push({ server: decodeURIComponent(server), gun: decodeURIComponent(gun), pinnedRoot });
      }
    }
    return found.sort((a, b) => a.server.localeCompare(b.server) || a.gun.localeCompare(b.gun));
  }

  async #readFile(path: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(path));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new TrustLensError('cache-unreadable', `cannot read the trust cache at ${path}`, { cause: e });
    }
  }

  async #writeFile(path: string, bytes: Uint8Array): Promise<void> {
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(tmp, bytes);
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw new TrustLensError('cache-unwritable', `cannot write the trust cache at ${path}`, { cause: e });
    }
  }
}

/** The directories in `dir` (none when it does not exist). */
async function entries(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new TrustLensError('cache-unreadable', `cannot read the trust cache at ${dir}`, { cause: e });
  }
}

/** An in-memory store, for tests of pure logic and for untrusted contexts that must not persist. */
export class MemoryMetadataStore implements MetadataStore {
  readonly #files = new Map<string, Uint8Array>();
  readonly #states = new Map<string, unknown>();

  async read(server: string, gun: string, role: string): Promise<Uint8Array | undefined> {
    return this.#files.get(`${server}\n${gun}\n${role}`);
  }
  async write(server: string, gun: string, role: string, bytes: Uint8Array): Promise<void> {
    this.#files.set(`${server}\n${gun}\n${role}`, bytes);
  }
  async readState<T>(server: string, gun: string): Promise<T | undefined> {
    return this.#states.get(`${server}\n${gun}`) as T | undefined;
  }
  async writeState<T>(server: string, gun: string, state: T): Promise<void> {
    this.#states.set(`${server}\n${gun}`, state);
  }
  async clear(server?: string, gun?: string): Promise<void> {
    const prefix = server === undefined ? '' : gun === undefined ? `${server}\n` : `${server}\n${gun}\n`;
    for (const map of [this.#files, this.#states] as Map<string, unknown>[]) {
      for (const key of [...map.keys()]) if (`${key}\n`.startsWith(prefix)) map.delete(key);
    }
  }
}
