import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cliPassphrases, type Terminal } from '../../../src/cli/dct/passphrases';
import { TrustLensError } from '../../../src/core/errors';

const ID = 'abcdef0123456789'.repeat(4);

/** A terminal answering from a script, recording what it was asked. */
function scripted(answers: Array<string | undefined>, asked: string[]): Terminal {
  const next = (prompt: string) => {
    asked.push(prompt);
    return Promise.resolve(answers.shift());
  };
  return { secret: next, line: next };
}

void describe('CLI passphrases', () => {
  void it('take docker\'s variables: root for root keys, repository for every other key', async () => {
    const p = cliPassphrases({ DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE: 'root-pass-1', DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE: 'repo-pass-1' }, undefined, () => {});
    assert.equal(await p.get({ role: 'root', keyId: ID, purpose: 'open', attempt: 0 }), 'root-pass-1');
    for (const role of ['targets', 'snapshot', 'alice']) assert.equal(await p.get({ role, keyId: ID, purpose: 'create', attempt: 0 }), 'repo-pass-1');
  });

  void it('name the variable, never its value, when it fails or is missing without a terminal', async () => {
    const p = cliPassphrases({ DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE: 'repo-pass-1' }, undefined, () => {});
    await assert.rejects(p.get({ role: 'targets', keyId: ID, purpose: 'open', attempt: 1 }), (e: unknown) =>
      TrustLensError.is(e, 'bad-passphrase') && /DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE does not decrypt the repository key with ID abcdef0/.test(e.message) && !e.message.includes('repo-pass-1'));
    await assert.rejects(p.get({ role: 'alice', keyId: ID, purpose: 'create', attempt: 1 }), (e: unknown) => TrustLensError.is(e, 'weak-passphrase'));
    await assert.rejects(p.get({ role: 'root', keyId: ID, purpose: 'open', attempt: 0 }), (e: unknown) =>
      TrustLensError.is(e, 'passphrase-cancelled') && /set DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE \(stdin is not a terminal/.test(e.message));
  });

  void it('ask on a terminal with docker\'s prompts: new keys twice, until both match', async () => {
    const asked: string[] = [];
    const notices: string[] = [];
    const p = cliPassphrases({}, scripted(['first-pass-1', 'other-pass-1', 'second-pass-1', 'second-pass-1', 'old-pass-1'], asked), (t) => notices.push(t));
    assert.equal(await p.get({ role: 'targets', keyId: ID, purpose: 'create', attempt: 0 }), 'second-pass-1');
    assert.deepEqual(asked, [
      'Enter passphrase for new repository key with ID abcdef0: ',
      'Repeat passphrase for new repository key with ID abcdef0: ',
      'Enter passphrase for new repository key with ID abcdef0: ',
      'Repeat passphrase for new repository key with ID abcdef0: ',
    ]);
    assert.deepEqual(notices, ['Passphrases do not match. Please retry.\n']);
    // The key just created opens without asking again, as docker does within one command.
    assert.equal(await p.get({ role: 'targets', keyId: ID, purpose: 'open', attempt: 0 }), 'second-pass-1');
    assert.equal(asked.length, 4);
    assert.equal(await p.get({ role: 'alice', keyId: ID, purpose: 'open', attempt: 1 }), 'old-pass-1');
    assert.equal(asked.at(-1), 'Enter passphrase for alice key with ID abcdef0: ');
    assert.equal(notices.at(-1), 'Passphrase incorrect. Please retry.\n');
    assert.equal(notices.join('').includes('pass-1'), false);
  });
});
