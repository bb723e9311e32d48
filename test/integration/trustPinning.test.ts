/**
 * Trust pinning for CI (`trustPinning` in `.trustlens.yaml`, notary's `trust_pinning`): a runner is
 * always at first use, so the policy pins root certificate key IDs or a CA instead. The real CLI,
 * each run with an empty cache as on a fresh runner, against the real stack through a proxy that can
 * serve a root the owner re-keyed with a CA-issued certificate. Also `trustlens trust forget`.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useCliAttack } from '../helpers/attack/cliProject';
import { editAndSign, parseFile } from '../helpers/attack/metadataFiles';
import { ownerRootKey, type OwnerRootKey } from '../helpers/attack/ownerKeys';
import { newServerKeys, serverSigned, setRoleKey, type ServerKeys } from '../helpers/attack/serverKeys';
import { serveRepo } from '../helpers/attack/tampers';
import { rootCertKey, testCa, type TestCa, type TestKey } from '../helpers/tufRepo';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

void describe('trust pinning for CI, on the real stack (trustlens check)', () => {
  const t = useCliAttack('pinning/app');
  let owner: OwnerRootKey;
  let serverKeys: ServerKeys;
  let ref: string;
  let digest: string;
  let rootKeyId: string;
  let namespace: string;

  before(async () => {
    owner = await ownerRootKey(t.f.owner, t.real.root);
    serverKeys = newServerKeys();
    ref = `${t.repo.gun}:v1`;
    digest = t.repo.images.v1!.digest;
    // The root certificate key ID, as `docker trust inspect` prints it under "Root Key".
    rootKeyId = parseFile(t.real.root).signed.roles.root.keyids[0] as string;
    namespace = `${t.f.stack.registry.host}/pinning/`;
  });

  /** One `check` run on a fresh runner (empty cache) with `pinning` as the policy's trustPinning. */
  const checkWith = async (pinning: string, refresh = false) => {
    await t.project.writePolicy(`trustPinning:\n${pinning}`);
    const run = await t.project.check([ref], refresh ? ['--refresh'] : []);
    const r = run.byText.get(ref)!;
    return { code: run.code, status: r.status, signedDigest: r.signedDigest, message: r.findings.map((x) => x.message).join(' | '), stderr: run.stderr };
  };

  void it('control: without pinning, the first use trusts the root', async () => {
    const run = await t.project.check([ref]);
    assert.deepEqual([run.code, run.byText.get(ref)!.status], [0, 'signed']);
  });

  void it('certs: the GUN\'s pinned root certificate key ID verifies; a wildcard pin too', async () => {
    const exact = await checkWith(`  certs:\n    "${t.repo.gun}": [${rootKeyId}]\n`);
    assert.deepEqual([exact.code, exact.status, exact.signedDigest], [0, 'signed', digest], exact.message);
    await t.project.clearCache();
    const wildcard = await checkWith(`  certs:\n    "${namespace}*": [${rootKeyId}]\n  disableTOFU: true\n`);
    assert.deepEqual([wildcard.code, wildcard.status], [0, 'signed'], wildcard.message);
  });

  void it('certs: a root that does not match the pin is invalid, naming the pin and the key it found', async () => {
    const other = 'e'.repeat(64);
    const r = await checkWith(`  certs:\n    "${t.repo.gun}": [${other}]\n`);
    assert.deepEqual([r.code, r.status, r.signedDigest], [1, 'invalid', null]);
    assert.match(r.message, new RegExp(`unable to match any certificates to trust_pinning config \\(trustPinning\\.certs "${t.repo.gun.replace(/\./g, '\\.')}" pins ${other}; the root's certificate key IDs: ${rootKeyId}\\)`));
  });

  void it('certs: the GUN\'s own entry wins over a wildcard, as in notary', async () => {
    const r = await checkWith(`  certs:\n    "${t.repo.gun}": [${'e'.repeat(64)}]\n    "${namespace}*": [${rootKeyId}]\n`);
    assert.equal(r.status, 'invalid', r.message);
  });

  void it('a pin added later holds against a root already cached on first use', async () => {
    assert.equal((await t.project.check([ref])).byText.get(ref)!.status, 'signed');
    const r = await checkWith(`  certs:\n    "${t.repo.gun}": [${'e'.repeat(64)}]\n`);
    assert.deepEqual([r.code, r.status], [1, 'invalid'], 'the editor\'s cache and a fresh CI runner agree');
  });

  void it('disableTOFU: a repository neither certs nor ca names is refused, saying why', async () => {
    const r = await checkWith(`  certs:\n    "${t.f.stack.registry.host}/other/app": [${rootKeyId}]\n  disableTOFU: true\n`);
    assert.deepEqual([r.code, r.status], [1, 'invalid']);
    assert.match(r.message, new RegExp(`invalid trust pinning specified: trustPinning\\.disableTOFU is true and neither trustPinning\\.certs nor trustPinning\\.ca names ${t.repo.gun.replace(/\./g, '\\.')}`));
  });

  void describe('ca: a root whose certificate the pinned CA issued', () => {
    let ca: TestCa;
    let other: TestCa;
    let issued: TestKey;

    before(async () => {
      ca = testCa('TrustLens Test Root CA', new Date());
      other = testCa('Another CA', new Date());
      // The owner rotates the root to a key whose certificate the CA issued (signed by the old root and the new key).
      issued = rootCertKey(t.repo.gun, new Date(), { issuer: ca, extKeyUsage: [SERVER_AUTH] });
      await writeFile(join(t.project.dir, 'acme-ca.pem'), ca.pem);
      await writeFile(join(t.project.dir, 'other-ca.pem'), other.pem);
    });
    const serveIssuedRoot = () => {
      const root = editAndSign(t.real.root, [owner, issued], (s) => {
        setRoleKey(s, 'root', issued);
        setRoleKey(s, 'timestamp', serverKeys.timestamp);
        setRoleKey(s, 'snapshot', serverKeys.snapshot);
        s.version = (s.version as number) + 1;
      });
      t.f.tamper(serveRepo(t.repo.gun, serverSigned(t.real, root, serverKeys)));
    };

    void it('verifies with the CA bundle named relative to the policy file', async () => {
      serveIssuedRoot();
      const r = await checkWith(`  ca:\n    "${namespace}": acme-ca.pem\n  disableTOFU: true\n`);
      assert.ok(t.f.server.served.some((s) => s.file === 'root.json' && s.how === 'bytes'), 'the re-keyed root was served');
      assert.deepEqual([r.code, r.status, r.signedDigest], [0, 'signed', digest], r.message);
    });

    void it('is invalid when the CA did not issue it, naming the pin; and the owner\'s self-signed root is refused too', async () => {
      serveIssuedRoot();
      const wrong = await checkWith(`  ca:\n    "${namespace}": other-ca.pem\n`);
      assert.deepEqual([wrong.code, wrong.status], [1, 'invalid']);
      assert.match(wrong.message, /unable to match any certificates to trust_pinning config \(trustPinning\.ca ".*pinning\/" \(.*other-ca\.pem\): no root certificate chains to it/);
      t.f.honest();
      await t.project.clearCache();
      const selfSigned = await checkWith(`  ca:\n    "${namespace}": acme-ca.pem\n`);
      assert.deepEqual([selfSigned.code, selfSigned.status], [1, 'invalid'], selfSigned.message);
    });

    void it('fails closed when the CA bundle cannot be read', async () => {
      const r = await checkWith(`  ca:\n    "${namespace}": missing-ca.pem\n`);
      assert.deepEqual([r.code, r.status], [1, 'invalid']);
      assert.match(r.message, /could not load root cert from CA path: trustPinning\.ca .*missing-ca\.pem/);
    });
  });

  void describe('trustlens trust forget', () => {
    void it('drops a root pinned on first use, with a warning of what that means: the next check trusts any root again', async () => {
      assert.equal((await t.project.check([ref])).byText.get(ref)!.status, 'signed');
      // The server now presents a root the pinned one did not sign: pinned, it is refused.
      const attacker = rootCertKey(t.repo.gun, new Date());
      const takeover = editAndSign(t.real.root, [attacker], (s) => {
        setRoleKey(s, 'root', attacker);
        setRoleKey(s, 'timestamp', serverKeys.timestamp);
        setRoleKey(s, 'snapshot', serverKeys.snapshot);
        s.version = (s.version as number) + 1;
      });
      t.f.tamper(serveRepo(t.repo.gun, serverSigned(t.real, takeover, serverKeys)));
      const pinned = await t.project.check([ref], ['--refresh']);
      assert.equal(pinned.byText.get(ref)!.status, 'invalid');

      const forget = await t.project.run(['trust', 'forget', ref]);
      assert.equal(forget.code, 0, forget.stderr);
      assert.match(forget.stdout, new RegExp(`Forgot the pinned root and cached trust data of ${t.repo.gun.replace(/\./g, '\\.')} on ${t.f.server.url.replace(/\./g, '\\.')}`));
      assert.match(forget.stderr, /^warning: the root of .* is no longer pinned\.\nThe next check trusts whatever root .* presents, on first use: .*an attacker/s);
      assert.deepEqual((await readdir(t.project.cacheDir, { recursive: true })).filter((p) => p.endsWith('root.json')), []);

      // What forgetting means: the replaced root is now trusted on first use.
      t.f.tamper(serveRepo(t.repo.gun, serverSigned(t.real, takeover, serverKeys)));
      assert.equal((await t.project.check([ref])).byText.get(ref)!.status, 'signed');
      const again = await t.project.run(['trust', 'forget', t.repo.gun]);
      assert.equal(again.code, 0);
      t.f.honest();
      const nothing = await t.project.run(['trust', 'forget', 'pinning/never-checked']);
      assert.deepEqual([nothing.code, nothing.stderr], [0, '']);
      assert.match(nothing.stdout, /nothing to forget/);
    });
  });
});
