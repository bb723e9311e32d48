/**
 * A large Kubernetes file read whole hands out its first documents' findings before the rest is read
 * (the editor shows them at once): at most once, exactly the beginning of what the whole read gives
 * (same entries, same ranges, same order), and the whole read is unchanged. Small and one-document
 * files give none, and hostile files stay as bounded as without it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LineCounter } from 'yaml';
import type { ScanResult } from '../../../src/core/model/occurrence';
import { FIRST_FINDINGS_CHARS } from '../../../src/core/parse/firstFindings';
import { ScanSession } from '../../../src/core/parse/scanSession';
import { scanText } from '../../../src/core/parse/scanText';
import { parseYamlDocuments } from '../../../src/core/parse/yamlBounded';
import { Prng } from '../../fuzz/generators';

/** 20-line Deployments; every tenth image an unsigned-looking tag, as in the editor's measurement. */
function deployments(n: number): string {
  const docs: string[] = [];
  for (let i = 0; i < n; i += 1) {
    docs.push([
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: app${i}`, 'spec:', '  template:', '    spec:', '      containers:',
      '        - name: app', `          image: registry.example.com/app:${i % 10 === 0 ? '3.19.5' : '3.19'}  # app${i}`,
      '      initContainers:', `        - {name: init, image: "busybox:1.${i}"}`,
    ].join('\n'));
  }
  return `${docs.join('\n---\n')}\n`;
}

/** Reads `text` as the editor does; returns every first-findings call and the result. */
function read(text: string, session?: ScanSession): { firsts: ScanResult[]; result: ScanResult } {
  const firsts: ScanResult[] = [];
  const result = scanText('k8s/app.yaml', 'kubernetes', text, { session, onFirst: (found) => firsts.push(structuredClone(found)) });
  return { firsts, result };
}

function assertPrefix(first: ScanResult, whole: ScanResult, what: string): void {
  for (const key of ['references', 'skipped', 'errors'] as const) {
    assert.deepEqual(whole[key].slice(0, first[key].length), first[key], `${what}: the first ${key} begin the whole read's`);
  }
}

void describe('the first findings of a large Kubernetes file', () => {
  void it('come once, before the rest is read, and are the beginning of the whole read, which is unchanged', () => {
    const text = deployments(500);
    for (const session of [undefined, new ScanSession()]) {
      const what = session ? 'with a session' : 'without a session';
      const { firsts, result } = read(text, session);
      assert.equal(firsts.length, 1, what);
      const first = firsts[0]!;
      assert.ok(first.references.length > 0 && first.references.length < result.references.length / 4, `${what}: ${first.references.length} of ${result.references.length}`);
      assert.ok(first.references.some((r) => r.text.endsWith(':3.19.5')), `${what}: an unsigned-looking tag is among the first`);
      assertPrefix(first, result, what);
      assert.deepEqual(result, scanText('k8s/app.yaml', 'kubernetes', text), `${what}: the whole read is a plain read's`);
    }
  });

  void it('do not come for an edit read again from a session, which still gives what a fresh read gives', () => {
    const session = new ScanSession();
    const text = deployments(200);
    assert.equal(read(text, session).firsts.length, 1);
    const edited = text.replace('app:3.19  # app101', 'app:3.20  # app101');
    const again = read(edited, session);
    assert.deepEqual(again.firsts, []);
    assert.equal(session.kubernetes.computed, 1, 'only the edited document is parsed again');
    assert.deepEqual(again.result, scanText('k8s/app.yaml', 'kubernetes', edited));
  });

  void it('do not come for one document however large, nor for a small file of many documents', () => {
    const containers = Array.from({ length: 2000 }, (_, i) => `    - {name: c${i}, image: "nginx:1.${i}"}`).join('\n');
    const one = `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n${containers}\n`;
    assert.ok(one.length > 4 * FIRST_FINDINGS_CHARS);
    assert.deepEqual(read(one).firsts, []);
    const small = deployments(10);
    assert.ok(small.length < 2 * FIRST_FINDINGS_CHARS);
    assert.deepEqual(read(small).firsts, []);
    // Nothing found in the first documents: the first findings wait for a document that has some.
    const quiet = `${'apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n---\n'.repeat(1000)}${deployments(100)}`;
    const { firsts, result } = read(quiet);
    assert.equal(firsts.length, 1);
    assert.ok(firsts[0]!.references.length > 0);
    assertPrefix(firsts[0]!, result, 'after quiet documents');
  });

  void it('are the beginning of the whole read for random manifests, broken documents included', () => {
    const shapes = [
      (n: number) => `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - &c {image: "nginx:1.${n}"}\n  ephemeralContainers: [*c]\n`,
      (n: number) => `apiVersion: example.com/v1\nkind: Widget\nspec: {image: quay.io/acme/w:${n}, other: {image: not a reference}}\n`,
      (n: number) => `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: "{{ .Values.image }}"\n    - image: ${n}\n`,
      () => `apiVersion: v1\nkind: ConfigMap\ndata: {a: [1, 2}\n`,
      () => `kind: Pod\nspec: {containers: [{image: *missing}]}\n`,
      (n: number) => `# a comment ${n}\n`,
      (n: number) => `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: |\n        --- not a document ${n}\n`,
    ];
    let withFirst = 0;
    for (let seed = 1; seed <= 60; seed += 1) {
      const rng = new Prng(7000 + seed);
      const docs = Array.from({ length: rng.int(1, 400) }, (_, i) => rng.pick(shapes)(i));
      const text = docs.join(rng.pick(['---\n', '--- \n'])) + rng.pick(['', '---\n', '...\n']);
      const { firsts, result } = read(text);
      assert.ok(firsts.length <= 1, `seed ${seed}: ${firsts.length} first findings`);
      if (firsts[0]) {
        withFirst += 1;
        assertPrefix(firsts[0], result, `seed ${seed}`);
      }
      assert.deepEqual(result, scanText('k8s/app.yaml', 'kubernetes', text), `seed ${seed}`);
    }
    assert.ok(withFirst > 20, `${withFirst} of 60 manifests gave first findings`);
  });
});

void describe('hostile files with first findings', () => {
  const LIMIT = /not read: YAML collections are nested more than 200 deep/;

  void it('20,000 tiny documents: one first finding, of the first few kilobytes only, and the whole read', () => {
    const doc = 'kind: Pod\napiVersion: v1\nspec: {containers: [{image: a}]}\n---\n';
    const text = doc.repeat(20_000);
    const { firsts, result } = read(text);
    assert.equal(firsts.length, 1);
    assert.ok(firsts[0]!.references.length <= (2 * FIRST_FINDINGS_CHARS) / doc.length, `${firsts[0]!.references.length} first findings`);
    assertPrefix(firsts[0]!, result, '20,000 documents');
    assert.equal(result.references.length, 20_000);
    assert.deepEqual(result.errors, []);
  });

  void it('nesting too deep after the first documents: the whole read is still the refusal, and nothing deep is parsed', () => {
    for (const open of ['[', '{a: ', '- ', ': ', '- a: ']) {
      const text = `${deployments(100)}---\napiVersion: v1\nkind: Pod\nspec: ${open.repeat(50_000)}x\n`;
      const { firsts, result } = read(text);
      assert.equal(firsts.length, 1, open);
      assert.equal(result.references.length, 0, open);
      assert.match(result.errors[0]?.message ?? '', LIMIT, open);
      assert.deepEqual(result, scanText('k8s/app.yaml', 'kubernetes', text), open);
    }
  });

  void it('nesting too deep at the start: no first findings, the refusal', () => {
    const text = `apiVersion: v1\nkind: Pod\nspec: ${'['.repeat(50_000)}\n---\n${deployments(100)}`;
    const { firsts, result } = read(text);
    assert.deepEqual(firsts, []);
    assert.match(result.errors[0]?.message ?? '', LIMIT);
  });

  void it('aliases that expand too much after the first documents: the whole read is still the refusal', () => {
    let bomb = 'l0: &l0 {image: nginx}\n';
    for (let l = 1; l <= 12; l += 1) bomb += `l${l}: &l${l} {<<: [${Array(16).fill(`*l${l - 1}`).join(', ')}]}\n`;
    const text = `${deployments(100)}---\napiVersion: v1\nkind: Widget\n${bomb}spec: {image: *l12}\n---\n${deployments(100)}`;
    const { firsts, result } = read(text);
    assert.equal(firsts.length, 1);
    assert.deepEqual(result, scanText('k8s/app.yaml', 'kubernetes', text));
    assert.equal(result.references.length, 0);
    assert.match(result.errors[0]?.message ?? '', /^not read: .*alias/);
  });
});

void describe('YAML documents taken one at a time', () => {
  void it('are lexed and checked only as far as they are taken, and every token is checked before the parser sees it', () => {
    const deep = `a: ${'- '.repeat(50_000)}x\n`;
    const text = `a: 1\n---\nb: 2\n---\nc: 3\n---\n${deep}`;
    const docs = parseYamlDocuments(text, new LineCounter());
    assert.deepEqual(docs.next().value?.toJS(), { a: 1 });
    assert.deepEqual(docs.next().value?.toJS(), { b: 2 });
    // The third document is composed only once the library has the fourth, which is refused first.
    assert.throws(() => docs.next(), /nested more than 200 deep/);
  });
});
