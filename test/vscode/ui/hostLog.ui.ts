import * as assert from 'node:assert/strict';
import { extensionHostLogs, warningsAbout } from '../hostLog';
import type { TrustPass } from '../protocol';
import type { Session } from '../runInCodeServer';
import type { UiCheck } from './uiCheck';

const EXTENSION_ID = 'trustlens.trustlens';

/**
 * After the in-host suite of a pass: everything the extension did in that window (activation, every
 * check, hover, command and view of the suite) left no warning from VS Code about TrustLens in the
 * extension host log or on its console. The log is written as things happen; by the time the suite
 * has reported its exit code through the workbench, the lines of its tests are on disk.
 */
function noWarnings(pass: TrustPass): UiCheck {
  return {
    name: `the extension host logged no warning about TrustLens during the ${pass} suite`,
    pass,
    async run(session: Session) {
      const logs = extensionHostLogs(session.codeServer.userDataDir);
      assert.ok(logs.some((log) => log.includes(`ExtensionService#_doActivateExtension ${EXTENSION_ID}`)), 'the suite activated TrustLens, and its log was read');
      assert.deepEqual(warningsAbout(EXTENSION_ID, logs, session.logEntries()), []);
    },
  };
}

export const checks: UiCheck[] = [noWarnings('trusted'), noWarnings('untrusted')];
