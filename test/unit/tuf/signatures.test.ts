import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeTufKey, type TufPublicKey } from '../../../src/core/trust/dct/tuf/keys';
import { parseEnvelope } from '../../../src/core/trust/dct/tuf/parseMetadata';
import { verifySignatures } from '../../../src/core/trust/dct/tuf/signatures';
import { TufError } from '../../../src/core/trust/dct/tuf/tufErrors';
import { ecdsaKey, ed25519Key, rsaKey, sortedJson, type TestKey } from '../../helpers/tufRepo';

const signed = { _type: 'Targets', expires: '2030-01-01T00:00:00Z', targets: {}, version: 3 };
const canonical = Buffer.from(sortedJson(signed));

interface Sig { keyid: string; method: string; sig: Uint8Array }
const sigBy = (k: TestKey, over: Partial<Sig> = {}): Sig => ({ keyid: k.id, method: k.method, sig: k.sign(canonical), ...over });

function envelope(sigs: Sig[]) {
  const file = { signed, signatures: sigs.map((s) => ({ keyid: s.keyid, method: s.method, sig: Buffer.from(s.sig).toString('base64') })) };
  return parseEnvelope(Buffer.from(JSON.stringify(file)), 'targets');
}

function role(keys: TestKey[], threshold: number, filedAs?: string[]) {
  const map = new Map<string, TufPublicKey>();
  keys.forEach((k, i) => map.set(filedAs?.[i] ?? k.id, makeTufKey(k.keytype, k.public)));
  return { name: 'targets', keys: map, threshold };
}

const [a, b, c] = [ecdsaKey(), ed25519Key(), rsaKey()] as [TestKey, TestKey, TestKey];
const outsider = ecdsaKey();

void describe('verifySignatures (notary VerifySignatures)', () => {
  void it('meets a 2-of-3 threshold with mixed key types and reports who signed', () => {
    const report = verifySignatures(envelope([sigBy(a), sigBy(c)]), role([a, b, c], 2));
    assert.deepEqual(report.signedBy, [a.id, c.id]);
    assert.deepEqual(report.rejected, []);
  });

  void it('counts a key once however often it signs (duplicate signatures)', () => {
    assert.throws(
      () => verifySignatures(envelope([sigBy(a), sigBy(a), sigBy(a, { sig: a.sign(canonical) })]), role([a, b], 2)),
      (e) => TufError.isTuf(e, 'threshold-not-met') && e.role === 'targets' && e.message.includes('1 of 2'),
    );
  });

  void it('ignores signatures by keys not listed for the role', () => {
    const report = verifySignatures(envelope([sigBy(outsider), sigBy(b)]), role([a, b], 1));
    assert.deepEqual(report.signedBy, [b.id]);
    assert.deepEqual(report.rejected, [{ keyid: outsider.id, method: 'ecdsa', reason: 'unknown-key' }]);
    assert.throws(() => verifySignatures(envelope([sigBy(outsider)]), role([a], 1)), (e) => TufError.isTuf(e, 'threshold-not-met'));
  });

  void it('ignores invalid signatures, and fails when that leaves too few', () => {
    const bad = Buffer.from(a.sign(canonical));
    bad[5] = (bad[5] as number) ^ 0x80;
    const report = verifySignatures(envelope([sigBy(a, { sig: bad }), sigBy(b)]), role([a, b], 1));
    assert.deepEqual(report.signedBy, [b.id]);
    assert.equal(report.rejected[0]?.reason, 'bad-signature');
    assert.throws(
      () => verifySignatures(envelope([sigBy(a, { sig: bad }), sigBy(b)]), role([a, b], 2)),
      (e) => TufError.isTuf(e, 'threshold-not-met') && e.rejections.length === 1 && e.rejections[0]?.reason === 'bad-signature',
    );
  });

  void it('does not count a signature whose key type does not fit its method', () => {
    // b is an Ed25519 key; claiming its valid signature is "ecdsa" must not count.
    assert.throws(
      () => verifySignatures(envelope([sigBy(b, { method: 'ecdsa' })]), role([b], 1)),
      (e) => TufError.isTuf(e, 'threshold-not-met') && e.rejections[0]?.reason === 'wrong-key-type',
    );
    assert.throws(
      () => verifySignatures(envelope([sigBy(b, { method: 'ed25519' })]), role([b], 1)),
      (e) => TufError.isTuf(e, 'threshold-not-met') && e.rejections[0]?.reason === 'unsupported-method',
    );
  });

  void it('accepts the method in any case, as notary lower-cases it', () => {
    assert.deepEqual(verifySignatures(envelope([sigBy(c, { method: 'RSAPSS' })]), role([c], 1)).signedBy, [c.id]);
  });

  void it('refuses an envelope without signatures', () => {
    assert.throws(() => verifySignatures(envelope([]), role([a], 1)), (e) => TufError.isTuf(e, 'no-signatures'));
  });

  void it('fails at once when a signature names a role key filed under an ID that is not its content ID', () => {
    // Key `a` filed under b's ID; a valid signature by `a` claims that ID.
    const env = envelope([sigBy(c), sigBy(a, { keyid: b.id })]);
    assert.throws(() => verifySignatures(env, role([a, c], 1, [b.id, c.id])), (e) => TufError.isTuf(e, 'invalid-key-id'));
  });

  void it('only verifies over the canonical form of signed, not the wire bytes', () => {
    const spaced = Buffer.from(`{"signed": {"version": 3, "targets": {}, "expires": "2030-01-01T00:00:00Z", "_type": "Targets"}, "signatures": [{"keyid":"${a.id}","method":"ecdsa","sig":"${Buffer.from(a.sign(canonical)).toString('base64')}"}]}`);
    assert.deepEqual(verifySignatures(parseEnvelope(spaced, 'targets'), role([a], 1)).signedBy, [a.id]);
    const changed = Buffer.from(spaced.toString().replace('"version": 3', '"version": 4'));
    assert.throws(() => verifySignatures(parseEnvelope(changed, 'targets'), role([a], 1)), (e) => TufError.isTuf(e, 'threshold-not-met'));
  });
});
