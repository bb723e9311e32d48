import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { canonicalize, canonicalString, goQuote, serializeSignedFile } from '../../../src/core/trust/dct/tuf/canonicalJson';
import { TufError } from '../../../src/core/trust/dct/tuf/tufErrors';
import { NOTARY03_FILES } from '../../helpers/tufVectors';

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const bytes = (v: unknown) => [...canonicalize(v)];

void describe('canonicalize', () => {
  void it('matches the protocol doc worked example (§2.5): sorted keys, no whitespace, raw <', () => {
    const value: unknown = JSON.parse('{"b":1,"a":"x\\"y<","c":[true,null],"d":{"z":{},"y":[]}}');
    assert.equal(text(canonicalize(value)), '{"a":"x\\"y<","b":1,"c":[true,null],"d":{"y":[],"z":{}}}');
  });

  void it('hashes the doc key object to the fixture key ID 041b64da…', () => {
    const key = {
      keyval: { public: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAENgK7kx/HdvmLUG4733JIJd0Bv6FML8SVEmgGynvhl64nCVmWzTLdziS1bMUgb6hlSkqTYtvyOCC5YMY+GrAH+Q==', private: null },
      keytype: 'ecdsa',
    };
    assert.equal(
      text(canonicalize(key)),
      '{"keytype":"ecdsa","keyval":{"private":null,"public":"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAENgK7kx/HdvmLUG4733JIJd0Bv6FML8SVEmgGynvhl64nCVmWzTLdziS1bMUgb6hlSkqTYtvyOCC5YMY+GrAH+Q=="}}',
    );
    assert.equal(createHash('sha256').update(canonicalize(key)).digest('hex'), '041b64dab281324ef2b62fd2d04f4758269e120ff063b7bc78709272821a0a02');
  });

  void it('escapes only the quote and the backslash; everything else is raw UTF-8', () => {
    assert.deepEqual(bytes('a"b\\c'), [...Buffer.from('"a\\"b\\\\c"')]);
    assert.deepEqual(bytes('\u0001\n'), [0x22, 0x01, 0x0a, 0x22]);
    assert.deepEqual(bytes('<>&'), [...Buffer.from('"<>&"')]);
    assert.deepEqual(bytes('\u2028\u2029'), [0x22, 0xe2, 0x80, 0xa8, 0xe2, 0x80, 0xa9, 0x22]);
    assert.deepEqual(bytes('é'), [0x22, 0xc3, 0xa9, 0x22]);
  });

  void it('writes a lone surrogate as U+FFFD, as Go decodes it', () => {
    assert.deepEqual(bytes('\ud800'), [0x22, 0xef, 0xbf, 0xbd, 0x22]);
  });

  void it('sorts keys by UTF-8 bytes, not UTF-16 code units', () => {
    // UTF-16 puts U+10000 (a surrogate pair, 0xD800…) before U+FFFF; UTF-8 puts it after.
    assert.equal(canonicalString({ '\u{10000}': 1, '\uffff': 2, a: 3 }), '{"a":3,"\uffff":2,"\u{10000}":1}');
  });

  void it('prints integral numbers as int64 decimals', () => {
    assert.equal(canonicalString([1.0, 1e2, -0, -42, 2 ** 62]), '[1,100,0,-42,4611686018427387904]');
  });

  void it('refuses fractions, non-finite and out-of-int64 numbers as malformed', () => {
    for (const n of [1.5, Number.NaN, Infinity, 2 ** 63, -(2 ** 64)]) {
      assert.throws(() => canonicalize([n]), (e) => TufError.isTuf(e, 'malformed'), String(n));
    }
  });

  void it('refuses absurd nesting instead of overflowing the stack', () => {
    const deep: unknown = JSON.parse(`${'['.repeat(600)}${']'.repeat(600)}`);
    assert.throws(() => canonicalize(deep), (e) => TufError.isTuf(e, 'malformed'));
  });

  void it('reproduces the signed bytes of every notary fixture file', () => {
    for (const [role, file] of Object.entries(NOTARY03_FILES)) {
      const raw = text(file);
      const signedText = raw.slice('{"signed":'.length, raw.indexOf(',"signatures":'));
      const parsed = JSON.parse(raw) as { signed: unknown };
      assert.equal(text(canonicalize(parsed.signed)), signedText, role);
    }
  });
});

/**
 * Canonical JSON written the plain way, node by node (keys sorted by UTF-8 bytes, only `"` and `\`
 * escaped), to check the fast path that lets JSON.stringify write canonical subtrees.
 */
function reference(value: unknown, depth = 0): string {
  if (depth > 512) throw new TufError('malformed', 'too deep');
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || Math.abs(value) >= 2 ** 63) throw new TufError('malformed', 'number');
    return Number.isSafeInteger(value) ? String(value === 0 ? 0 : value) : BigInt(value).toString();
  }
  if (Array.isArray(value)) return `[${value.map((v) => reference(v, depth + 1)).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return `{${keys.map((k) => `${reference(k)}:${reference(obj[k], depth + 1)}`).join(',')}}`;
  }
  throw new TufError('malformed', typeof value);
}

/** A small deterministic PRNG, so that a failure can be reproduced. */
function prng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

void describe('canonicalize: the fast path agrees with node-by-node writing', () => {
  const pieces = ['a', 'b', 'z', '1', '2', '10', '09', '__proto__', 'toJSON', '\u0001', '\n', '"', '\\', '<&>', '\u2028', 'é', '\uffff', '\u{10000}', '\ud800', '\udc00', ' ', '\u007f'];
  const numbers = [0, -0, 1, -1, 42, 2 ** 53 - 1, 2 ** 53, 2 ** 60 + 2 ** 10, -(2 ** 62), 1.5, 1e21];
  const generate = (random: () => number, depth: number): unknown => {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const string = () => Array.from({ length: Math.floor(random() * 3) }, () => pick(pieces)).join('');
    const r = random();
    if (depth > 3 || r < 0.3) {
      return pick<() => unknown>([() => null, () => true, () => false, string, () => pick(numbers)])();
    }
    if (r < 0.5) return Array.from({ length: Math.floor(random() * 4) }, () => generate(random, depth + 1));
    const obj: Record<string, unknown> = random() < 0.1 ? Object.create(null) : {};
    for (let i = Math.floor(random() * 5); i > 0; i -= 1) obj[string()] = generate(random, depth + 1);
    return obj;
  };
  const outcome = (f: () => string): string => {
    try {
      return f();
    } catch (e) {
      assert.ok(TufError.isTuf(e, 'malformed'), String(e));
      return 'malformed';
    }
  };

  void it('on 20,000 random values with control characters, surrogates, integer-like keys and large numbers', () => {
    const random = prng(20_251_123);
    for (let i = 0; i < 20_000; i += 1) {
      const value = generate(random, 0);
      assert.equal(outcome(() => canonicalString(value)), outcome(() => reference(value)), JSON.stringify(value));
    }
  });

  void it('writes keys in byte order when the object holds them otherwise (integer-like tags come first in JS)', () => {
    assert.equal(canonicalString(JSON.parse('{"targets":{"2":{"length":2},"10":{"length":10},"1":{"length":1},"latest":{}}}')),
      '{"targets":{"1":{"length":1},"10":{"length":10},"2":{"length":2},"latest":{}}}');
  });

  void it('ignores what a modified Object.prototype adds: only own keys count, and no toJSON is called', () => {
    const value: unknown = JSON.parse('{"b":{"y":1,"x":[2,{"k":"v"}]},"a":"<"}');
    const proto = Object.prototype as Record<string, unknown>;
    try {
      Object.defineProperty(proto, 'zInherited', { value: 1, enumerable: true, configurable: true });
      assert.equal(canonicalString(value), reference(value));
      delete proto.zInherited;
      Object.defineProperty(proto, 'toJSON', { value: () => 'replaced', enumerable: false, configurable: true });
      assert.equal(canonicalString(value), reference(value));
    } finally {
      delete proto.zInherited;
      delete proto.toJSON;
    }
    assert.equal(canonicalString(value), '{"a":"<","b":{"x":[2,{"k":"v"}],"y":1}}');
  });

  void it('writes what is not a plain JSON value node by node: a date, a toJSON method, undefined', () => {
    assert.equal(canonicalString({ a: new Date(0) }), '{"a":{}}');
    assert.throws(() => canonicalString({ a: { toJSON: () => 1 } }), (e) => TufError.isTuf(e, 'malformed'));
    assert.throws(() => canonicalString({ a: undefined }), (e) => TufError.isTuf(e, 'malformed'));
    assert.throws(() => canonicalString(new Array(2)), (e) => TufError.isTuf(e, 'malformed'));
  });
});

void describe('serializeSignedFile', () => {
  void it('re-serialises every notary fixture file byte for byte', () => {
    for (const [role, file] of Object.entries(NOTARY03_FILES)) {
      const parsed = JSON.parse(text(file)) as { signed: unknown; signatures: { keyid: string; method: string; sig: string }[] };
      const sigs = parsed.signatures.map((s) => ({ keyid: s.keyid, method: s.method, sig: Buffer.from(s.sig, 'base64') }));
      assert.deepEqual(Buffer.from(serializeSignedFile(canonicalize(parsed.signed), sigs)), Buffer.from(file), role);
    }
  });

  void it('HTML-escapes the file bytes while the signed bytes stay raw (§2.3)', () => {
    const canonical = canonicalize({ targets: { 'he<llo&>\u2028': 1 } });
    assert.equal(text(canonical), '{"targets":{"he<llo&>\u2028":1}}');
    assert.equal(
      text(serializeSignedFile(canonical, [])),
      '{"signed":{"targets":{"he\\u003cllo\\u0026\\u003e\\u2028":1}},"signatures":[]}',
    );
  });

  void it('refuses raw control characters, which Go cannot compact', () => {
    assert.throws(() => serializeSignedFile(canonicalize({ a: '\u0007' }), []), (e) => TufError.isTuf(e, 'malformed'));
  });

  void it('quotes strings as Go encoding/json does', () => {
    assert.equal(goQuote('a"b\\<&>\n\t\r\u0001\u2028\ud800'), '"a\\"b\\\\\\u003c\\u0026\\u003e\\n\\t\\r\\u0001\\u2028\\ufffd"');
  });
});
