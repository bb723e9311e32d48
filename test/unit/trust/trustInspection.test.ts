import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspectJsonText, inspectPrettyText, inspectPrettyTexts, tabulate } from '../../../src/core/trust/dct/inspect/inspectText';
import { naturalCompare, trustInspection, type TrustInspection } from '../../../src/core/trust/dct/inspect/trustInspection';
import { dockerSignersRepo, verifiedTrustData } from '../../helpers/tufSignersRepo';

const GUN = '127.0.0.1:5000/acme/app';
const NOW = new Date('2026-03-01T12:00:00Z');
const [D1, D2, D3] = ['1', '2', '3'].map((c) => c.repeat(64)) as [string, string, string];

void describe('trustInspection (docker trust inspect from verified data)', () => {
  void it('lists released tags in docker\'s natural order, signers in walk order, Repo Admin for targets', () => {
    const { repo, alice, bob } = dockerSignersRepo(GUN, NOW);
    for (const role of ['targets/releases', 'targets/bob', 'targets/alice']) repo.addTarget(role, 'v10', D1);
    repo.addTarget('targets/releases', 'v2', D2);
    repo.addTarget('targets', 'V1', D3);
    repo.addTarget('targets', '1.0', D3);
    // Held only by a signer's own role: not released, not listed.
    repo.addTarget('targets/alice', 'beta', D2);
    const data = verifiedTrustData(repo, GUN, NOW);
    const entry = trustInspection(GUN, null, data);
    assert.deepEqual(entry.SignedTags, [
      // A digit sorts before any other byte, and capitals before lower case, as Go's sortorder.NaturalLess.
      { SignedTag: '1.0', Digest: D3, Signers: ['Repo Admin'] },
      { SignedTag: 'V1', Digest: D3, Signers: ['Repo Admin'] },
      { SignedTag: 'v2', Digest: D2, Signers: ['Repo Admin'] },
      // targets/alice is declared before targets/bob, so the walk finds it first.
      { SignedTag: 'v10', Digest: D1, Signers: ['alice', 'bob'] },
    ]);
    // Names from last to first; canonical key IDs; releases left out.
    assert.deepEqual(entry.Signers, [
      { Name: 'bob', Keys: [{ ID: bob.id }] },
      { Name: 'alice', Keys: [{ ID: alice.id }] },
    ]);
    assert.deepEqual(entry.AdministrativeKeys, [
      { Name: 'Root', Keys: data.root.keys.map((k) => ({ ID: k.id })) },
      { Name: 'Repository', Keys: [{ ID: repo.keys.targets.id }] },
    ]);
    assert.deepEqual(Object.keys(entry), ['Name', 'SignedTags', 'Signers', 'AdministrativeKeys']);
    assert.deepEqual(Object.keys(entry.SignedTags[0]!), ['SignedTag', 'Digest', 'Signers']);
  });

  void it('with a tag, lists only that tag; a tag no released role holds has no rows, the keys stay', () => {
    const { repo } = dockerSignersRepo(GUN, NOW);
    repo.addTarget('targets/releases', 'v1', D1);
    repo.addTarget('targets/releases', 'v2', D2);
    repo.addTarget('targets/alice', 'beta', D2);
    const data = verifiedTrustData(repo, GUN, NOW);
    assert.deepEqual(trustInspection(`${GUN}:v2`, 'v2', data).SignedTags, [{ SignedTag: 'v2', Digest: D2, Signers: ['Repo Admin'] }]);
    for (const tag of ['beta', 'never']) {
      const entry = trustInspection(`${GUN}:${tag}`, tag, data);
      assert.equal(entry.Name, `${GUN}:${tag}`);
      assert.deepEqual(entry.SignedTags, []);
      assert.equal(entry.Signers.length, 2);
    }
  });

  void it('a repository without delegations has no signers', () => {
    const { repo } = dockerSignersRepo(GUN, NOW);
    const data = verifiedTrustData(repo, GUN, NOW);
    assert.deepEqual(trustInspection(GUN, null, { ...data, targets: { ...data.targets, delegations: [] }, delegations: [] }).Signers, []);
  });
});

void describe('naturalCompare (Go sortorder.NaturalLess)', () => {
  void it('orders numbers by value, fewer leading zeros first, digits before other bytes, then bytes', () => {
    const sorted = ['v10', 'v2', 'v02', 'a', 'B', '10', '9', '_x', '-x', 'v1.10', 'v1.9', 'v1', ''].sort(naturalCompare);
    assert.deepEqual(sorted, ['', '9', '10', '-x', 'B', '_x', 'a', 'v1', 'v1.9', 'v1.10', 'v2', 'v02', 'v10']);
  });
});

const ENTRY: TrustInspection = {
  Name: 'example.com/app',
  SignedTags: [
    { SignedTag: 'latest', Digest: D1, Signers: ['Repo Admin'] },
    { SignedTag: 'v1', Digest: D2, Signers: ['zed', 'alice'] },
  ],
  Signers: [{ Name: 'zed', Keys: [{ ID: 'f'.repeat(64) }] }, { Name: 'alice', Keys: [{ ID: 'b'.repeat(64) }, { ID: 'a'.repeat(64) }] }, { Name: 'nokeys' }],
  AdministrativeKeys: [{ Name: 'Root', Keys: [{ ID: 'r'.repeat(8) }] }, { Name: 'Repository', Keys: [{ ID: 't2' }, { ID: 't1' }] }],
};

void describe('inspectJsonText (docker\'s inspector output)', () => {
  void it('writes an array indented by four spaces, fields in order, then a newline', () => {
    const one: TrustInspection = { Name: 'a<b>&', SignedTags: [], Signers: [], AdministrativeKeys: [{ Name: 'Root', Keys: [{ ID: 'k' }] }] };
    assert.equal(inspectJsonText([one]), [
      '[',
      '    {',
      '        "Name": "a\\u003cb\\u003e\\u0026",',
      '        "SignedTags": [],',
      '        "Signers": [],',
      '        "AdministrativeKeys": [',
      '            {',
      '                "Name": "Root",',
      '                "Keys": [',
      '                    {',
      '                        "ID": "k"',
      '                    }',
      '                ]',
      '            }',
      '        ]',
      '    }',
      ']',
      '',
    ].join('\n'));
  });

  void it('writes [] and a newline when no image could be inspected', () => {
    assert.equal(inspectJsonText([]), '[]\n');
  });
});

void describe('inspectPrettyText (docker trust inspect --pretty)', () => {
  void it('aligns columns as Go\'s tabwriter: at least 10 wide, 3 spaces after the widest cell', () => {
    assert.equal(tabulate([['SIGNER', 'KEYS'], ['a', 'k1'], ['a-long-signer', 'k2']]), 'SIGNER          KEYS\na               k1\na-long-signer   k2\n');
    assert.equal(tabulate([['A', 'B'], ['x', 'y']]), 'A         B\nx         y\n');
  });

  void it('prints tags, signers with short key IDs, then the administrative keys, sorted as docker sorts them', () => {
    assert.equal(inspectPrettyText(ENTRY), [
      '',
      'Signatures for example.com/app',
      '',
      `SIGNED TAG   DIGEST${' '.repeat(61)}SIGNERS`,
      `latest       ${D1}   (Repo Admin)`,
      `v1           ${D2}   alice, zed`,
      '',
      'List of signers and their keys for example.com/app',
      '',
      'SIGNER    KEYS',
      `alice     ${'a'.repeat(12)}, ${'b'.repeat(12)}`,
      'nokeys    ',
      `zed       ${'f'.repeat(12)}`,
      '',
      'Administrative keys for example.com/app',
      '',
      '  Repository Key:\tt1, t2',
      `  Root Key:\t${'r'.repeat(8)}`,
      '',
    ].join('\n'));
  });

  void it('says there are no signatures, leaves out an empty signer list, and separates images', () => {
    const bare: TrustInspection = { ...ENTRY, SignedTags: [], Signers: [] };
    const text = inspectPrettyText(bare);
    assert.match(text, /^\nNo signatures for example\.com\/app\n\n\nAdministrative keys for example\.com\/app\n\n {2}Repository Key:/);
    assert.doesNotMatch(text, /List of signers/);
    assert.equal(inspectPrettyTexts([bare, bare]), `${text}\n\n${text}`);
  });
});
