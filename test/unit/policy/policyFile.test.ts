import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { effectivePolicy, mergePolicy } from '../../../src/core/policy/policy';
import { findPolicyFile, parsePolicy } from '../../../src/core/policy/policyFile';
import { TrustLensError } from '../../../src/core/errors';
// The shipped schemes' rule sections (notation:) are registered where the backends are composed.
import '../../../src/core/composition/backends';

const VALID = `
trustServers:
  registry.example.com: https://notary.example.com/
  127.0.0.1:5000: http://127.0.0.1:4443
expiryWarningDays: 14
ignore:
  - docker.io/library/busybox
rules:
  - images: ["registry.example.com/acme/**"]
    requireSigners: [ci, targets/qa]
    severity:
      expiring-soon: error
  - images: ["registry.example.com/acme/legacy"]
    severity:
      unsigned-tag: warning
`;

function rejects(text: string, pattern: RegExp) {
  assert.throws(() => parsePolicy(text, '.trustlens.yaml'), (e: unknown) => {
    assert.ok(TrustLensError.is(e, 'invalid-config'), String(e));
    assert.match((e as Error).message, pattern);
    return true;
  });
}

void describe('.trustlens.yaml', () => {
  void it('parses every key', () => {
    const policy = parsePolicy(VALID);
    assert.deepEqual(policy.trustServers, { 'registry.example.com': 'https://notary.example.com', '127.0.0.1:5000': 'http://127.0.0.1:4443' });
    assert.equal(policy.expiryWarningDays, 14);
    assert.deepEqual(policy.ignore, ['docker.io/library/busybox']);
    assert.deepEqual(policy.rules[0]!.requireSigners, ['ci', 'qa'], 'the targets/ prefix is optional');
  });

  void it('applies matching rules in order', () => {
    const policy = parsePolicy(VALID);
    const legacy = effectivePolicy(policy, 'registry.example.com/acme/legacy');
    assert.deepEqual(legacy.requireSigners, ['ci', 'qa']);
    assert.equal(legacy.severity['expiring-soon'], 'error');
    assert.equal(legacy.severity['unsigned-tag'], 'warning');
    const other = effectivePolicy(policy, 'registry.example.com/other/app');
    assert.deepEqual(other.requireSigners, []);
    assert.equal(other.severity['unsigned-tag'], 'error');
    assert.equal(effectivePolicy(policy, 'registry.example.com/acme/deep/app').requireSigners.length, 2, '** crosses path segments');
    assert.equal(effectivePolicy(policy, 'docker.io/library/busybox').ignored, true);
    assert.equal(effectivePolicy(policy, 'docker.io/library/alpine').ignored, false);
  });

  void it('treats an empty file as the default policy', () => {
    assert.equal(parsePolicy('').expiryWarningDays, 30);
    assert.equal(parsePolicy('# only a comment\n').rules.length, 0);
  });

  void it('names the line of a wrong key or type', () => {
    rejects('trustServer:\n  a: b\n', /^\.trustlens\.yaml:1:1: unknown key "trustServer"/);
    rejects('expiryWarningDays: soon\n', /:1:20: "expiryWarningDays" must be a whole number/);
    rejects('expiryWarningDays: -1\n', /must be a whole number of days/);
    rejects('rules:\n  - images: [a]\n    requireSigner: [x]\n', /:3:5: unknown rule key "requireSigner"/);
    rejects('rules:\n  - requireSigners: [x]\n', /a rule needs at least one pattern/);
    rejects('rules:\n  - images: a\n', /"images" must be a list of strings/);
    rejects('rules:\n  - images: [a]\n    severity:\n      unsigned: error\n', /:4:7: unknown finding code "unsigned"/);
    rejects('rules:\n  - images: [a]\n    severity:\n      unsigned-tag: fatal\n', /must be one of error, warning, info, hint, ignore/);
    rejects('trustServers:\n  reg.io: ftp://x\n', /:2:11: the trust server for reg.io must be an https:\/\/ URL/);
    rejects('trustServers: [a]\n', /"trustServers" must map/);
    rejects('- a\n- b\n', /the policy must be a mapping/);
    rejects('rules: [\n', /invalid YAML/);
  });

  void it('is found in the checked directory or its nearest parent', () => {
    const root = mkdtempSync(join(tmpdir(), 'trustlens-policy-'));
    try {
      mkdirSync(join(root, 'a', 'b'), { recursive: true });
      writeFileSync(join(root, 'a', '.trustlens.yaml'), 'expiryWarningDays: 3\n');
      assert.equal(findPolicyFile(join(root, 'a', 'b')), join(root, 'a', '.trustlens.yaml'));
      assert.equal(findPolicyFile(join(root, 'a')), join(root, 'a', '.trustlens.yaml'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

void describe('mergePolicy', () => {
  const settings = { trustServers: { 'r.io': 'https://from-settings' }, severity: { 'implicit-latest': 'ignore' as const, 'unsigned-tag': 'warning' as const }, expiryWarningDays: 10 };

  void it('lets the file win for policy and the settings win for servers', () => {
    const file = parsePolicy('trustServers:\n  r.io: https://from-file\n  s.io: https://s\nrules:\n  - images: ["**"]\n    severity:\n      unsigned-tag: error\n');
    const merged = mergePolicy(file, settings, true);
    assert.deepEqual(merged.trustServers, { 'r.io': 'https://from-settings', 's.io': 'https://s' });
    const effective = effectivePolicy(merged, 'r.io/app');
    assert.equal(effective.severity['unsigned-tag'], 'error', 'the file rule wins');
    assert.equal(effective.severity['implicit-latest'], 'ignore', 'settings apply where the file is silent');
    assert.equal(merged.expiryWarningDays, 10, 'the setting applies when the file does not set it');
    assert.equal(mergePolicy(parsePolicy('expiryWarningDays: 60\n'), settings, true).expiryWarningDays, 60);
  });

  void it('ignores trust servers named by the file in an untrusted workspace', () => {
    const file = parsePolicy('trustServers:\n  evil.io: https://attacker.example\n');
    assert.deepEqual(mergePolicy(file, settings, false).trustServers, { 'r.io': 'https://from-settings' });
    assert.deepEqual(mergePolicy(undefined, settings, false).rules.length, 1);
  });
});

describe('scheme rules: require, anyOf and scheme sections', () => {
  it('reads require and anyOf, and refuses both in one rule, an empty list and a name that is not a scheme', () => {
    const policy = parsePolicy('rules:\n  - images: [a]\n    require: [dct, notation]\n  - images: [b]\n    anyOf: [dct, notation]\n');
    assert.deepEqual(policy.rules.map((r) => [r.require, r.anyOf]), [[['dct', 'notation'], undefined], [undefined, ['dct', 'notation']]]);
    assert.throws(() => parsePolicy('rules:\n  - images: [a]\n    require: [dct]\n    anyOf: [notation]\n'), /:2:5: a rule says either "require"/);
    assert.throws(() => parsePolicy('rules:\n  - images: [a]\n    require: []\n'), /:3:14: "require" must name at least one signature scheme/);
    assert.throws(() => parsePolicy('rules:\n  - images: [a]\n    anyOf: ["Not A Scheme"]\n'), /"anyOf": "Not A Scheme" is not a signature scheme name/);
  });

  it('passes a registered scheme section to its parser, with the policy file\'s folder', () => {
    const policy = parsePolicy('rules:\n  - images: ["r.example/**"]\n    notation:\n      trustStores:\n        ca: [certs/ca]\n      trustedIdentities: ["*"]\n', '/work/repo/.trustlens.yaml');
    const section = effectivePolicy(policy, 'r.example/app').sections?.notation;
    assert.deepEqual((section?.value as { trustStores: unknown }).trustStores, [{ type: 'ca', name: 'certs/ca', dir: '/work/repo/certs/ca' }]);
    assert.deepEqual(section?.images, ['r.example/**']);
    assert.throws(() => parsePolicy('rules:\n  - images: [a]\n    notation:\n      level: lenient\n'), /\.trustlens\.yaml:4:7: .*lenient/);
    // An untrusted workspace's file may not name trust anchors.
    const untrusted = mergePolicy(policy, { trustServers: {}, severity: {}, expiryWarningDays: 30 }, false);
    assert.equal(effectivePolicy(untrusted, 'r.example/app').sections, undefined);
  });
});
