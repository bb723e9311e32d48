/**
 * Which schemes a reference needs and the one verdict from their evidence: `require` (all),
 * `anyOf` (one), and the default with no rule (any scheme that applies, none hidden). Backends here
 * are in-memory stand-ins that answer with fixed evidence; the real ones are in the integration tests.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../../src/core/model/findings';
import { scanText } from '../../../src/core/parse/scanText';
import { parsePolicy } from '../../../src/core/policy/policyFile';
import { defaultPolicy, type Policy } from '../../../src/core/policy/policy';
import { nullLogger, systemClock } from '../../../src/core/ports';
import '../../../src/core/composition/backends';
import type { BackendReference, TrustBackend } from '../../../src/core/trust/backend';
import type { SignatureResult, TrustStatus } from '../../../src/core/trust/checkResult';
import { createTrustEngine } from '../../../src/core/trust/trustService';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const finding = (code: Finding['code'], severity: Finding['severity'], message: string = code): Finding => ({ code, severity, message });

function evidence(scheme: string, status: TrustStatus, findings: Finding[] = [], signer?: string): SignatureResult {
  return {
    scheme, status, findings, signedDigest: status === 'signed' ? DIGEST : null, signers: signer ? [{ name: signer, keyIds: [] }] : [], expires: [],
    source: { kind: 'registry', url: `${scheme}://source` },
  };
}

/** Answers every reference with the same evidence, and records what it was asked. */
class FixedBackend implements TrustBackend {
  readonly asked: string[] = [];
  constructor(readonly scheme: string, private readonly answer: SignatureResult) {}
  appliesTo(): boolean {
    return true;
  }
  repositoryKey(): never {
    throw new Error('not used');
  }
  async checkReferences(references: readonly BackendReference[]): Promise<SignatureResult[]> {
    references.forEach((r) => this.asked.push(r.occurrence.ref.reference));
    return references.map(() => this.answer);
  }
  details(): never {
    throw new Error('not used');
  }
  async idle(): Promise<void> {}
}

async function check(dct: SignatureResult, cosign: SignatureResult, policy: Policy = defaultPolicy()) {
  const backends = [new FixedBackend('dct', dct), new FixedBackend('cosign', cosign)];
  const engine = createTrustEngine({ clock: systemClock, logger: nullLogger, backends });
  const [result] = await engine.check(scanText('Dockerfile', 'dockerfile', 'FROM registry.example.com/team/app:1.0\n'), { policy });
  return { result: result!, asked: backends.map((b) => b.asked.length) };
}

const rule = (body: string) => parsePolicy(`rules:\n  - images: ["registry.example.com/team/*"]\n${body}`, '.trustlens.yaml', { baseDir: '/repo' });
const codes = (findings: readonly Finding[]) => findings.map((f) => `${f.code}:${f.severity}`);

const dctRetired = evidence('dct', 'unverifiable', [finding('dct-retired', 'warning'), finding('unverifiable', 'error')]);
const dctNone = evidence('dct', 'no-trust-data', [finding('no-trust-data', 'error')]);
const dctSigned = evidence('dct', 'signed', [], 'ci');
const cosignSigned = evidence('cosign', 'signed', [], 'release@example.com');
const cosignNone = evidence('cosign', 'unsigned', [finding('no-signature', 'error')]);
const cosignUntrusted = evidence('cosign', 'invalid', [finding('untrusted-signer', 'warning', 'signed by someone; no rule trusts this identity')]);
const cosignBroken = evidence('cosign', 'invalid', [finding('invalid-signature', 'error')]);

void describe('with no rule naming schemes, every scheme is checked and one signed is enough', () => {
  void it('a repository whose only DCT evidence is dct-retired, signed with cosign, reads as cosign-signed', async () => {
    const { result, asked } = await check(dctRetired, cosignSigned);
    assert.deepEqual(asked, [1, 1]);
    assert.deepEqual([result.status, result.verdict, result.scheme, result.signers, result.signedDigest], ['signed', 'pass', 'cosign', ['release@example.com'], DIGEST]);
    assert.deepEqual(codes(result.findings), []);
    assert.deepEqual(result.signatures?.map((s) => s.scheme), ['dct', 'cosign'], 'both schemes are shown');
  });

  void it('a DCT-signed image without cosign signatures is DCT-signed, with no cosign finding', async () => {
    const { result } = await check(dctSigned, cosignNone);
    assert.deepEqual([result.status, result.verdict, result.scheme, codes(result.findings)], ['signed', 'pass', 'dct', []]);
  });

  void it('signed by neither: the first scheme speaks for both, and the verdict fails', async () => {
    const { result } = await check(dctNone, cosignNone);
    assert.deepEqual([result.status, result.verdict, result.scheme, codes(result.findings)], ['no-trust-data', 'fail', 'dct', ['no-trust-data:error']]);
  });

  void it('a signature no rule trusts leads and names its signer, and the image still fails', async () => {
    const { result } = await check(dctNone, cosignUntrusted);
    assert.deepEqual([result.status, result.verdict, result.scheme], ['invalid', 'fail', 'cosign']);
    assert.deepEqual(codes(result.findings), ['no-trust-data:error', 'untrusted-signer:warning']);
  });

  void it('a broken cosign signature beside a DCT signature is shown as a warning, not hidden', async () => {
    const { result } = await check(dctSigned, cosignBroken);
    assert.deepEqual([result.status, result.verdict, result.scheme, codes(result.findings)], ['signed', 'warn', 'dct', ['invalid-signature:warning']]);
  });
});

void describe('require and anyOf', () => {
  void it('require: [cosign] asks only cosign, and fails an image DCT alone signed', async () => {
    const policy = rule('    require: [cosign]\n');
    const { result, asked } = await check(dctSigned, cosignNone, policy);
    assert.deepEqual(asked, [0, 1]);
    assert.deepEqual([result.status, result.verdict, result.scheme, codes(result.findings)], ['unsigned', 'fail', 'cosign', ['no-signature:error']]);
    const signed = await check(dctSigned, cosignSigned, policy);
    assert.deepEqual([signed.result.status, signed.result.verdict, signed.result.signatures?.map((s) => s.scheme)], ['signed', 'pass', ['cosign']]);
  });

  void it('require: [dct, cosign] needs both', async () => {
    const policy = rule('    require: [dct, cosign]\n');
    const one = await check(dctSigned, cosignNone, policy);
    assert.deepEqual([one.result.verdict, one.result.scheme, codes(one.result.findings)], ['fail', 'cosign', ['no-signature:error']]);
    const both = await check(dctSigned, cosignSigned, policy);
    assert.deepEqual([both.result.status, both.result.verdict], ['signed', 'pass']);
  });

  void it('anyOf: [dct, cosign] takes either', async () => {
    const policy = rule('    anyOf: [dct, cosign]\n');
    assert.deepEqual((await check(dctNone, cosignSigned, policy)).result.verdict, 'pass');
    assert.deepEqual((await check(dctSigned, cosignNone, policy)).result.verdict, 'pass');
    assert.deepEqual((await check(dctNone, cosignNone, policy)).result.verdict, 'fail');
  });

  void it('the last matching rule that names schemes decides: require: [dct] for all, anyOf: [cosign] for one registry', async () => {
    const policy = parsePolicy('rules:\n  - images: ["**"]\n    require: [dct]\n  - images: ["registry.example.com/**"]\n    anyOf: [cosign]\n', '.trustlens.yaml');
    assert.equal((await check(dctSigned, cosignNone, policy)).result.verdict, 'fail');
    assert.equal((await check(dctNone, cosignSigned, policy)).result.verdict, 'pass');
    assert.equal((await check(dctSigned, cosignSigned, policy)).result.verdict, 'pass');
  });

  void it('a scheme the policy requires that no backend checks fails the reference', async () => {
    const policy = rule('    require: [cosign]\n');
    const engine = createTrustEngine({ clock: systemClock, logger: nullLogger, backends: [new FixedBackend('dct', dctSigned)] });
    const [result] = await engine.check(scanText('Dockerfile', 'dockerfile', 'FROM registry.example.com/team/app:1.0\n'), { policy });
    assert.deepEqual([result!.verdict, result!.findings.map((f) => f.message)], ['fail', ['The policy requires a cosign signature, and TrustLens has no cosign backend to check one.']]);
  });
});
