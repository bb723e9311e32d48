/**
 * Passphrases for the CLI, as `docker trust` gets them (`trust.go` `GetPassphraseRetriever`):
 * `DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE` for root keys, `DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE`
 * for every other key; without the variable, a hidden prompt on the terminal with docker's wording.
 * When stdin is not a terminal nothing is asked: the error names the variable to set. A passphrase
 * is never printed, logged or put into a message.
 */
import { KeyError } from '../../core/trust/dct/keys/keyErrors';
import { shortKeyId } from '../../core/model/keyId';
import { MIN_PASSPHRASE_BYTES, REPOSITORY_PASSPHRASE_ENV, ROOT_PASSPHRASE_ENV } from '../../core/trust/dct/keys/passphrase';
import type { PassphraseProvider } from '../../core/trust/dct/keys/signingKey';

/** The terminal, when stdin is one. Answers are `undefined` when the user gives up (Ctrl+C, Ctrl+D). */
export interface Terminal {
  /** Asks without echoing, e.g. for a passphrase. */
  secret(prompt: string): Promise<string | undefined>;
  /** Asks with echo, e.g. a `[y/N]` confirmation. */
  line(prompt: string): Promise<string | undefined>;
}

/** docker's name for a key in prompts: `root`, `repository` (targets, snapshot), else the signer name. */
export function displayRole(role: string): string {
  if (role === 'root') return 'root';
  return role === 'targets' || role === 'snapshot' ? 'repository' : role;
}

/** The variable docker reads a role's passphrase from. */
export function passphraseVariable(role: string): string {
  return role === 'root' ? ROOT_PASSPHRASE_ENV : REPOSITORY_PASSPHRASE_ENV;
}

const ROOT_NOTICE = `You are about to create a new root signing key passphrase. This passphrase
will be used to protect the most sensitive key in your signing system. Please
choose a long, complex passphrase and be careful to keep the password and the
key file itself secure and backed up. It is highly recommended that you use a
password manager to generate the passphrase and keep it safe. There will be no
way to recover this key. You can find the key in your config directory.
`;

/**
 * The CLI's passphrase provider. `notice` receives the terminal's extra lines (retry hints, the root
 * key notice); `terminal` is undefined when stdin is not a terminal.
 */
export function cliPassphrases(env: Readonly<Record<string, string | undefined>>, terminal: Terminal | undefined, notice: (text: string) => void): PassphraseProvider {
  // What was typed per key ID, so a key created (or opened) earlier in this run is not asked for again.
  const typed = new Map<string, string>();
  return {
    async get({ role, keyId, purpose, attempt }) {
      const variable = passphraseVariable(role);
      const name = `${purpose === 'create' ? 'new ' : ''}${displayRole(role)} key${keyId ? ` with ID ${shortKeyId(keyId)}` : ''}`;
      const fromEnv = env[variable];
      if (fromEnv) {
        if (attempt === 0) return fromEnv;
        // The same value would fail again: say where it came from instead of asking.
        if (purpose === 'create') throw new KeyError('weak-passphrase', `${variable} is too short for the ${name}: a passphrase needs at least ${MIN_PASSPHRASE_BYTES} characters`);
        throw new KeyError('bad-passphrase', `${variable} does not decrypt the ${name}: password invalid, operation has failed`);
      }
      if (!terminal) {
        throw new KeyError('passphrase-cancelled', `a passphrase is needed for the ${name}: set ${variable} (stdin is not a terminal, so TrustLens cannot ask for it)`);
      }
      const known = purpose === 'open' && attempt === 0 && keyId ? typed.get(keyId) : undefined;
      if (known !== undefined) return known;
      const answer = purpose === 'open' ? await askExisting(terminal, name, attempt, notice) : await askNew(terminal, name, role, attempt, notice);
      if (answer !== undefined && keyId) typed.set(keyId, answer);
      return answer;
    },
  };
}

async function askExisting(terminal: Terminal, name: string, attempt: number, notice: (text: string) => void): Promise<string | undefined> {
  if (attempt > 0) notice('Passphrase incorrect. Please retry.\n');
  return terminal.secret(`Enter passphrase for ${name}: `);
}

async function askNew(terminal: Terminal, name: string, role: string, attempt: number, notice: (text: string) => void): Promise<string | undefined> {
  if (attempt === 0 && role === 'root') notice(ROOT_NOTICE);
  if (attempt > 0) notice('Passphrase is too short. Please use a password manager to generate and store a good random passphrase.\n');
  for (let tries = 0; tries < 3; tries++) {
    const first = await terminal.secret(`Enter passphrase for ${name}: `);
    if (first === undefined) return undefined;
    // A short one goes back to the key store, which asks again (attempt + 1) with the hint above.
    if (Buffer.byteLength(first, 'utf8') < MIN_PASSPHRASE_BYTES) return first;
    const again = await terminal.secret(`Repeat passphrase for ${name}: `);
    if (again === undefined) return undefined;
    if (again === first) return first;
    notice('Passphrases do not match. Please retry.\n');
  }
  return undefined;
}
