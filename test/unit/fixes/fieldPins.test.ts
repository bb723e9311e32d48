import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TextAt } from '../../../src/core/fixes/editTarget';
import { pinAllFixes, pinFix, switchTagFix, type TextReplacement } from '../../../src/core/fixes/pinFix';
import type { ImageOccurrence, ScanResult } from '../../../src/core/model/occurrence';
import type { Range } from '../../../src/core/model/range';
import { scanDevcontainer } from '../../../src/core/parse/devcontainer';
import { scanGithubWorkflow } from '../../../src/core/parse/githubWorkflow';
import { scanHelmValues } from '../../../src/core/parse/helmValues';
import { scanKubernetes } from '../../../src/core/parse/kubernetes';
import { scanKustomization } from '../../../src/core/parse/kustomize';
import type { CheckResult } from '../../../src/core/trust/checkResult';

const D = `sha256:${'a'.repeat(64)}`;
const OLD = `sha256:${'b'.repeat(64)}`;

function offsetIn(text: string, p: Range['start']): number {
  const lines = text.split('\n');
  return lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
}

function textAt(text: string): TextAt {
  return (r) => text.slice(offsetIn(text, r.start), offsetIn(text, r.end));
}

function apply(text: string, replacements: readonly TextReplacement[]): string {
  const sorted = [...replacements].sort((a, b) => offsetIn(text, b.range.start) - offsetIn(text, a.range.start));
  return sorted.reduce((t, r) => t.slice(0, offsetIn(text, r.range.start)) + r.newText + t.slice(offsetIn(text, r.range.end)), text);
}

function verdict(occurrence: ImageOccurrence): CheckResult {
  return { target: { kind: 'reference', occurrence }, status: 'signed', verdict: 'pass', signedDigest: D, role: 'targets', signers: [], expires: null, findings: [] };
}

/** The text after pinning the first reference a scan finds. */
function pinFirst(text: string, scan: ScanResult): string {
  const fix = pinFix(verdict(scan.references[0]!), textAt(text));
  assert.equal(fix?.kind, 'edit', JSON.stringify(fix));
  return apply(text, [(fix as { replacement: TextReplacement }).replacement]);
}

void describe('pinning images written as fields', () => {
  void it('kustomize: adds digest: under the entry, keeping newTag, comments and indentation', () => {
    const text = 'images:\n  - name: app   # the app\n    newName: registry.example.com/app\n    newTag: "1.0"  # keep\n  - name: other\n    newTag: v2\n';
    const pinned = pinFirst(text, scanKustomization('k.yaml', text));
    assert.equal(pinned, `images:\n  - name: app   # the app\n    newName: registry.example.com/app\n    newTag: "1.0"  # keep\n    digest: ${D}\n  - name: other\n    newTag: v2\n`);
    // The pinned entry reads back as tag and digest together.
    assert.equal(scanKustomization('k.yaml', pinned).references[0]!.ref.reference, `registry.example.com/app:1.0@${D}`);
  });

  void it('kustomize: replaces a wrong digest, an empty one and a null one in place', () => {
    for (const [before, after] of [[`digest: ${OLD}`, `digest: ${D}`], ['digest: ""', `digest: "${D}"`], ['digest:', `digest: ${D}`]] as const) {
      const text = `images:\n- name: app\n  newTag: v1\n  ${before}\n`;
      const scan = scanKustomization('k.yaml', text);
      assert.equal(pinFirst(text, scan), `images:\n- name: app\n  newTag: v1\n  ${after}\n`, before);
    }
  });

  void it('kustomize: switching the tag sets newTag (quoted when YAML would read a number) and the digest in one edit', () => {
    const text = 'images:\n- name: app\n  newTag: v1\n';
    const fix = switchTagFix(scanKustomization('k.yaml', text).references[0]!, '2.0', D, textAt(text));
    assert.equal(fix?.kind, 'edit');
    assert.equal(apply(text, [(fix as { replacement: TextReplacement }).replacement]), `images:\n- name: app\n  newTag: "2.0"\n  digest: ${D}\n`);
  });

  void it('kustomize: a flow-map entry cannot take a new field: the fix says why', () => {
    const text = 'images:\n- {name: app, newTag: v1}\n';
    const fix = pinFix(verdict(scanKustomization('k.yaml', text).references[0]!), textAt(text));
    assert.deepEqual(fix, { kind: 'disabled', reason: 'The image is written as a flow map, so TrustLens cannot pin it safely.' });
  });

  void it('Helm: writes digest: where the map has one, else tag@sha256: into the tag', () => {
    const withDigest = 'image:\n  registry: docker.io\n  repository: bitnami/nginx\n  tag: 1.27.3\n  digest: ""\n  pullPolicy: IfNotPresent\n';
    assert.equal(pinFirst(withDigest, scanHelmValues('values.yaml', withDigest)), withDigest.replace('digest: ""', `digest: "${D}"`));
    const noDigest = 'mcImage:\n  repository: quay.io/minio/mc\n  tag: "RELEASE.2024"   # pinned by Renovate\n';
    assert.equal(pinFirst(noDigest, scanHelmValues('values.yaml', noDigest)), noDigest.replace('RELEASE.2024"', `RELEASE.2024@${D}"`));
    const wrong = `image:\n  repository: app\n  tag: 1.0@${OLD}\n`;
    assert.equal(pinFirst(wrong, scanHelmValues('values.yaml', wrong)), `image:\n  repository: app\n  tag: 1.0@${D}\n`);
    const plain = 'sidecar:\n  image: "busybox:1.36" # sidecar\n';
    assert.equal(pinFirst(plain, scanHelmValues('values.yaml', plain)), `sidecar:\n  image: "busybox:1.36@${D}" # sidecar\n`);
  });

  void it('Helm: a tag from appVersion with no digest field cannot be pinned: the fix says why', () => {
    const text = 'image:\n  repository: nginx\n  tag: ""\n';
    const fix = pinFix(verdict(scanHelmValues('values.yaml', text, { appVersion: '1.16.0' }).references[0]!), textAt(text));
    assert.equal(fix?.kind, 'disabled');
  });

  void it('Kubernetes, workflows and devcontainers: the image text, quotes, flow style and comments kept', () => {
    const k8s = 'apiVersion: v1\nkind: Pod\nspec:\n  containers: [{name: a, image: \'nginx:1.25\'}]  # c\n';
    assert.equal(pinFirst(k8s, scanKubernetes('p.yaml', k8s)), k8s.replace('nginx:1.25', `nginx:1.25@${D}`));
    const gha = 'jobs:\n  a:\n    steps:\n      - uses: docker://alpine:3.19\n';
    assert.equal(pinFirst(gha, scanGithubWorkflow('ci.yml', gha)), gha.replace('alpine:3.19', `alpine:3.19@${D}`));
    const json = '{\n  // base image\n  "image": "mcr.microsoft.com/devcontainers/base:1", /* kept */\n}\n';
    assert.equal(pinFirst(json, scanDevcontainer('devcontainer.json', json)), json.replace('base:1"', `base:1@${D}"`));
  });

  void it('pin all: one edit per kustomize entry even when several resources name it', () => {
    const text = 'images:\n- name: app\n  newTag: v1\n- name: web\n  newTag: v2\n';
    const results = scanKustomization('k.yaml', text).references.map(verdict);
    const replacements = pinAllFixes(results, textAt(text));
    assert.equal(apply(text, replacements), `images:\n- name: app\n  newTag: v1\n  digest: ${D}\n- name: web\n  newTag: v2\n  digest: ${D}\n`);
  });
});
