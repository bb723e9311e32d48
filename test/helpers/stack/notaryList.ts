/** Parses the table `notary list` prints. */

/** One row of `notary list`. */
export interface NotaryTarget {
  /** Target name: the docker tag, e.g. `v1`. */
  readonly name: string;
  /** Hex sha256 of the manifest (no `sha256:` prefix). */
  readonly digest: string;
  /** Manifest size in bytes. */
  readonly size: number;
  /** Role that holds it, e.g. `targets/releases`. */
  readonly role: string;
}

/**
 * Reads rows of `NAME DIGEST SIZE (BYTES) ROLE`. Returns `[]` for "No targets present in this
 * repository." and throws on any line it does not understand, so a format change fails loudly.
 */
export function parseNotaryList(stdout: string): NotaryTarget[] {
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 1 && /^No targets present/.test(lines[0])) return [];
  const rows: NotaryTarget[] = [];
  for (const line of lines) {
    if (/^NAME\s+DIGEST\s+SIZE/.test(line) || /^-+(\s+-+)+$/.test(line)) continue;
    const cells = line.split(/\s+/);
    const [name, digest, size, role] = cells;
    if (cells.length !== 4 || !/^[0-9a-f]{64}$/.test(digest) || !/^\d+$/.test(size)) {
      throw new Error(`unexpected line in notary list output: ${JSON.stringify(line)}`);
    }
    rows.push({ name, digest, size: Number(size), role });
  }
  return rows;
}
