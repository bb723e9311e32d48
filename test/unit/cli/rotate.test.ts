/**
 * `trustlens key rotate … root` asks first, as notary does, before anything is read or opened: on a
 * terminal with notary's question; without one, it refuses unless `--yes` is given.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { keyCommand } from '../../../src/cli/dct/keyCommands';
import type { Terminal } from '../../../src/cli/dct/passphrases';
import type { WriteIo } from '../../../src/cli/dct/writeSetup';

/** Streams collected as text, and a terminal answering `answer` (none when undefined). */
function io(answer: string | undefined, asked: string[]): WriteIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const terminal: Terminal | undefined = answer === undefined ? undefined : {
    secret: () => Promise.reject(new Error('no passphrase may be asked before the answer')),
    line: (prompt) => {
      asked.push(prompt);
      return Promise.resolve(answer);
    },
  };
  return { out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), env: {}, ...(terminal ? { terminal } : {}) };
}

const WARNING = 'Warning: you are about to rotate your root key.\n\nYou must use your old key to sign this root rotation.\n';

void describe('trustlens key rotate REPOSITORY root asks first', () => {
  void it('on a terminal, with notary\'s question; anything but yes aborts before a request is made', async () => {
    for (const answer of ['no', '', 'maybe']) {
      const asked: string[] = [];
      const s = io(answer, asked);
      // An unreachable trust server: an answer that went on would fail on the network instead.
      assert.equal(await keyCommand(['rotate', '127.0.0.1:1/team/app', 'root', '--docker-config', '/nonexistent-trustlens-config'], s), 1);
      assert.deepEqual(asked, ['Are you sure you want to proceed?  (yes/no)  ']);
      assert.equal(s.err.join(''), WARNING);
      assert.equal(s.out.join(''), '\nAborting action.\n');
    }
  });

  void it('without a terminal it refuses, naming --yes', async () => {
    const s = io(undefined, []);
    assert.equal(await keyCommand(['rotate', '127.0.0.1:1/team/app', 'root', '--docker-config', '/nonexistent-trustlens-config'], s), 1);
    assert.equal(s.err.join(''), `${WARNING}Not rotated: use --yes to rotate the root key of 127.0.0.1:1/team/app.\n`);
    assert.equal(s.out.join(''), '');
  });
});
