import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { NetError } from './netError';
import { credentialServerAddress, normalizeRegistryKey } from './registryHost';

/** One `auths` entry of `config.json`, decoded. Never log it. */
export interface AuthEntry {
  /** e.g. `alice`. */
  username?: string;
  password?: string;
  /** An OAuth refresh token (`identitytoken`), exchanged at the token realm. */
  identityToken?: string;
}

/** The parts of docker's `config.json` that decide credentials. */
export interface DockerConfig {
  /** The file read, e.g. `/root/.docker/config.json`. */
  path: string;
  /** Entries by their key as written, e.g. `https://index.docker.io/v1/` or `127.0.0.1:5000`. */
  auths: Record<string, AuthEntry>;
  /** Default credential helper for every registry, e.g. `desktop` (runs `docker-credential-desktop`). */
  credsStore?: string;
  /** Per-registry helpers, e.g. `{ 'gcr.io': 'gcloud' }`. */
  credHelpers: Record<string, string>;
}

/**
 * The docker config directory: `$DOCKER_CONFIG` if set, else `~/.docker`.
 * @param env e.g. `process.env`
 */
export function defaultDockerConfigDir(env: Readonly<Record<string, string | undefined>>, home: string = homedir()): string {
  const fromEnv = env['DOCKER_CONFIG'];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : join(home, '.docker');
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optionalString = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

// Errors never quote the file: it holds passwords. Node's JSON.parse messages can include a snippet of
// the input, so the parse error is not kept as a cause either.
function decodeAuthEntry(key: string, raw: unknown, path: string): AuthEntry {
  if (!isRecord(raw)) throw new NetError('config', `${path}: auths entry "${key}" is not an object`);
  const entry: AuthEntry = {};
  const auth = optionalString(raw['auth']);
  if (auth !== undefined) {
    const decoded = Buffer.from(auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (!/^[A-Za-z0-9+/=\s]+$/.test(auth) || colon <= 0) {
      throw new NetError('config', `${path}: auths entry "${key}" has an invalid "auth" value (expected base64 of user:password)`);
    }
    entry.username = decoded.slice(0, colon);
    entry.password = decoded.slice(colon + 1);
  } else {
    const username = optionalString(raw['username']);
    const password = optionalString(raw['password']);
    if (username !== undefined) entry.username = username;
    if (password !== undefined) entry.password = password;
  }
  const identityToken = optionalString(raw['identitytoken']);
  if (identityToken !== undefined) entry.identityToken = identityToken;
  return entry;
}

/**
 * Parses the text of a `config.json`.
 * @throws NetError `config` for invalid JSON or malformed entries (the message never quotes secrets)
 */
export function parseDockerConfig(text: string, path: string): DockerConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new NetError('config', `${path} is not valid JSON`);
  }
  if (!isRecord(raw)) throw new NetError('config', `${path} is not a JSON object`);
  const config: DockerConfig = { path, auths: {}, credHelpers: {} };
  if (isRecord(raw['auths'])) {
    for (const [key, entry] of Object.entries(raw['auths'])) config.auths[key] = decodeAuthEntry(key, entry, path);
  }
  const credsStore = optionalString(raw['credsStore']);
  if (credsStore !== undefined) config.credsStore = credsStore;
  if (isRecord(raw['credHelpers'])) {
    for (const [key, helper] of Object.entries(raw['credHelpers'])) {
      if (typeof helper === 'string' && helper !== '') config.credHelpers[key] = helper;
    }
  }
  return config;
}

/**
 * Reads `<dir>/config.json`. A missing file is an empty config, as for docker.
 * @throws NetError `config` when the file exists but cannot be read or parsed
 */
export async function readDockerConfig(dir: string): Promise<DockerConfig> {
  const path = join(dir, 'config.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return { path, auths: {}, credHelpers: {} };
    throw new NetError('config', `cannot read ${path}`, { cause: e });
  }
  return parseDockerConfig(text, path);
}

// Docker looks a key up exactly first, then by host name; the exact server address wins over aliases.
function lookup<T>(entries: Record<string, T>, host: string): T | undefined {
  const address = credentialServerAddress(host);
  if (entries[address] !== undefined) return entries[address];
  const normalized = normalizeRegistryKey(host);
  const keys = Object.keys(entries).filter((key) => normalizeRegistryKey(key) === normalized).sort();
  return keys.length > 0 ? entries[keys[0] as string] : undefined;
}

/** The `auths` entry for a registry host (any of docker's key spellings), if any. */
export function findAuthEntry(config: DockerConfig, host: string): AuthEntry | undefined {
  return lookup(config.auths, host);
}

/** The helper name for a registry host: its `credHelpers` entry, else `credsStore`, else undefined. */
export function findCredentialHelper(config: DockerConfig, host: string): string | undefined {
  return lookup(config.credHelpers, host) ?? config.credsStore;
}
