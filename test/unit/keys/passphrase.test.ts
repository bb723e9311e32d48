import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TrustLensError } from '../../../src/core/errors';
import { KeyError } from '../../../src/core/trust/dct/keys/keyErrors';
import { choosePassphrase, envPassphraseProvider, openWithPassphrase } from '../../../src/core/trust/dct/keys/passphrase';
import type { PassphraseProvider } from '../../../src/core/trust/dct/keys/signingKey';

const ENV = { DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE: 'root-secret-1', DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE: 'repo-secret-1' };

/** A provider answering from a list, recording what it was asked. */
function scripted(answers: Array<string | undefined>): PassphraseProvider & { asked: Array<{ purpose: string; attempt: number }> } {
  const asked: Array<{ purpose: string; attempt: number }> = [];
  return {
    asked,
    get(request) {
      asked.push({ purpose: request.purpose, attempt: request.attempt });
      return Promise.resolve(answers[request.attempt]);
    },
  };
}

void describe('envPassphraseProvider', () => {
  void it('uses the root variable for root and the repository variable for every other role, as docker does', async () => {
    const provider = envPassphraseProvider(ENV);
    const ask = (role: string) => provider.get({ role, keyId: 'k', purpose: 'open', attempt: 0 });
    assert.equal(await ask('root'), 'root-secret-1');
    for (const role of ['targets', 'snapshot', 'alice', 'targets/releases']) assert.equal(await ask(role), 'repo-secret-1');
  });

  void it('gives nothing on a retry or when the variable is unset or empty', async () => {
    assert.equal(await envPassphraseProvider(ENV).get({ role: 'root', keyId: 'k', purpose: 'open', attempt: 1 }), undefined);
    assert.equal(await envPassphraseProvider({}).get({ role: 'root', keyId: 'k', purpose: 'open', attempt: 0 }), undefined);
    assert.equal(await envPassphraseProvider({ DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE: '' }).get({ role: 'x', keyId: 'k', purpose: 'create', attempt: 0 }), undefined);
  });
});

void describe('openWithPassphrase', () => {
  const open = (good: string) => (p: string) => {
    if (p !== good) throw new KeyError('bad-passphrase', 'wrong');
    return 'opened';
  };

  void it('retries after a wrong passphrase', async () => {
    const provider = scripted(['wrong-one', 'right-one']);
    assert.equal(await openWithPassphrase(provider, { role: 'alice', keyId: 'k' }, open('right-one')), 'opened');
    assert.deepEqual(provider.asked, [{ purpose: 'open', attempt: 0 }, { purpose: 'open', attempt: 1 }]);
  });

  void it('gives up after three wrong passphrases, and reports a cancel before any try as cancelled', async () => {
    const wrong = scripted(['a-wrong-1', 'a-wrong-2', 'a-wrong-3', 'never-asked']);
    await assert.rejects(openWithPassphrase(wrong, { role: 'alice', keyId: 'k' }, open('right')), (e: unknown) => TrustLensError.is(e, 'bad-passphrase') && !(e as Error).message.includes('a-wrong'));
    assert.equal(wrong.asked.length, 3);
    await assert.rejects(openWithPassphrase(scripted([]), { role: 'root', keyId: 'k' }, open('right')), (e: unknown) => TrustLensError.is(e, 'passphrase-cancelled'));
    await assert.rejects(openWithPassphrase(scripted(['bad']), { role: 'root', keyId: 'k' }, open('right')), (e: unknown) => TrustLensError.is(e, 'bad-passphrase'));
  });

  void it('does not retry other failures', async () => {
    const provider = scripted(['x', 'y']);
    await assert.rejects(openWithPassphrase(provider, { role: 'a', keyId: 'k' }, () => { throw new KeyError('invalid-key', 'broken'); }), (e: unknown) => TrustLensError.is(e, 'invalid-key'));
    assert.equal(provider.asked.length, 1);
  });
});

void describe('choosePassphrase', () => {
  void it('asks again for a passphrase under 8 bytes, counting UTF-8 bytes as notary does', async () => {
    const provider = scripted(['short', 'long enough']);
    assert.equal(await choosePassphrase(provider, { role: 'targets', keyId: 'k' }), 'long enough');
    assert.deepEqual(provider.asked.map((a) => a.purpose), ['create', 'create']);
    assert.equal(await choosePassphrase(scripted(['ééüü']), { role: 'a', keyId: 'k' }), 'ééüü');
  });

  void it('reports only-short answers as weak and no answer as cancelled', async () => {
    await assert.rejects(choosePassphrase(scripted(['1234567', '1234567', '1234567']), { role: 'a', keyId: 'k' }), (e: unknown) => TrustLensError.is(e, 'weak-passphrase'));
    await assert.rejects(choosePassphrase(scripted(['1234567']), { role: 'a', keyId: 'k' }), (e: unknown) => TrustLensError.is(e, 'weak-passphrase'));
    await assert.rejects(choosePassphrase(scripted([]), { role: 'a', keyId: 'k' }), (e: unknown) => TrustLensError.is(e, 'passphrase-cancelled'));
  });
});
