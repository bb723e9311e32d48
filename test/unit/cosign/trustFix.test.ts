/**
 * The rule *Trust this signer…* writes for a cosign identity: the section that applied, plus the
 * identity, with paths relative to the policy file, so that nothing trusted before stops counting.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addPolicyRule } from '../../../src/core/policy/ruleEdit';
import { effectivePolicy } from '../../../src/core/policy/policy';
import { parsePolicy } from '../../../src/core/policy/policyFile';
import { cosignPolicyOf } from '../../../src/core/trust/cosign/cosignBackend';
import { cosignTrustFix } from '../../../src/core/trust/cosign/trustFix';
import '../../../src/core/composition/backends';

const ISSUER = 'https://token.actions.githubusercontent.com';
const WORKFLOW = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.4';
const TEXT = '# Team policy.\nrules:\n  - images: ["registry.example.com/team/*"]\n    cosign:\n      keys: [keys/cosign.pub]   # the release key\n      trustedRoot: sigstore/root.json\n';

void describe('Trust this signer for a cosign identity', () => {
  const parse = (text: string) => parsePolicy(text, '.trustlens.yaml', { baseDir: '/repo' });
  const section = cosignPolicyOf(effectivePolicy(parse(TEXT), 'registry.example.com/team/app'));

  void it('adds a rule for the repository that keeps the key and root and trusts the identity; the file keeps its comments', () => {
    const fix = cosignTrustFix({ repository: 'registry.example.com/team/app', issuer: ISSUER, subject: WORKFLOW, ca: ['/repo/certs/team.pem'] }, section);
    assert.deepEqual(fix.rule, {
      images: ['registry.example.com/team/app'],
      cosign: { keys: ['keys/cosign.pub'], identities: [{ issuer: ISSUER, subject: WORKFLOW, ca: ['certs/team.pem'] }], trustedRoot: 'sigstore/root.json' },
    });
    assert.deepEqual(fix.files, []);
    assert.match(fix.confirm, /OIDC issuer: https:\/\/token\.actions\.githubusercontent\.com\nCertificate from a CA in certs\/team\.pem\./);
    const after = addPolicyRule(TEXT, fix.rule);
    assert.ok(after.startsWith(TEXT), after);
    const now = cosignPolicyOf(effectivePolicy(parse(after), 'registry.example.com/team/app'));
    assert.deepEqual([now.keys, now.identities, now.trustedRoot], [['/repo/keys/cosign.pub'], [{ issuer: ISSUER, subject: WORKFLOW, ca: ['/repo/certs/team.pem'] }], '/repo/sigstore/root.json']);
    // Another repository of the team is governed by the team's rule as before (control).
    assert.deepEqual(cosignPolicyOf(effectivePolicy(parse(after), 'registry.example.com/team/web')).identities, []);
  });

  void it('names Sigstore\'s public-good Fulcio for a keyless identity', () => {
    const fix = cosignTrustFix({ repository: 'ghcr.io/acme/app', issuer: ISSUER, subject: WORKFLOW }, { keys: [], identities: [] });
    assert.deepEqual(fix.rule, { images: ['ghcr.io/acme/app'], cosign: { identities: [{ issuer: ISSUER, subject: WORKFLOW }] } });
    assert.match(fix.confirm, /public-good Fulcio/);
  });
});
