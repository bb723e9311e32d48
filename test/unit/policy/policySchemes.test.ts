/**
 * A rule's `cosign:` section, registered by the composition place as the shipped backends are, beside
 * `require:` and `anyOf:`; errors name the file, line and column.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { effectivePolicy } from '../../../src/core/policy/policy';
import { parsePolicy } from '../../../src/core/policy/policyFile';
import '../../../src/core/composition/backends';
import { TrustLensError } from '../../../src/core/errors';

const parse = (text: string) => parsePolicy(text, '.trustlens.yaml', { baseDir: '/repo/policy' });

function rejects(text: string, pattern: RegExp) {
  assert.throws(() => parsePolicy(text, '.trustlens.yaml', { baseDir: '/repo' }), (e: unknown) => {
    assert.ok(TrustLensError.is(e, 'invalid-config'), String(e));
    assert.match((e as Error).message, pattern);
    return true;
  });
}

const POLICY = `
rules:
  - images: ["registry.example.com/team/*"]
    require: [cosign]
    cosign:
      keys: [keys/cosign.pub]    # relative to this file
      identities:
        - issuer: https://token.actions.githubusercontent.com
          subjectRegExp: ^https://github\\.com/acme/
      trustedRoot: sigstore/trusted_root.json
  - images: ["registry.example.com/team/app"]
    anyOf: [dct, cosign]
    cosign:
      keys: /etc/keys/release.pub
  - images: ["registry.example.com/other/**"]
    anyOf: [dct, cosign]
`;

void describe('signing schemes in .trustlens.yaml rules', () => {
  void it('reads require, anyOf and the cosign section, with paths relative to the policy file', () => {
    const policy = parse(POLICY);
    assert.deepEqual(policy.rules.map((r) => [r.require, r.anyOf]), [[['cosign'], undefined], [undefined, ['dct', 'cosign']], [undefined, ['dct', 'cosign']]]);
    assert.deepEqual(policy.rules[0]!.sections, {
      cosign: {
        keys: ['/repo/policy/keys/cosign.pub'],
        identities: [{ issuer: 'https://token.actions.githubusercontent.com', subjectRegExp: '^https://github\\.com/acme/' }],
        trustedRoot: '/repo/policy/sigstore/trusted_root.json',
        baseDir: '/repo/policy',
      },
    });
    assert.equal(policy.rules[2]!.sections, undefined);
  });

  void it('gives each repository the schemes and the cosign section of the last rule matching it that has them', () => {
    const policy = parse(POLICY);
    const app = effectivePolicy(policy, 'registry.example.com/team/app');
    assert.deepEqual([app.require, app.anyOf], [undefined, ['dct', 'cosign']]);
    assert.deepEqual((app.sections?.cosign?.value as { keys: string[] }).keys, ['/etc/keys/release.pub']);
    const team = effectivePolicy(policy, 'registry.example.com/team/web');
    assert.deepEqual([team.require, (team.sections?.cosign?.value as { keys: string[] }).keys], [['cosign'], ['/repo/policy/keys/cosign.pub']]);
    const other = effectivePolicy(policy, 'registry.example.com/other/x');
    assert.deepEqual([other.require, other.anyOf, other.sections], [undefined, ['dct', 'cosign'], undefined]);
    const none = effectivePolicy(policy, 'docker.io/library/alpine');
    assert.deepEqual([none.require, none.anyOf, none.sections], [undefined, undefined, undefined]);
  });

  void it('refuses an empty list of schemes', () => rejects('rules:\n  - images: [x]\n    anyOf: []\n', /:3:12: "anyOf" must name at least one signature scheme/));
  void it('refuses a bad cosign section with the line of the problem', () => rejects('rules:\n  - images: [x]\n    cosign:\n      key: cosign.pub\n', /\.trustlens\.yaml:4:7: unknown cosign key "key"/));
  void it('a rule key that only looks like a section is refused', () => rejects('rules:\n  - images: [x]\n    toString: 1\n', /unknown rule key "toString"/));
});
