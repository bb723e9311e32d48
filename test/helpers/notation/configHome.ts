/**
 * A notation configuration directory in a temporary folder, laid out as notation expects it
 * (`trustpolicy.json` or `trustpolicy.oci.json`, `truststore/x509/<type>/<name>/<file>`).
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readNotationConfig } from '../../../src/core/trust/notation/configFiles';
import { resolveNotationPolicy, type EffectiveNotationPolicy } from '../../../src/core/trust/notation/policy';
import { notationTempDir } from './scenario';

export interface ConfigHomeSpec {
  /** A policy file to copy, or the policy's JSON. */
  policy: string | object;
  /** `trustpolicy.oci.json` (default) or the older `trustpolicy.json`. */
  policyName?: 'trustpolicy.oci.json' | 'trustpolicy.json';
  stores: readonly { type: 'ca' | 'signingAuthority' | 'tsa'; name: string; files: readonly (string | { name: string; content: string | Uint8Array })[] }[];
}

/** Creates `$XDG_CONFIG_HOME` with a `notation` folder; returns the XDG_CONFIG_HOME path. */
export function makeXdgConfigHome(spec: ConfigHomeSpec): string {
  const home = notationTempDir('xdg');
  const dir = join(home, 'notation');
  mkdirSync(dir, { recursive: true });
  const policyFile = join(dir, spec.policyName ?? 'trustpolicy.oci.json');
  if (typeof spec.policy === 'string') copyFileSync(spec.policy, policyFile);
  else writeFileSync(policyFile, JSON.stringify(spec.policy, null, 2));
  for (const store of spec.stores) {
    const storeDir = join(dir, 'truststore', 'x509', store.type, store.name);
    mkdirSync(storeDir, { recursive: true });
    for (const file of store.files) {
      if (typeof file === 'string') copyFileSync(file, join(storeDir, basename(file)));
      else writeFileSync(join(storeDir, file.name), file.content);
    }
  }
  return home;
}

/** The policy notation would apply to `repository` under that config home. */
export function policyUnder(xdgConfigHome: string, repository: string): EffectiveNotationPolicy | undefined {
  return resolveNotationPolicy(repository, undefined, readNotationConfig({ XDG_CONFIG_HOME: xdgConfigHome, HOME: '/nonexistent' }));
}
