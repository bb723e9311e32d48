/**
 * A docker-registry-style token server on loopback, for registries and for notary-server's
 * `auth: {type: "token"}`: `GET /token?service=…&scope=…[&account=…]`, optionally behind Basic auth,
 * and the OAuth2 refresh grant (`POST /token`). It answers `{"token", "access_token", "expires_in",
 * "issued_at"}` with a signed JWT; a resource server may verify it against `rootCertBundlePath`, or
 * just compare token strings ({@link TokenIssuer.lookup}).
 */
import { createPrivateKey, randomUUID, timingSafeEqual, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { sendJson, startTestServer, type SeenRequest } from '../net/testServer';
import { signJwt, type JwtAlgorithm, type JwtKeyHint, type ResourceAccess } from './jwt';
import type { NotaryTokenAuth } from './notaryServer';
import { runCommand } from './runCommand';
import { makeTempDir, type TempDir } from './tempDir';

/** Options for {@link startTokenIssuer}. */
export interface TokenIssuerOptions {
  /** Default `ES256` (P-256 key); `RS256` uses a 2048-bit RSA key. */
  algorithm?: JwtAlgorithm;
  /** How tokens name their key: `x5c` (default, certificate chain) or `kid` (libtrust key ID). */
  keyHint?: JwtKeyHint;
  /**
   * Demand these Basic credentials on token requests. Default: a token for anyone, anonymous or
   * not, named after the user of any Basic credentials sent.
   */
  credentials?: { user: string; password: string };
  /**
   * With `credentials`: still give anonymous requests a token, limited to `pull`. (The notary CLI
   * never sends credentials for read-only commands such as `list`.)
   */
  allowAnonymousPull?: boolean;
  /** Refresh tokens accepted by the `POST` refresh grant, mapped to their account, e.g. `{ 'refresh-1': 'alice' }`. */
  refreshTokens?: Record<string, string>;
  /** Grant only these actions (e.g. `['pull']`); default: whatever the scope asks for. */
  allowedActions?: string[];
  /** Token lifetime, announced as `expires_in`; default 300 s. */
  expiresInSeconds?: number;
  /** Answer the token in this field only; default both `token` and `access_token`, as docker's token servers do. */
  field?: 'token' | 'access_token';
  /** The only `service` it issues tokens for; default `trustlens-notary`. */
  service?: string;
  /** e.g. `trustlens-test-issuer`. */
  issuer?: string;
  /**
   * Time for `iat`/`nbf`/`exp`; default the system clock. A test that runs node under faketime
   * passes the real time here, since notary-server checks tokens against its own, unshifted clock.
   */
  now?: () => Date;
}

/**
 * A token request as the issuer read it: `service`, `scope`s and `account` from the query of a GET
 * or the form of a POST (null when absent), and the status it answered. The HTTP request itself
 * (`method`, `url`, `headers` with any credentials, `body`) is attached as non-enumerable
 * properties, so a record compares equal to, and prints as, that summary alone.
 */
export interface TokenRequestRecord extends Readonly<SeenRequest> {
  readonly service: string | null;
  readonly scopes: string[];
  readonly account: string | null;
  readonly status: number;
}

/** A token the issuer handed out. */
export interface IssuedToken {
  readonly token: string;
  /** '' when anonymous. */
  readonly account: string;
  /** The scope(s) asked for, space-separated. */
  readonly scope: string;
  readonly service: string;
  /** What the token grants. */
  readonly access: readonly ResourceAccess[];
}

/** A running token issuer; pass it as `tokenAuth` to `startNotaryServer`. */
export interface TokenIssuer extends NotaryTokenAuth {
  /** e.g. `http://127.0.0.1:40130`; `realm` is `<origin>/token`. */
  readonly origin: string;
  readonly port: number;
  /** Every request so far, oldest first. */
  readonly requests: readonly TokenRequestRecord[];
  /** Every token issued so far, oldest first. */
  readonly issued: readonly IssuedToken[];
  /** The token an `Authorization: Bearer …` header value carries, if this issuer made it. */
  lookup(authorization: string | undefined): IssuedToken | undefined;
  stop(): Promise<void>;
}

interface Signer {
  algorithm: JwtAlgorithm;
  keyHint: JwtKeyHint;
  privateKey: KeyObject;
  certificateDer: Buffer;
}

interface IssuerContext extends TokenIssuerOptions {
  service: string;
  issuer: string;
  signer: Signer;
  issued: IssuedToken[];
}

/** Generates a signing key + self-signed certificate and starts serving tokens on loopback. */
export async function startTokenIssuer(options: TokenIssuerOptions = {}): Promise<TokenIssuer> {
  const dir = await makeTempDir('token-issuer');
  try {
    return await serve(options, dir);
  } catch (e) {
    await dir.remove();
    throw e;
  }
}

async function serve(options: TokenIssuerOptions, dir: TempDir): Promise<TokenIssuer> {
  const certPath = join(dir.path, 'issuer.crt');
  const ctx: IssuerContext = {
    ...options,
    service: options.service ?? 'trustlens-notary',
    issuer: options.issuer ?? 'trustlens-test-issuer',
    signer: await createSigner(options, join(dir.path, 'issuer.key'), certPath),
    issued: [],
  };
  const requests: TokenRequestRecord[] = [];
  const server = await startTestServer((req, res, body) => {
    const params = req.method === 'POST' ? new URLSearchParams(body.toString('utf8')) : new URL(req.url ?? '/', 'http://issuer').searchParams;
    const status = handle(req, params, res, ctx);
    requests.push(recordOf({ service: params.get('service'), scopes: params.getAll('scope'), account: params.get('account'), status },
      { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body }));
  });
  return {
    origin: server.origin, port: server.port, realm: server.url('/token'), service: ctx.service, issuer: ctx.issuer,
    rootCertBundlePath: certPath, requests, issued: ctx.issued,
    lookup: (authorization) => ctx.issued.find((t) => authorization === `Bearer ${t.token}`),
    async stop() {
      await server.close();
      await dir.remove();
    },
  };
}

async function createSigner(options: TokenIssuerOptions, keyPath: string, certPath: string): Promise<Signer> {
  const algorithm = options.algorithm ?? 'ES256';
  const newKey = algorithm === 'ES256' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
  await runCommand('openssl', ['req', '-x509', ...newKey, '-nodes', '-keyout', keyPath, '-out', certPath,
    '-days', '7300', '-subj', '/CN=TrustLens test token issuer']);
  return {
    algorithm,
    keyHint: options.keyHint ?? 'x5c',
    privateKey: createPrivateKey(await readFile(keyPath)),
    certificateDer: new X509Certificate(await readFile(certPath)).raw,
  };
}

/** `summary` with the HTTP request attached as non-enumerable properties. */
function recordOf(summary: Omit<TokenRequestRecord, keyof SeenRequest>, seen: SeenRequest): TokenRequestRecord {
  const hidden = (value: unknown): PropertyDescriptor => ({ value, enumerable: false });
  return Object.defineProperties({ ...summary }, {
    method: hidden(seen.method), url: hidden(seen.url), headers: hidden(seen.headers), body: hidden(seen.body),
  }) as TokenRequestRecord;
}

/** Answers one request and returns the status it sent. */
function handle(req: IncomingMessage, params: URLSearchParams, res: ServerResponse, ctx: IssuerContext): number {
  if (new URL(req.url ?? '/', 'http://issuer').pathname !== '/token' || (req.method !== 'GET' && req.method !== 'POST')) {
    return reply(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'only GET and POST /token are served' }] });
  }
  let account: string | undefined;
  let allowed = ctx.allowedActions;
  if (req.method === 'POST') {
    const refreshToken = params.get('refresh_token') ?? '';
    if (params.get('grant_type') === 'refresh_token' && ctx.refreshTokens && Object.hasOwn(ctx.refreshTokens, refreshToken)) {
      account = ctx.refreshTokens[refreshToken];
    }
    if (account === undefined) return reply(res, 401, { error: 'invalid_grant' });
  } else {
    account = authenticate(req.headers.authorization, ctx.credentials);
    if (account === undefined && ctx.allowAnonymousPull && req.headers.authorization === undefined) {
      account = '';
      allowed = ['pull'];
    }
    if (account === undefined) {
      return reply(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'valid Basic credentials required' }] },
        { 'www-authenticate': 'Basic realm="trustlens-token-issuer"' });
    }
  }
  const requestedService = params.get('service');
  if (requestedService !== null && requestedService !== ctx.service) {
    return reply(res, 400, { errors: [{ code: 'INVALID_SERVICE', message: `unknown service ${requestedService}` }] });
  }
  const scopes = params.getAll('scope');
  const access = scopes.flatMap((s) => s.split(' ')).map(parseScope).filter((a): a is ResourceAccess => a !== undefined)
    .map((a) => ({ ...a, actions: allowed ? a.actions.filter((x) => allowed.includes(x)) : a.actions }));
  const now = Math.floor((ctx.now?.() ?? new Date()).getTime() / 1000);
  const expiresIn = ctx.expiresInSeconds ?? 300;
  const token = signJwt({
    ...ctx.signer,
    claims: { iss: ctx.issuer, sub: account, aud: ctx.service, iat: now, exp: now + expiresIn, jti: randomUUID(), access },
  });
  ctx.issued.push({ token, account, scope: scopes.join(' '), service: ctx.service, access });
  const fields = ctx.field ? { [ctx.field]: token } : { token, access_token: token };
  return reply(res, 200, { ...fields, expires_in: expiresIn, issued_at: new Date(now * 1000).toISOString() });
}

/**
 * `repository:<name>:<actions>`; the name may itself contain `:` (notary scopes carry the registry
 * host and port, e.g. `repository:127.0.0.1:5000/library/alpine:pull,push`).
 */
export function parseScope(scope: string): ResourceAccess | undefined {
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

function reply(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): number {
  sendJson(res, status, body, headers);
  return status;
}
