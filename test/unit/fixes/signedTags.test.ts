import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signedTagChoices } from '../../../src/core/trust/dct/signedTags';
import type { TrustData, VerifiedRole, VerifiedTargetsRole } from '../../../src/core/trust/dct/tuf/verifiedData';

const hex = (c: string) => c.repeat(64);

function role(name: string): VerifiedRole {
  return { name, version: 1, expires: '2030-01-01T00:00:00Z', expiresAt: Date.parse('2030-01-01T00:00:00Z'), keys: [], threshold: 1, signedBy: [] };
}

function targetsRole(name: string, tags: Record<string, string | undefined>, children: string[] = []): VerifiedTargetsRole {
  const targets = Object.create(null) as VerifiedTargetsRole['targets'];
  for (const [tag, sha] of Object.entries(tags)) (targets as Record<string, unknown>)[tag] = sha === undefined ? { length: 1 } : { sha256: sha, length: 500 };
  return { ...role(name), paths: [''], targets, delegations: children.map((c) => ({ name: c, keys: [], threshold: 1, declaredPaths: [''], paths: [''] })) };
}

function data(targets: Record<string, string | undefined>, releases: Record<string, string>, signers: Record<string, Record<string, string>> = {}): TrustData {
  const delegations = [targetsRole('targets/releases', releases), ...Object.entries(signers).map(([n, t]) => targetsRole(`targets/${n}`, t))];
  return {
    gun: 'registry.example.com/acme/app',
    root: { ...role('root'), consistentSnapshot: false },
    timestamp: role('timestamp'),
    snapshot: role('snapshot'),
    targets: targetsRole('targets', targets, delegations.map((d) => d.name)),
    delegations,
    problems: [],
    absent: [],
  };
}

void describe('signedTagChoices', () => {
  void it('lists released tags with the digest docker pulls, closest first, without unreleased or hashless ones', () => {
    const d = data(
      { '3.19.1': hex('1'), '3.19': hex('9'), nohash: undefined, latest: hex('4') },
      { '3.19': hex('2'), '3.18': hex('3') },
      { alice: { '3.19': hex('2'), '3.20-rc': hex('5') } },
    );
    const choices = signedTagChoices(d, '3.19.2');
    assert.deepEqual(choices.map((c) => c.tag), ['3.19.1', '3.19', '3.18', 'latest']);
    const v319 = choices.find((c) => c.tag === '3.19')!;
    assert.equal(v319.digest, `sha256:${hex('2')}`, 'targets/releases wins over targets, as docker resolves it');
    assert.equal(v319.role, 'targets/releases');
    assert.deepEqual(v319.signers, ['alice']);
    assert.equal(choices[0]!.role, 'targets');
  });

  void it('is empty without released tags', () => {
    assert.deepEqual(signedTagChoices(data({}, {}, { bob: { '1': hex('1') } }), '1'), []);
  });
});
