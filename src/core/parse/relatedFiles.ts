import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RelatedFiles } from './kustomize';
import { fileTooLarge } from './limits';

/**
 * Reads the files beside `file` that its images depend on (a kustomization's resources, a chart's
 * `Chart.yaml`), each at most `maxFileBytes`. Never throws: a file that cannot be read says why.
 */
export function relatedFilesOf(file: string, maxFileBytes: number): RelatedFiles {
  const dir = dirname(file);
  return (relativePath) => {
    const path = join(dir, relativePath);
    try {
      const { size } = statSync(path);
      if (size > maxFileBytes) return { error: `not read: ${fileTooLarge(size, maxFileBytes)}` };
      return { text: readFileSync(path, 'utf8') };
    } catch (e) {
      return { error: `cannot read it: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
    }
  };
}
