/**
 * The expiry forecast on the real stack: a repository whose owner-held roles were signed long ago
 * (by a publisher whose clock is set back, so targets and the delegations expire within the warning
 * window), `trustlens check --format json` naming who renews each role and with which command, and
 * each of those commands, run through the built CLI exactly as printed, really moving the role's
 * expiry forward on notary-server, while the roles it does not renew stay as they were.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signBackdated } from '../helpers/trust/backdatedSigning';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PassphraseProvider } from '../../src/core/trust/dct/keys/signingKey';
import { getTrustFile } from '../helpers/stack/notaryHttp';
import { pushImage } from '../helpers/stack/push';
import { startStack, type Stack } from '../helpers/stack/stack';
import { makeWriteCli, type WriteCli } from '../helpers/trust/writeCli';

const DAY = 86_400_000;
const PASS = { root: 'forecast-root-passphrase', repository: 'forecast-repository-passphrase' };
const passphrases: PassphraseProvider = { get: ({ role }) => Promise.resolve(role === 'root' ? PASS.root : PASS.repository) };

interface ExpiryJson { what: string; expires: string; renewedBy?: string; renewCommand?: string }
interface ResultJson {
  status: string;
  findings: Array<{ code: string; message: string }>;
  signatures: Array<{ scheme: string; expires: ExpiryJson[] }>;
}

void describe('expiry forecast on the real stack: who renews each role, and the command that really does', () => {
  let stack: Stack;
  let cli: WriteCli;
  let gun: string;

  /** `trustlens check --format json` of the project's Dockerfile: its one result. */
  const forecast = async (): Promise<ResultJson> => {
    const run = await cli.run(['check', 'Dockerfile', '--format', 'json', '--refresh']);
    assert.ok(run.code === 0, `exit ${String(run.code)}\n${run.stdout}\n${run.stderr}`);
    const results = (JSON.parse(run.stdout) as { results: ResultJson[] }).results;
    assert.equal(results.length, 1);
    return results[0]!;
  };
  const dctExpiries = (r: ResultJson) => new Map(r.signatures.find((s) => s.scheme === 'dct')!.expires.map((e) => [e.what, e]));
  const served = async (role: string) => Date.parse((await getTrustFile(stack.notary, gun, role)).signed.expires);
  /** Runs a forecast's command line through the built CLI, in the project, as printed (`extra` appended). */
  const runPrinted = async (command: string, extra: string[] = []) => {
    const [program, ...args] = command.split(' ');
    assert.equal(program, 'trustlens');
    const run = await cli.run([...args, ...extra], PASS);
    assert.equal(run.code, 0, `${command}: exit ${String(run.code)}\n${run.stdout}\n${run.stderr}`);
  };

  before(async () => {
    stack = await startStack();
    cli = await makeWriteCli(stack, 'forecast');
    gun = `${stack.registry.host}/forecast/app`;
    await pushImage(stack.registry, 'forecast/app', 'v1');
    await writeFile(join(cli.project.path, 'Dockerfile'), `FROM ${gun}:v1\n`);
    // alice's key, and alice.pub in the project, as a signer has them.
    const generated = await cli.run(['key', 'generate', 'alice', '--dir', cli.project.path], PASS);
    assert.equal(generated.code, 0, generated.stderr);
    // Signed 3 years less 10 days ago: targets and the delegations (3 years) expire in 10 days, root (10 years) in 7.
    const back = (3 * 365 - 10) * DAY;
    await signBackdated({ stack, dockerConfigDir: cli.docker.path, passphrases, clock: { now: () => new Date(Date.now() - back) } }, `${gun}:v1`, 'alice');
  });
  after(async () => {
    await cli?.remove();
    await stack?.stop();
  });

  void it('names the renewer and the command of each role, and running each command moves that role\'s expiry forward', async () => {
    const before = await forecast();
    assert.equal(before.status, 'signed');
    const soon = before.findings.filter((f) => f.code === 'expiring-soon').map((f) => /^The (\S+) signature/.exec(f.message)?.[1]).sort();
    assert.deepEqual(soon, ['targets', 'targets/alice', 'targets/releases'], 'targets and the delegations expire within the window');
    const expiries = dctExpiries(before);
    assert.deepEqual([...expiries.keys()].sort(), ['root', 'targets', 'targets/alice', 'targets/releases']);
    for (const [what, e] of expiries) assert.equal(Date.parse(e.expires), await served(what), `${what}: the forecast's day is the served one`);
    assert.deepEqual(expiries.get('targets/releases'), {
      ...expiries.get('targets/releases'), renewedBy: 'a signer of the release role (alice), by signing the tag again', renewCommand: `trustlens sign ${gun}:v1 --signer alice`,
    });
    assert.deepEqual(expiries.get('targets/alice'), {
      ...expiries.get('targets/alice'), renewedBy: 'signer alice, by signing the tag again', renewCommand: `trustlens sign ${gun}:v1 --signer alice`,
    });
    assert.deepEqual(expiries.get('targets'), {
      ...expiries.get('targets'),
      renewedBy: 'the repository key holder, by signing targets again as it is',
      renewCommand: `trustlens witness ${gun} targets`,
    });
    assert.deepEqual(expiries.get('root'), { ...expiries.get('root'), renewedBy: 'the root key holder, by rotating the root key', renewCommand: `trustlens key rotate ${gun} root` });

    const atStart = { root: await served('root'), targets: await served('targets'), releases: await served('targets/releases'), alice: await served('targets/alice') };
    const renewed = (was: number, now: number) => now - was > 2 * 365 * DAY;

    // The signer's command renews the release role and the signer's own, and leaves targets (its signing does not touch it).
    await runPrinted(expiries.get('targets/alice')!.renewCommand!);
    assert.ok(renewed(atStart.releases, await served('targets/releases')), 'targets/releases renewed');
    assert.ok(renewed(atStart.alice, await served('targets/alice')), 'targets/alice renewed');
    assert.equal(await served('targets'), atStart.targets, 'signing a tag does not renew targets once signers are delegated');

    await runPrinted(expiries.get('targets')!.renewCommand!);
    assert.ok(renewed(atStart.targets, await served('targets')), 'targets renewed');
    assert.equal(await served('root'), atStart.root, 'root untouched so far');

    // Asked interactively; --yes is how the command is answered without a terminal.
    await runPrinted(expiries.get('root')!.renewCommand!, ['--yes']);
    assert.ok(renewed(atStart.root, await served('root')), 'root renewed');

    const after = await forecast();
    assert.equal(after.status, 'signed');
    assert.deepEqual(after.findings.filter((f) => f.code === 'expiring-soon'), [], 'nothing expires soon any more');
    for (const [what, e] of dctExpiries(after)) assert.equal(Date.parse(e.expires), await served(what), `${what}: the forecast follows the renewal`);
  });
});
