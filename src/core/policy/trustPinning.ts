/**
 * `trustPinning` of `.trustlens.yaml`: notary's `trust_pinning` client setting
 * (`trustpinning/trustpin.go`), for runners that are always at first use, where trust on first use
 * pins nothing.
 */
import { isAbsolute, resolve } from 'node:path';
import { isMap, isScalar, isSeq, type Node } from 'yaml';

/** What `trustPinning` says, validated; CA paths are absolute. */
export interface TrustPinningConfig {
  /** A GUN, or a GUN prefix ending in `*`, to the root certificate key IDs it must use. */
  readonly certs: Readonly<Record<string, readonly string[]>>;
  /** A GUN prefix to a CA bundle (PEM) one of the root's certificates must chain to. */
  readonly ca: Readonly<Record<string, string>>;
  /** Refuse a repository that neither `certs` nor `ca` names, instead of trusting it on first use. */
  readonly disableTOFU: boolean;
}

/** How the policy parser reports a bad value: throws, naming the node's line and column. */
export type PolicyFail = (node: Node | null | undefined, message: string) => never;

const KEY_ID = /^[0-9a-f]{64}$/;

/**
 * Parses the `trustPinning` mapping. `baseDir` is the policy file's directory, which relative CA
 * paths are taken from.
 */
export function parseTrustPinning(value: unknown, baseDir: string, fail: PolicyFail): TrustPinningConfig {
  if (!isMap(value)) return fail(value as Node, '"trustPinning" must be a mapping of certs, ca and disableTOFU');
  const certs: Record<string, string[]> = {};
  const ca: Record<string, string> = {};
  let disableTOFU = false;
  const text = (node: unknown, what: string): string => {
    if (!isScalar(node) || typeof node.value !== 'string' || node.value === '') return fail(node as Node, `${what} must be a non-empty string`);
    return node.value;
  };
  for (const pair of value.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    switch (key) {
      case 'certs': {
        if (!isMap(pair.value)) return fail(pair.value as Node, '"trustPinning.certs" must map a GUN (or a GUN prefix ending in *) to a list of root certificate key IDs');
        for (const entry of pair.value.items) {
          const gun = text(entry.key, 'a trustPinning.certs key (a GUN, or a prefix ending in *)');
          if (gun.slice(0, -1).includes('*')) fail(entry.key as Node, `"${gun}": a * may only end a trustPinning.certs key, as notary matches it`);
          const list = entry.value;
          if (!isSeq(list)) return fail(list as Node, `the pinned key IDs of ${gun} must be a list`);
          certs[gun] = list.items.map((item) => {
            const id = text(item, `each key ID pinned for ${gun}`);
            if (!KEY_ID.test(id)) fail(item as Node, `"${id}" is not a root certificate key ID (64 lower-case hex digits, as notary and docker trust inspect print them)`);
            return id;
          });
          if (certs[gun]!.length === 0) fail(list, `pin at least one key ID for ${gun}`);
        }
        break;
      }
      case 'ca': {
        if (!isMap(pair.value)) return fail(pair.value as Node, '"trustPinning.ca" must map a GUN prefix to a CA bundle file');
        for (const entry of pair.value.items) {
          const prefix = isScalar(entry.key) && typeof entry.key.value === 'string' ? entry.key.value : text(entry.key, 'a trustPinning.ca key (a GUN prefix)');
          const file = text(entry.value, `the CA bundle for ${prefix || 'the empty prefix'}`);
          ca[prefix] = isAbsolute(file) ? file : resolve(baseDir, file);
        }
        break;
      }
      case 'disableTOFU':
        if (!isScalar(pair.value) || typeof pair.value.value !== 'boolean') return fail(pair.value as Node, '"trustPinning.disableTOFU" must be true or false');
        disableTOFU = pair.value.value;
        break;
      default:
        fail(pair.key as Node, `unknown key "trustPinning.${key}" (expected certs, ca or disableTOFU)`);
    }
  }
  return { certs, ca, disableTOFU };
}
