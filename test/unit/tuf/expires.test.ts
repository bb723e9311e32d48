import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isExpired, parseExpiry } from '../../../src/core/trust/dct/tuf/expires';

const at = (iso: string) => ({ now: () => new Date(iso) });

void describe('parseExpiry', () => {
  void it('reads UTC with whole seconds, fractions of any length, and numeric offsets', () => {
    assert.equal(parseExpiry('2029-01-01T00:00:00Z')?.epochMs, Date.parse('2029-01-01T00:00:00Z'));
    assert.equal(parseExpiry('2016-07-27T10:00:00.000Z')?.epochMs, Date.parse('2016-07-27T10:00:00Z'));
    assert.equal(parseExpiry('2116-07-01T16:31:40.497193534-05:00')?.epochMs, Date.parse('2116-07-01T21:31:40.497Z'));
    assert.equal(parseExpiry('2020-02-29T23:59:59+01:30')?.epochMs, Date.parse('2020-02-29T22:29:59Z'));
    assert.equal(parseExpiry('0001-01-01T00:00:00Z')?.epochMs, Date.parse('0001-01-01T00:00:00Z'));
    assert.equal(parseExpiry('2029-01-01T00:00:00Z')?.text, '2029-01-01T00:00:00Z');
  });

  void it('refuses what Go refuses', () => {
    for (const bad of [
      '2029-01-01 00:00:00Z', '2029-01-01T00:00:00', '2029-1-01T00:00:00Z', '2029-01-01t00:00:00z', '2029-13-01T00:00:00Z',
      '2029-02-29T00:00:00Z', '2029-01-01T24:00:00Z', '2029-01-01T00:60:00Z', '2029-01-01T00:00:60Z', '2029-01-01T00:00:00.Z',
      '2029-01-01T00:00:00.1234567890Z', '2029-01-01T00:00:00+24:00', '', 'tomorrow',
    ]) {
      assert.equal(parseExpiry(bad), undefined, bad);
    }
  });
});

void describe('isExpired', () => {
  const expiry = parseExpiry('2029-01-01T00:00:00Z');
  assert.ok(expiry);

  void it('is expired only strictly after expires, with no tolerance', () => {
    assert.equal(isExpired(expiry, at('2028-12-31T23:59:59.999Z')), false);
    assert.equal(isExpired(expiry, at('2029-01-01T00:00:00.000Z')), false);
    assert.equal(isExpired(expiry, at('2029-01-01T00:00:00.001Z')), true);
  });
});
