/** Environments for the stack's child processes. */

/**
 * This process's environment without variables whose names start with any of `prefixes` (the
 * registry reads `REGISTRY_*`, notary-server `NOTARY_SERVER_*` as configuration overrides), and
 * without libfaketime's settings: a test may run node under `faketime` to move the verifier's
 * clock, but the stack (certificates, signatures, tokens' servers) must keep real time.
 */
export function environmentWithout(prefixes: readonly string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (prefixes.some((p) => name.startsWith(p)) || name === 'FAKETIME' || name.startsWith('FAKETIME_')) continue;
    env[name] = value;
  }
  const preload = env.LD_PRELOAD?.split(/[\s:]+/).filter((lib) => lib !== '' && !lib.includes('libfaketime'));
  if (preload !== undefined) {
    if (preload.length > 0) env.LD_PRELOAD = preload.join(':');
    else delete env.LD_PRELOAD;
  }
  return env;
}
