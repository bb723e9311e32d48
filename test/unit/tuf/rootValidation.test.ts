import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { validateRoot, type RootCheck } from '../../../src/core/trust/dct/tuf/rootValidation';
import { TufError, type TufErrorCode } from '../../../src/core/trust/dct/tuf/tufErrors';
import { buildCertificate } from '../../helpers/tufCert';
import { ecdsaKey, fileMeta, goPem, keyJson, rootCertKey, type TestKey } from '../../helpers/tufRepo';
import { TestRepo } from '../../helpers/tufRepoBuilder';
import { NOTARY03_FILES, NOTARY03_GUN, NOTARY03_VALID_AT } from '../../helpers/tufVectors';

const GUN = 'registry.example.com:5000/team/app';
const NOW = new Date('2026-03-01T12:00:00Z');
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const clock = (d: Date) => ({ now: () => d });
const check = (over: Partial<RootCheck> = {}): RootCheck => ({ gun: GUN, clock: clock(NOW), minVersion: 1, allowExpired: false, ...over });

function fails(fn: () => unknown, code: TufErrorCode, ...words: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(TufError.isTuf(e, code), `expected ${code}, got ${String(e)}`);
    for (const w of words) assert.ok(e.message.includes(w), `"${e.message}" should mention "${w}"`);
    return true;
  });
}

/** Makes `key` (also) a root key of the repo. */
function setRootKeys(repo: TestRepo, keys: TestKey[], threshold = 1): void {
  for (const k of keys) repo.root.keys[k.id] = keyJson(k);
  repo.root.roles.root = { keyids: keys.map((k) => k.id), threshold };
}

void describe('validateRoot: certificates (trust on first use)', () => {
  void it('accepts a fresh notary-style root and reports the signing certificate key', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    const v = validateRoot(repo.build().root, check());
    assert.equal(v.root.version, 1);
    assert.deepEqual(v.signedBy, [repo.keys.root.id]);
  });

  void it('refuses a certificate whose CN is not the GUN', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW, keys: { root: rootCertKey('registry.example.com:5000/team/other', NOW) } });
    fails(() => validateRoot(repo.build().root, check()), 'cn-mismatch', 'unable to retrieve valid leaf certificates');
  });

  void it('accepts a wildcard CN whose prefix starts the GUN, and only that', () => {
    for (const [cn, ok] of [['registry.example.com:5000/team/*', true], ['registry.example.com:5000/te**', true], ['registry.example.com:5000/other/*', false]] as const) {
      const repo = new TestRepo({ gun: GUN, now: NOW, keys: { root: rootCertKey(cn, NOW) } });
      if (ok) assert.equal(validateRoot(repo.build().root, check()).root.version, 1, cn);
      else fails(() => validateRoot(repo.build().root, check()), 'cn-mismatch');
    }
  });

  void it('refuses an expired certificate once the clock passes NotAfter', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW, keys: { root: rootCertKey(GUN, NOW, { notAfter: new Date(NOW.getTime() + 30 * DAY) }) } });
    const bytes = repo.build().root;
    assert.equal(validateRoot(bytes, check({ clock: clock(new Date(NOW.getTime() + 30 * DAY)) })).root.version, 1);
    fails(() => validateRoot(bytes, check({ clock: clock(new Date(NOW.getTime() + 30 * DAY + 1000)) })), 'certificate-expired');
  });

  void it('allows a NotBefore up to one day ahead of the clock', () => {
    const make = (ahead: number) =>
      new TestRepo({ gun: GUN, now: NOW, keys: { root: rootCertKey(GUN, NOW, { notBefore: new Date(NOW.getTime() + ahead) }) } }).build().root;
    assert.equal(validateRoot(make(23 * HOUR), check()).root.version, 1);
    fails(() => validateRoot(make(25 * HOUR), check()), 'certificate-expired');
  });

  void it('refuses SHA-1 signed certificates and keys that are not certificates', () => {
    fails(() => validateRoot(new TestRepo({ gun: GUN, now: NOW, keys: { root: rootCertKey(GUN, NOW, { sigAlg: 'ecdsa-sha1' }) } }).build().root, check()), 'certificate-invalid');
    // A plain ecdsa key (DER, no certificate) as the root key: notary finds no leaf certificate.
    fails(() => validateRoot(new TestRepo({ gun: GUN, now: NOW, keys: { root: ecdsaKey() } }).build().root, check()), 'certificate-invalid');
  });

  void it('rebuilds the key with Go PEM: a root cert written with CRLF lines cannot sign for itself', () => {
    const crlf = rootCertKey(GUN, NOW, { pem: (der) => goPem(der).replace(/\n/g, '\r\n') });
    fails(() => validateRoot(new TestRepo({ gun: GUN, now: NOW, keys: { root: crlf } }).build().root, check()), 'threshold-not-met', 'integrity of roots');
  });

  void it('accepts a leaf followed by a CA certificate, but not a bundle starting with the CA', () => {
    const ca = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const caDer = buildCertificate({ cn: 'Test CA', notBefore: NOW, notAfter: new Date(NOW.getTime() + 3650 * DAY), publicKey: ca.publicKey, signingKey: ca.privateKey, isCA: true });
    const chained = rootCertKey(GUN, NOW, { pem: (leaf) => goPem(leaf) + goPem(caDer) });
    assert.equal(validateRoot(new TestRepo({ gun: GUN, now: NOW, keys: { root: chained } }).build().root, check()).root.version, 1);
    const reversed = rootCertKey(GUN, NOW, { pem: (leaf) => goPem(caDer) + goPem(leaf) });
    fails(() => validateRoot(new TestRepo({ gun: GUN, now: NOW, keys: { root: reversed } }).build().root, check()), 'certificate-invalid');
  });

  void it('checks the given hashes first', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    const bytes = repo.build().root;
    const other = new TestRepo({ gun: GUN, now: NOW }).build().root;
    fails(() => validateRoot(bytes, check({ expected: { length: bytes.length, hashes: new Map([['sha256', Buffer.from(fileMeta(other).hashes.sha256, 'base64')]]) } })), 'hash-mismatch');
  });
});

void describe('validateRoot: thresholds, versions, expiry, pinning', () => {
  void it('needs its own root threshold of valid certificate signatures', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    const second = rootCertKey(GUN, NOW);
    setRootKeys(repo, [repo.keys.root, second], 2);
    fails(() => validateRoot(repo.build().root, check()), 'threshold-not-met', '1 of 2');
    const both = validateRoot(repo.build({ signers: { root: [repo.keys.root, second] } }).root, check());
    assert.deepEqual([...both.signedBy].sort(), [repo.keys.root.id, second.id].sort());
  });

  void it('refuses a version below the minimum (rollback) and expired metadata unless allowed', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    repo.root.version = 2;
    repo.root.expires = '2026-03-01T11:59:59Z';
    const bytes = repo.build().root;
    fails(() => validateRoot(bytes, check({ minVersion: 3, allowExpired: true })), 'rollback', 'version 2 is lower than current version 3');
    fails(() => validateRoot(bytes, check()), 'expired', 'root expired at 2026-03-01T11:59:59Z');
    assert.equal(validateRoot(bytes, check({ allowExpired: true })).root.version, 2);
  });

  void it('applies certificate pinning when pinned IDs are given', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    const bytes = repo.build().root;
    const source = 'trustPinning.certs "x"';
    assert.equal(validateRoot(bytes, check({ pin: { kind: 'certs', ids: [repo.keys.root.id], source } })).root.version, 1);
    fails(() => validateRoot(bytes, check({ pin: { kind: 'certs', ids: ['0'.repeat(64)], source } })), 'root-invalid', 'trust_pinning', source, repo.keys.root.id);
  });

  void it('validates the notary 0.3 fixture root, whose certificate expired in July 2026', () => {
    const v = validateRoot(NOTARY03_FILES.root, check({ gun: NOTARY03_GUN, clock: clock(NOTARY03_VALID_AT) }));
    assert.deepEqual(v.signedBy, ['a367e24141e771fe071a669ec73d0b3edf860459c698d29b6d0793cc4a36695d']);
    fails(() => validateRoot(NOTARY03_FILES.root, check({ gun: NOTARY03_GUN, clock: clock(new Date('2026-08-01T00:00:00Z')) })), 'certificate-expired');
    fails(() => validateRoot(NOTARY03_FILES.root, check({ gun: 'docker.com/notary0.3/other', clock: clock(NOTARY03_VALID_AT) })), 'cn-mismatch');
  });
});

void describe('validateRoot: rotation', () => {
  function rotated(signers: 'old+new' | 'new' | 'old') {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    const v1 = validateRoot(repo.build().root, check());
    const oldKey = repo.keys.root;
    const newKey = rootCertKey(GUN, NOW);
    delete repo.root.keys[oldKey.id];
    setRootKeys(repo, [newKey]);
    repo.root.version = 2;
    const keys = signers === 'old+new' ? [oldKey, newKey] : signers === 'new' ? [newKey] : [oldKey];
    return { v1, bytes: repo.build({ signers: { root: keys } }).root };
  }

  void it('accepts a new root signed by the previous root keys and its own', () => {
    const { v1, bytes } = rotated('old+new');
    assert.equal(validateRoot(bytes, check({ previous: v1, minVersion: 1 })).root.version, 2);
  });

  void it('refuses a new root not signed by the previous root keys', () => {
    const { v1, bytes } = rotated('new');
    fails(() => validateRoot(bytes, check({ previous: v1 })), 'root-rotation-invalid', 'could not rotate trust');
    // Without a previous root (first use) the same file is acceptable: pinning is what protects.
    assert.equal(validateRoot(bytes, check()).root.version, 2);
  });

  void it('refuses a new root signed only by the previous keys', () => {
    const { v1, bytes } = rotated('old');
    fails(() => validateRoot(bytes, check({ previous: v1 })), 'threshold-not-met', 'integrity of roots');
  });
});
