/** Ready-made tampers for {@link TamperServer}. */
import type { RepoFiles } from './metadataFiles';
import { filesByPath } from './metadataFiles';
import type { Reply, Tamper, TrustFileRequest } from './tamperServer';

/**
 * Whether a requested file is `role`'s: `root.json`/`timestamp.json` by name, other roles by their
 * consistent name `<role>.<sha256>.json`.
 */
export function isFileOf(file: string, role: string): boolean {
  if (role === 'root' || role === 'timestamp') return file === `${role}.json`;
  return file.startsWith(`${role}.`) && /^\.[0-9a-f]{64}\.json$/.test(file.slice(role.length));
}

/** Serves the real file of `role` for `gun` after `edit` changed its bytes. */
export function editFile(gun: string, role: string, edit: (real: Uint8Array) => Uint8Array): Tamper {
  return async (req, upstream) => {
    if (req.gun !== gun || !isFileOf(req.file, role)) return undefined;
    const real = await upstream(req.gun, req.file);
    if (real.status !== 200) throw new Error(`the real server has no ${req.file} for ${gun} (${real.status})`);
    return { kind: 'bytes', body: edit(real.body) };
  };
}

/** Answers requests of `role`'s file for `gun` with `reply` (built from the real bytes when needed). */
export function replyFor(gun: string, role: string, reply: (real: Uint8Array) => Reply): Tamper {
  return async (req, upstream) => {
    if (req.gun !== gun || !isFileOf(req.file, role)) return undefined;
    return reply((await upstream(req.gun, req.file)).body);
  };
}

/** Serves a whole repository for `gun` (by the paths a client asks for); other paths are proxied. */
export function serveRepo(gun: string, files: RepoFiles, extra: ReadonlyMap<string, Uint8Array> = new Map()): Tamper {
  const paths = new Map([...filesByPath(files), ...extra]);
  return (req: TrustFileRequest) => {
    if (req.gun !== gun) return undefined;
    const body = paths.get(req.file);
    return body ? { kind: 'bytes', body } : undefined;
  };
}

/** Serves the real files of `sourceGun` when `gun` is asked for. */
export function impersonate(gun: string, sourceGun: string): Tamper {
  return async (req, upstream) => {
    if (req.gun !== gun) return undefined;
    const real = await upstream(sourceGun, req.file);
    return { kind: 'bytes', body: real.body, status: real.status };
  };
}

/** Applies the first tamper that answers. */
export function firstOf(...tampers: Tamper[]): Tamper {
  return async (req, upstream) => {
    for (const tamper of tampers) {
      const reply = await tamper(req, upstream);
      if (reply) return reply;
    }
    return undefined;
  };
}
