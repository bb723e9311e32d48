/** Opens code-server on the demo workspace with TrustLens installed from this checkout. */
export interface DemoEditor {
  url: string;
  stop(): Promise<void>;
}

export async function openEditor(_options: { root: string; workspace: string; work: string; dockerConfig: string }): Promise<DemoEditor> {
  throw new Error('the editor demo needs code-server; run with --no-editor');
}
