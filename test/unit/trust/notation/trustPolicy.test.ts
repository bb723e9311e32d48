/**
 * Trust policy documents, levels, scopes and trusted identities, including the Notary Project's own
 * e2e policy files, which notation accepts or refuses as listed here.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isSubsetDN, parseDistinguishedName } from '../../../../src/core/trust/notation/distinguishedName';
import { parseOciTrustPolicyDocument, selectTrustPolicy, verificationLevel } from '../../../../src/core/trust/notation/trustPolicy';
import { notationFixture } from '../../../helpers/notation/scenario';

const policyJson = (name: string): unknown => JSON.parse(readFileSync(notationFixture('config', 'trustpolicies', name), 'utf8'));

describe('notation trust policy documents', () => {
  const accepted = [
    'any_registry_scope_trust_policy.json', 'audit_trustpolicy.json', 'generate_test_trustpolicy.json', 'invalid_registry_scope_trustpolicy.json',
    'invalid_trust_store_trustpolicy.json', 'invalid_trusted_identity_trustpolicy.json', 'multi_statements_with_wildcard_registry_scope_trustpolicy.json',
    'multiple_registry_scope_trustpolicy.json', 'multiple_trust_store_trustpolicy.json', 'multiple_trusted_identity_trustpolicy.json',
    'overlapped_trust_store_trustpolicy.json', 'override_audit_trustpolicy.json', 'override_permissive_trustpolicy.json', 'override_strict_trustpolicy.json',
    'permissive_trustpolicy.json', 'quickstart_trustpolicy.json', 'registry_scope_trustpolicy.json', 'skip_trustpolicy.json',
    'timestamp_after_cert_expiry_trustpolicy.json', 'timestamp_trustpolicy.json', 'trustpolicy.json', 'valid_trusted_identity_trustpolicy.json',
  ];
  const refused: Record<string, RegExp> = {
    'blob_trust_policy.json': /no registry scopes/,
    'empty_registry_scope_trustpolicy.json': /no registry scopes/,
    'empty_trusted_identity_trustpolicy.json': /empty trusted identity/,
    'malformed_registry_scope_trustpolicy.json': /not a fully qualified repository/,
    'malformed_trust_store_trustpolicy.json': /trust store name/,
    'malformed_trusted_identity_trustpolicy.json': /no "x509.subject:" prefix/,
    'missing_country_trusted_identity_trustpolicy.json': /lacks C/,
    'missing_organization_trusted_identity_trustpolicy.json': /lacks O/,
    'missing_state_trusted_identity_trustpolicy.json': /lacks ST/,
    'multi_statements_with_multi_wildcard_registry_scope_trustpolicy.json': /registry scope "\*" appears in statements/,
    'multi_statements_with_the_same_name_trustpolicy.json': /two statements are named "e2e"/,
    'multi_statements_with_the_same_registry_scope_trustpolicy.json': /appears in statements "e2e" and "e2e2"/,
    'overlapped_registry_scope_trustpolicy.json': /appears in statements/,
    'overlapped_trusted_identity_trustpolicy.json': /overlap/,
    'override_integrity_for_permissive_trustpolicy.json': /integrity verification cannot be overridden/,
    'unset_trust_store_trustpolicy.json': /needs both trust stores and trusted identities/,
    'unset_trusted_identity_trustpolicy.json': /needs both trust stores and trusted identities/,
    'wildcard_plus_other_registry_scope_trustpolicy.json': /cannot be combined with other scopes/,
    'wildcard_plus_other_trusted_identity_trustpolicy.json': /cannot be combined with others/,
    'wildcard_trust_store_trustpolicy.json': /not <type>:<name>/,
  };

  for (const name of accepted) {
    it(`accepts ${name}`, () => {
      assert.doesNotThrow(() => parseOciTrustPolicyDocument(policyJson(name)));
    });
  }
  for (const [name, why] of Object.entries(refused)) {
    it(`refuses ${name}`, () => {
      assert.throws(() => parseOciTrustPolicyDocument(policyJson(name)), why);
    });
  }

  it('selects the statement naming the repository before the global one, and none otherwise', () => {
    const doc = parseOciTrustPolicyDocument(policyJson('multi_statements_with_wildcard_registry_scope_trustpolicy.json'));
    assert.equal(selectTrustPolicy(doc, 'localhost:5000/test-repo9')?.name, 'e2e');
    assert.equal(selectTrustPolicy(doc, 'localhost:5000/other')?.name, 'e2e2');
    const scoped = parseOciTrustPolicyDocument(policyJson('registry_scope_trustpolicy.json'));
    assert.equal(selectTrustPolicy(scoped, 'localhost:5000/test-repo')?.name, 'e2e');
    assert.equal(selectTrustPolicy(scoped, 'localhost:5000/test-repo-2'), undefined);
  });
});

describe('verification levels', () => {
  it('maps each level to the actions of the spec\'s table', () => {
    assert.deepEqual(verificationLevel({ level: 'permissive' }).actions, { integrity: 'enforce', authenticity: 'enforce', authenticTimestamp: 'log', expiry: 'log', revocation: 'log' });
    assert.deepEqual(verificationLevel({ level: 'audit' }).actions, { integrity: 'enforce', authenticity: 'log', authenticTimestamp: 'log', expiry: 'log', revocation: 'log' });
    assert.equal(verificationLevel({ level: 'skip' }).actions.integrity, 'skip');
  });

  it('applies override, and refuses what the spec forbids', () => {
    const custom = verificationLevel({ level: 'strict', override: { expiry: 'log', revocation: 'skip' } });
    assert.equal(custom.custom, true);
    assert.equal(custom.actions.expiry, 'log');
    assert.equal(custom.actions.revocation, 'skip');
    assert.throws(() => verificationLevel({ level: 'strict', override: { expiry: 'skip' } }), /cannot be skipped/);
    assert.throws(() => verificationLevel({ level: 'skip', override: { expiry: 'log' } }), /cannot be customised/);
    assert.throws(() => verificationLevel({ level: 'lenient' }), /invalid signature verification level/);
    assert.throws(() => verificationLevel({ level: 'strict', override: { whatever: 'log' } }), /cannot be overridden/);
  });
});

describe('x509.subject trusted identities', () => {
  const subject = parseDistinguishedName('CN=e2e,O=Notary,L=Seattle,ST=WA,C=US');

  it('compares attribute sets, in any order, a subset matching', () => {
    assert.ok(subject.ok);
    for (const identity of ['C=US, ST=WA, O=Notary', 'O=Notary,C=US,S=WA', ' c=US , st=WA , o=Notary , cn=e2e ', 'ST=WA,C=US,L=Seattle,O=Notary,CN=e2e']) {
      const dn = parseDistinguishedName(identity);
      assert.ok(dn.ok, identity);
      assert.ok(isSubsetDN(dn.attributes, subject.attributes), identity);
    }
    for (const identity of ['C=US, ST=WA, O=Notary, CN=other', 'C=US, ST=WA, O=Notary, OU=missing', 'C=USB, ST=WA, O=Notary']) {
      const dn = parseDistinguishedName(identity);
      assert.ok(dn.ok, identity);
      assert.ok(!isSubsetDN(dn.attributes, subject.attributes), identity);
    }
  });

  it('reads RFC 4514 escapes as the spec lists them', () => {
    const dn = parseDistinguishedName('C=US, ST=WA, O=Acme\\, Inc., OU=R\\&D\\;x, CN=\\ lead\\ ');
    assert.ok(!dn.ok, 'an unknown escape (\\&) is refused');
    const ok = parseDistinguishedName('C=US, ST=WA, O=Acme\\, Inc., OU=a\\;b\\\\c, CN=\\ lead\\ , L=caf\\C3\\A9');
    assert.ok(ok.ok);
    assert.equal(ok.attributes.get('O'), 'Acme, Inc.');
    assert.equal(ok.attributes.get('OU'), 'a;b\\c');
    assert.equal(ok.attributes.get('CN'), ' lead ');
    assert.equal(ok.attributes.get('L'), 'café');
  });

  it('refuses multi-valued RDNs, repeated types, #hex values and DNs without C, ST and O', () => {
    assert.match(failure('C=US+ST=WA, O=x'), /multi-valued/);
    assert.match(failure('C=US, ST=WA, O=x, O=y'), /more than once/);
    assert.match(failure('C=US, ST=WA, O=#0403616263'), /#hex/);
    assert.match(failure('C=US, O=x'), /lacks ST/);
    assert.match(failure('C=US, ST=WA, O=x,'), /ends with a comma/);
  });
});

function failure(text: string): string {
  const dn = parseDistinguishedName(text);
  return dn.ok ? 'parsed' : dn.reason;
}
