/**
 * `trustlens check` on Kubernetes manifests, a kustomization and Helm values, against the real
 * notary-server: each names the same signed, unsigned and wrongly pinned tags as a Dockerfile beside
 * it, and must give the same verdicts; `check k8s/ --format sarif` is a deploy gate with the same exit codes.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildSignerOnly, type Scenario } from '../helpers/stack/scenarios';
import { startStack, type Stack } from '../helpers/stack/stack';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { runCli } from '../helpers/trust/cli';
import { makeDockerConfig, type TestDockerConfig } from '../helpers/trust/dockerConfig';
import { dockerfileFrom, policyYaml } from '../helpers/trust/documents';

interface JsonResult {
  file: string; kind: string; text: string; reference: string; status: string; signedDigest: string | null;
  findings: Array<{ code: string; severity: string }>;
}

void describe('trustlens check on Kubernetes, kustomize and Helm values (real stack)', () => {
  let stack: Stack;
  let s: Scenario;
  let docker: TestDockerConfig;
  let project: TempDir;
  let cacheDir: TempDir;
  const cli = (dir: string, format: string) => runCli(
    ['check', dir, '--format', format, '--config', 'policy.yaml', '--cache-dir', cacheDir.path, '--docker-config', docker.path],
    { cwd: project.path },
  );

  before(async () => {
    stack = await startStack();
    // v1 released by bob; never-signed pushed only.
    s = await buildSignerOnly(stack);
    docker = await makeDockerConfig([{ host: stack.notary.host, caPem: stack.notary.caPem }]);
    project = await makeTempDir('kinds-project');
    cacheDir = await makeTempDir('kinds-cache');
    const wrong = s.images.beta!.digest;
    const [registry, ...path] = s.gun.split('/');
    const repository = path.join('/');
    const write = async (file: string, text: string) => {
      await mkdir(join(project.path, file, '..'), { recursive: true });
      await writeFile(join(project.path, file), text);
    };
    await write('policy.yaml', policyYaml({ [stack.registry.host]: stack.notary.url }));
    await write('docker/Dockerfile', dockerfileFrom([`${s.gun}:v1`, `${s.gun}:never-signed`, `${s.gun}:v1@${wrong}`]));
    await write('k8s/app.yaml', [
      'apiVersion: v1', 'kind: Service', 'metadata: {name: app}', '---',
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: app}', 'spec:', '  template:', '    spec:',
      '      initContainers:', `        - {name: init, image: "${s.gun}:v1"}`,
      '      containers:', `        - name: app`, `          image: ${s.gun}:never-signed`,
      `        - name: pinned`, `          image: '${s.gun}:v1@${wrong}'`, '',
    ].join('\n'));
    await write('k8s/signed/job.yaml', `apiVersion: batch/v1\nkind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{image: "${s.gun}:v1"}]\n`);
    await write('kustomize/base/deployment.yaml', 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: app:dev\n        - image: worker\n        - image: pinned:1\n');
    await write('kustomize/base/kustomization.yaml', 'resources: [deployment.yaml]\n');
    await write('kustomize/overlay/kustomization.yaml', [
      'resources:', '  - ../base', 'images:',
      '  - name: app', `    newName: ${s.gun}`, '    newTag: v1',
      '  - name: worker', `    newName: ${s.gun}`, '    newTag: never-signed',
      '  - name: pinned', `    newName: ${s.gun}`, '    newTag: v1', `    digest: ${wrong}`, '',
    ].join('\n'));
    await write('chart/Chart.yaml', 'apiVersion: v2\nname: demo\nversion: 0.1.0\nappVersion: "v1"\n');
    await write('chart/values.yaml', [
      'image:', `  registry: ${registry}`, `  repository: ${repository}`, '  tag: ""', '  digest: ""',
      'worker:', `  image: "${s.gun}:never-signed"`,
      'sidecarImage:', `  repository: ${s.gun}`, '  tag: v1', `  digest: ${wrong}`, '',
    ].join('\n'));
  });

  after(async () => {
    await Promise.all([project?.remove(), cacheDir?.remove(), docker?.remove()]);
    await stack?.stop();
  });

  /** `reference → status signedDigest findings` for the results of one file kind. */
  const verdicts = (results: JsonResult[], kind: string) => results.filter((r) => r.kind === kind)
    .map((r) => `${r.reference} ${r.status} ${r.signedDigest ?? '-'} ${r.findings.map((f) => `${f.code}:${f.severity}`).join(',')}`)
    .sort();

  void it('each kind gives the Dockerfile\'s verdicts for the same references', async () => {
    const run = await cli('.', 'json');
    assert.equal(run.code, 1, run.stderr);
    const doc = JSON.parse(run.stdout) as { results: JsonResult[]; errors: unknown[] };
    assert.deepEqual(doc.errors, []);
    const dockerfile = verdicts(doc.results, 'from');
    assert.equal(dockerfile.length, 3);
    assert.deepEqual(dockerfile, [
      `${s.gun}:never-signed unsigned - unsigned-tag:error`,
      `${s.gun}:v1 signed ${s.images.v1!.digest} `,
      `${s.gun}:v1@${s.images.beta!.digest} digest-mismatch ${s.images.v1!.digest} digest-mismatch:error`,
    ]);
    // k8s: the Deployment's three, and the CronJob's signed one (the kustomize base's placeholders are its own).
    assert.deepEqual(verdicts(doc.results.filter((r) => r.file.startsWith('k8s')), 'k8s-image'), [...dockerfile, `${s.gun}:v1 signed ${s.images.v1!.digest} `].sort());
    assert.deepEqual(verdicts(doc.results, 'kustomize-image'), dockerfile);
    assert.deepEqual(verdicts(doc.results, 'helm-image'), dockerfile);
    // The kustomization's verdicts sit on its entries; the base's own images are checked as they are written there.
    const entries = doc.results.filter((r) => r.kind === 'kustomize-image').map((r) => [r.file, r.text]);
    assert.deepEqual(entries.sort(), [
      [join('kustomize', 'overlay', 'kustomization.yaml'), 'app'],
      [join('kustomize', 'overlay', 'kustomization.yaml'), 'pinned'],
      [join('kustomize', 'overlay', 'kustomization.yaml'), 'worker'],
    ]);
  });

  void it('check k8s/ --format sarif is a deploy gate: exit 1 on the findings, 0 when all is signed', async () => {
    const failing = await cli('k8s', 'sarif');
    assert.equal(failing.code, 1, failing.stderr);
    const sarif = JSON.parse(failing.stdout) as { runs: Array<{ results: Array<{ ruleId: string; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }> }> }> };
    assert.deepEqual(sarif.runs[0]!.results.map((r) => [r.ruleId, r.level, r.locations[0]!.physicalLocation.artifactLocation.uri, r.locations[0]!.physicalLocation.region.startLine, r.locations[0]!.physicalLocation.region.startColumn]), [
      ['unsigned-tag', 'error', 'k8s/app.yaml', 15, 18],
      ['digest-mismatch', 'error', 'k8s/app.yaml', 17, 19],
    ]);
    const passing = await cli(join('k8s', 'signed'), 'sarif');
    assert.equal(passing.code, 0, passing.stdout);
    assert.deepEqual((JSON.parse(passing.stdout) as typeof sarif).runs[0]!.results, []);
  });
});
