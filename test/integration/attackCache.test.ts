/**
 * A failure a check detected is never hidden by the cache: once `check --refresh` found a
 * repository's trust data invalid, a later `check` without `--refresh`, within the cache TTL, reports
 * the failure again (without a request), and after the TTL re-verifies against the server; never the
 * `signed` it had cached. The real CLI, its on-disk cache, the real stack and a tampering server.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useCliAttack } from '../helpers/attack/cliProject';
import { editAndSign, flipSignatureByte, parseFile } from '../helpers/attack/metadataFiles';
import { setRoleKey } from '../helpers/attack/serverKeys';
import { editFile, firstOf } from '../helpers/attack/tampers';
import type { Tamper } from '../helpers/attack/tamperServer';
import { rootCertKey } from '../helpers/tufRepo';

void describe('a failure the check found is never hidden by the cache (trustlens check)', () => {
  const t = useCliAttack('attack/cache');
  const ref = () => `${t.repo.gun}:v1`;

  const verdict = async (extra: string[] = []) => {
    const run = await t.project.check([ref()], extra);
    const r = run.byText.get(ref())!;
    return { code: run.code, status: r.status, codes: r.findings.map((x) => x.code), message: r.findings[0]?.message ?? '', asked: t.f.server.served.length };
  };

  /** Caches a verified `signed`, then makes `tamper` caught by `check --refresh`, and checks again without it. */
  const caughtThenCached = async (tamper: Tamper, caught: RegExp) => {
    const first = await verdict();
    assert.deepEqual([first.code, first.status], [0, 'signed'], 'the honest server verifies and fills the cache');
    t.f.tamper(tamper);
    const refreshed = await verdict(['--refresh']);
    assert.deepEqual([refreshed.code, refreshed.status, refreshed.codes], [1, 'invalid', ['invalid-trust-data']]);
    assert.match(refreshed.message, caught);
    t.f.honest();
    const later = await verdict();
    assert.deepEqual([later.code, later.status], [1, 'invalid'], 'within the TTL, the cached signed must not come back');
    assert.match(later.message, caught, 'the failure is reported again');
    assert.equal(later.asked, 0, 'from the cache: a warm re-check makes no request');
    t.f.honest();
    const afterTtl = await verdict(['--ttl', '0']);
    assert.deepEqual([afterTtl.code, afterTtl.status], [0, 'signed'], 'once the failure is older than the TTL, it re-verifies');
    assert.ok(afterTtl.asked > 0, 'against the server, not from the cache');
    t.f.honest();
    const warm = await verdict();
    assert.deepEqual([warm.status, warm.asked], ['signed', 0], 'and the re-verified data is fresh again');

    // With the server still tampering, a check past the TTL asks again and finds the failure again.
    t.f.tamper(tamper);
    assert.equal((await verdict(['--refresh'])).status, 'invalid');
    t.f.tamper(tamper);
    const stillTampered = await verdict(['--ttl', '0']);
    assert.deepEqual([stillTampered.status, stillTampered.asked > 0], ['invalid', true]);
    assert.match(stillTampered.message, caught);
  };

  void it('control: a second check within the TTL makes no request at all', async () => {
    assert.equal((await verdict()).status, 'signed');
    t.f.honest();
    assert.deepEqual(Object.values(await verdict()).slice(0, 2), [0, 'signed']);
    assert.equal(t.f.server.served.length, 0);
  });

  void it('a bad signature on timestamp.json', async () => {
    await caughtThenCached(editFile(t.repo.gun, 'timestamp', (b) => flipSignatureByte(b)), /valid signatures did not meet threshold for timestamp/);
  });

  void it('a root rotation the pinned root did not sign (served while the timestamp fails, so the root is refreshed)', async () => {
    const attacker = rootCertKey(t.repo.gun, new Date());
    const rotated = editAndSign(t.real.root, [attacker], (s) => {
      setRoleKey(s, 'root', attacker);
      s.version = (parseFile(t.real.root).signed.version as number) + 1;
    });
    const tamper = firstOf(editFile(t.repo.gun, 'timestamp', (b) => flipSignatureByte(b)), editFile(t.repo.gun, 'root', () => rotated));
    await caughtThenCached(tamper, /could not rotate trust to a new trusted root/);
  });
});
