/**
 * A user's existing notation setup works unchanged: `trustpolicy.oci.json` (or the older
 * `trustpolicy.json`) and `truststore/x509/...` under `$XDG_CONFIG_HOME/notation`, else
 * `~/.config/notation`, with no TrustLens configuration at all. Runs a separate node process per case,
 * so the environment is read as a real process sees it.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../helpers/stack/runCommand';
import { makeXdgConfigHome } from '../helpers/notation/configHome';
import { noNetwork, notationFixture } from '../helpers/notation/scenario';
import { OciLayoutSource } from '../helpers/notation/ociLayout';
import { checkNotation } from '../../src/core/trust/notation/checkNotation';
import { readNotationConfig } from '../../src/core/trust/notation/configFiles';
import { resolveNotationPolicy } from '../../src/core/trust/notation/policy';

const E2E = notationFixture('config', 'localkeys', 'e2e.crt');
const LAYOUT = notationFixture('oci_layout', 'e2e-valid-signature');

/**
 * The child's side: read notation's configuration from this process's own environment (nothing
 * passed in), check the e2e layout, print the verdict as one JSON line.
 */
async function runChild(repository: string): Promise<void> {
  let policy;
  try {
    policy = resolveNotationPolicy(repository, undefined, readNotationConfig());
  } catch (e) {
    policy = e as Error;
  }
  const source = new OciLayoutSource(LAYOUT);
  const r = await checkNotation({ repository, target: source.resolve('v1'), source, policy, http: noNetwork });
  process.stdout.write(`${JSON.stringify({ status: r.status, origin: r.source.policyOrigin, file: r.source.policyFile, codes: r.findings.map((f) => f.code) })}\n`);
}

const CHILD_ENV = 'TRUSTLENS_NOTATION_CONFIG_CHILD';
if (process.env[CHILD_ENV]) void runChild(process.env[CHILD_ENV]);
else
describe('notation configuration from the environment', () => {
  const temps: string[] = [];
  after(() => temps.forEach((t) => rmSync(t, { recursive: true, force: true })));

  async function verdictWith(env: NodeJS.ProcessEnv, repository = 'registry.example.com/team/app'): Promise<{ status: string; origin: string; file?: string; codes: string[] }> {
    const { stdout } = await runCommand(process.execPath, [__filename], { env: { PATH: process.env.PATH, [CHILD_ENV]: repository, ...env }, cwd: process.cwd() });
    return JSON.parse(stdout.trim()) as { status: string; origin: string; file?: string; codes: string[] };
  }

  it('honours trustpolicy.oci.json and the trust store under $XDG_CONFIG_HOME/notation', async () => {
    const xdg = makeXdgConfigHome({ policy: notationFixture('config', 'trustpolicies', 'trustpolicy.json'), stores: [{ type: 'ca', name: 'e2e', files: [E2E] }] });
    temps.push(xdg);
    const v = await verdictWith({ XDG_CONFIG_HOME: xdg, HOME: '/nonexistent' });
    assert.deepEqual([v.status, v.origin, v.file], ['signed', 'notation-config', join(xdg, 'notation', 'trustpolicy.oci.json')]);
  });

  it('reads the older trustpolicy.json when there is no trustpolicy.oci.json', async () => {
    const xdg = makeXdgConfigHome({ policy: notationFixture('config', 'trustpolicies', 'trustpolicy.json'), policyName: 'trustpolicy.json', stores: [{ type: 'ca', name: 'e2e', files: [E2E] }] });
    temps.push(xdg);
    const v = await verdictWith({ XDG_CONFIG_HOME: xdg, HOME: '/nonexistent' });
    assert.deepEqual([v.status, v.file], ['signed', join(xdg, 'notation', 'trustpolicy.json')]);
  });

  it('falls back to ~/.config/notation without XDG_CONFIG_HOME', async () => {
    const home = makeXdgConfigHome({ policy: notationFixture('config', 'trustpolicies', 'trustpolicy.json'), stores: [{ type: 'ca', name: 'e2e', files: [E2E] }] });
    temps.push(home);
    const fakeHome = mkdtempSync(join(tmpdir(), 'trustlens-home-'));
    temps.push(fakeHome);
    renameSync(home, join(fakeHome, '.config'));
    const v = await verdictWith({ HOME: fakeHome });
    assert.equal(v.status, 'signed');
  });

  it('the user\'s registryScopes decide: another repository has no policy and nothing trusts its signer', async () => {
    const xdg = makeXdgConfigHome({
      policy: { version: '1.0', trustPolicies: [{ name: 'team', registryScopes: ['registry.example.com/team/app'], signatureVerification: { level: 'strict' }, trustStores: ['ca:e2e'], trustedIdentities: ['*'] }] },
      stores: [{ type: 'ca', name: 'e2e', files: [E2E] }],
    });
    temps.push(xdg);
    assert.equal((await verdictWith({ XDG_CONFIG_HOME: xdg, HOME: '/nonexistent' }, 'registry.example.com/team/app')).status, 'signed');
    const other = await verdictWith({ XDG_CONFIG_HOME: xdg, HOME: '/nonexistent' }, 'registry.example.com/other/app');
    assert.deepEqual([other.status, other.origin], ['untrusted-signer', 'none']);
  });

  it('a broken user policy or a missing trust store is never trusted', async () => {
    const xdg = makeXdgConfigHome({ policy: notationFixture('config', 'trustpolicies', 'overlapped_trusted_identity_trustpolicy.json'), stores: [{ type: 'ca', name: 'e2e', files: [E2E] }] });
    temps.push(xdg);
    const broken = await verdictWith({ XDG_CONFIG_HOME: xdg, HOME: '/nonexistent' });
    assert.deepEqual([broken.status, broken.codes], ['unverifiable', ['notation-policy-invalid']]);
    const noStore = makeXdgConfigHome({ policy: notationFixture('config', 'trustpolicies', 'invalid_trust_store_trustpolicy.json'), stores: [{ type: 'ca', name: 'e2e', files: [E2E] }] });
    temps.push(noStore);
    const missing = await verdictWith({ XDG_CONFIG_HOME: noStore, HOME: '/nonexistent' });
    assert.deepEqual([missing.status, missing.codes], ['unverifiable', ['notation-policy-invalid']]);
  });
});
