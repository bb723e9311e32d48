/**
 * Docker image reference parsing and normalisation, following the grammar of
 * distribution/reference (`ParseNormalizedNamed`): `alpine` becomes `docker.io/library/alpine:latest`.
 */

/** A normalised image reference. */
export interface ImageRef {
  /** Registry host (and port), e.g. `docker.io`, `127.0.0.1:5000`. */
  registry: string;
  /** Repository path without the registry, e.g. `library/alpine`. */
  path: string;
  /** Full repository name, e.g. `docker.io/library/alpine`. */
  repository: string;
  /** The tag as written, or null; see `effectiveTag` for the implied `latest`. */
  tag: string | null;
  /** Digest as written (`sha256:<64 hex>`), or null. */
  digest: string | null;
  /** The tag to look up: the written tag, or `latest` when neither a tag nor a digest is given. */
  effectiveTag: string | null;
  /** Canonical string, e.g. `docker.io/library/alpine:3.19` or `docker.io/library/alpine:3.19@sha256:…`. */
  reference: string;
}

/** The result of parsing: a reference, or a message saying what is wrong with the text. */
export type ParseResult = { ok: true; ref: ImageRef } | { ok: false; message: string };

export const DEFAULT_REGISTRY = 'docker.io';
const LEGACY_DEFAULT_REGISTRY = 'index.docker.io';
const OFFICIAL_NAMESPACE = 'library';
const NAME_TOTAL_LENGTH_MAX = 255;

// distribution/reference regexp.go, written out once.
const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const HOST = `(?:${DOMAIN_NAME}|${IPV6})`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const PATH_RE = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const DOMAIN_RE = new RegExp(`^${DOMAIN}$`);
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*):([0-9a-fA-F]{32,})$/;
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** Validates a digest string; returns an error message, or undefined when it is valid. */
export function validateDigest(digest: string): string | undefined {
  const m = DIGEST_RE.exec(digest);
  if (!m) return `invalid digest "${digest}": expected <algorithm>:<hex>`;
  const [, algorithm, hex] = m as unknown as [string, string, string];
  const expected = DIGEST_HEX_LENGTH[algorithm];
  if (expected === undefined) return `unsupported digest algorithm "${algorithm}"`;
  if (hex.length !== expected) return `invalid ${algorithm} digest: expected ${expected} hex characters, got ${hex.length}`;
  if (hex !== hex.toLowerCase()) return `invalid ${algorithm} digest: hex must be lower case`;
  return undefined;
}

/** Splits `name` into registry and path the way docker's `splitDockerDomain` does. */
function splitDomain(name: string): { registry: string; path: string } {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  let registry: string;
  let path: string;
  if (slash === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    registry = DEFAULT_REGISTRY;
    path = name;
  } else {
    registry = first;
    path = name.slice(slash + 1);
  }
  if (registry === LEGACY_DEFAULT_REGISTRY) registry = DEFAULT_REGISTRY;
  if (registry === DEFAULT_REGISTRY && !path.includes('/')) path = `${OFFICIAL_NAMESPACE}/${path}`;
  return { registry, path };
}

/** Parses and normalises an image reference as docker does. Never throws. */
export function parseImageRef(text: string): ParseResult {
  if (text === '') return { ok: false, message: 'empty image reference' };
  if (/^[a-f0-9]{64}$/.test(text)) {
    return { ok: false, message: `invalid repository name "${text}": cannot specify 64-byte hexadecimal strings` };
  }
  if (/\s/.test(text)) return { ok: false, message: `invalid reference "${text}": contains white space` };

  let rest = text;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const problem = validateDigest(digest);
    if (problem) return { ok: false, message: problem };
  }

  let tag: string | null = null;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG_RE.test(tag)) return { ok: false, message: `invalid tag "${tag}" in "${text}"` };
  }

  if (rest === '') return { ok: false, message: `invalid reference "${text}": repository name is empty` };
  if (rest.split('/').some((part) => part === '')) {
    return { ok: false, message: `invalid reference "${text}": empty path component` };
  }
  const { registry, path } = splitDomain(rest);
  if (!DOMAIN_RE.test(registry)) return { ok: false, message: `invalid registry "${registry}" in "${text}"` };
  if (path.toLowerCase() !== path) {
    return { ok: false, message: `invalid reference "${text}": repository name must be lowercase` };
  }
  if (!PATH_RE.test(path)) return { ok: false, message: `invalid repository name "${path}" in "${text}"` };
  const repository = `${registry}/${path}`;
  if (repository.length > NAME_TOTAL_LENGTH_MAX) {
    return { ok: false, message: `repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters` };
  }

  const effectiveTag = tag ?? (digest ? null : 'latest');
  const reference = `${repository}${effectiveTag ? `:${effectiveTag}` : ''}${digest ? `@${digest}` : ''}`;
  return { ok: true, ref: { registry, path, repository, tag, digest, effectiveTag, reference } };
}

/** Docker's familiar (short) form of a repository: `docker.io/library/alpine` → `alpine`. */
export function familiarRepository(repository: string): string {
  const prefix = `${DEFAULT_REGISTRY}/`;
  if (!repository.startsWith(prefix)) return repository;
  const path = repository.slice(prefix.length);
  return path.startsWith(`${OFFICIAL_NAMESPACE}/`) && path.split('/').length === 2
    ? path.slice(OFFICIAL_NAMESPACE.length + 1)
    : path;
}
