/** A resource server behind a {@link TokenIssuer}: the registry side of docker token auth. */
import { startTestServer, type TestServer } from '../net/testServer';
import { parseScope, type TokenIssuer } from './tokenIssuer';

/** Options of {@link startProtectedServer}. */
export interface ProtectedServerOptions {
  /** Scope required for every request, e.g. `repository:library/alpine:pull`. */
  scope: string;
  /** The realm announced in the challenge; default the issuer's (it may name another host than the issuer's own origin). */
  realm?: string;
  /** Accounts whose tokens are accepted; default any (including anonymous ''). */
  accounts?: string[];
}

/**
 * A server on 127.0.0.1 that demands a bearer token from `issuer` granting `scope`, answering 401
 * with a docker-style Bearer challenge (the issuer's service) otherwise; authorised requests get
 * `200 ok <account>`.
 */
export async function startProtectedServer(issuer: TokenIssuer, options: ProtectedServerOptions): Promise<TestServer> {
  const required = parseScope(options.scope);
  if (!required) throw new Error(`not a scope: ${options.scope}`);
  const challenge = `Bearer realm="${options.realm ?? issuer.realm}",service="${issuer.service}",scope="${options.scope}"`;
  return startTestServer((req, res) => {
    const token = issuer.lookup(req.headers.authorization);
    const granted = token && (options.accounts?.includes(token.account) ?? true) && token.access.some((a) =>
      a.type === required.type && a.name === required.name && required.actions.every((action) => a.actions.includes(action)));
    if (!granted) {
      const error = token ? ',error="insufficient_scope"' : req.headers.authorization ? ',error="invalid_token"' : '';
      res.writeHead(401, { 'www-authenticate': `${challenge}${error}`, 'content-type': 'application/json' });
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
      return;
    }
    res.end(`ok ${token.account}`);
  });
}
