/**
 * The `notation:` section of a `.trustlens.yaml` rule: what it accepts, where its errors point, and the
 * policy it becomes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isMap, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import { parseNotationRuleSection, policyFromRuleSection } from '../../../../src/core/trust/notation/ruleSection';

/** Parses `notation:` of the first rule, failing as the policy file parser does (file:line:col). */
function parse(text: string) {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const fail = (node: Node | null | undefined, message: string): never => {
    const { line, col } = lines.linePos(node?.range?.[0] ?? 0);
    throw new Error(`.trustlens.yaml:${line}:${col}: ${message}`);
  };
  const rules = (doc.contents as unknown as { get(k: string): { items: unknown[] } }).get('rules');
  const rule = rules.items[0];
  if (!isMap(rule)) throw new Error('test YAML must have a rule');
  const pair = rule.items.find((p) => isScalar(p.key) && p.key.value === 'notation');
  return parseNotationRuleSection(pair?.value, '/repo/policy', fail);
}

describe('.trustlens.yaml notation section', () => {
  it('reads trust store folders relative to the policy file, identities, level and overrides', () => {
    const section = parse(`
rules:
  - images: ["registry.example.com/team/*"]
    notation:
      level: permissive
      override: { revocation: skip }
      verifyTimestamp: afterCertExpiry
      trustStores:
        ca: [notation/ca, /etc/pki/acme]
        tsa: [notation/tsa]
      trustedIdentities:
        - "x509.subject: C=US, ST=WA, O=Acme, CN=release"
`);
    assert.deepEqual(section.trustStores, [
      { type: 'ca', name: 'notation/ca', dir: '/repo/policy/notation/ca' },
      { type: 'ca', name: '/etc/pki/acme', dir: '/etc/pki/acme' },
      { type: 'tsa', name: 'notation/tsa', dir: '/repo/policy/notation/tsa' },
    ]);
    const policy = policyFromRuleSection(section, ['registry.example.com/team/*'], '/repo/policy/.trustlens.yaml');
    assert.equal(policy.origin, 'trustlens-rule');
    assert.equal(policy.level.name, 'permissive');
    assert.equal(policy.level.actions.revocation, 'skip');
    assert.equal(policy.verifyTimestamp, 'afterCertExpiry');
    assert.deepEqual(policy.trustedIdentities, ['x509.subject: C=US, ST=WA, O=Acme, CN=release']);
  });

  it('defaults to strict', () => {
    const section = parse('rules:\n  - images: [a]\n    notation:\n      trustStores: { ca: [ca] }\n      trustedIdentities: ["*"]\n');
    assert.equal(policyFromRuleSection(section, ['a']).level.name, 'strict');
  });

  it('points errors at the line and column of the problem', () => {
    assert.throws(() => parse('rules:\n  - images: [a]\n    notation:\n      trustStores: { cert: [x] }\n      trustedIdentities: ["*"]\n'), /:4:22: unknown trust store type "cert"/);
    assert.throws(() => parse('rules:\n  - images: [a]\n    notation:\n      levle: strict\n'), /:4:7: unknown key "notation.levle"/);
    assert.throws(() => parse('rules:\n  - images: [a]\n    notation:\n      trustStores: { ca: [x] }\n      trustedIdentities: ["x509.subject: CN=a"]\n'), /:4:7: .*lacks C, ST, O/);
    assert.throws(() => parse('rules:\n  - images: [a]\n    notation:\n      trustStores: { ca: [x] }\n'), /needs both trust stores and trusted identities/);
    assert.throws(() => parse('rules:\n  - images: [a]\n    notation:\n      level: skip\n      trustStores: { ca: [x] }\n'), /skips verification but names trust stores/);
    assert.throws(() => parse('rules:\n  - images: [a]\n    notation: strict\n'), /:3:15: "notation" must be a mapping/);
  });
});
