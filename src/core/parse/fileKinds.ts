import { basename } from 'node:path';

/** The kinds of file that can pull images. */
export type ScannableKind = 'dockerfile' | 'compose';

const COMPOSE_NAME = /^(?:docker-)?compose(?:\.[^/]+)?\.ya?ml$/;
const DOCKERFILE_NAME = /^(?:Dockerfile|Containerfile)(?:\..+)?$|\.Dockerfile$/;

/**
 * Recognises a file by name, as a directory walk does: `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`,
 * `Containerfile`, and `compose.yaml`/`docker-compose.yml` with their `*.override.*` (or any
 * `compose.<name>.yaml`) variants. Returns undefined for anything else.
 */
export function kindOfFileName(path: string): ScannableKind | undefined {
  const name = basename(path);
  if (COMPOSE_NAME.test(name)) return 'compose';
  if (DOCKERFILE_NAME.test(name)) return 'dockerfile';
  return undefined;
}

/** The kind of a file named explicitly: by name, else YAML by extension, else a Dockerfile. */
export function kindOfGivenFile(path: string): ScannableKind {
  return kindOfFileName(path) ?? (/\.ya?ml$/i.test(path) ? 'compose' : 'dockerfile');
}
