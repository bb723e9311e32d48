import { refsJson } from '../core/model/serialize';
import type { ScanResult } from '../core/model/occurrence';
import type { Range } from '../core/model/range';
import { scanPaths } from '../core/parse/scanPaths';
import { DEFAULT_MAX_FILE_BYTES } from '../core/parse/limits';
import { parseCommandLine } from './commandLine';
import { parseBuildArgs, parseFormat, parseMaxFileBytes } from './usage';

/** Output streams and environment of one CLI run, injectable for tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
}

/** Renders a scan as one line per entry, in file and position order, then a summary line. */
export function formatRefsText(scan: ScanResult): string {
  const entries: { file: string; range?: Range; line: string }[] = [];
  const at = (file: string, range?: Range) => (range ? `${file}:${range.start.line + 1}:${range.start.character + 1}` : file);
  for (const r of scan.references) {
    const extras = [r.stage ? `AS ${r.stage}` : '', r.platform ? `platform ${r.platform}` : ''].filter(Boolean).join(', ');
    entries.push({ file: r.file, range: r.range, line: `${at(r.file, r.range)}\t${r.kind}\t${r.ref.reference}${extras ? `\t(${extras})` : ''}` });
  }
  for (const s of scan.skipped) {
    entries.push({ file: s.file, range: s.range, line: `${at(s.file, s.range)}\tskipped\t${s.text}\t(${s.reason}: ${s.message})` });
  }
  for (const e of scan.errors) entries.push({ file: e.file, range: e.range, line: `${at(e.file, e.range)}\terror\t${e.message}` });
  const key = (e: { range?: Range }) => (e.range ? e.range.start.line * 1e6 + e.range.start.character : -1);
  const fileOrder = new Map<string, number>();
  for (const e of entries) if (!fileOrder.has(e.file)) fileOrder.set(e.file, fileOrder.size);
  entries.sort((a, b) => (fileOrder.get(a.file)! - fileOrder.get(b.file)!) || key(a) - key(b));
  const counts = (references: number, skipped: number, errors: number) =>
    `${references} reference${references === 1 ? '' : 's'}, ${skipped} skipped, ${errors} error${errors === 1 ? '' : 's'}`;
  const perFile: string[] = [];
  if (fileOrder.size > 1) {
    perFile.push('Per file:');
    const inFile = (list: readonly { file: string }[], file: string) => list.filter((x) => x.file === file).length;
    for (const file of fileOrder.keys()) perFile.push(`  ${file}: ${counts(inFile(scan.references, file), inFile(scan.skipped, file), inFile(scan.errors, file))}`);
  }
  const summary = counts(scan.references.length, scan.skipped.length, scan.errors.length);
  return `${[...entries.map((e) => e.line), ...perFile, summary].join('\n')}\n`;
}

/** `trustlens refs [PATH...] [--format text|json] [--build-arg NAME=VALUE]...` */
export function refsCommand(argv: readonly string[], io: CliIo): number {
  const { values, positionals } = parseCommandLine('refs', argv, {
    format: { type: 'string' },
    'build-arg': { type: 'string', multiple: true },
    'max-file-bytes': { type: 'string' },
  });
  const format = parseFormat(values.format, ['text', 'json'] as const);
  const buildArgs = parseBuildArgs(values['build-arg'] ?? []);
  const maxFileBytes = parseMaxFileBytes(values['max-file-bytes'], DEFAULT_MAX_FILE_BYTES, 'refs');
  const scan = scanPaths(positionals.length > 0 ? positionals : ['.'], { buildArgs, env: io.env, maxFileBytes });
  io.stdout(format === 'json' ? `${JSON.stringify(refsJson(scan), null, 2)}\n` : formatRefsText(scan));
  return 0;
}
