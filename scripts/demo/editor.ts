/** Opens code-server on the demo workspace with TrustLens loaded from this checkout. */
import { startCodeServer } from '../../test/vscode/codeServer';
import { workbenchUrl } from '../../test/vscode/workbench';

export interface DemoEditor {
  url: string;
  stop(): Promise<void>;
}

/** Starts code-server (trusted workspace) with TrustLens pointed at the demo stack's docker config. */
export async function openEditor(options: { root: string; workspace: string; dockerConfig: string }): Promise<DemoEditor> {
  const server = await startCodeServer({
    workspace: options.workspace,
    trusted: true,
    repoRoot: options.root,
    settings: {
      'trustlens.dockerConfigDir': options.dockerConfig,
      'workbench.colorTheme': 'Default Light Modern',
    },
  });
  return {
    url: workbenchUrl(server.origin, options.workspace, { extensionDevelopmentPath: options.root }),
    stop: () => server.stop(),
  };
}
