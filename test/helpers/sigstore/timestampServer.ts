/**
 * An RFC 3161 timestamp authority on loopback for cosign: `POST` a TimeStampReq
 * (`application/timestamp-query`) and get the TimeStampResp (`application/timestamp-reply`) that
 * Debian's `openssl ts -reply` makes with a TSA certificate (critical extended key usage timeStamping)
 * under the test's own root. What `cosign sign --timestamp-server-url` talks to; the trusted root entry
 * and the PEM chain let TrustLens and `cosign verify` check what it stamped.
 */
import { OpensslTsa } from '../notation/opensslPki';
import { makeCert, profiles, type TestCert } from '../notation/testPki';
import { startTestServer, type TestServer } from '../net/testServer';
import { runCommand } from '../stack/runCommand';

/** A running TSA. */
export interface TimestampServer {
  /** Where cosign posts its queries (`--timestamp-server-url`). */
  readonly url: string;
  readonly root: TestCert;
  readonly leaf: TestCert;
  /** Leaf then root, PEM: cosign's `--timestamp-certificate-chain`. */
  readonly chainPem: string;
  /** The `timestampAuthorities` entry of a Sigstore trusted root naming this TSA (leaf first, as Sigstore lists them). */
  readonly authority: object;
  /** Timestamp queries answered so far. */
  stamped(): number;
  stop(): Promise<void>;
}

const QUERY_TYPE = 'application/timestamp-query';

/** Starts a TSA named `name` whose files live under `dir`; throws, naming the fix, when `openssl ts` is missing. */
export async function startTimestampServer(dir: string, name: string): Promise<TimestampServer> {
  await runCommand('openssl', ['ts', '-help'], { allowFailure: true }).then((r) => {
    if (!/-reply/.test(r.stdout + r.stderr)) throw new Error('`openssl ts` is not available: run `bash scripts/setup-stack.sh` as root (npm test does)');
  });
  const root = makeCert(profiles.rootCa([['O', name], ['CN', `${name} Root`]]));
  const leaf = makeCert(profiles.tsaLeafOf(root, [['O', name], ['CN', `${name} Timestamping`]]));
  const tsa = new OpensslTsa(dir, leaf, [root]);
  let stamped = 0;
  const server: TestServer = await startTestServer(async (req, res, body) => {
    if (req.method !== 'POST' || req.headers['content-type'] !== QUERY_TYPE) {
      res.writeHead(415).end();
      return;
    }
    const reply = await tsa.reply(body);
    stamped++;
    res.writeHead(200, { 'content-type': 'application/timestamp-reply', 'content-length': String(reply.byteLength) }).end(reply);
  });
  return {
    url: server.url('/api/v1/timestamp'),
    root,
    leaf,
    chainPem: leaf.pem + root.pem,
    authority: {
      subject: { organization: name, commonName: `${name} Timestamping` },
      uri: server.origin,
      certChain: { certificates: [leaf, root].map((c) => ({ rawBytes: Buffer.from(c.der).toString('base64') })) },
      validFor: { start: '2020-01-01T00:00:00Z' },
    },
    stamped: () => stamped,
    stop: () => server.close(),
  };
}
