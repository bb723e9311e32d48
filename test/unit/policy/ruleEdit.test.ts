/** The *Trust this signer…* fix's edit: a rule appended to `rules:`, comments kept, read back as the policy it means. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import '../../../src/core/composition/backends';
import { effectivePolicy } from '../../../src/core/policy/policy';
import { parsePolicy } from '../../../src/core/policy/policyFile';
import { addPolicyRule } from '../../../src/core/policy/ruleEdit';
import { trustFixOf } from '../../../src/core/trust/notation/signatureEvidence';

const fix = trustFixOf({
  repository: '127.0.0.1:5000/team/app',
  subject: 'CN=release,O=Acme,ST=WA,C=US',
  trustedIdentity: 'x509.subject: CN=release,O=Acme,ST=WA,C=US',
  storeType: 'ca',
  rootCertificatePem: '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n',
  rootSubject: 'CN=Acme Root,O=Acme,ST=WA,C=US',
  rootFingerprint: 'ab'.repeat(32),
});

describe('adding a rule that trusts a signer', () => {
  it('appends it to rules, keeping comments and other keys, and reads back as a notation section for that repository', () => {
    const before = '# team policy\nexpiryWarningDays: 10 # days\nrules:\n  - images: ["docker.io/**"] # hub\n    requireSigners: [ci]\n';
    const after = addPolicyRule(before, fix.rule);
    assert.ok(after.startsWith('# team policy\nexpiryWarningDays: 10 # days\nrules:\n  - images: ["docker.io/**"] # hub\n'), after);
    const policy = parsePolicy(after, '/repo/.trustlens.yaml');
    const effective = effectivePolicy(policy, '127.0.0.1:5000/team/app');
    assert.deepEqual(effective.require, ['notation']);
    const section = effective.sections?.notation?.value as { trustStores: { type: string; dir: string }[]; trustedIdentities: string[] };
    assert.deepEqual(section.trustStores.map((s) => [s.type, s.dir]), [['ca', `/repo/${fix.files[0]!.path.replace(/\/[^/]+$/, '')}`]]);
    assert.deepEqual(section.trustedIdentities, ['x509.subject: CN=release,O=Acme,ST=WA,C=US']);
    assert.equal(effectivePolicy(policy, '127.0.0.1:5000/team/other').sections, undefined);
    assert.equal(addPolicyRule(after, fix.rule), after, 'the same rule is not added twice');
  });

  it('creates rules in an empty file, and refuses a file whose rules are not a list', () => {
    assert.deepEqual(parsePolicy(addPolicyRule('', fix.rule)).rules.length, 1);
    assert.throws(() => addPolicyRule('rules: 3\n', fix.rule), /"rules" is not a list/);
  });
});
