/**
 * The first findings of a large multi-document YAML file, reported while the rest of it is still
 * read, so that the editor can show them at once. They are what the file's first documents hold,
 * exactly as the read of the whole file gives them (the same entries, positions and order): the
 * whole read's findings begin with them, unless the rest of the file is refused (a limit), in which
 * case the whole read is that refusal. They are never the file's verdict: the whole read is.
 */
import type { ScanResult } from '../model/occurrence';
import type { ImageSink } from './imageValues';
import type { YamlOutline } from './yamlBounded';

/** Receives the first findings of a file, at most once per read. */
export type FirstFindingsListener = (found: ScanResult) => void;

/**
 * The first findings are reported once the documents read cover this many characters of the text
 * and found something, and only when at least as many characters are left to read: a small file is
 * read whole at once.
 */
export const FIRST_FINDINGS_CHARS = 8 * 1024;

/**
 * A hook for `yamlViews`'s `onRead`: after each document, reports what `sink` holds to `listener`
 * the first time the documents read reach {@link FIRST_FINDINGS_CHARS} with findings, and never again.
 * `outline` is the one the read fills, which knows where the next document starts.
 */
export function firstFindingsHook(text: string, outline: YamlOutline, sink: ImageSink, listener: FirstFindingsListener): (documents: number) => void {
  let reported = false;
  return (documents) => {
    if (reported) return;
    const end = outline.starts[documents];
    if (end === undefined || end < FIRST_FINDINGS_CHARS || text.length - end < FIRST_FINDINGS_CHARS) return;
    const found = sink.snapshot();
    if (found.references.length + found.skipped.length + found.errors.length === 0) return;
    reported = true;
    listener(found);
  };
}
