/**
 * The real third-party signatures in ../shared/fixtures (Apache-2.0, see its README): read where they
 * are, relative to the repository root, never copied into the repository.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(process.cwd(), '..', 'shared', 'fixtures');

/** Absolute path of a file under ../shared/fixtures; fails loudly when the folder is missing. */
export function sharedFixturePath(...parts: string[]): string {
  const path = join(ROOT, ...parts);
  if (!existsSync(path)) throw new Error(`missing shared fixture ${path}: the tests expect ../shared/fixtures next to the repository`);
  return path;
}

/** The bytes of a shared fixture. */
export function readSharedFixture(...parts: string[]): Buffer {
  return readFileSync(sharedFixturePath(...parts));
}

/** The Sigstore public-good trusted root the fixtures verify against. */
export const PUBLIC_GOOD_ROOT = ['sigstore', 'trusted-root', 'public-good.trusted_root.json'] as const;
