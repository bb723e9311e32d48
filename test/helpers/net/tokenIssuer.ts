import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, startTestServer, type TestServer } from './testServer';

/** A token issued by {@link startTokenIssuer}. */
export interface IssuedRecord {
  token: string;
  account: string;
  scope: string;
  service: string;
}

/** Options of the token endpoint. */
export interface TokenIssuerOptions {
  /** Basic credentials it accepts, e.g. `{ alice: 'pw' }`. Anonymous requests always get a token. */
  users?: Record<string, string>;
  /** Refresh tokens it accepts on POST, mapped to the account, e.g. `{ 'refresh-1': 'alice' }`. */
  refreshTokens?: Record<string, string>;
  /** Answer field for the token (docker accepts both). */
  field?: 'token' | 'access_token';
  /** `expires_in` to announce; omitted when undefined. */
  expiresIn?: number;
}

/** A real token endpoint (`GET /token?service&scope&account`, `POST /token` refresh grant) on 127.0.0.1. */
export interface TokenIssuer extends TestServer {
  readonly realm: string;
  readonly issued: IssuedRecord[];
  /** The record of a bearer header value, if this issuer made it. */
  lookup(authorization: string | undefined): IssuedRecord | undefined;
}

function basicUser(req: IncomingMessage, users: Record<string, string>): string | undefined | null {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const [scheme, value] = header.split(' ');
  if (scheme?.toLowerCase() !== 'basic' || !value) return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon);
  return colon > 0 && users[user] === decoded.slice(colon + 1) ? user : null;
}

export async function startTokenIssuer(options: TokenIssuerOptions = {}): Promise<TokenIssuer> {
  const issued: IssuedRecord[] = [];
  const issue = (res: ServerResponse, account: string, scope: string, service: string): void => {
    const token = randomBytes(16).toString('hex');
    issued.push({ token, account, scope, service });
    const answer: Record<string, unknown> = { [options.field ?? 'token']: token };
    if (options.expiresIn !== undefined) answer['expires_in'] = options.expiresIn;
    sendJson(res, 200, answer);
  };
  const server = await startTestServer((req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/token') return sendJson(res, 404, { errors: [{ code: 'NOT_FOUND' }] });
    if (req.method === 'POST') {
      const form = new URLSearchParams(body.toString('utf8'));
      const account = options.refreshTokens?.[form.get('refresh_token') ?? ''];
      if (form.get('grant_type') !== 'refresh_token' || account === undefined) return sendJson(res, 401, { error: 'invalid_grant' });
      return issue(res, account, form.get('scope') ?? '', form.get('service') ?? '');
    }
    const user = basicUser(req, options.users ?? {});
    if (user === null) return sendJson(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] });
    return issue(res, user ?? '', url.searchParams.get('scope') ?? '', url.searchParams.get('service') ?? '');
  });
  return {
    ...server,
    realm: server.url('/token'),
    issued,
    lookup: (authorization) => issued.find((r) => authorization === `Bearer ${r.token}`),
  };
}

/** Options of {@link startProtectedServer}. */
export interface ProtectedServerOptions {
  /** The realm announced in the challenge (may name another host than the issuer's own origin). */
  realm: string;
  service: string;
  /** Scope required for every request, e.g. `repository:library/alpine:pull`. */
  scope: string;
  /** Accounts whose tokens are accepted; default any (including anonymous ''). */
  accounts?: string[];
}

/**
 * A resource server that demands a bearer token from `issuer` carrying `scope`, answering 401 with a
 * docker-style Bearer challenge otherwise; authorised requests get `200 ok <account>`.
 */
export async function startProtectedServer(issuer: TokenIssuer, options: ProtectedServerOptions): Promise<TestServer> {
  return startTestServer((req, res) => {
    const record = issuer.lookup(req.headers.authorization);
    const granted = record && record.scope === options.scope && (options.accounts?.includes(record.account) ?? true);
    if (!granted) {
      const error = record ? ',error="insufficient_scope"' : req.headers.authorization ? ',error="invalid_token"' : '';
      res.writeHead(401, {
        'www-authenticate': `Bearer realm="${options.realm}",service="${options.service}",scope="${options.scope}"${error}`,
        'content-type': 'application/json',
      });
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
      return;
    }
    res.end(`ok ${record.account}`);
  });
}
