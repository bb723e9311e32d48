/** Image references for the write side, named as docker names them (protocol doc §6.1, §6.3). */
import { parseImageRef, type ImageRef } from '../../../model/imageRef';
import type { RepositoryKey } from '../outcome';
import { SigningError } from './signingErrors';

/** `IMAGE:TAG` to sign or revoke, e.g. `127.0.0.1:5000/team/app:v1`: a tag is required, a digest refused. */
export function parseTaggedRef(text: string): ImageRef & { tag: string } {
  const parsed = parseImageRef(text);
  if (!parsed.ok) throw new SigningError('invalid-reference', parsed.message);
  if (parsed.ref.digest) throw new SigningError('invalid-reference', `cannot use a digest reference for IMAGE:TAG (${text})`);
  if (!parsed.ref.tag) throw new SigningError('invalid-reference', `no tag specified for ${text}`);
  return parsed.ref as ImageRef & { tag: string };
}

/** A repository without tag or digest, e.g. `127.0.0.1:5000/team/app`. */
export function parseRepository(text: string): ImageRef {
  const parsed = parseImageRef(text);
  if (!parsed.ok) throw new SigningError('invalid-reference', parsed.message);
  if (parsed.ref.tag || parsed.ref.digest) throw new SigningError('invalid-reference', `expected a repository without tag or digest, got ${text}`);
  return parsed.ref;
}

/** The trust server and GUN of a reference: the GUN is the full normalised repository name. */
export function repositoryKeyOf(ref: ImageRef, trustServerFor: (registry: string) => string): RepositoryKey {
  return { server: trustServerFor(ref.registry), gun: ref.repository, registry: ref.registry };
}
