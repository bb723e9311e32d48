import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { folderCycles, folderEdges } from '../../helpers/architecture/folderCycles';

/** Writes `files` (path → text) under a fresh directory and returns the cycles found there. */
function cyclesIn(files: Record<string, string>): string[][] {
  const root = mkdtempSync(join(tmpdir(), 'trustlens-folders-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return folderCycles(folderEdges(root)).map((c) => c.folders);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

void describe('folder cycles', () => {
  void it('src has none', () => {
    const cycles = folderCycles(folderEdges(join(process.cwd(), 'src')));
    const described = cycles.map((c) => `${c.folders.join(' <-> ')}:\n${[...new Set(c.edges.map((e) => `  ${e.from} -> ${e.to} (${e.file} imports ${e.specifier})`))].join('\n')}`);
    assert.deepEqual(described, []);
  });

  void it('finds two sibling folders that import each other, by value or by type', () => {
    assert.deepEqual(cyclesIn({
      'a/x.ts': "import { y } from '../b/y';\nexport const x = y;\n",
      'b/y.ts': "import type { Z } from '../a/z';\nexport const y = 1 as unknown as Z;\n",
      'a/z.ts': 'export type Z = number;\n',
    }), [['a', 'b']]);
  });

  void it('finds a cycle through three folders and one made deep inside them', () => {
    assert.deepEqual(cyclesIn({
      'core/a/deep/f.ts': "export { g } from '../../b/g';\n",
      'core/b/g.ts': "import { h } from '../c/h';\nexport const g = h;\n",
      'core/c/h.ts': "import '../a/i';\nexport const h = 1;\n",
      'core/a/i.ts': 'export {};\n',
    }), [['core/a', 'core/b', 'core/c']]);
  });

  void it('allows a one-way dependency, and a folder and its own subfolder using each other (controls)', () => {
    assert.deepEqual(cyclesIn({
      'a/x.ts': "import { y } from '../b/y';\nexport const x = y;\n",
      'b/y.ts': 'export const y = 1;\n',
      'p/main.ts': "import { c } from './child/c';\nexport const main = c;\n",
      'p/child/c.ts': "import { shared } from '../shared';\nexport const c = shared;\n",
      'p/shared.ts': 'export const shared = 1;\n',
    }), []);
  });
});
