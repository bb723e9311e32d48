import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { listSignedTags, parseSha256Digest, pinnedDigestMatches, releasedTagsForDigest, resolveTag } from '../../../src/core/trust/dct/tuf/resolveTag';
import type { TrustData } from '../../../src/core/trust/dct/tuf/verifiedData';
import { ecdsaKey } from '../../helpers/tufRepo';
import { TestRepo, type BuildOptions } from '../../helpers/tufRepoBuilder';
import { dockerSignersRepo, verifiedTrustData } from '../../helpers/tufSignersRepo';

const GUN = 'docker.io/acme/app';
const NOW = new Date('2026-03-01T12:00:00Z');
const [D1, D2, D3] = ['1', '2', '3'].map((c) => c.repeat(64)) as [string, string, string];

function verify(repo: TestRepo, options?: BuildOptions): TrustData {
  return verifiedTrustData(repo, GUN, NOW, options);
}

function signersRepo(): ReturnType<typeof dockerSignersRepo> {
  return dockerSignersRepo(GUN, NOW);
}

void describe('resolveTag', () => {
  void it('resolves a tag signed by the repository key alone (targets)', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    repo.addTarget('targets', 'v1', D1, 1234);
    assert.deepEqual(resolveTag(verify(repo), 'v1'), { status: 'signed', tag: 'v1', digest: `sha256:${D1}`, length: 1234, role: 'targets', signers: [] });
  });

  void it('reports the signers that hold the same digest as targets/releases', () => {
    const { repo } = signersRepo();
    for (const role of ['targets/releases', 'targets/alice', 'targets/bob']) repo.addTarget(role, 'v1', D1);
    repo.addTarget('targets/bob', 'v2', D2);
    repo.addTarget('targets/releases', 'v2', D2);
    repo.addTarget('targets/alice', 'v2', D3);
    const data = verify(repo);
    const v1 = resolveTag(data, 'v1');
    const v2 = resolveTag(data, 'v2');
    assert.deepEqual(v1.status === 'signed' ? [v1.role, v1.signers] : v1, ['targets/releases', ['alice', 'bob']]);
    // alice signed another digest for v2, so only bob vouches for the released one.
    assert.deepEqual(v2.status === 'signed' ? v2.signers : v2, ['bob']);
  });

  void it('prefers targets/releases over targets when both hold the tag', () => {
    const { repo } = signersRepo();
    repo.addTarget('targets', 'v1', D2);
    repo.addTarget('targets/releases', 'v1', D1);
    const r = resolveTag(verify(repo), 'v1');
    assert.equal(r.status === 'signed' && r.digest, `sha256:${D1}`);
  });

  void it('does not release a tag held only by a signer role', () => {
    const { repo } = signersRepo();
    repo.addTarget('targets/alice', 'beta', D1);
    assert.deepEqual(resolveTag(verify(repo), 'beta'), { status: 'not-released', tag: 'beta', role: 'targets/alice', heldBy: ['alice'] });
  });

  void it('does not release a tag held only below targets/releases', () => {
    const { repo, alice } = signersRepo();
    repo.delegate('targets/releases', 'targets/releases/qa', [alice]);
    repo.addTarget('targets/releases/qa', 'rc1', D1);
    const r = resolveTag(verify(repo), 'rc1');
    assert.equal(r.status, 'not-released');
    assert.equal(r.status === 'not-released' && r.role, 'targets/releases/qa');
  });

  void it('reports unsigned tags, including names that exist on Object.prototype', () => {
    const data = verify(new TestRepo({ gun: GUN, now: NOW }));
    for (const tag of ['v9', 'constructor', '__proto__', 'toString']) assert.deepEqual(resolveTag(data, tag), { status: 'unsigned', tag });
  });

  void it('resolves tags named like Object.prototype members as ordinary names', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    const meta = { hashes: { sha256: Buffer.from(D1, 'hex').toString('base64') }, length: 5 };
    for (const tag of ['__proto__', 'constructor']) Object.defineProperty(repo.targets.targets, tag, { value: meta, enumerable: true });
    const data = verify(repo);
    for (const tag of ['__proto__', 'constructor']) assert.equal(resolveTag(data, tag).status, 'signed', tag);
    assert.equal(resolveTag(data, 'toString').status, 'unsigned');
  });

  void it('refuses a released target without a sha256, as docker does', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    repo.targets.targets.v1 = { hashes: { sha512: Buffer.alloc(64, 7).toString('base64') }, length: 10 };
    assert.deepEqual(resolveTag(verify(repo), 'v1'), { status: 'no-valid-hash', tag: 'v1', role: 'targets' });
  });

  void it('only finds a tag in roles whose paths allow it', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    const k = ecdsaKey();
    repo.delegate('targets', 'targets/releases', [k], { paths: ['v'] });
    repo.addTarget('targets/releases', 'v2', D2);
    repo.addTarget('targets/releases', 'latest', D1);
    const data = verify(repo);
    assert.equal(resolveTag(data, 'v2').status, 'signed');
    assert.equal(resolveTag(data, 'latest').status, 'unsigned');
    assert.deepEqual(listSignedTags(data).map((r) => r.tag), ['v2']);
  });

  void it('never trusts a delegation that notary ignored', () => {
    const { repo, alice } = signersRepo();
    repo.addTarget('targets/releases', 'v1', D1);
    const first = repo.targets.delegations.roles[0];
    if (first) first.threshold = 2;
    const data = verify(repo, { signers: { 'targets/releases': [alice] } });
    assert.equal(data.problems[0]?.role, 'targets/releases');
    assert.deepEqual(resolveTag(data, 'v1'), { status: 'unsigned', tag: 'v1' });
  });
});

void describe('signed tag rows and digests', () => {
  void it('lists released (tag, digest) rows with their signers in natural tag order', () => {
    const { repo } = signersRepo();
    repo.addTarget('targets/releases', 'v10', D1);
    repo.addTarget('targets/releases', 'v2', D2);
    repo.addTarget('targets/alice', 'v2', D2);
    repo.addTarget('targets', 'v2', D3);
    repo.addTarget('targets/bob', 'only-bob', D1);
    assert.deepEqual(listSignedTags(verify(repo)), [
      { tag: 'v2', digest: D2, signers: ['alice'] },
      { tag: 'v2', digest: D3, signers: [] },
      { tag: 'v10', digest: D1, signers: [] },
    ]);
  });

  void it('matches digest-pinned references and finds tags for a bare digest', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    repo.addTarget('targets', 'v1', D1);
    repo.addTarget('targets', 'stable', D1);
    const data = verify(repo);
    const v1 = resolveTag(data, 'v1');
    assert.equal(pinnedDigestMatches(v1, `sha256:${D1}`), true);
    assert.equal(pinnedDigestMatches(v1, `sha256:${D1.toUpperCase()}`), true);
    assert.equal(pinnedDigestMatches(v1, `sha256:${D2}`), false);
    assert.equal(pinnedDigestMatches(resolveTag(data, 'nope'), `sha256:${D1}`), false);
    assert.deepEqual(releasedTagsForDigest(data, `sha256:${D1}`).map((r) => r.tag), ['stable', 'v1']);
    assert.deepEqual(releasedTagsForDigest(data, `sha256:${D2}`), []);
    assert.equal(parseSha256Digest('sha256:abc'), undefined);
    assert.equal(parseSha256Digest(`sha512:${D1}`), undefined);
  });
});
