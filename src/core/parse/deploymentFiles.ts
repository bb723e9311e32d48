import type { ScanResult } from '../model/occurrence';
import { scanDevcontainer } from './devcontainer';
import type { ScannableKind } from './fileKinds';
import type { FirstFindingsListener } from './firstFindings';
import { scanGithubWorkflow } from './githubWorkflow';
import { scanGitlabCi } from './gitlabCi';
import { scanHelmValues } from './helmValues';
import { looksLikeKubernetes, scanKubernetes } from './kubernetes';
import { scanKustomization, type RelatedFiles } from './kustomize';
import { parseYaml } from './yamlBounded';
import type { YamlDocumentMemo } from './yamlDocumentMemo';
import { LineCounter, isMap } from 'yaml';

/** The chart's `appVersion`, from the `Chart.yaml` beside a values file; undefined when there is none to read. */
function chartAppVersion(related: RelatedFiles | undefined): string | undefined {
  const chart = related?.('Chart.yaml');
  if (!chart || !('text' in chart)) return undefined;
  try {
    const doc = parseYaml(chart.text, new LineCounter());
    const version = isMap(doc.contents) && doc.errors.length === 0 ? doc.contents.get('appVersion') : undefined;
    return typeof version === 'string' || typeof version === 'number' ? String(version) : undefined;
  } catch {
    // A Chart.yaml that cannot be read gives no default tag: images without a tag are skipped.
    return undefined;
  }
}

/**
 * Reads a deployment or CI file of any kind but Dockerfiles and compose files. A YAML file that is not
 * a Kubernetes manifest by content (`apiVersion` and `kind`) holds nothing and is not parsed. With
 * `memo`, a Kubernetes file's unchanged documents are not parsed again; with `onFirst`, a large
 * Kubernetes file read whole reports its first documents' findings before the rest is read.
 */
export function scanDeploymentFile(
  file: string, kind: Exclude<ScannableKind, 'dockerfile' | 'compose'>, text: string,
  options: { related?: RelatedFiles; memo?: YamlDocumentMemo; onFirst?: FirstFindingsListener } = {},
): ScanResult {
  const { related } = options;
  switch (kind) {
    case 'kubernetes':
      return looksLikeKubernetes(text) ? scanKubernetes(file, text, options.memo, options.onFirst) : { references: [], skipped: [], errors: [] };
    case 'kustomize':
      return scanKustomization(file, text, related);
    case 'helm-values':
      return scanHelmValues(file, text, { appVersion: chartAppVersion(related) });
    case 'devcontainer':
      return scanDevcontainer(file, text);
    case 'github-workflow':
      return scanGithubWorkflow(file, text);
    case 'gitlab-ci':
      return scanGitlabCi(file, text);
  }
}
