/**
 * `trustlens check --timeout SECONDS`: a trust server that accepts the connection and sends nothing
 * costs the run the time it was given, and the reference is unverifiable (never signed); the
 * finding names the request and the time. A real notary-server behind a tampering proxy, the built CLI.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useCliAttack } from '../helpers/attack/cliProject';
import { replyFor } from '../helpers/attack/tampers';

void describe('trustlens check --timeout', () => {
  const t = useCliAttack('attack/cli-timeout');
  const ref = () => `${t.repo.gun}:v1`;

  void it('control: with the honest server and --timeout 5, the released tag is signed', async () => {
    const run = await t.project.check([ref()], ['--timeout', '5']);
    assert.deepEqual([run.code, run.byText.get(ref())?.status], [0, 'signed'], run.stderr);
  });

  void it('a silent trust server: Docker Content Trust is unverifiable after the time given, its finding says which request timed out after how long, and the run fails', async () => {
    t.f.tamper(replyFor(t.repo.gun, 'timestamp', () => ({ kind: 'silent' })));
    const run = await t.project.check([ref()], ['--timeout', '1.5']);
    const result = run.byText.get(ref())!;
    assert.deepEqual([run.code, result.verdict], [1, 'fail'], run.stdout);
    const dct = result.signatures.find((s) => s.scheme === 'dct');
    assert.equal(dct?.status, 'unverifiable', run.stdout);
    const said = dct.findings.map((f) => `${f.message} ${f.detail ?? ''}`).join('\n');
    assert.match(said, /timestamp\.json timed out after 1500 ms/, said);
  });

  void it('trustlens inspect --timeout: a silent trust server is an error after the time given, naming the request; nothing is printed as verified (control: the honest server)', async () => {
    const honest = await t.project.run(['inspect', ref(), '--format', 'json', '--timeout', '5']);
    assert.equal(honest.code, 0, honest.stderr);
    assert.equal((JSON.parse(honest.stdout) as { SignedTags: unknown[] }[])[0]?.SignedTags.length, 1, honest.stdout);
    t.f.tamper(replyFor(t.repo.gun, 'timestamp', () => ({ kind: 'silent' })));
    const run = await t.project.run(['inspect', ref(), '--format', 'json', '--timeout', '1.5']);
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stderr, /timestamp\.json timed out after 1500 ms/, run.stderr);
    assert.doesNotMatch(run.stdout, /SignedTags"\s*:\s*\[\s*\{/, 'no signed tag is printed');
  });

  void it('refuses a timeout that is not a number of seconds > 0 and ≤ 600 (exit 2), naming the option', async () => {
    for (const value of ['0', '-1', 'abc', '601', '']) {
      const run = await t.project.run(['check', '.', `--timeout=${value}`]);
      assert.equal(run.code, 2, `--timeout "${value}": ${run.stderr}`);
      assert.match(run.stderr, /--timeout must be a number of seconds > 0 and at most 600/);
    }
  });
});
