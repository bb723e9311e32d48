import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { reserialize, fileBytes } from '../../../src/core/trust/dct/signing/fileBytes';
import { goTimeText, targetsDoc } from '../../../src/core/trust/dct/signing/goShapes';
import { expiresFor, formatGoUtc } from '../../../src/core/trust/dct/signing/expiry';
import { NOTARY03_FILES } from '../../helpers/tufVectors';

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

void describe('file bytes as notary re-serialises them', () => {
  for (const role of ['root', 'targets', 'snapshot', 'timestamp'] as const) {
    void it(`gives back notary 0.3's ${role}.json byte for byte`, () => {
      assert.equal(text(reserialize(role, NOTARY03_FILES[role])), text(NOTARY03_FILES[role]));
    });
  }

  void it('writes `.000Z` as `Z`, a zero offset as Z, and keeps other offsets and significant digits', () => {
    assert.equal(goTimeText('2029-01-01T00:00:00.000Z'), '2029-01-01T00:00:00Z');
    assert.equal(goTimeText('2029-01-01T00:00:00.120Z'), '2029-01-01T00:00:00.12Z');
    assert.equal(goTimeText('2029-01-01T00:00:00+00:00'), '2029-01-01T00:00:00Z');
    assert.equal(goTimeText('2116-07-03T17:56:36.027379879-05:00'), '2116-07-03T17:56:36.027379879-05:00');
  });

  const envelope = (signed: string, sigs = '[]') => bytes(`{"signed":${signed},"signatures":${sigs}}`);
  const targets = '{"_type":"Targets","delegations":{"keys":{},"roles":[]},"expires":"2029-01-01T00:00:00Z","targets":{},"version":1}';

  void it('is byte-identical for a notary-shaped targets file and differs for every known deviation', () => {
    const good = envelope(targets, '[{"keyid":"ab","method":"ecdsa","sig":"AAAA"}]');
    assert.equal(text(reserialize('targets', good)), text(good));
    // Go lower-cases the method, compacts whitespace, trims `.000`, and writes a missing delegations as nulls.
    assert.match(text(reserialize('targets', envelope(targets, '[{"keyid":"ab","method":"ECDSA","sig":"AAAA"}]'))), /"method":"ecdsa"/);
    assert.equal(text(reserialize('targets', bytes(`{"signed": ${targets},"signatures":[]}`))), text(envelope(targets)));
    assert.match(text(reserialize('targets', envelope(targets.replace('00Z', '00.000Z')))), /"expires":"2029-01-01T00:00:00Z"/);
    const noDelegations = targets.replace('"delegations":{"keys":{},"roles":[]},', '');
    assert.match(text(reserialize('targets', envelope(noDelegations))), /"delegations":\{"keys":null,"roles":null\}/);
  });

  void it('drops fields the Go structs do not have, keeps nulls as nulls, omits empty paths', () => {
    const signed = JSON.parse(targets) as Record<string, unknown>;
    signed.extra = 1;
    signed.targets = null;
    signed.delegations = { keys: null, roles: [{ keyids: null, name: 'targets/a', paths: [], threshold: 1, terminating: true }] };
    assert.deepEqual(JSON.parse(JSON.stringify(targetsDoc(signed))), {
      _type: 'Targets',
      delegations: { keys: null, roles: [{ keyids: null, name: 'targets/a', threshold: 1 }] },
      expires: '2029-01-01T00:00:00Z',
      targets: null,
      version: 1,
    });
  });

  void it('HTML-escapes <, > and & in the file but not in the signed bytes', () => {
    const doc = targetsDoc(JSON.parse(targets) as Record<string, unknown>);
    doc.targets = { 'a<b&c': { hashes: {}, length: 1 } };
    assert.match(text(fileBytes(doc, [])), /"a\\u003cb\\u0026c"/);
  });
});

void describe('expiry of new versions', () => {
  const now = new Date('2026-03-01T12:34:56.789Z');
  void it('writes whole-second UTC without milliseconds', () => {
    assert.equal(formatGoUtc(now), '2026-03-01T12:34:56Z');
  });
  void it('uses notary defaults: root 3650 days, targets and delegations 3×365 days, timestamp 14 days', () => {
    assert.equal(expiresFor('root', now), '2036-02-27T12:34:56Z');
    assert.equal(expiresFor('targets/releases', now), '2029-02-28T12:34:56Z');
    assert.equal(expiresFor('snapshot', now), expiresFor('targets', now));
    assert.equal(expiresFor('timestamp', now), '2026-03-15T12:34:56Z');
  });
});
