/**
 * A repository owner with a notary client of their own, whose passphrases the test knows, for the
 * operations the stack's client does not offer: rotating the root key (notary asks "yes/no" on
 * stdin) and deleting the repository from the server.
 */
import { environmentWithout } from '../stack/environment';
import { NotaryCli } from '../stack/notaryCli';
import { runCommand } from '../stack/runCommand';
import type { Stack } from '../stack/stack';

/** An owner's client plus the root-level operations. */
export interface RepositoryOwner {
  readonly cli: NotaryCli;
  /** `notary key rotate <gun> root`, confirmed: a new root key, the new root signed by old and new keys. */
  rotateRootKey(gun: string): Promise<void>;
  /** `notary key rotate <gun> targets`: a new targets key, which publishes a new root version. */
  rotateTargetsKey(gun: string): Promise<void>;
  /** `notary delete <gun> --remote`: the server forgets every file of the GUN. */
  deleteRemote(gun: string): Promise<void>;
  dispose(): Promise<void>;
}

/** Creates an owner whose keys are protected by passphrases derived from `label`. */
export async function createRepositoryOwner(stack: Stack, label: string): Promise<RepositoryOwner> {
  const passphrases = {
    root: `${label}-root-passphrase`,
    targets: `${label}-targets-passphrase`,
    snapshot: `${label}-snapshot-passphrase`,
    delegation: `${label}-delegation-passphrase`,
  };
  const cli = await NotaryCli.create({ serverUrl: stack.notary.url, caPath: stack.notary.caPath, passphrases });
  const env: NodeJS.ProcessEnv = {
    ...environmentWithout(['NOTARY_']),
    NOTARY_ROOT_PASSPHRASE: passphrases.root,
    NOTARY_TARGETS_PASSPHRASE: passphrases.targets,
    NOTARY_SNAPSHOT_PASSPHRASE: passphrases.snapshot,
  };
  return {
    cli,
    async rotateRootKey(gun) {
      const result = await runCommand('notary', ['-c', cli.configPath, 'key', 'rotate', gun, 'root'], { env, input: 'yes\n' });
      if (!/Successfully rotated root key/.test(result.stdout)) throw new Error(`root key rotation of ${gun} did not happen: ${result.stdout}`);
    },
    async rotateTargetsKey(gun) {
      await cli.run(['key', 'rotate', gun, 'targets']);
    },
    async deleteRemote(gun) {
      await cli.run(['delete', gun, '--remote']);
    },
    dispose: () => cli.dispose(),
  };
}
