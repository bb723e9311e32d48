/**
 * Reading a Kubernetes file again after an edit (the editor's case) gives exactly what reading it
 * afresh gives, though only the YAML documents whose text changed are parsed again: random edit
 * sequences on multi-document manifests (documents added, removed and split, characters typed
 * anywhere, tags changed, directives and end markers written), each version compared with a fresh
 * read. The same seeds every run.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ScanResult } from '../../../src/core/model/occurrence';
import { ScanSession } from '../../../src/core/parse/scanSession';
import { checkYamlNesting } from '../../../src/core/parse/yamlBounded';
import { updatedOutline } from '../../../src/core/parse/yamlOutlineUpdate';
import { scanText } from '../../../src/core/parse/scanText';
import { Prng } from '../../fuzz/generators';

/** The result of a read, or the limit it stopped at, comparable with deepEqual. */
function outcome(read: () => unknown): unknown {
  try {
    return read();
  } catch (e) {
    return { threw: (e as Error).message };
  }
}

const DOCUMENTS = [
  (n: number) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app${n}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example.com/app${n}:1.${n % 9}\n      initContainers:\n        - {name: init, image: "busybox:1.36"}\n`,
  (n: number) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p${n}}\nspec:\n  containers:\n    - &c\n      image: nginx:1.2${n % 8}\n  ephemeralContainers:\n    - *c\n  volumes:\n    - name: v\n      image: {reference: "ghcr.io/acme/data:${n}"}\n`,
  (n: number) => `apiVersion: batch/v1\nkind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - image: 'alpine:3.${n % 20}'  # nightly\n`,
  (n: number) => `apiVersion: example.com/v1\nkind: Widget\nspec:\n  image: quay.io/acme/widget:${n}\n  nested: {image: not a reference}\n`,
  (n: number) => `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    spec: {containers: [{image: "redis:7.${n % 4}"}]}\n`,
  (n: number) => `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: "{{ .Values.image }}"\n    - image: ${n}\n    - image: |\n        --- not a document\n        text${n}\n`,
  () => `# only a comment\n`,
  () => `apiVersion: v1\nkind: ConfigMap\ndata: {a: [1, 2}\n`,
  () => `kind: Pod\nspec: {containers: [{image: *missing}]}\n`,
];

let names = 0;

function randomManifest(rng: Prng, documents: number): string {
  const docs: string[] = [];
  for (let i = 0; i < documents; i += 1) docs.push(rng.pick(DOCUMENTS)((names += 1)));
  return (rng.int(0, 1) === 0 ? '---\n' : '') + docs.join('---\n');
}

/** Offsets where the documents of `text` begin (after each `---` line). */
function documentStarts(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('---\n'); at >= 0; at = text.indexOf('---\n', at + 1)) if (at === 0 || text[at - 1] === '\n') starts.push(at);
  starts.push(text.length);
  return starts;
}

/** How many documents there are from the one holding the first YAML error to the end (0 without errors). */
function documentsFromFirstError(text: string, found: ScanResult): number {
  if (found.errors.length === 0) return 0;
  const line = Math.min(...found.errors.map((e) => e.range?.start.line ?? 0));
  let offset = 0;
  for (let l = 0; l < line; l += 1) offset = text.indexOf('\n', offset) + 1;
  const starts = documentStarts(text).slice(0, -1);
  return starts.filter((_start, i) => (starts[i + 1] ?? text.length + 1) > offset).length;
}

function edit(rng: Prng, text: string): string {
  const starts = documentStarts(text);
  const at = rng.pick(starts);
  const anywhere = rng.int(0, text.length);
  switch (rng.int(0, 9)) {
    case 0:
      return `${text.slice(0, at)}---\n${rng.pick(DOCUMENTS)((names += 1))}${text.slice(at)}`;
    case 1: {
      const end = starts[Math.min(starts.indexOf(at) + 1, starts.length - 1)]!;
      return text.slice(0, at) + text.slice(end);
    }
    case 2: {
      // Change one image's tag in place.
      const image = text.indexOf('image: ', anywhere);
      const eol = text.indexOf('\n', image);
      return image < 0 || eol < 0 ? text : `${text.slice(0, image)}image: alpine:3.${rng.int(10, 20)}${text.slice(eol)}`;
    }
    case 3: {
      // Start a new document in the middle of one.
      const line = text.lastIndexOf('\n', anywhere) + 1;
      return `${text.slice(0, line)}---\n${text.slice(line)}`;
    }
    case 4:
      return rng.int(0, 3) === 0 ? `%TAG !e! tag:example.com,2000:\n${text.startsWith('---') ? '' : '---\n'}${text}` : `${text}...\n`;
    case 5:
      return anywhere > 0 ? text.slice(0, anywhere - 1) + text.slice(anywhere) : text;
    default:
      return text.slice(0, anywhere) + rng.pick(['a', ' ', '\n', '-', ':', '"', '{', '[', '&a ', '*a', '#', '1']) + text.slice(anywhere);
  }
}

void describe('reading a Kubernetes file again after an edit', () => {
  void it('gives what a fresh read gives, on random edit sequences, parsing only the documents that changed', () => {
    let computed = 0;
    let bound = 0;
    let documents = 0;
    for (let seed = 1; seed <= 40; seed += 1) {
      const rng = new Prng(2000 + seed);
      const session = new ScanSession();
      let text = randomManifest(rng, rng.int(1, 25));
      let wasSeparable = false;
      let before = '';
      for (let step = 0; step < 50; step += 1) {
        const incremental = outcome(() => scanText('k8s/app.yaml', 'kubernetes', text, { session }));
        const fresh = outcome(() => scanText('k8s/app.yaml', 'kubernetes', text));
        assert.deepEqual(incremental, fresh, `seed ${seed}, step ${step}: ${JSON.stringify(text)}, after ${JSON.stringify(before)}`);
        const separable = !/^(?:%|\.\.\.)/m.test(text);
        if (step > 0 && separable && wasSeparable && !(incremental as { threw?: string }).threw) {
          // An edit changes at most two documents; a document with an error is read every time, and so
          // are the documents after it (in one pass with it).
          computed += session.kubernetes.computed;
          bound += 2 + documentsFromFirstError(text, fresh as ScanResult);
          documents += documentStarts(text).length - 1;
        }
        wasSeparable = separable;
        before = text;
        text = edit(rng, text);
        // Now and then the file returns to one without directives or end markers.
        if (step % 10 === 9) text = text.replace(/^%TAG.*\n/m, '').replace(/^\.\.\.\n/gm, '');
      }
    }
    assert.ok(documents > 5000, `${documents} documents read`);
    assert.ok(computed <= bound, `${computed} documents parsed again, more than the ${bound} edited, broken or after a broken one`);
  });

  void it('in a file without YAML errors (the usual case while editing), parses again only the edited documents', () => {
    const valid = DOCUMENTS.slice(0, 7);
    let computed = 0;
    let documents = 0;
    for (let seed = 1; seed <= 20; seed += 1) {
      const rng = new Prng(7000 + seed);
      const session = new ScanSession();
      const docs = Array.from({ length: rng.int(5, 30) }, () => rng.pick(valid)((names += 1)));
      scanText('k8s/app.yaml', 'kubernetes', docs.join('---\n'), { session });
      for (let step = 0; step < 30; step += 1) {
        const at = rng.int(0, docs.length - 1);
        const change = rng.int(0, 2);
        if (change === 0) docs[at] = docs[at]!.replace(/:(\d+(?:\.\d+)*)(["'\s])/, (_m, tag: string, end: string) => `:${tag}1${end}`);
        else if (change === 1) docs.splice(at, 0, rng.pick(valid)((names += 1)));
        else if (docs.length > 1) docs.splice(at, 1);
        const text = docs.join('---\n');
        const read = scanText('k8s/app.yaml', 'kubernetes', text, { session });
        assert.deepEqual(read, scanText('k8s/app.yaml', 'kubernetes', text), `seed ${seed}, step ${step}`);
        assert.equal(read.errors.length, 0);
        // The edited document, and one that became the first or the last (its text as read changes with it).
        assert.ok(session.kubernetes.computed <= 2, `seed ${seed}, step ${step}: ${session.kubernetes.computed} documents parsed again`);
        computed += session.kubernetes.computed;
        documents += docs.length;
      }
    }
    assert.ok(documents > 5000, `${documents} documents read`);
    assert.ok(computed < documents / 10, `${computed} of ${documents} documents parsed again`);
  });

  void it('finds where the documents start after an edit as lexing the whole file does, lexing only the edited documents', () => {
    let updated = 0;
    let edits = 0;
    for (let seed = 1; seed <= 40; seed += 1) {
      const rng = new Prng(5000 + seed);
      let text = randomManifest(rng, rng.int(1, 25));
      for (let step = 0; step < 50; step += 1) {
        const after = edit(rng, text);
        const before = outcome(() => checkYamlNesting(text)) as { starts?: number[]; separable?: boolean };
        if (before.starts && before.separable) {
          edits += 1;
          const incremental = outcome(() => updatedOutline(text, before.starts!, after));
          if (incremental !== undefined) {
            updated += 1;
            assert.deepEqual(incremental, outcome(() => checkYamlNesting(after)), `seed ${seed}, step ${step}: ${JSON.stringify(after)}, after ${JSON.stringify(text)}`);
          }
        }
        text = step % 10 === 9 ? after.replace(/^%TAG.*\n/m, '').replace(/^\.\.\.\n/gm, '') : after;
      }
    }
    assert.ok(updated > edits / 2, `${updated} of ${edits} edits found without lexing the whole file`);
  });

  void it('moves the findings of unchanged documents to where they now start, and parses only the edited one', () => {
    const session = new ScanSession();
    const doc = (n: number) => `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: nginx:1.${n}\n`;
    const before = [doc(1), doc(2), doc(3)].join('---\n');
    scanText('m.yaml', 'kubernetes', before, { session });
    assert.equal(session.kubernetes.computed, 3);
    const after = [`# a comment\n${doc(1)}`, doc(20), doc(3)].join('---\n');
    const read = scanText('m.yaml', 'kubernetes', after, { session });
    assert.equal(session.kubernetes.computed, 2);
    assert.deepEqual(read.references.map((r) => [r.text, r.range.start.line]), [['nginx:1.1', 5], ['nginx:1.20', 11], ['nginx:1.3', 17]]);
    assert.deepEqual(read, scanText('m.yaml', 'kubernetes', after));
  });
});
