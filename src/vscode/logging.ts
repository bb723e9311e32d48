import * as vscode from 'vscode';
import type { RequestEvent } from '../core/net/http';
import type { Logger } from '../core/ports';

/**
 * The `TrustLens` log channel as the core's Logger. Messages come from the core, which redacts URLs
 * and never formats a credential or token into a message.
 */
export function createLogChannel(): { channel: vscode.LogOutputChannel; logger: Logger; logRequest(e: RequestEvent): void } {
  const channel = vscode.window.createOutputChannel('TrustLens', { log: true });
  const logger: Logger = {
    debug: (m) => channel.debug(m),
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m),
  };
  // One line per request: method, redacted URL, status and time; no header is ever logged.
  const logRequest = (e: RequestEvent) => {
    const outcome = e.status !== undefined ? String(e.status) : (e.errorCode ?? 'failed');
    channel.info(`${e.method} ${e.url} -> ${outcome} (${Math.round(e.durationMs)} ms)${e.attempt > 1 ? ` [attempt ${e.attempt}]` : ''}`);
  };
  return { channel, logger, logRequest };
}
