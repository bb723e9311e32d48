import type { ScanResult } from '../model/occurrence';
import { scanCompose } from './compose';
import { scanDockerfile } from './dockerfile';
import type { ScannableKind } from './fileKinds';

/** Everything a scan of one document may need besides its text. */
export interface ScanTextOptions {
  /** Build-arg overrides for Dockerfiles. */
  buildArgs?: ReadonlyMap<string, string>;
  /** Variable lookup for compose interpolation (environment over `.env`). */
  lookup?: (name: string) => string | undefined;
}

/** Finds the image references in one document's text. Never throws. */
export function scanText(file: string, kind: ScannableKind, text: string, options: ScanTextOptions = {}): ScanResult {
  try {
    return kind === 'compose'
      ? scanCompose(file, text, { lookup: options.lookup })
      : scanDockerfile(file, text, { buildArgs: options.buildArgs });
  } catch (e) {
    // A parser bug on odd input must cost one file, not the whole run.
    return { references: [], skipped: [], errors: [{ file, message: `could not parse: ${e instanceof Error ? e.message : String(e)}` }] };
  }
}
