/**
 * Where verified trust metadata is kept between checks, per source (trust server or registry) and repository. Only bytes that
 * passed verification are written; the pinned `root.json` is the trust-on-first-use anchor.
 */
export interface MetadataStore {
  /** The stored bytes of a role's file (`root`, `timestamp`, `targets/releases`, …), if any. */
  read(server: string, gun: string, role: string): Promise<Uint8Array | undefined>;
  write(server: string, gun: string, role: string, bytes: Uint8Array): Promise<void>;
  /** Small JSON state per repository (e.g. when it was last verified). */
  readState<T>(server: string, gun: string): Promise<T | undefined>;
  writeState<T>(server: string, gun: string, state: T): Promise<void>;
  /** Forgets one repository, or everything. */
  clear(server?: string, gun?: string): Promise<void>;
}
