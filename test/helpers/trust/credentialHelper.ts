/**
 * A real `docker-credential-<name>` executable in a temp dir: it answers `get` for one server URL
 * with fixed credentials ("credentials not found in native keychain" for any other) and appends
 * every call to a log, so a test can prove whether and how it was run.
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '../stack/tempDir';

/** A credential helper on disk. */
export interface TestCredentialHelper {
  /** The `credHelpers` value, e.g. `trustlens-test` for `docker-credential-trustlens-test`. */
  readonly name: string;
  /** Directory holding the executable: put it first on PATH. */
  readonly binDir: string;
  /** One entry per run: the action argument and the server URL read from stdin. */
  calls(): Promise<Array<{ action: string; serverUrl: string }>>;
  remove(): Promise<void>;
}

/** Writes `docker-credential-<name>` answering `serverUrl` with `user`/`password`. */
export async function writeCredentialHelper(options: {
  name: string;
  serverUrl: string;
  user: string;
  password: string;
}): Promise<TestCredentialHelper> {
  if (!/^[a-z0-9-]+$/.test(options.name)) throw new Error(`unusable helper name ${options.name}`);
  for (const value of [options.serverUrl, options.user, options.password]) {
    if (!/^[A-Za-z0-9.:/_-]+$/.test(value)) throw new Error(`value not safe to embed in the helper script: ${value}`);
  }
  const dir = await makeTempDir('cred-helper');
  const log = join(dir.path, 'calls.log');
  const program = join(dir.path, `docker-credential-${options.name}`);
  const script = `#!/bin/sh
server=$(cat)
printf '%s\\t%s\\n' "$1" "$server" >> '${log}'
if [ "$1" = get ] && [ "$server" = '${options.serverUrl}' ]; then
  printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}\\n' '${options.serverUrl}' '${options.user}' '${options.password}'
  exit 0
fi
echo 'credentials not found in native keychain'
exit 1
`;
  await writeFile(program, script);
  await chmod(program, 0o755);
  return {
    name: options.name,
    binDir: dir.path,
    async calls() {
      const text = await readFile(log, 'utf8').catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return '';
        throw e;
      });
      return text.split('\n').filter(Boolean).map((line) => {
        const [action = '', serverUrl = ''] = line.split('\t');
        return { action, serverUrl };
      });
    },
    remove: () => dir.remove(),
  };
}

/** Puts `dir` first on this process's PATH (credential helpers are looked up there); returns the undo. */
export function prependToPath(dir: string): () => void {
  const before = process.env.PATH;
  process.env.PATH = before ? `${dir}:${before}` : dir;
  return () => {
    if (before === undefined) delete process.env.PATH;
    else process.env.PATH = before;
  };
}
