/**
 * The editor's reader thread (`dist/scanWorker.js`, as built) through its client: a large Kubernetes
 * file's first findings arrive once, before the reply, when asked for; the reply is the whole read;
 * the time limit is for the whole request.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ScanResult } from '../../../src/core/model/occurrence';
import { scanText } from '../../../src/core/parse/scanText';
import { ScanWorkerClient, type ScanRequest } from '../../../src/vscode/scan/scanClient';

const WORKER = join(process.cwd(), 'dist', 'scanWorker.js');

function manifest(deployments: number): string {
  const doc = (i: number) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app${i}}\nspec:\n  template:\n    spec:\n      containers:\n        - {name: app, image: "registry.example.com/app:1.${i}"}\n`;
  return Array.from({ length: deployments }, (_, i) => doc(i)).join('---\n');
}

const request = (text: string, session?: string): Omit<ScanRequest, 'id' | 'first'> => ({
  file: 'k8s/app.yaml', kind: 'kubernetes', text, maxFileBytes: 5 * 1024 * 1024, ...(session ? { session } : {}),
});

void describe('the reader thread', () => {
  const client = new ScanWorkerClient(WORKER);
  after(() => client.dispose());

  void it('sends a large manifest\'s first findings once, before the reply, which is the whole read', async () => {
    const text = manifest(400);
    const events: string[] = [];
    let first: ScanResult | undefined;
    const reply = await client.scan(request(text, 'doc-1'), (found) => {
      events.push('first');
      first = found;
    }).then((r) => {
      events.push('reply');
      return r;
    });
    assert.deepEqual(events, ['first', 'reply']);
    assert.ok(first && first.references.length > 0 && first.references.length < 100, `${first?.references.length} first findings`);
    assert.deepEqual(reply.scan.references.slice(0, first.references.length), first.references);
    assert.deepEqual(reply.scan, scanText('k8s/app.yaml', 'kubernetes', text));
  });

  void it('sends none unless asked, none for an edit read again, and none for one document', async () => {
    const text = manifest(400);
    const firsts: ScanResult[] = [];
    const onFirst = (found: ScanResult) => firsts.push(found);
    assert.equal((await client.scan(request(text))).scan.references.length, 400);
    await client.scan(request(text, 'doc-2'));
    const edited = text.replace('app:1.200"', 'app:2.200"');
    const again = await client.scan(request(edited, 'doc-2'), onFirst);
    assert.deepEqual(again.scan, scanText('k8s/app.yaml', 'kubernetes', edited));
    const one = `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n${Array.from({ length: 2000 }, (_, i) => `    - {image: "nginx:1.${i}"}`).join('\n')}\n`;
    assert.equal((await client.scan(request(one), onFirst)).scan.references.length, 2000);
    assert.deepEqual(firsts, []);
  });

  void it('keeps the time limit for the whole request: first findings do not extend it', async () => {
    const slow = new ScanWorkerClient(WORKER, 300);
    try {
      // Far more than 300 ms of reading, whose first findings come within milliseconds.
      const text = 'kind: Pod\napiVersion: v1\nspec: {containers: [{image: a}]}\n---\n'.repeat(60_000);
      let firsts = 0;
      const reply = await slow.scan(request(text), () => (firsts += 1));
      assert.ok(firsts <= 1);
      assert.deepEqual(reply.scan.references, []);
      assert.match(reply.scan.errors[0]?.message ?? '', /^not read: reading the file took longer than 0.3 s$/);
      // The next request gets a new reader and its own reply.
      assert.equal((await slow.scan(request(manifest(3)))).scan.references.length, 3);
    } finally {
      slow.dispose();
    }
  });
});
