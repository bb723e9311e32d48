/**
 * A docker-registry-style token server for notary-server's `auth: {type: "token"}`:
 * `GET /token?service=…&scope=…[&account=…]`, optionally behind Basic auth, answering
 * `{"token", "access_token", "expires_in", "issued_at"}` with a signed JWT.
 */
import { createPrivateKey, randomUUID, timingSafeEqual, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { signJwt, type JwtAlgorithm, type JwtKeyHint, type ResourceAccess } from './jwt';
import type { NotaryTokenAuth } from './notaryServer';
import { LOOPBACK } from './ports';
import { runCommand } from './runCommand';
import { makeTempDir } from './tempDir';

/** Options for {@link startTokenIssuer}. */
export interface TokenIssuerOptions {
  /** Default `ES256` (P-256 key); `RS256` uses a 2048-bit RSA key. */
  algorithm?: JwtAlgorithm;
  /** How tokens name their key: `x5c` (default, certificate chain) or `kid` (libtrust key ID). */
  keyHint?: JwtKeyHint;
  /** Demand these Basic credentials on token requests; default: anonymous tokens for anything. */
  credentials?: { user: string; password: string };
  /**
   * With `credentials`: still give anonymous requests a token, limited to `pull`. (The notary CLI
   * never sends credentials for read-only commands such as `list`.)
   */
  allowAnonymousPull?: boolean;
  /** Grant only these actions (e.g. `['pull']`); default: whatever the scope asks for. */
  allowedActions?: string[];
  /** Token lifetime; default 300 s. */
  expiresInSeconds?: number;
  /** e.g. `trustlens-notary`. */
  service?: string;
  /** e.g. `trustlens-test-issuer`. */
  issuer?: string;
  /**
   * Time for `iat`/`nbf`/`exp`; default the system clock. A test that runs node under faketime
   * passes the real time here, since notary-server checks tokens against its own, unshifted clock.
   */
  now?: () => Date;
}

/** A token request as the issuer saw it (never with a password). */
export interface TokenRequestRecord {
  readonly service: string | null;
  readonly scopes: string[];
  readonly account: string | null;
  /** The HTTP status it answered. */
  readonly status: number;
}

/** A running token issuer; pass it as `tokenAuth` to `startNotaryServer`. */
export interface TokenIssuer extends NotaryTokenAuth {
  /** Base URL, e.g. `http://127.0.0.1:40130`; `realm` is `<url>/token`. */
  readonly url: string;
  /** PEM of the certificate whose key signs tokens (also in `rootCertBundlePath`). */
  readonly certificatePem: string;
  /** Every token request so far, oldest first. */
  readonly requests: readonly TokenRequestRecord[];
  stop(): Promise<void>;
}

/** Generates a signing key + self-signed certificate and starts serving tokens on loopback. */
export async function startTokenIssuer(options: TokenIssuerOptions = {}): Promise<TokenIssuer> {
  const algorithm = options.algorithm ?? 'ES256';
  const dir = await makeTempDir('token-issuer');
  const keyPath = join(dir.path, 'issuer.key');
  const certPath = join(dir.path, 'issuer.crt');
  const newKey = algorithm === 'ES256' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
  try {
    await runCommand('openssl', ['req', '-x509', ...newKey, '-nodes', '-keyout', keyPath, '-out', certPath,
      '-days', '7300', '-subj', '/CN=TrustLens test token issuer']);
  } catch (e) {
    await dir.remove();
    throw e;
  }
  const certificatePem = await readFile(certPath, 'utf8');
  const signer = {
    algorithm,
    keyHint: options.keyHint ?? 'x5c',
    privateKey: createPrivateKey(await readFile(keyPath)),
    certificateDer: new X509Certificate(certificatePem).raw,
  };
  const service = options.service ?? 'trustlens-notary';
  const issuer = options.issuer ?? 'trustlens-test-issuer';
  const requests: TokenRequestRecord[] = [];

  const server = createServer((req, res) => {
    const status = handle(req, res, { ...options, service, issuer, signer });
    const url = new URL(req.url ?? '/', 'http://issuer');
    requests.push({ service: url.searchParams.get('service'), scopes: url.searchParams.getAll('scope'), account: url.searchParams.get('account'), status });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Port 0: the kernel picks a free port with no window for another process to take it.
    server.listen(0, LOOPBACK, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://${LOOPBACK}:${port}`;
  return {
    url, realm: `${url}/token`, service, issuer, rootCertBundlePath: certPath, certificatePem, requests,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dir.remove();
    },
  };
}

interface IssuerContext extends TokenIssuerOptions {
  service: string;
  issuer: string;
  signer: { algorithm: JwtAlgorithm; keyHint: JwtKeyHint; privateKey: KeyObject; certificateDer: Buffer };
}

/** Answers one request and returns the status it sent. */
function handle(req: IncomingMessage, res: ServerResponse, ctx: IssuerContext): number {
  const url = new URL(req.url ?? '/', 'http://issuer');
  if (req.method !== 'GET' || url.pathname !== '/token') {
    return reply(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'only GET /token is served' }] });
  }
  let user = authenticate(req.headers.authorization, ctx.credentials);
  let allowed = ctx.allowedActions;
  if (user === undefined && ctx.allowAnonymousPull && req.headers.authorization === undefined) {
    user = '';
    allowed = ['pull'];
  }
  if (user === undefined) {
    res.setHeader('www-authenticate', 'Basic realm="trustlens-token-issuer"');
    return reply(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'valid Basic credentials required' }] });
  }
  const requestedService = url.searchParams.get('service');
  if (requestedService !== null && requestedService !== ctx.service) {
    return reply(res, 400, { errors: [{ code: 'INVALID_SERVICE', message: `unknown service ${requestedService}` }] });
  }
  const access = url.searchParams.getAll('scope').map(parseScope).filter((a): a is ResourceAccess => a !== undefined)
    .map((a) => ({ ...a, actions: allowed ? a.actions.filter((x) => allowed.includes(x)) : a.actions }));
  const now = Math.floor((ctx.now?.() ?? new Date()).getTime() / 1000);
  const expiresIn = ctx.expiresInSeconds ?? 300;
  const token = signJwt({
    ...ctx.signer,
    claims: { iss: ctx.issuer, sub: user, aud: ctx.service, iat: now, exp: now + expiresIn, jti: randomUUID(), access },
  });
  return reply(res, 200, { token, access_token: token, expires_in: expiresIn, issued_at: new Date(now * 1000).toISOString() });
}

/**
 * `repository:<name>:<actions>`; the name may itself contain `:` (notary scopes carry the registry
 * host and port, e.g. `repository:127.0.0.1:5000/library/alpine:pull,push`).
 */
function parseScope(scope: string): ResourceAccess | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last <= first) return undefined;
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: scope.slice(last + 1).split(',').filter(Boolean) };
}

/** The user name ('' when anonymous is allowed), or undefined when the credentials are wrong. */
function authenticate(header: string | undefined, expected: TokenIssuerOptions['credentials']): string | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  const given = match ? Buffer.from(match[1], 'base64').toString('utf8') : undefined;
  if (!expected) return given?.split(':')[0] ?? '';
  if (given === undefined) return undefined;
  const want = Buffer.from(`${expected.user}:${expected.password}`);
  const got = Buffer.from(given);
  return got.length === want.length && timingSafeEqual(got, want) ? expected.user : undefined;
}

function reply(res: ServerResponse, status: number, body: unknown): number {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
  return status;
}
