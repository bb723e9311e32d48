/**
 * notary's trust pinning (`trustpinning/trustpin.go`, `certs.go` `ValidateRoot`): a certs pin
 * accepts the root certificates whose rebuilt key ID it lists; a CA pin those that chain to its
 * bundle as Go's `x509.Verify` decides (default options, so server-auth usage); `disableTOFU`
 * without a pin refuses; and the pin applies to the root being trusted, not the one it rotates from.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateRoot, type RootCheck } from '../../../src/core/trust/dct/tuf/rootValidation';
import { TrustedSet } from '../../../src/core/trust/dct/tuf/trustedSet';
import type { RootPin } from '../../../src/core/trust/dct/tuf/trustPin';
import { TufError, type TufErrorCode } from '../../../src/core/trust/dct/tuf/tufErrors';
import { parseCertificate } from '../../../src/core/crypto/x509';
import { goPem, keyJson, rootCertKey, testCa, type TestCa } from '../../helpers/tufRepo';
import { TestRepo } from '../../helpers/tufRepoBuilder';

const GUN = 'registry.example.com:5000/team/app';
const NOW = new Date('2026-03-01T12:00:00Z');
const DAY = 86_400_000;
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const clock = (d: Date) => ({ now: () => d });
const check = (pin: RootPin, over: Partial<RootCheck> = {}): RootCheck => ({ gun: GUN, clock: clock(NOW), minVersion: 1, allowExpired: false, pin, ...over });

function fails(fn: () => unknown, code: TufErrorCode, ...words: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(TufError.isTuf(e, code), `expected ${code}, got ${String(e)}`);
    for (const w of words) assert.ok(e.message.includes(w), `"${e.message}" should mention "${w}"`);
    return true;
  });
}

const caPin = (...cas: TestCa[]): RootPin => ({ kind: 'ca', cas: cas.map((c) => parseCertificate(c.der)!), source: 'trustPinning.ca "registry.example.com:5000/" (/ca.pem)' });

/** A root whose root key's certificate `ca` issued, with the given usages (default: server auth, as notary's own tests). */
function issuedRoot(ca: TestCa, options: { extKeyUsage?: readonly string[] | null; chain?: TestCa[]; notAfter?: Date } = {}): Uint8Array {
  const key = rootCertKey(GUN, NOW, {
    issuer: ca,
    extKeyUsage: options.extKeyUsage === undefined ? [SERVER_AUTH] : options.extKeyUsage,
    ...(options.notAfter ? { notAfter: options.notAfter } : {}),
    pem: (leaf) => goPem(leaf) + (options.chain ?? []).map((c) => c.pem).join(''),
  });
  return new TestRepo({ gun: GUN, now: NOW, keys: { root: key } }).build().root;
}

void describe('trust pinning: certs', () => {
  void it('accepts a root whose certificate key ID is pinned, refuses any other, naming the pin and the IDs it saw', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    const bytes = repo.build().root;
    assert.equal(validateRoot(bytes, check({ kind: 'certs', ids: ['f'.repeat(64), repo.keys.root.id], source: 'trustPinning.certs "a"' })).root.version, 1);
    fails(() => validateRoot(bytes, check({ kind: 'certs', ids: ['f'.repeat(64)], source: 'trustPinning.certs "registry.example.com:5000/*"' })),
      'root-invalid', 'unable to match any certificates to trust_pinning config', 'trustPinning.certs "registry.example.com:5000/*" pins ffff', repo.keys.root.id);
  });
});

void describe('trust pinning: a CA', () => {
  const ca = testCa('Pinned Root CA', NOW);
  const other = testCa('Other CA', NOW);

  void it('accepts a root certificate the pinned CA issued, and refuses one another CA issued', () => {
    assert.equal(validateRoot(issuedRoot(ca), check(caPin(ca))).root.version, 1);
    assert.equal(validateRoot(issuedRoot(ca), check(caPin(other, ca))).root.version, 1, 'any CA of the bundle');
    fails(() => validateRoot(issuedRoot(other), check(caPin(ca))), 'root-invalid', 'unable to match any certificates', 'no root certificate chains to it');
    fails(() => validateRoot(new TestRepo({ gun: GUN, now: NOW }).build().root, check(caPin(ca))), 'root-invalid', 'trustPinning.ca');
  });

  void it('follows an intermediate bundled after the leaf in root.json, and only a CA one', () => {
    const intermediate = testCa('Intermediate CA', NOW, { issuer: ca });
    assert.equal(validateRoot(issuedRoot(intermediate, { chain: [intermediate] }), check(caPin(ca))).root.version, 1);
    fails(() => validateRoot(issuedRoot(intermediate), check(caPin(ca))), 'root-invalid', 'trustPinning.ca');
  });

  void it('needs a path usable for server auth, as Go\'s Verify with default options: no usage or any usage, not code signing only', () => {
    assert.equal(validateRoot(issuedRoot(ca, { extKeyUsage: null }), check(caPin(ca))).root.version, 1);
    assert.equal(validateRoot(issuedRoot(ca, { extKeyUsage: ['2.5.29.37.0'] }), check(caPin(ca))).root.version, 1);
    fails(() => validateRoot(issuedRoot(ca, { extKeyUsage: ['1.3.6.1.5.5.7.3.3'] }), check(caPin(ca))), 'root-invalid', 'trustPinning.ca');
  });

  void it('refuses a path through an expired CA', () => {
    const expired = testCa('Expired CA', NOW, { notBefore: new Date(NOW.getTime() - 400 * DAY), notAfter: new Date(NOW.getTime() - DAY) });
    fails(() => validateRoot(issuedRoot(expired), check(caPin(expired))), 'root-invalid', 'trustPinning.ca');
  });
});

void describe('trust pinning: disableTOFU', () => {
  void it('refuses a repository no pin names, with notary\'s words and the reason', () => {
    const bytes = new TestRepo({ gun: GUN, now: NOW }).build().root;
    fails(() => validateRoot(bytes, check({ kind: 'refuse', source: `trustPinning.disableTOFU is true and neither trustPinning.certs nor trustPinning.ca names ${GUN}` })),
      'root-invalid', 'could not validate the path to a trusted root: invalid trust pinning specified', 'disableTOFU');
  });
});

void describe('trust pinning in TrustedSet: the root trusted now must match, not the one it rotates from', () => {
  void it('refuses a cached root that does not match the pin, and follows a rotation to a pinned key', () => {
    const repo = new TestRepo({ gun: GUN, now: NOW });
    const old = repo.build().root;
    const oldKey = repo.keys.root;
    const newKey = rootCertKey(GUN, NOW);
    delete repo.root.keys[oldKey.id];
    repo.root.keys[newKey.id] = keyJson(newKey);
    repo.root.roles.root = { keyids: [newKey.id], threshold: 1 };
    repo.root.version = 2;
    const rotated = repo.build({ signers: { root: [oldKey, newKey] } }).root;
    const pin: RootPin = { kind: 'certs', ids: [newKey.id], source: 'trustPinning.certs "x"' };
    const set = (p?: RootPin) => new TrustedSet({ gun: GUN, clock: clock(NOW), ...(p ? { pin: p } : {}) });

    assert.equal(set().loadRoot(old, { trustedRoot: old }).version, 1, 'control: without a pin the cached root stands');
    fails(() => set(pin).loadRoot(old, { trustedRoot: old }), 'root-invalid', 'trust_pinning');
    assert.equal(set(pin).loadRoot(rotated, { trustedRoot: old }).version, 2, 'the old root is checked for the rotation, the pin on the new one');
    fails(() => set({ ...pin, ids: [oldKey.id] }).loadRoot(rotated, { trustedRoot: old }), 'root-invalid', 'trust_pinning');
  });
});
