import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LineCounter, parseDocument, isMap, type Node } from 'yaml';
import { TrustLensError } from '../../../src/core/errors';
import { identityMatches, parseCosignPolicy, regExpProblem, type CosignPolicy } from '../../../src/core/trust/cosign/cosignPolicy';

// Parses `text` as a rule's `cosign:` block the way the policy loader will: YAML node in, file:line:col errors out.
function parse(text: string, file = '/repo/config/.trustlens.yaml'): CosignPolicy {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const root = doc.contents;
  if (!isMap(root)) throw new Error('test YAML must be a mapping');
  const fail = (node: Node | null | undefined, message: string): never => {
    const { line, col } = lines.linePos(node?.range?.[0] ?? 0);
    throw new TrustLensError('invalid-config', `${file}:${line}:${col}: ${message}`);
  };
  return parseCosignPolicy(root.get('cosign', true), file, fail);
}

function rejects(text: string, pattern: RegExp): void {
  assert.throws(() => parse(text), (e: unknown) => {
    assert.ok(TrustLensError.is(e, 'invalid-config'), String(e));
    assert.match((e as Error).message, pattern);
    return true;
  });
}

void describe('the cosign block of a policy rule', () => {
  void it('reads keys, identities and a trusted root, with paths relative to the policy file', () => {
    const policy = parse(`
cosign:
  keys: [keys/cosign.pub, /etc/keys/ci.pub]
  identities:
    - issuer: https://token.actions.githubusercontent.com
      subjectRegExp: ^https://github\\.com/acme/
    - issuerRegExp: ^https://accounts\\.example\\.com$
      subject: release@example.com
      ca: certs/corp-root.pem
  trustedRoot: sigstore/trusted_root.json
`);
    assert.deepEqual(policy, {
      keys: ['/repo/config/keys/cosign.pub', '/etc/keys/ci.pub'],
      identities: [
        { issuer: 'https://token.actions.githubusercontent.com', subjectRegExp: '^https://github\\.com/acme/' },
        { issuerRegExp: '^https://accounts\\.example\\.com$', subject: 'release@example.com', ca: ['/repo/config/certs/corp-root.pem'] },
      ],
      trustedRoot: '/repo/config/sigstore/trusted_root.json',
    });
  });

  void it('accepts a single key or CA as a string', () => {
    const policy = parse('cosign:\n  keys: cosign.pub\n  identities:\n    - {issuer: https://i.example, subject: a@b.c, ca: root.pem}\n');
    assert.deepEqual(policy.keys, ['/repo/config/cosign.pub']);
    assert.deepEqual(policy.identities[0]?.ca, ['/repo/config/root.pem']);
  });

  void it('refuses unknown keys, naming the line', () => rejects('cosign:\n  key: cosign.pub\n', /\.trustlens\.yaml:2:3: unknown cosign key "key" \(expected keys, identities, trustedRoot\)/));
  void it('refuses an identity without an issuer', () => rejects('cosign:\n  identities:\n    - subject: a@b.c\n', /:3:7: an identity needs exactly one of "issuer" and "issuerRegExp"/));
  void it('refuses an identity without a subject', () => rejects('cosign:\n  identities:\n    - issuer: https://i\n', /exactly one of "subject" and "subjectRegExp"/));
  void it('refuses both a subject and a subjectRegExp', () => rejects('cosign:\n  identities:\n    - {issuer: x, subject: a, subjectRegExp: b}\n', /exactly one of "subject" and "subjectRegExp"/));
  void it('refuses an unknown identity key', () => rejects('cosign:\n  identities:\n    - {issuer: x, subject: a, email: b}\n', /unknown identity key "email"/));
  void it('refuses a RegExp that does not compile', () => rejects('cosign:\n  identities:\n    - {issuer: x, subjectRegExp: "(unclosed"}\n', /"subjectRegExp" is not a valid regular expression/));
  void it('refuses a RegExp that could take exponential time', () => rejects('cosign:\n  identities:\n    - {issuer: x, subjectRegExp: "^(a+)+$"}\n', /may not repeat a group that itself repeats/));
  void it('refuses a block that is not a mapping', () => rejects('cosign: [a]\n', /"cosign" must be a mapping/));
  void it('refuses an empty key path', () => rejects('cosign:\n  keys: [""]\n', /each entry of "cosign.keys" must be a non-empty string/));
});

void describe('RegExps in cosign identities', () => {
  for (const safe of ['^https://github\\.com/acme/', '^(release|qa)@example\\.com$', '[a-z]+@example\\.com', '^https://(www\\.)?example\\.com/', '^v[0-9]+(\\.[0-9]+)?$']) {
    void it(`accepts ${safe}`, () => assert.equal(regExpProblem(safe), undefined));
  }
  for (const risky of ['^(a+)+$', '(a|aa)*', '((ab)*)+', '(x+x+)+y', '(\\w+\\s?)*$']) {
    void it(`refuses ${risky}`, () => assert.match(regExpProblem(risky) ?? '', /exponential/));
  }
  void it('refuses back-references', () => assert.match(regExpProblem('(a)\\1') ?? '', /back-references/));
  void it('refuses more than three unbounded quantifiers', () => {
    assert.equal(regExpProblem('^https://github\\.com/[^/]+/[^/]+/.+$'), undefined);
    assert.match(regExpProblem('.*.*.*.*!') ?? '', /at most 3 unbounded quantifiers/);
  });
  void it('never matches a RegExp against a subject longer than 512 characters', () => {
    assert.equal(identityMatches({ issuer: 'i', subjectRegExp: '^a' }, 'a'.repeat(600), 'i'), false);
    assert.equal(identityMatches({ issuer: 'i', subject: 'a'.repeat(600) }, 'a'.repeat(600), 'i'), true);
  });
});

void describe('identity matching', () => {
  const GHA = 'https://token.actions.githubusercontent.com';
  void it('matches an exact issuer and a subject RegExp (unanchored, as cosign)', () => {
    assert.equal(identityMatches({ issuer: GHA, subjectRegExp: 'github\\.com/acme/' }, 'https://github.com/acme/app/.github/workflows/r.yml@refs/tags/v1', GHA), true);
    assert.equal(identityMatches({ issuer: GHA, subjectRegExp: '^https://github\\.com/acme/' }, 'https://github.com/evil/acme/', GHA), false);
  });
  void it('needs both the issuer and the subject', () => {
    assert.equal(identityMatches({ issuer: GHA, subject: 'a@b.c' }, 'a@b.c', 'https://other'), false);
    assert.equal(identityMatches({ issuer: GHA, subject: 'a@b.c' }, 'x@b.c', GHA), false);
    assert.equal(identityMatches({ issuer: GHA, subject: 'a@b.c' }, 'a@b.c', undefined), false);
    assert.equal(identityMatches({ issuerRegExp: '^https://token\\.', subject: 'a@b.c' }, 'a@b.c', GHA), true);
  });
});
