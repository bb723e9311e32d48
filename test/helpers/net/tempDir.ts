import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory under the OS temp dir, removed by `remove()`. */
export interface TempDir {
  readonly path: string;
  remove(): void;
}

export function makeTempDir(prefix: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), `trustlens-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
