import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ScanResult } from '../../../src/core/model/occurrence';
import { scanDevcontainer } from '../../../src/core/parse/devcontainer';
import { kindOfFileName } from '../../../src/core/parse/fileKinds';
import { scanGithubWorkflow } from '../../../src/core/parse/githubWorkflow';
import { scanGitlabCi } from '../../../src/core/parse/gitlabCi';
import { scanHelmValues } from '../../../src/core/parse/helmValues';
import { looksLikeKubernetes, scanKubernetes } from '../../../src/core/parse/kubernetes';
import { scanKustomization } from '../../../src/core/parse/kustomize';
import { relatedFilesOf } from '../../../src/core/parse/relatedFiles';
import { scanText } from '../../../src/core/parse/scanText';
import { fixturePath, readFixture } from '../../helpers/fixtures';

/** `line:column kind reference`, or `line:column reason text` for a skipped value (1-based). */
function summary(result: ScanResult): string[] {
  return [
    ...result.references.map((r) => `${r.range.start.line + 1}:${r.range.start.character + 1} ${r.kind} ${r.ref.reference}`),
    ...result.skipped.map((s) => `${s.range.start.line + 1}:${s.range.start.character + 1} ${s.reason} ${s.text}`),
    ...result.errors.map((e) => `${(e.range?.start.line ?? -1) + 1} error ${e.message}`),
  ];
}

void describe('Kubernetes manifests', () => {
  void it('finds the images of every workload kind, image volumes and List items, and guesses in custom resources', () => {
    assert.deepEqual(summary(scanKubernetes('workloads.yaml', readFixture('k8s', 'workloads.yaml'))), [
      '11:14 k8s-image docker.io/library/busybox:1.28',
      '14:15 k8s-image docker.io/library/busybox:1.28.4',
      '17:15 k8s-image docker.io/library/busybox:1.36',
      '21:20 k8s-image quay.io/crio/artifact:v2',
      '33:16 k8s-image docker.io/library/nginx:1.14.2',
      '46:18 k8s-image registry.k8s.io/nginx-slim:0.24',
      '57:18 k8s-image quay.io/fluentd_elasticsearch/fluentd:v2.5.2',
      '68:18 k8s-image us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5',
      '79:18 k8s-image docker.io/library/perl:5.34.0',
      '90:18 k8s-image docker.io/library/nginx:latest',
      '104:22 k8s-image docker.io/library/busybox:1.28',
      '117:18 k8s-image docker.io/library/alpine:3.19',
      // "not a reference" under the custom resource is no guess; the document without apiVersion is not read.
      '125:10 k8s-image-guess quay.io/prometheus/alertmanager:v0.27.0',
    ]);
  });

  void it('ranges exclude quotes; text is exactly what is written there', () => {
    const text = readFixture('k8s', 'workloads.yaml');
    const lines = text.split('\n');
    for (const r of scanKubernetes('workloads.yaml', text).references) {
      assert.equal(lines[r.range.start.line]!.slice(r.range.start.character, r.range.end.character), r.text);
    }
  });

  void it('skips templates and variables, refuses non-strings and empty images', () => {
    assert.deepEqual(summary(scanKubernetes('templates.yaml', readFixture('k8s', 'templates.yaml'))), [
      '8:15 template {{ .Values.image.repository }}:{{ .Values.image.tag }}',
      '10:14 template registry.example.com/app:${TAG}',
      '12:15 invalid-reference ',
      '14:14 invalid-reference 42',
    ]);
  });

  void it('resolves anchors and merge keys, reporting a shared image once', () => {
    const text = [
      'apiVersion: v1', 'kind: Pod', 'spec:', '  containers:', '    - &c {name: a, image: nginx:1.25}', '    - <<: *c', '      name: b', '',
    ].join('\n');
    assert.deepEqual(summary(scanKubernetes('m.yaml', text)), ['5:27 k8s-image docker.io/library/nginx:1.25']);
  });

  void it('is recognised by content: apiVersion and kind at the start of a line', () => {
    assert.equal(looksLikeKubernetes('apiVersion: v1\nkind: Pod\n'), true);
    assert.equal(looksLikeKubernetes('# c\n---\n"apiVersion": v1\nkind: Pod\n'), true);
    assert.equal(looksLikeKubernetes('apiVersion: v2\nname: chart\n'), false);
    assert.equal(looksLikeKubernetes('services:\n  kind: x\n  apiVersion: y\n'), false);
    const other = scanText('notes.yaml', 'kubernetes', 'services:\n  web: {image: nginx}\n');
    assert.deepEqual(summary(other), []);
  });

  void it('a broken document is an error at the problem; the others are still read', () => {
    const text = 'apiVersion: v1\nkind: Pod\nspec:\n  containers: [ {image: a:1 }\n---\napiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: b:2\n';
    const result = scanKubernetes('m.yaml', text);
    assert.deepEqual(result.references.map((r) => r.ref.reference), ['docker.io/library/b:2']);
    assert.equal(result.errors.length, 1);
    assert.match(result.errors[0]!.message, /^invalid YAML: /);
  });
});

void describe('kustomize', () => {
  const dir = fixturePath('k8s', 'kustomize', 'overlay');
  const file = `${dir}/kustomization.yaml`;

  void it('resolves each entry against the images its resources name, as kustomize does', () => {
    const result = scanKustomization('kustomization.yaml', readFixture('k8s', 'kustomize', 'overlay', 'kustomization.yaml'), relatedFilesOf(file, 1 << 20));
    assert.deepEqual(summary(result), [
      // newName and newTag replace name and tag
      '7:11 kustomize-image docker.io/my-registry/my-postgres:v1',
      '10:11 kustomize-image docker.io/library/nginx:1.8.0',
      // newName alone keeps the resource's tag
      '12:11 kustomize-image docker.io/library/my-app:latest',
      // digest alone replaces tag and digest
      '14:11 kustomize-image docker.io/library/alpine@sha256:24a0c4b4a4c0eb97a1aabb8e29f18e917d05abfe1b7a7c07857230879ce7d3d3',
      // newTag and digest: both (kustomize 4.5 and later); no resource names redis, the entry alone decides
      `16:11 kustomize-image docker.io/library/redis:7.2@sha256:${'2'.repeat(64)}`,
      '19:11 unresolved unused',
    ]);
    const postgres = result.references[0]!;
    assert.equal(postgres.text, 'postgres');
    assert.deepEqual(postgres.fields, {
      pin: 'digest-field', tagKey: 'newTag',
      tag: { range: { start: { line: 8, character: 12 }, end: { line: 8, character: 14 } }, text: 'v1' },
      insert: { after: { line: 8, character: 14 }, indent: '    ' },
    });
  });

  void it('without its resources, an entry with no newTag or digest is unresolved, never guessed', () => {
    const result = scanKustomization('k.yaml', 'resources: [missing.yaml, https://example.com/x.yaml]\nimages:\n- name: nginx\n  newName: mirror/nginx\n', relatedFilesOf(file, 1 << 20));
    assert.deepEqual(summary(result), ['3:9 unresolved nginx']);
    assert.match(result.skipped[0]!.message, /could not all be read \(missing\.yaml: cannot read it: ENOENT; https:\/\/example\.com\/x\.yaml is remote\)/);
  });
});

void describe('Helm values', () => {
  void it('reads the common shapes, with appVersion as the default tag', () => {
    const result = scanHelmValues('values.yaml', readFixture('k8s', 'chart', 'values.yaml'), { appVersion: '1.16.0' });
    assert.deepEqual(summary(result), [
      // helm create: empty tag → appVersion
      '11:15 helm-image docker.io/library/nginx:1.16.0',
      // Bitnami registry/repository/tag with an empty digest, nested under metrics
      '18:17 helm-image docker.io/bitnami/nginx-exporter:1.10.0-debian-12-r0',
      // with a digest
      `24:17 helm-image docker.io/bitnami/os-shell:12-debian-12-r0@sha256:${'1'.repeat(64)}`,
      // a key ending in Image
      '28:15 helm-image quay.io/minio/mc:RELEASE.2024-11-21T17-21-54Z',
      // a plain string
      '31:11 helm-image docker.io/library/busybox:1.36',
      '34:11 template {{ .Values.global.registry }}/app:1.0',
    ]);
    assert.equal(result.references[0]!.fields?.pin, 'tag-suffix');
    assert.equal(result.references[0]!.fields?.tag, undefined);
    assert.equal(result.references[1]!.fields?.pin, 'digest-field');
    assert.deepEqual(result.references[1]!.fields?.digest, { range: { start: { line: 19, character: 13 }, end: { line: 19, character: 13 } }, text: '' });
    assert.equal(result.references[3]!.fields?.pin, 'tag-suffix');
  });

  void it('global.imageRegistry replaces the registry of maps that have one (Bitnami)', () => {
    assert.deepEqual(summary(scanHelmValues('values-prod.yaml', readFixture('k8s', 'chart', 'values-prod.yaml'))), [
      '5:15 helm-image registry.example.com/bitnami/nginx:1.27.3',
    ]);
  });

  void it('a tag YAML reads as a number is taken as written', () => {
    assert.deepEqual(summary(scanHelmValues('v.yaml', 'image:\n  repository: app\n  tag: 1.10\n')), ['2:15 helm-image docker.io/library/app:1.10']);
  });

  void it('without a Chart.yaml appVersion, an image with no tag is skipped', () => {
    assert.deepEqual(summary(scanHelmValues('v.yaml', 'image:\n  repository: nginx\n  tag: ""\n')), ['2:15 template nginx']);
  });

  void it('values.yaml is Helm values only beside a Chart.yaml', () => {
    assert.equal(kindOfFileName('chart/values.yaml', { inChart: () => true }), 'helm-values');
    assert.equal(kindOfFileName('chart/values-prod.yml', { inChart: () => true }), 'helm-values');
    assert.equal(kindOfFileName('app/values.yaml', { inChart: () => false }), 'kubernetes');
  });
});

void describe('devcontainer, GitHub Actions and GitLab CI', () => {
  void it('devcontainer.json: image, with comments and trailing commas', () => {
    assert.deepEqual(summary(scanDevcontainer('devcontainer.json', readFixture('ci', '.devcontainer', 'devcontainer.json'))), [
      '5:12 devcontainer-image mcr.microsoft.com/devcontainers/typescript-node:1-20-bookworm',
    ]);
    assert.match(summary(scanDevcontainer('d.json', '{"image": "a:1" "x": 1}'))[0]!, /^1 error invalid JSON: CommaExpected$/);
    assert.throws(() => scanDevcontainer('d.json', `${'['.repeat(300)}`), /nested more than 200 deep/);
  });

  void it('workflows: job containers, service containers and docker:// steps; expressions skipped', () => {
    assert.deepEqual(summary(scanGithubWorkflow('ci.yml', readFixture('ci', '.github', 'workflows', 'ci.yml'))), [
      '7:16 gha-image docker.io/library/node:20-bookworm-slim',
      '10:16 gha-image docker.io/library/redis:latest',
      '12:17 gha-image docker.io/library/postgres:16',
      '18:14 gha-image ghcr.io/owner/image:1.0',
      '23:24 gha-image docker.io/library/alpine:3.19',
      '24:25 gha-image ghcr.io/owner/tool:2',
      '27:16 expression ${{ matrix.image }}',
    ]);
  });

  void it('.gitlab-ci.yml: image and services at the top, in default and in jobs; variables of the file expanded', () => {
    assert.deepEqual(summary(scanGitlabCi('.gitlab-ci.yml', readFixture('ci', '.gitlab-ci.yml'))), [
      '2:8 gitlab-image docker.io/library/ruby:3.3',
      '7:11 gitlab-image docker.io/library/ruby:3.2',
      '10:7 gitlab-image docker.io/library/postgres:16',
      '11:13 gitlab-image docker.io/library/redis:7',
      '18:13 gitlab-image docker.io/library/docker:24-dind',
      '20:10 gitlab-image docker.io/library/python:3.12',
      '24:10 gitlab-image docker.io/library/golang:1.22',
      '16:10 template $CI_REGISTRY_IMAGE:latest',
    ]);
  });

  void it('recognises the files by path', () => {
    assert.equal(kindOfFileName('/r/.github/workflows/ci.yaml'), 'github-workflow');
    assert.equal(kindOfFileName('/r/.gitlab-ci.yml'), 'gitlab-ci');
    assert.equal(kindOfFileName('/r/.devcontainer/devcontainer.json'), 'devcontainer');
    assert.equal(kindOfFileName('/r/.devcontainer/python/devcontainer.json'), 'devcontainer');
    assert.equal(kindOfFileName('/r/.devcontainer.json'), 'devcontainer');
    assert.equal(kindOfFileName('/r/other/devcontainer.json'), undefined);
    assert.equal(kindOfFileName('/r/kustomization.yml'), 'kustomize');
    assert.equal(kindOfFileName('/r/Kustomization'), 'kustomize');
  });
});
