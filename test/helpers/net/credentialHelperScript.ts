import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** How a fake `docker-credential-<name>` behaves. */
export type HelperBehaviour =
  /** Answers from this table (server URL → Username/Secret); other URLs get docker's "not found". */
  | { kind: 'table'; entries: Record<string, { Username: string; Secret: string }> }
  /** Never answers (waits on stdin forever after reading the URL). */
  | { kind: 'hang' }
  /** Exits with this status and stdout text. */
  | { kind: 'fail'; status: number; stdout: string }
  /** Prints this text and exits 0. */
  | { kind: 'print'; stdout: string };

/** A real credential helper executable installed in a bin directory for one test. */
export interface InstalledHelper {
  /** The `docker-credential-…` file. */
  readonly path: string;
  /** Every server URL the helper received on stdin, one per run, in order. */
  invocations(): string[];
}

/**
 * Writes an executable `docker-credential-<name>` into `binDir`. It is a Node script run by this
 * Node binary; each run appends the server URL it read on stdin to a log file next to it.
 */
export function installCredentialHelper(binDir: string, name: string, behaviour: HelperBehaviour): InstalledHelper {
  const path = join(binDir, `docker-credential-${name}`);
  const logPath = join(binDir, `${name}.invocations.log`);
  const script = `#!${process.execPath}
const fs = require('node:fs');
const behaviour = ${JSON.stringify(behaviour)};
if (process.argv[2] !== 'get') { process.stdout.write('unsupported'); process.exit(2); }
let input = '';
process.stdin.on('data', (c) => { input += c; });
process.stdin.on('end', () => {
  fs.appendFileSync(${JSON.stringify(logPath)}, JSON.stringify(input) + '\\n');
  if (behaviour.kind === 'hang') { setInterval(() => {}, 1 << 30); return; }
  if (behaviour.kind === 'fail') { process.stdout.write(behaviour.stdout); process.exit(behaviour.status); }
  if (behaviour.kind === 'print') { process.stdout.write(behaviour.stdout); process.exit(0); }
  const entry = behaviour.entries[input];
  if (!entry) { process.stdout.write('credentials not found in native keychain\\n'); process.exit(1); }
  process.stdout.write(JSON.stringify({ ServerURL: input, ...entry }));
});
`;
  writeFileSync(path, script);
  chmodSync(path, 0o755);
  return {
    path,
    invocations: () => (existsSync(logPath) ? readFileSync(logPath, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as string) : []),
  };
}
