import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileMetadataStore, MemoryMetadataStore, type MetadataStore } from '../../../src/core/trust/dct/metadataStore';

async function exercise(store: MetadataStore) {
  const server = 'https://127.0.0.1:4443';
  const gun = '127.0.0.1:5000/team/app';
  assert.equal(await store.read(server, gun, 'root'), undefined);
  await store.write(server, gun, 'root', new Uint8Array([1, 2, 3]));
  await store.write(server, gun, 'targets/releases', new Uint8Array([4]));
  await store.write(server, 'other/gun', 'root', new Uint8Array([9]));
  await store.writeState(server, gun, { verifiedAt: 'x' });
  assert.deepEqual([...(await store.read(server, gun, 'root'))!], [1, 2, 3]);
  assert.deepEqual([...(await store.read(server, gun, 'targets/releases'))!], [4]);
  assert.deepEqual(await store.readState(server, gun), { verifiedAt: 'x' });
  await store.clear(server, gun);
  assert.equal(await store.read(server, gun, 'root'), undefined);
  assert.equal(await store.readState(server, gun), undefined);
  assert.deepEqual([...(await store.read(server, 'other/gun', 'root'))!], [9], 'other repositories are kept');
  await store.clear();
  assert.equal(await store.read(server, 'other/gun', 'root'), undefined);
}

void describe('metadata stores', () => {
  void it('keep files per server and GUN (memory)', () => exercise(new MemoryMetadataStore()));

  void it('keep files per server and GUN (disk), refusing path tricks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trustlens-store-'));
    try {
      const store = new FileMetadataStore(dir);
      await exercise(store);
      await assert.rejects(store.write('s', 'g', '../../escape', new Uint8Array()), /refusing to store/);
      await assert.rejects(store.write('s', 'g', 'targets/../x', new Uint8Array()), /refusing to store/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

void describe('FileMetadataStore.list', () => {
  void it('lists every repository it holds, saying which have a pinned root', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trustlens-store-'));
    try {
      const store = new FileMetadataStore(dir);
      assert.deepEqual(await new FileMetadataStore(join(dir, 'missing')).list(), []);
      await store.write('https://b.example:4443', 'b.example/team/app', 'root', new Uint8Array([1]));
      await store.write('https://127.0.0.1:4443', '127.0.0.1:5000/team/app', 'root', new Uint8Array([1]));
      await store.writeState('https://127.0.0.1:4443', 'docker.io/library/alpine', { verifiedAt: 'x' });
      assert.deepEqual(await store.list(), [
        { server: 'https://127.0.0.1:4443', gun: '127.0.0.1:5000/team/app', pinnedRoot: true },
        { server: 'https://127.0.0.1:4443', gun: 'docker.io/library/alpine', pinnedRoot: false },
        { server: 'https://b.example:4443', gun: 'b.example/team/app', pinnedRoot: true },
      ]);
      await store.clear();
      assert.deepEqual(await store.list(), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
