import type { TrustPass } from '../protocol';
import type { Session } from '../runInCodeServer';

/**
 * A check that drives the workbench from outside with Playwright. Every `test/vscode/ui/*.ui.ts`
 * exports `checks: UiCheck[]`; they run one after another in the Extension Development Host of their
 * pass, once the in-host suite of that pass has finished. A check that needs a window of its own can
 * open one with `withCodeServer`.
 */
export interface UiCheck {
  /** e.g. `'opens the Dockerfile from the Explorer'` */
  name: string;
  /** The window to run in: `trusted` (default) or `untrusted` (Restricted Mode). */
  pass?: TrustPass;
  /**
   * true for a check that does not use the suite's VS Code (`npm start` opens its own editor): it runs
   * once, in the first VS Code of the run, not once in each.
   */
  oncePerRun?: boolean;
  run(session: Session): Promise<void>;
}
