import * as vscode from 'vscode';
import { defaultDockerConfigDir } from '../core/net/dockerConfig';
import { DEFAULT_MAX_FILE_BYTES } from '../core/parse/limits';
import { isFindingCode, SEVERITIES, type FindingCode, type Severity } from '../core/model/findings';

/** TrustLens settings for one resource, typed and validated. */
export interface TrustLensSettings {
  enable: boolean;
  /** Registry host[:port] → trust server URL; wins over `.trustlens.yaml`. */
  trustServers: Record<string, string>;
  /** Per finding code; `.trustlens.yaml` rules win over these. */
  severity: Partial<Record<FindingCode, Severity>>;
  unverifiableLevel: Severity;
  cacheTtlSeconds: number;
  expiryWarningDays: number;
  /** Empty: `$DOCKER_CONFIG` or `~/.docker`. */
  dockerConfigDir: string;
  debounceMs: number;
  /** Larger files are not read: they are an `unparsable-file` finding. */
  maxFileBytes: number;
}

const SECTION = 'trustlens';

function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/**
 * Reads the settings that apply to `scope` (a document or folder URI; none: whatever applies to any
 * resource), ignoring malformed values. Each setting is read at the scope the manifest gives it:
 * resource settings for the resource, window and machine settings for the window, which is what
 * VS Code expects (it logs a warning for anything else).
 */
export function readSettings(scope?: vscode.Uri): TrustLensSettings {
  const c = vscode.workspace.getConfiguration(SECTION, scope ?? null);
  const w = vscode.workspace.getConfiguration(SECTION);
  const servers: Record<string, string> = {};
  for (const [host, url] of Object.entries(c.get<Record<string, unknown>>('trustServers') ?? {})) {
    if (typeof url === 'string' && url !== '') servers[host] = url;
  }
  const severity: Partial<Record<FindingCode, Severity>> = {};
  for (const [code, level] of Object.entries(c.get<Record<string, unknown>>('severity') ?? {})) {
    if (isFindingCode(code) && isSeverity(level)) severity[code] = level;
  }
  const number = (from: vscode.WorkspaceConfiguration, key: string, fallback: number) => {
    const v = from.get<number>(key);
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback;
  };
  const unverifiable = c.get<string>('unverifiableLevel');
  return {
    enable: c.get<boolean>('enable') !== false,
    trustServers: servers,
    severity,
    unverifiableLevel: isSeverity(unverifiable) ? unverifiable : 'info',
    cacheTtlSeconds: number(w, 'cacheTtlSeconds', 300),
    expiryWarningDays: number(c, 'expiryWarningDays', 30),
    dockerConfigDir: w.get<string>('dockerConfigDir') ?? '',
    debounceMs: number(w, 'debounceMs', 400),
    maxFileBytes: number(c, 'limits.maxFileBytes', DEFAULT_MAX_FILE_BYTES) || DEFAULT_MAX_FILE_BYTES,
  };
}

/** Whether a configuration change touches TrustLens settings. */
export function affectsTrustLens(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(SECTION);
}

/** The docker config directory the settings name (else `$DOCKER_CONFIG` or `~/.docker`). */
export function dockerConfigDir(): string {
  return readSettings().dockerConfigDir || defaultDockerConfigDir(process.env);
}
