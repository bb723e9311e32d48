/**
 * Rewriting image text as the user wrote it: the registry, namespace and tag spelling stay as they are
 * (`alpine:3.19` stays `alpine:3.19`, never `docker.io/library/alpine:3.19`); only the tag or digest changes.
 */

/** Image text split into its written parts, e.g. `ghcr.io/acme/app:1.2@sha256:…`. */
export interface WrittenImage {
  /** Everything before the tag, e.g. `ghcr.io/acme/app` or `localhost:5000/app`. */
  name: string;
  /** The tag as written, or null. */
  tag: string | null;
  /** The digest as written, or null. */
  digest: string | null;
}

/** Splits written image text (no variables) into name, tag and digest; a port is not a tag. */
export function splitWrittenImage(text: string): WrittenImage {
  const at = text.indexOf('@');
  const digest = at === -1 ? null : text.slice(at + 1);
  const rest = at === -1 ? text : text.slice(0, at);
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  return { name: rest, tag: null, digest };
}

/**
 * The text pinned to `digest`: `alpine:3.19` → `alpine:3.19@sha256:…`, a wrong pin replaced, and an
 * implied tag written out (`alpine` → `alpine:latest@sha256:…`) so the pin still says which tag it is.
 */
export function withDigest(text: string, digest: string): string {
  const { name, tag } = splitWrittenImage(text);
  return `${name}:${tag ?? 'latest'}@${digest}`;
}

/** The text switched to another tag and pinned: `alpine:3.18` → `alpine:3.19@sha256:…`. */
export function withTagAndDigest(text: string, tag: string, digest: string): string {
  return `${splitWrittenImage(text).name}:${tag}@${digest}`;
}

/** The variables a written value refers to, as written once each, e.g. `['${REGISTRY}', '$TAG']`. */
export function writtenVariables(text: string): string[] {
  const found = text.match(/\$(?:\{[A-Za-z_][A-Za-z0-9_]*[^}]*\}?|[A-Za-z_][A-Za-z0-9_]*)/g) ?? [];
  return [...new Set(found)];
}

/** A short digest for titles, e.g. `sha256:74d4bf1c2a3e…`. */
export function shortDigest(digest: string): string {
  return digest.length > 19 ? `${digest.slice(0, 19)}…` : digest;
}
