/**
 * One real stack per attack test file: registry + TLS notary-server, an owner notary client whose
 * key passphrases the test knows, a tampering server in front of notary-server, and a TrustLens
 * client pointed at the tampering server.
 */
import assert from 'node:assert/strict';
import { NotaryCli } from '../stack/notaryCli';
import { startStack, type Stack } from '../stack/stack';
import type { CheckResult, TrustStatus } from '../../../src/core/trust/checkResult';
import type { FindingCode } from '../../../src/core/model/findings';
import { OWNER_PASSPHRASES } from './ownerKeys';
import { startTamperServer, type Tamper, type TamperServer } from './tamperServer';
import { attackClient, type AttackClient, type Verdict } from './trustLens';

/** Everything an attack test uses. */
export interface AttackFixture {
  readonly stack: Stack;
  /** The stack with `cli` replaced by {@link owner}: pass it to scenario builders. */
  readonly ownerStack: Stack;
  /** The repository owner's client (root, targets and client-held snapshot keys). */
  readonly owner: NotaryCli;
  readonly server: TamperServer;
  readonly trustLens: AttackClient;
  /** Makes the server tamper with requests until {@link honest} is called. */
  tamper(t: Tamper): void;
  /** Makes the server an honest proxy again and forgets what it served. */
  honest(): void;
  stop(): Promise<void>;
}

export async function startAttackFixture(): Promise<AttackFixture> {
  const stack = await startStack();
  const cleanups: Array<() => Promise<void>> = [() => stack.stop()];
  const stop = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const owner = await NotaryCli.create({ serverUrl: stack.notary.url, caPath: stack.notary.caPath, passphrases: OWNER_PASSPHRASES });
    cleanups.push(() => owner.dispose());
    const server = await startTamperServer(stack.notary);
    cleanups.push(() => server.close());
    const trustLens = await attackClient(server, stack.registry.host);
    cleanups.push(() => trustLens.close());
    return {
      stack,
      ownerStack: { ...stack, cli: owner },
      owner,
      server,
      trustLens,
      tamper(t) {
        server.reset();
        server.tamper = t;
      },
      honest() {
        server.reset();
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The one finding of a rejected verdict that explains it. */
const REASON: Partial<Record<TrustStatus, FindingCode>> = {
  invalid: 'invalid-trust-data',
  expired: 'expired-metadata',
  unverifiable: 'unverifiable',
};

/**
 * Asserts an attack was caught: never `signed`; exactly the expected status (`no-trust-data` is
 * never accepted); and the explaining finding's message matches `message`, and its detail `detail`
 * when given.
 */
export function assertCaught(verdict: Verdict, status: 'invalid' | 'expired' | 'unverifiable', message: RegExp, detail?: RegExp): CheckResult {
  const { result } = verdict;
  const summary = `${result.status}: ${result.findings.map((f) => `${f.code}: ${f.message}`).join(' | ')}`;
  assert.notEqual(result.status, 'signed', `an attack came out signed (${summary})`);
  assert.equal(result.status, status, summary);
  assert.equal(result.signedDigest, null, 'a rejected reference must not carry a signed digest');
  const finding = result.findings.find((f) => f.code === REASON[status]);
  assert.ok(finding, `no ${REASON[status]} finding (${summary})`);
  assert.equal(finding.severity, 'error');
  assert.match(finding.message, message);
  if (detail) assert.match(finding.detail ?? '', detail, `the detail of: ${finding.message}`);
  return result;
}

/** Asserts the honest path verifies: `signed`, with the expected digest. */
export function assertSigned(verdict: Verdict, digest: string): void {
  const { result } = verdict;
  assert.equal(result.status, 'signed', `${result.status}: ${result.findings.map((f) => f.message).join(' | ')}`);
  assert.equal(result.signedDigest, digest);
}
