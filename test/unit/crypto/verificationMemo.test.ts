/**
 * Signature answers are remembered by everything they depend on: a re-check of cached trust data
 * does not verify the same signature again, and no other input ever gets a remembered answer.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeTufKey } from '../../../src/core/trust/dct/tuf/keys';
import { rememberedAnswers, rememberedVerification } from '../../../src/core/trust/dct/tuf/verificationMemo';
import { verifySignature } from '../../../src/core/trust/dct/tuf/verifiers';
import { ecdsaKey } from '../../helpers/tufRepo';

const msg = Buffer.from('{"_type":"Snapshot","version":7}');

void describe('remembered signature answers', () => {
  void it('the same check is computed once; a change in any input is computed afresh', () => {
    const key = makeTufKey('ecdsa', Buffer.from('key bytes'));
    let computed = 0;
    const ask = (method: string, k = key, sig: Uint8Array = Buffer.from('sig'), message: Uint8Array = msg) => rememberedVerification(method, k, sig, message, () => {
      computed += 1;
      return true;
    });
    ask('ecdsa');
    ask('ecdsa');
    assert.equal(computed, 1);
    ask('ecdsa', makeTufKey('ecdsa', Buffer.from('key byteS')));
    ask('ecdsa', makeTufKey('ecdsa-x509', Buffer.from('key bytes')));
    ask('ecdsa', key, Buffer.from('siG'));
    ask('ecdsa', key, Buffer.from('sig'), Buffer.from('{"_type":"Snapshot","version":8}'));
    ask('rsapss');
    assert.equal(computed, 6);
    // Parts are length-prefixed: moving a byte from the signature to the message is another check.
    ask('ecdsa', key, Buffer.from('si'), Buffer.concat([Buffer.from('g'), msg]));
    assert.equal(computed, 7);
  });

  void it('a signature that verified does not make a tampered one verify', () => {
    const signer = ecdsaKey();
    const key = makeTufKey(signer.keytype, signer.public);
    const sig = signer.sign(msg);
    assert.equal(verifySignature('ecdsa', key, sig, msg), true);
    assert.equal(verifySignature('ecdsa', key, sig, msg), true, 'remembered');
    const tampered = Buffer.from(msg);
    tampered[5] = (tampered[5] as number) ^ 1;
    assert.equal(verifySignature('ecdsa', key, sig, tampered), false);
    const flipped = Buffer.from(sig);
    flipped[3] = (flipped[3] as number) ^ 1;
    assert.equal(verifySignature('ecdsa', key, flipped, msg), false);
    assert.equal(verifySignature('ecdsa', makeTufKey(ecdsaKey().keytype, ecdsaKey().public), sig, msg), false, 'another key');
    assert.equal(verifySignature('ecdsa', key, flipped, msg), false, 'a remembered failure stays a failure');
  });

  void it('keeps a bounded number of answers', () => {
    for (let i = 0; i < 1500; i += 1) rememberedVerification('ecdsa', makeTufKey('ecdsa', Buffer.from(`k${i}`)), Buffer.from('s'), msg, () => false);
    assert.ok(rememberedAnswers() <= 1024, `${rememberedAnswers()} answers kept`);
  });
});
