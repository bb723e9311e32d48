/**
 * The extension host's log of a code-server session: what VS Code itself says about an extension
 * (activation, configuration read with the wrong scope, a document selector without a scheme). It
 * goes to `<user-data-dir>/logs/<time>/exthost<n>/remoteexthost.log`, not to the console that
 * `codeAutomationLog` forwards, so both are read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LogEntry } from './runInCodeServer';

/** The text of every extension host log of a code-server user data dir (`logs/<time>/exthost<n>/remoteexthost.log`). */
export function extensionHostLogs(userDataDir: string): string[] {
  const logs = path.join(userDataDir, 'logs');
  if (!fs.existsSync(logs)) return [];
  return fs.readdirSync(logs).flatMap((session) => {
    const dir = path.join(logs, session);
    return fs.readdirSync(dir)
      .filter((name) => name.startsWith('exthost'))
      .map((name) => path.join(dir, name, 'remoteexthost.log'))
      .filter((file) => fs.existsSync(file))
      .map((file) => fs.readFileSync(file, 'utf8'));
  });
}

/**
 * What VS Code warned about an extension: lines of the extension host log at `warning` or `error`
 * that name it (`[trustlens.trustlens] Accessing a resource scoped configuration…`), the notice that it
 * registers a document selector without a scheme (logged at `info`), and warnings and errors on the
 * forwarded console that name it.
 */
export function warningsAbout(extensionId: string, hostLogs: readonly string[], console: readonly LogEntry[]): string[] {
  const named = (text: string) => text.includes(`[${extensionId}]`) || text.includes(`'${extensionId}'`);
  const fromHost = hostLogs.flatMap((log) => log.split('\n')).filter((line) =>
    (/ \[(warning|error)\] /.test(line) && named(line)) || (named(line) && line.includes('uses a document selector without scheme')));
  const fromConsole = console.filter((e) => /^(warn|warning|error)$/.test(e.level) && named(e.message)).map((e) => `[${e.level}] ${e.message}`);
  return [...fromHost, ...fromConsole];
}
