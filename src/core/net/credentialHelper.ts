import { spawn } from 'node:child_process';
import { NetError } from './netError';

/** What a `docker-credential-<name> get` call returned. Never log it. */
export interface HelperCredentials {
  username?: string;
  password?: string;
  /** Set when the helper answered with the username `<token>`: the secret is an identity token. */
  identityToken?: string;
}

/** Options of {@link runCredentialHelper}. */
export interface CredentialHelperOptions {
  /** Kill the helper after this long, e.g. `10000`. Desktop helpers may wait for a keychain prompt. */
  timeoutMs?: number;
  /** Environment of the helper process; its `PATH` decides which executable runs. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Cancels the lookup and kills the helper. */
  signal?: AbortSignal;
}

/** Default time limit of one credential helper run. */
export const DEFAULT_HELPER_TIMEOUT_MS = 10_000;
const MAX_OUTPUT = 64 * 1024;
// docker-credential-helpers' ErrCredentialsNotFound text, printed on stdout with exit status 1.
const NOT_FOUND = 'credentials not found in native keychain';

/** Helper names come from a config file that a workspace may not control; keep them plain file names. */
export function isValidHelperName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name);
}

/**
 * Runs `docker-credential-<name> get` with `serverUrl` on stdin, as docker does, and decodes the JSON
 * answer `{ServerURL, Username, Secret}`. "Credentials not found" is `undefined`, not an error.
 * @throws NetError `credentials` when the helper is missing, fails or answers nonsense; `timeout`; `aborted`
 */
export function runCredentialHelper(name: string, serverUrl: string, options: CredentialHelperOptions = {}): Promise<HelperCredentials | undefined> {
  const program = `docker-credential-${name}`;
  if (!isValidHelperName(name)) return Promise.reject(new NetError('credentials', `invalid credential helper name "${name}"`));
  if (options.signal?.aborted) return Promise.reject(new NetError('aborted', `${program} was cancelled`));
  const timeoutMs = options.timeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { env: { ...(options.env ?? process.env) }, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const stdout: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error: NetError | undefined, value?: HelperCredentials): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      if (error) reject(error);
      else resolve(value);
    };
    const onAbort = (): void => finish(new NetError('aborted', `${program} was cancelled`));
    const timer = setTimeout(() => finish(new NetError('timeout', `${program} did not answer within ${timeoutMs} ms`)), timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e: NodeJS.ErrnoException) => {
      const message = e.code === 'ENOENT' ? `credential helper ${program} not found on PATH` : `cannot run credential helper ${program}`;
      finish(new NetError('credentials', message, { cause: e }));
    });
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > MAX_OUTPUT) finish(new NetError('credentials', `${program} wrote more than ${MAX_OUTPUT} bytes`));
      else stdout.push(chunk);
    });
    // stderr is drained so the helper cannot block on a full pipe; it is not shown (it may echo input).
    child.stderr.resume();
    child.stdin.on('error', () => undefined); // a helper that exits without reading stdin is judged by its exit
    child.stdin.end(serverUrl);
    child.on('close', (code) => {
      const out = Buffer.concat(stdout).toString('utf8').trim();
      if (code !== 0) {
        if (out.includes(NOT_FOUND)) finish(undefined, undefined);
        else finish(new NetError('credentials', `${program} get failed with exit status ${code}${out ? `: ${firstLine(out)}` : ''}`));
        return;
      }
      try {
        finish(undefined, decodeHelperAnswer(out));
      } catch (e) {
        finish(e as NetError);
      }
    });
  });
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').slice(0, 200);
}

/**
 * Decodes a helper's stdout. Username `<token>` marks an identity token. Empty answers mean "none".
 * @throws NetError `credentials` for anything that is not the expected JSON (without quoting it)
 */
export function decodeHelperAnswer(out: string): HelperCredentials | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(out);
  } catch {
    throw new NetError('credentials', 'credential helper answered with invalid JSON');
  }
  if (typeof raw !== 'object' || raw === null) throw new NetError('credentials', 'credential helper answered with a non-object');
  const { Username: username, Secret: secret } = raw as { Username?: unknown; Secret?: unknown };
  if ((username !== undefined && typeof username !== 'string') || (secret !== undefined && typeof secret !== 'string')) {
    throw new NetError('credentials', 'credential helper answered with non-string Username or Secret');
  }
  if (!secret) return undefined;
  if (username === '<token>') return { identityToken: secret };
  return username ? { username, password: secret } : undefined;
}
