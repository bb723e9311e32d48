import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseEnvelope, parseRoot, parseSnapshot, parseTargets, parseTimestamp } from '../../../src/core/trust/dct/tuf/parseMetadata';
import { fileMetaMap, targetsField } from '../../../src/core/trust/dct/tuf/parseFields';
import { TufError, type TufErrorCode } from '../../../src/core/trust/dct/tuf/tufErrors';
import { NOTARY03_FILES } from '../../helpers/tufVectors';

const enc = (s: string) => Buffer.from(s, 'utf8');
const signedOf = (file: Uint8Array) => parseEnvelope(file, 'x').signed;

function fails(fn: () => unknown, code: TufErrorCode, ...words: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(TufError.isTuf(e, code), `expected ${code}, got ${String(e)}`);
    for (const w of words) assert.ok(e.message.includes(w), `"${e.message}" should mention "${w}"`);
    return true;
  });
}

void describe('parseEnvelope', () => {
  void it('parses signatures, lower-cases methods and re-canonicalises signed', () => {
    const env = parseEnvelope(enc('{"signatures":[{"keyid":"ab","method":"ECDSA","sig":"AAEC"}], "signed": {"b": 1, "a": 2}}'), 'targets');
    assert.deepEqual(env.signatures, [{ keyid: 'ab', method: 'ecdsa', sig: new Uint8Array([0, 1, 2]) }]);
    assert.equal(Buffer.from(env.signedBytes).toString(), '{"a":2,"b":1}');
  });

  void it('treats missing or null signatures as none (the threshold check then refuses it)', () => {
    assert.equal(parseEnvelope(enc('{"signed":{}}'), 'targets').signatures.length, 0);
    assert.equal(parseEnvelope(enc('{"signed":{},"signatures":null}'), 'targets').signatures.length, 0);
  });

  void it('refuses bytes that are not UTF-8 JSON, including a BOM', () => {
    fails(() => parseEnvelope(enc('{"signed":'), 'timestamp'), 'malformed', 'timestamp');
    fails(() => parseEnvelope(Buffer.from([0x7b, 0xff, 0x7d]), 'timestamp'), 'malformed');
    fails(() => parseEnvelope(enc('\ufeff{"signed":{},"signatures":[]}'), 'timestamp'), 'malformed');
  });

  void it('names the field when the shape is wrong', () => {
    fails(() => parseEnvelope(enc('[]'), 'root'), 'malformed', 'root', 'file');
    fails(() => parseEnvelope(enc('{"signed":[],"signatures":[]}'), 'root'), 'malformed', 'signed');
    fails(() => parseEnvelope(enc('{"signed":{},"signatures":{}}'), 'root'), 'malformed', 'signatures');
    fails(() => parseEnvelope(enc('{"signed":{},"signatures":[{"keyid":1}]}'), 'root'), 'malformed', 'signatures.0.keyid');
    fails(() => parseEnvelope(enc('{"signed":{},"signatures":[{"sig":"a-b_"}]}'), 'root'), 'malformed', 'signatures.0.sig');
    fails(() => parseEnvelope(enc('{"signed":{},"signatures":[{"sig":"AAE"}]}'), 'root'), 'malformed', 'base64');
  });

  void it('refuses signed content Go cannot canonicalise', () => {
    fails(() => parseEnvelope(enc('{"signed":{"version":1.5},"signatures":[]}'), 'snapshot'), 'malformed', 'snapshot');
  });
});

void describe('role parsers on real notary metadata', () => {
  void it('reads the notary 0.3 fixture', () => {
    const root = parseRoot(signedOf(NOTARY03_FILES.root));
    assert.equal(root.version, 1);
    assert.equal(root.keys.size, 4);
    assert.deepEqual(root.roles.get('timestamp'), { keyids: ['15ea4d8bfa0e0b30b9f2c8ee96d58020b70e019e18a8625a7b996e3c40aa9c7a'], threshold: 1 });
    const targets = parseTargets(signedOf(NOTARY03_FILES.targets), 'targets');
    assert.equal(targets.version, 2);
    assert.equal(targets.targets['LICENSE']?.length, 11309);
    assert.equal(parseSnapshot(signedOf(NOTARY03_FILES.snapshot)).meta.get('root')?.length, 2421);
    assert.equal(parseTimestamp(signedOf(NOTARY03_FILES.timestamp)).snapshot.length, 687);
  });
});

const EXP = '"expires":"2030-01-01T00:00:00Z"';
const SHA256 = Buffer.alloc(32, 1).toString('base64');
const obj = (s: string) => JSON.parse(s) as Record<string, unknown>;

void describe('structure checks', () => {
  void it('refuses the wrong _type with wrong-type, and versions below 1', () => {
    fails(() => parseTimestamp(obj(`{"_type":"Snapshot",${EXP},"version":1,"meta":{}}`)), 'wrong-type', 'Timestamp', 'Snapshot');
    fails(() => parseTargets(obj(`{"_type":"targets",${EXP},"version":1}`), 'targets'), 'wrong-type');
    fails(() => parseTargets(obj(`{"_type":"Targets",${EXP},"version":0}`), 'targets'), 'malformed', 'version');
    fails(() => parseTargets(obj(`{"_type":"Targets",${EXP}}`), 'targets'), 'malformed', 'version');
    fails(() => parseTargets(obj(`{"_type":"Targets","expires":"soon","version":1}`), 'targets'), 'malformed', 'expires');
  });

  void it('requires every base role in root, thresholds ≥ 1 and keys for every key ID', () => {
    const key = '"k1":{"keytype":"ecdsa","keyval":{"private":null,"public":"AAAA"}}';
    const role = (t = 1, id = 'k1') => `{"keyids":["${id}"],"threshold":${t}}`;
    const roles = (r: string) => `{"_type":"Root",${EXP},"version":1,"keys":{${key}},"roles":${r}}`;
    const all = (over: Record<string, string> = {}) =>
      `{${['root', 'targets', 'snapshot', 'timestamp'].map((n) => `"${n}":${over[n] ?? role()}`).join(',')}}`;
    assert.equal(parseRoot(obj(roles(all()))).roles.size, 4);
    fails(() => parseRoot(obj(roles('{"root":' + role() + '}'))), 'malformed', 'missing the targets role');
    fails(() => parseRoot(obj(roles(all({ snapshot: 'null' })))), 'malformed', 'snapshot');
    fails(() => parseRoot(obj(roles(all({ timestamp: role(0) })))), 'malformed', 'threshold');
    fails(() => parseRoot(obj(roles(all({ targets: role(1, 'k2') })))), 'malformed', 'k2');
  });

  void it('requires direct-child delegations with known keys, and drops nothing else', () => {
    const key = '"k1":{"keytype":"ecdsa","keyval":{"private":null,"public":"AAAA"}}';
    const deleg = (roleJson: string) => obj(`{"_type":"Targets",${EXP},"version":1,"targets":{},"delegations":{"keys":{${key}},"roles":[${roleJson}]}}`);
    const t = parseTargets(deleg('{"keyids":["k1"],"name":"targets/releases","paths":[""],"threshold":1}'), 'targets');
    assert.deepEqual(t.delegations.roles[0], { name: 'targets/releases', keyids: ['k1'], threshold: 1, paths: [''] });
    fails(() => parseTargets(deleg('{"keyids":["k1"],"name":"targets/a/b","threshold":1}'), 'targets'), 'malformed', 'targets/a/b');
    fails(() => parseTargets(deleg('{"keyids":["k1"],"name":"targets/A","threshold":1}'), 'targets'), 'malformed');
    fails(() => parseTargets(deleg('{"keyids":["k1"],"name":"targets/a/","threshold":1}'), 'targets'), 'malformed');
    fails(() => parseTargets(deleg('{"keyids":["k9"],"name":"targets/a","threshold":1}'), 'targets'), 'malformed', 'k9');
    fails(() => parseTargets(deleg('{"keyids":["k1"],"name":"targets/a","threshold":0}'), 'targets'), 'malformed', 'threshold');
    assert.equal(parseTargets(deleg('{"keyids":["k1"],"name":"targets/a/b","threshold":1}'), 'targets/a').delegations.roles.length, 1);
    fails(() => parseTargets(deleg(''), 'targets/'), 'unknown-role');
  });

  void it('ignores path_hash_prefixes, which notary does not have: such a role has no paths', () => {
    const key = '"k1":{"keytype":"ecdsa","keyval":{"private":null,"public":"AAAA"}}';
    const t = parseTargets(
      obj(`{"_type":"Targets",${EXP},"version":1,"delegations":{"keys":{${key}},"roles":[{"keyids":["k1"],"name":"targets/a","path_hash_prefixes":["ab"],"threshold":1}]}}`),
      'targets',
    );
    assert.deepEqual(t.delegations.roles[0]?.paths, []);
  });

  void it('reads null or missing maps as empty, as Go does', () => {
    const t = parseTargets(obj(`{"_type":"Targets",${EXP},"version":1,"targets":null,"delegations":{"keys":null,"roles":null}}`), 'targets');
    assert.equal(Object.keys(t.targets).length, 0);
    assert.equal(t.delegations.roles.length, 0);
  });

  void it('requires valid sha256 meta for snapshot.root, snapshot.targets and timestamp.snapshot', () => {
    const meta = (hashes: string) => `{"hashes":{${hashes}},"length":10}`;
    const snap = (root: string, targets: string) => obj(`{"_type":"Snapshot",${EXP},"version":1,"meta":{"root":${root},"targets":${targets}}}`);
    assert.equal(parseSnapshot(snap(meta(`"sha256":"${SHA256}"`), meta(`"sha256":"${SHA256}"`))).meta.size, 2);
    fails(() => parseSnapshot(snap(meta(`"sha256":"${SHA256}"`), meta(`"sha512":"${Buffer.alloc(64).toString('base64')}"`))), 'malformed', 'targets sha256');
    fails(() => parseSnapshot(snap(meta(`"sha256":"AAAA"`), meta(`"sha256":"${SHA256}"`))), 'malformed', 'root', '32 bytes');
    fails(() => parseSnapshot(obj(`{"_type":"Snapshot",${EXP},"version":1,"meta":{"root":${meta(`"sha256":"${SHA256}"`)},"targets":{"hashes":{"sha256":"${SHA256}"},"length":-1}}}`)), 'malformed', 'length');
    fails(() => parseTimestamp(obj(`{"_type":"Timestamp",${EXP},"version":1,"meta":{}}`)), 'malformed', 'snapshot sha256');
  });
});

void describe('targets index', () => {
  /** What the index held when it was built from `fileMetaMap`'s byte arrays. */
  const fromFileMeta = (value: unknown): unknown => {
    const out = Object.create(null) as Record<string, unknown>;
    for (const [name, meta] of fileMetaMap(value, { role: 'targets', path: 'signed.targets' })) {
      const sha256 = meta.hashes.get('sha256');
      const sha512 = meta.hashes.get('sha512');
      out[name] = {
        length: meta.length,
        ...(sha256 && sha256.length > 0 ? { sha256: Buffer.from(sha256).toString('hex') } : {}),
        ...(sha512 && sha512.length > 0 ? { sha512: Buffer.from(sha512).toString('hex') } : {}),
        ...(meta.custom === undefined ? {} : { custom: meta.custom }),
      };
    }
    return out;
  };
  const outcome = (f: () => unknown): unknown => {
    try {
      return f();
    } catch (e) {
      assert.ok(TufError.isTuf(e, 'malformed'), String(e));
      return e.message;
    }
  };

  void it('accepts and refuses exactly what the file meta parser does, with the same messages', () => {
    const sha = Buffer.alloc(32, 7).toString('base64');
    const values = [
      'null', '{}', '[]', '"x"', '{"a":null}', '{"a":[]}', '{"a":1}', '{"a":{}}', '{"__proto__":{"length":3}}',
      '{"a":{"length":-1}}', '{"a":{"length":1.5}}', '{"a":{"length":"3"}}', '{"a":{"length":null,"hashes":null}}', '{"a":{"length":-0}}',
      `{"a":{"length":3,"hashes":{"sha256":"${sha}"}},"b":{"length":4,"hashes":{"sha512":"${Buffer.alloc(64, 1).toString('base64')}","md5":"AAAA"}}}`,
      '{"a":{"hashes":[]}}', '{"a":{"hashes":"x"}}', '{"a":{"hashes":{"sha256":""}}}', '{"a":{"hashes":{"sha256":null}}}',
      '{"a":{"hashes":{"sha256":"AAA"}}}', '{"a":{"hashes":{"sha256":"A==="}}}', '{"a":{"hashes":{"sha256":"AA=="}}}', '{"a":{"hashes":{"sha256":"AA\\nAA=="}}}',
      '{"a":{"hashes":{"sha256":"AA-_"}}}', '{"a":{"hashes":{"sha256":"AAé="}}}', '{"a":{"hashes":{"sha256":3}}}', '{"a":{"hashes":{"other":"!"}}}',
      '{"a":{"length":1,"custom":{"x":1}}}', '{"a":{"length":1,"custom":null}}', '{"2":{"length":2},"10":{"length":10},"x":{"hashes":{"sha256":"AA=="}}}',
      `{"a":{"hashes":{"sha256":"${Buffer.alloc(300, 9).toString('base64')}"}}}`,
    ];
    for (const text of values) {
      const value: unknown = JSON.parse(text);
      assert.deepEqual(
        outcome(() => targetsField(value, { role: 'targets', path: 'signed.targets' })),
        outcome(() => fromFileMeta(value)),
        text,
      );
    }
  });
});
