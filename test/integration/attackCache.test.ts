/**
 * A failure a check detected is never hidden by the cache: once `check --refresh` found a
 * repository's trust data invalid, a later `check` without `--refresh`, within the cache TTL, reports
 * the failure again (or re-verifies against the server), never the `signed` it had cached. The real
 * CLI, its on-disk cache, the real stack and a tampering server.
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
    t.f.tamper(tamper);
    const later = await verdict();
    assert.deepEqual([later.code, later.status], [1, 'invalid'], 'within the TTL, the cached signed must not come back');
    assert.match(later.message, caught);
    assert.ok(later.asked > 0, 'the later check asked the server again rather than trusting its cache');
    t.f.honest();
    const healed = await verdict();
    assert.deepEqual([healed.code, healed.status], [0, 'signed'], 'once the server is honest again, it re-verifies');
    assert.ok(healed.asked > 0, 'it was re-verified against the server, not read from the cache');
    t.f.honest();
    const warm = await verdict();
    assert.deepEqual([warm.status, warm.asked], ['signed', 0], 'and the re-verified data is fresh again');
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
