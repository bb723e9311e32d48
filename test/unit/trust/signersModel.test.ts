import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanDockerfile } from '../../../src/core/parse/dockerfile';
import type { CheckResult, TrustStatus } from '../../../src/core/trust/checkResult';
import { expiryBadge, signersModel } from '../../../src/core/trust/dct/signersModel';
import { findRepository, repositoriesOf, repositoryKeyOf } from '../../../src/core/trust/repositories';
import type { TrustData } from '../../../src/core/trust/dct/tuf/verifiedData';
import { ecdsaKey } from '../../helpers/tufRepo';
import { TestRepo, type BuildOptions } from '../../helpers/tufRepoBuilder';
import { dockerSignersRepo, verifiedTrustData } from '../../helpers/tufSignersRepo';

const GUN = '127.0.0.1:5000/acme/app';
const NOW = new Date('2026-03-01T12:00:00Z');
const DAY = 86_400_000;
const [D1, D2] = ['1', '2'].map((c) => c.repeat(64)) as [string, string];

function verify(repo: TestRepo, options?: BuildOptions): TrustData {
  return verifiedTrustData(repo, GUN, NOW, options);
}

function signersRepo(): ReturnType<typeof dockerSignersRepo> {
  return dockerSignersRepo(GUN, NOW);
}

const options = { now: NOW.getTime(), warningDays: 30 };

void describe('expiryBadge', () => {
  void it('is ok beyond the warning window, soon within it, expired once past', () => {
    const now = NOW.getTime();
    assert.deepEqual(expiryBadge(now + 100 * DAY, now, 30), { expiresAt: now + 100 * DAY, day: '2026-06-09', daysLeft: 100, state: 'ok', text: 'expires 2026-06-09' });
    assert.equal(expiryBadge(now + 29 * DAY, now, 30).state, 'soon');
    assert.equal(expiryBadge(now + 30 * DAY, now, 30).state, 'ok', 'the window is exclusive, like the expiring-soon finding');
    assert.equal(expiryBadge(now + 1, now, 0).state, 'ok', 'no window: only expiry counts');
    const past = expiryBadge(now - 2 * DAY, now, 30);
    assert.equal(past.state, 'expired');
    assert.equal(past.text, 'expired 2026-02-27');
    assert.equal(past.daysLeft, -2);
  });
});

void describe('signersModel', () => {
  void it('lists releases first, then each signer, with the keys docker shows and thresholds', () => {
    const { repo, alice, bob } = signersRepo();
    for (const role of ['targets/releases', 'targets/alice']) repo.addTarget(role, 'v1', D1);
    repo.addTarget('targets/bob', 'v1', D1);
    const model = signersModel(verify(repo), options);
    assert.equal(model.gun, GUN);
    assert.deepEqual(model.signers.map((r) => [r.role, r.label, r.keys.map((k) => k.id), r.threshold, r.state]), [
      ['targets/releases', 'releases', [alice.id, bob.id], 1, 'verified'],
      ['targets/alice', 'alice', [alice.id], 1, 'verified'],
      ['targets/bob', 'bob', [bob.id], 1, 'verified'],
    ]);
    assert.deepEqual(model.signers.map((r) => r.badge?.text), ['expires 2029-02-28', 'expires 2029-02-28', 'expires 2029-02-28']);
  });

  void it('lists released tags as docker trust inspect does: digest and signers, Repo Admin for targets', () => {
    const { repo } = signersRepo();
    for (const role of ['targets/releases', 'targets/alice', 'targets/bob']) repo.addTarget(role, 'v1', D1);
    repo.addTarget('targets/alice', 'v2', D2);
    repo.addTarget('targets', 'v10', D2);
    const model = signersModel(verify(repo), options);
    assert.deepEqual(model.tags, [
      { tag: 'v1', digest: `sha256:${D1}`, signers: ['alice', 'bob'], signedBy: 'alice, bob' },
      { tag: 'v10', digest: `sha256:${D2}`, signers: [], signedBy: 'Repo Admin' },
    ], 'v2 is held only by alice, so it is not released');
  });

  void it('shows root certificate and repository key IDs as administrative keys', () => {
    const { repo } = signersRepo();
    const data = verify(repo);
    const model = signersModel(data, options);
    assert.deepEqual(model.admin.map((r) => [r.label, r.role, r.keys.map((k) => k.id)]), [
      ['Root', 'root', [repo.keys.root.id]],
      ['Repository', 'targets', [repo.keys.targets.id]],
    ]);
    assert.notEqual(data.root.keys[0]!.canonicalId, repo.keys.root.id, 'the root key is a certificate: its canonical ID differs');
    assert.deepEqual(model.admin.map((r) => r.badge?.text), ['expires 2036-02-27', 'expires 2029-02-28']);
    assert.deepEqual(model.server.map((r) => r.role), ['snapshot', 'timestamp']);
  });

  void it('marks the soonest expiry among the roles the owner signs, and warns within the window', () => {
    const { repo } = signersRepo();
    repo.role('targets/alice').expires = repo.expiresIn(10 * DAY);
    repo.addTarget('targets/releases', 'v1', D1);
    const model = signersModel(verify(repo), options);
    assert.equal(model.nearest?.role, 'targets/alice', 'the 14-day timestamp is the server\'s');
    assert.equal(model.nearest?.badge.state, 'soon');
    assert.equal(model.signers.find((r) => r.label === 'alice')?.badge?.state, 'soon');
    assert.equal(model.signers.find((r) => r.label === 'releases')?.badge?.state, 'ok');
  });

  void it('shows a signer who never signed, and one docker ignores, without their data', () => {
    const { repo, alice } = signersRepo();
    repo.addTarget('targets/releases', 'v1', D1);
    repo.addTarget('targets/alice', 'v9', D2);
    const model = signersModel(verify(repo, { omitFromSnapshot: ['targets/bob'], signers: { 'targets/alice': [ecdsaKey()] } }), options);
    const bob = model.signers.find((r) => r.label === 'bob');
    const ali = model.signers.find((r) => r.label === 'alice');
    assert.equal(bob?.state, 'unpublished');
    assert.equal(bob?.badge, undefined);
    assert.equal(ali?.state, 'ignored');
    assert.match(ali?.problem ?? '', /threshold/);
    assert.deepEqual(ali?.keys.map((k) => k.id), [alice.id], 'keys come from the declaration');
    assert.deepEqual(model.tags.map((t) => t.tag), ['v1']);
  });

  void it('shows the canonical ID of a signer certificate, keeping the TUF key ID', () => {
    const { repo } = signersRepo();
    const data = verify(repo);
    const withCert: TrustData = {
      ...data,
      delegations: data.delegations.map((d) => (d.name === 'targets/alice' ? { ...d, keys: [{ id: 'f'.repeat(64), keytype: 'ecdsa-x509', canonicalId: 'c'.repeat(64) }] } : d)),
    };
    const alice = signersModel(withCert, options).signers.find((r) => r.label === 'alice');
    assert.deepEqual(alice?.keys, [{ id: 'c'.repeat(64), tufId: 'f'.repeat(64), keytype: 'ecdsa-x509' }]);
  });

  void it('has no signers and no tags for a fresh repository', () => {
    const model = signersModel(verify(new TestRepo({ gun: GUN, now: NOW })), options);
    assert.deepEqual([model.signers, model.tags], [[], []]);
    assert.equal(model.nearest?.role, 'targets');
  });
});

function result(text: string, status: TrustStatus, server: string | null = 'https://127.0.0.1:4443'): CheckResult {
  const occurrence = scanDockerfile('Dockerfile', `FROM ${text}\n`).references[0]!;
  return { target: { kind: 'reference', occurrence }, status, verdict: status === 'signed' || status === 'skipped' ? 'pass' : 'fail', signedDigest: null, role: null, signers: [], expires: null, findings: [], ...(server ? { trustServer: server } : {}) };
}

void describe('repositoriesOf', () => {
  void it('groups references by trust server and GUN, counting verdicts and documents', () => {
    const refs = repositoriesOf([
      { document: 'file:///a/Dockerfile', results: [result('alpine:3.19', 'signed'), result('alpine:3.20', 'unsigned'), result('127.0.0.1:5000/acme/app:v1', 'signed')] },
      { document: 'file:///b/compose.yaml', results: [result('docker.io/library/alpine:3.19', 'signed'), result('busybox', 'skipped', null)] },
    ]);
    assert.deepEqual(refs.map((r) => [r.name, r.key.gun, r.references, r.statuses, r.documents]), [
      ['127.0.0.1:5000/acme/app', '127.0.0.1:5000/acme/app', 1, { signed: 1 }, ['file:///a/Dockerfile']],
      ['alpine', 'docker.io/library/alpine', 3, { signed: 2, unsigned: 1 }, ['file:///a/Dockerfile', 'file:///b/compose.yaml']],
    ], 'a reference the policy ignores consulted no trust server');
    assert.equal(refs[1]!.id, 'https://127.0.0.1:4443\ndocker.io/library/alpine');
  });

  void it('adds the repositories of files that are only listed, unchecked, unless the file has verdicts', () => {
    const server = 'https://127.0.0.1:4443';
    const key = (gun: string) => ({ server, gun, registry: gun.split('/')[0]! });
    const refs = repositoriesOf(
      [{ document: 'file:///a/Dockerfile', results: [result('alpine:3.19', 'signed')] }],
      [
        // Checked already: its listing does not count twice.
        { document: 'file:///a/Dockerfile', keys: [key('docker.io/library/alpine')] },
        { document: 'file:///b/compose.yaml', keys: [key('docker.io/library/alpine'), key('127.0.0.1:5000/acme/app')] },
      ],
    );
    assert.deepEqual(refs.map((r) => [r.name, r.references, r.unchecked, r.statuses, r.documents]), [
      ['127.0.0.1:5000/acme/app', 1, 1, {}, ['file:///b/compose.yaml']],
      ['alpine', 2, 1, { signed: 1 }, ['file:///a/Dockerfile', 'file:///b/compose.yaml']],
    ]);
  });

  void it('keeps the same GUN on two trust servers apart', () => {
    const refs = repositoriesOf([{ document: 'd', results: [result('alpine', 'signed', 'https://a:4443'), result('alpine', 'signed', 'https://b:4443')] }]);
    assert.deepEqual(refs.map((r) => r.key.server), ['https://a:4443', 'https://b:4443']);
  });

  void it('finds a repository by GUN, short name or image reference', () => {
    const refs = repositoriesOf([{ document: 'd', results: [result('alpine:3.19', 'signed'), result('127.0.0.1:5000/acme/app:v1', 'signed')] }]);
    assert.equal(findRepository(refs, 'docker.io/library/alpine')?.name, 'alpine');
    assert.equal(findRepository(refs, 'alpine')?.name, 'alpine');
    assert.equal(findRepository(refs, 'alpine:3.20')?.name, 'alpine');
    assert.equal(findRepository(refs, `127.0.0.1:5000/acme/app@sha256:${D1}`)?.key.gun, GUN);
    assert.equal(findRepository(refs, 'nginx'), undefined);
    assert.equal(findRepository(refs, 'Not A Reference'), undefined);
  });

  void it('gives no repository key for a verdict without a trust server', () => {
    assert.equal(repositoryKeyOf(result('busybox', 'skipped', null)), undefined);
    assert.deepEqual(repositoryKeyOf(result('127.0.0.1:5000/acme/app:v1', 'signed')), { server: 'https://127.0.0.1:4443', gun: GUN, registry: '127.0.0.1:5000' });
  });
});
