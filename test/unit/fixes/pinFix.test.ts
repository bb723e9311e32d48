import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TextAt } from '../../../src/core/fixes/editTarget';
import { pinAllFixes, pinFix, pinnableDigest, switchTagFix, type TextReplacement } from '../../../src/core/fixes/pinFix';
import type { ImageOccurrence } from '../../../src/core/model/occurrence';
import type { Range } from '../../../src/core/model/range';
import { scanCompose } from '../../../src/core/parse/compose';
import { scanDockerfile } from '../../../src/core/parse/dockerfile';
import type { CheckResult, TrustStatus } from '../../../src/core/trust/checkResult';

const D = `sha256:${'a'.repeat(64)}`;
const OLD = `sha256:${'b'.repeat(64)}`;

/** Reads ranges of a text the way an editor document does. */
function textAt(text: string): TextAt {
  const lines = text.split('\n');
  const offset = (p: Range['start']) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return (r) => text.slice(offset(r.start), offset(r.end));
}

/** Applies replacements (last first) to a text. */
function apply(text: string, replacements: readonly TextReplacement[]): string {
  const lines = text.split('\n');
  const offset = (p: Range['start']) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...replacements].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  return sorted.reduce((t, r) => t.slice(0, offset(r.range.start)) + r.newText + t.slice(offset(r.range.end)), text);
}

function verdict(occurrence: ImageOccurrence, status: TrustStatus = 'signed', signedDigest: string | null = D, role: string | null = 'targets/releases'): CheckResult {
  return { target: { kind: 'reference', occurrence }, status, verdict: 'pass', signedDigest, role, signers: [], expires: null, findings: [] };
}

function dockerfile(text: string): { text: string; results: CheckResult[] } {
  return { text, results: scanDockerfile('Dockerfile', text).references.map((o) => verdict(o)) };
}

function pinned(text: string, result: CheckResult): string {
  const fix = pinFix(result, textAt(text));
  assert.equal(fix?.kind, 'edit', `expected an edit, got ${JSON.stringify(fix)}`);
  return apply(text, [(fix as { replacement: TextReplacement }).replacement]);
}

void describe('pinFix', () => {
  void it('pins only the image text: platform, stage name and quotes stay', () => {
    const d = dockerfile('FROM --platform=linux/arm64 alpine:3.19 AS base\nCOPY --from="busybox:1" /a /b\n');
    assert.equal(pinned(d.text, d.results[0]!), `FROM --platform=linux/arm64 alpine:3.19@${D} AS base\nCOPY --from="busybox:1" /a /b\n`);
    assert.equal(pinned(d.text, d.results[1]!), `FROM --platform=linux/arm64 alpine:3.19 AS base\nCOPY --from="busybox:1@${D}" /a /b\n`);
  });

  void it('replaces a wrong pin and writes out an implied latest', () => {
    const d = dockerfile(`FROM alpine:3.19@${OLD}\nFROM alpine\n`);
    const mismatch = { ...d.results[0]!, status: 'digest-mismatch' as const };
    assert.equal(pinned(d.text, mismatch), `FROM alpine:3.19@${D}\nFROM alpine\n`);
    assert.equal(pinned(d.text, d.results[1]!), `FROM alpine:3.19@${OLD}\nFROM alpine:latest@${D}\n`);
  });

  void it('keeps compose quoting and layout', () => {
    const text = 'services:\n  app:\n    image: "registry.example.com/acme/app:1.2"   # pinned soon\n';
    const o = scanCompose('compose.yaml', text).references[0]!;
    assert.equal(pinned(text, verdict(o)), `services:\n  app:\n    image: "registry.example.com/acme/app:1.2@${D}"   # pinned soon\n`);
  });

  void it('offers nothing when already pinned, digest-only, unreleased, unsigned or built by compose', () => {
    const d = dockerfile(`FROM alpine:3.19@${D}\nFROM alpine@${D}\nFROM alpine:3.19\n`);
    assert.equal(pinFix(d.results[0]!, textAt(d.text)), undefined);
    assert.equal(pinFix(d.results[1]!, textAt(d.text)), undefined);
    assert.equal(pinnableDigest({ ...d.results[2]!, status: 'not-released', role: 'targets/alice' }), undefined);
    assert.equal(pinnableDigest({ ...d.results[2]!, status: 'unsigned', signedDigest: null, role: null }), undefined);
    const compose = 'services:\n  app:\n    build: .\n    image: acme/app:1\n';
    assert.equal(pinFix(verdict(scanCompose('compose.yaml', compose).references[0]!), textAt(compose)), undefined);
  });

  void it('offers nothing for a signed tag that misses a signer the policy requires: pinning does not clear it', () => {
    const d = dockerfile('FROM alpine:3.19\nFROM alpine:3.20\n');
    const missing = { code: 'missing-required-signer' as const, message: 'Policy requires ci and qa to sign alpine:3.19, but qa has not signed' };
    const failing: CheckResult = { ...d.results[0]!, verdict: 'fail', findings: [{ ...missing, severity: 'error' }], requiredSigners: ['ci', 'qa'], missingSigners: ['qa'] };
    assert.equal(pinFix(failing, textAt(d.text)), undefined);
    assert.equal(pinnableDigest({ ...failing, verdict: 'warn', findings: [{ ...missing, severity: 'warning' }] }), undefined);
    assert.equal(pinnableDigest({ ...failing, verdict: 'pass', findings: [{ ...missing, severity: 'ignore' }] }), D, 'a policy that ignores it lets it be pinned');
    assert.deepEqual(pinAllFixes([failing, d.results[1]!], textAt(d.text)).map((r) => r.newText), [`alpine:3.20@${D}`]);
  });

  void it('edits the ARG default for FROM ${ARG}, quoted or not', () => {
    const d = dockerfile('ARG BASE="alpine:3.19"\nFROM ${BASE} AS one\nFROM $BASE\n');
    const fix = pinFix(d.results[0]!, textAt(d.text));
    assert.equal(fix?.kind === 'edit' && fix.replacement.arg, 'BASE');
    assert.equal(pinned(d.text, d.results[0]!), `ARG BASE="alpine:3.19@${D}"\nFROM \${BASE} AS one\nFROM $BASE\n`);
    assert.equal(pinAllFixes(d.results, textAt(d.text)).length, 1, 'one edit of the ARG for both references');
  });

  void it('is disabled, with the variables named, when the image is built from variables', () => {
    const d = dockerfile('ARG REGISTRY=ghcr.io\nARG TAG=1\nFROM ${REGISTRY}/acme/app:$TAG\n');
    assert.deepEqual(pinFix(d.results[0]!, textAt(d.text)), {
      kind: 'disabled',
      reason: 'The image comes from variables (${REGISTRY}, $TAG), not from one ARG default in this file, so TrustLens cannot pin it safely.',
    });
    const compose = 'services:\n  app:\n    image: acme/app:${TAG:-1}\n';
    const fix = pinFix(verdict(scanCompose('compose.yaml', compose).references[0]!), textAt(compose));
    assert.match(fix?.kind === 'disabled' ? fix.reason : '', /variables \(\$\{TAG:-1\}\), which are set outside this file/);
  });

  void it('is disabled when the ARG default is written with a line continuation', () => {
    const d = dockerfile('ARG BASE=alpine:\\\n3.19\nFROM ${BASE}\n');
    const fix = pinFix(d.results[0]!, textAt(d.text));
    assert.equal(fix?.kind, 'disabled');
  });

  void it('offers nothing when the document changed since the check', () => {
    const d = dockerfile('FROM alpine:3.19\n');
    assert.equal(pinFix(d.results[0]!, textAt('FROM alpine:3.20\n')), undefined);
  });
});

void describe('pinAllFixes', () => {
  void it('pins every signed, unpinned or wrongly pinned reference and skips the rest', () => {
    const text = `# syntax=docker/dockerfile:1\nARG BASE=alpine:3.19\nFROM \${BASE}\nFROM busybox:1@${OLD}\nFROM ghcr.io/x/y:$V\nFROM debian@${D}\n`;
    const results = scanDockerfile('Dockerfile', text).references.map((o) => verdict(o, o.ref.digest === OLD ? 'digest-mismatch' : 'signed'));
    const out = apply(text, pinAllFixes(results, textAt(text)));
    assert.equal(out, `# syntax=docker/dockerfile:1@${D}\nARG BASE=alpine:3.19@${D}\nFROM \${BASE}\nFROM busybox:1@${D}\nFROM ghcr.io/x/y:$V\nFROM debian@${D}\n`);
  });
});

void describe('switchTagFix', () => {
  void it('rewrites the tag and pins, keeping the name as written', () => {
    const text = 'FROM index.docker.io/library/alpine:3.18 AS base\n';
    const o = scanDockerfile('Dockerfile', text).references[0]!;
    const fix = switchTagFix(o, '3.19', D, textAt(text));
    assert.equal(fix?.kind === 'edit' && apply(text, [fix.replacement]), `FROM index.docker.io/library/alpine:3.19@${D} AS base\n`);
  });

  void it('edits the ARG default, and is disabled for other variables', () => {
    const text = 'ARG BASE=alpine:3.18\nARG TAG=3.18\nFROM ${BASE}\nFROM alpine:${TAG}\n';
    const [viaArg, mixed] = scanDockerfile('Dockerfile', text).references;
    const fix = switchTagFix(viaArg!, '3.19', D, textAt(text));
    assert.equal(fix?.kind === 'edit' && apply(text, [fix.replacement]), `ARG BASE=alpine:3.19@${D}\nARG TAG=3.18\nFROM \${BASE}\nFROM alpine:\${TAG}\n`);
    assert.match(JSON.stringify(switchTagFix(mixed!, '3.19', D, textAt(text))), /cannot change its tag safely/);
  });
});
