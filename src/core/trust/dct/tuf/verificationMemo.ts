/**
 * Signature checks are pure: the same method, key, signature and signed bytes always give the same
 * answer. A re-check of cached trust data (on every edit, within the TTL) verifies the same few
 * signatures again, so their answers are kept, by a SHA-256 of everything the answer depends on.
 * Bounded: the oldest answers go first.
 */
import { createHash } from 'node:crypto';
import type { TufPublicKey } from './keys';

const MAX_ANSWERS = 1024;
const answers = new Map<string, boolean>();

function lengthOf(n: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, n);
  return bytes;
}

/** Identifies one check: each part length-prefixed, so that no two checks share an identity. */
function identity(method: string, key: TufPublicKey, sig: Uint8Array, message: Uint8Array): string {
  const hash = createHash('sha256');
  for (const part of [Buffer.from(method), Buffer.from(key.keytype), key.public, sig, message]) {
    hash.update(lengthOf(part.byteLength));
    hash.update(part);
  }
  return hash.digest('base64');
}

/** The answer of `verify` for these inputs, computed once while it is remembered. */
export function rememberedVerification(method: string, key: TufPublicKey, sig: Uint8Array, message: Uint8Array, verify: () => boolean): boolean {
  const id = identity(method, key, sig, message);
  const known = answers.get(id);
  if (known !== undefined) return known;
  const answer = verify();
  if (answers.size >= MAX_ANSWERS) answers.delete(answers.keys().next().value as string);
  answers.set(id, answer);
  return answer;
}

/** Forgets every answer (a measurement of a cold start begins with none). */
export function forgetVerifications(): void {
  answers.clear();
}

/** How many answers are remembered (for tests). */
export function rememberedAnswers(): number {
  return answers.size;
}
