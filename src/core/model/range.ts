/** A zero-based position, LSP-shaped, so the editor adapter converts it one-to-one. */
export interface Position {
  /** Zero-based line, e.g. `0` for the first line. */
  line: number;
  /** Zero-based UTF-16 offset within the line. */
  character: number;
}

/** A zero-based range whose `end` is exclusive, e.g. the image text `alpine:3.19` in `FROM alpine:3.19`. */
export interface Range {
  start: Position;
  end: Position;
}

/** Builds a range on one line. */
export function lineRange(line: number, startCharacter: number, endCharacter: number): Range {
  return { start: { line, character: startCharacter }, end: { line, character: endCharacter } };
}
