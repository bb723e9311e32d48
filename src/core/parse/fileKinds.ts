import { basename } from 'node:path';

/** The kinds of file that can pull images. */
export type ScannableKind =
  | 'dockerfile'
  | 'compose'
  /** Any other YAML file: read as Kubernetes manifests when its content has `apiVersion` and `kind`. */
  | 'kubernetes'
  | 'kustomize'
  | 'helm-values'
  | 'devcontainer'
  | 'github-workflow'
  | 'gitlab-ci';

const COMPOSE_NAME = /^(?:docker-)?compose(?:\.[^/]+)?\.ya?ml$/;
const DOCKERFILE_NAME = /^(?:Dockerfile|Containerfile)(?:\..+)?$|\.Dockerfile$/;
const KUSTOMIZATION_NAME = /^(?:kustomization\.ya?ml|Kustomization)$/;
const HELM_VALUES_NAME = /^values(?:-[^/]+)?\.ya?ml$/;
const GITLAB_CI_NAME = /^\.gitlab-ci\.ya?ml$/;
const WORKFLOW_PATH = /(?:^|\/)\.github\/workflows\/[^/]+\.ya?ml$/;
const DEVCONTAINER_PATH = /(?:^|\/)(?:\.devcontainer\.json|\.devcontainer\/(?:[^/]+\/)?devcontainer\.json)$/;
const YAML_NAME = /\.ya?ml$/i;

/** What deciding a file's kind may need to know about its folder. */
export interface KindContext {
  /** Whether the folder holding the file has a `Chart.yaml` (a Helm chart). */
  inChart?: (path: string) => boolean;
}

/**
 * Recognises a file by name, as a directory walk does: `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`,
 * `Containerfile`; `compose.yaml`/`docker-compose.yml` with their `*.override.*` (or any
 * `compose.<name>.yaml`) variants; `kustomization.yaml`; `values.yaml` and `values-*.yaml` beside a
 * `Chart.yaml`; `.devcontainer/devcontainer.json`, `.devcontainer.json` and
 * `.devcontainer/<name>/devcontainer.json`; `.github/workflows/*.yml`; `.gitlab-ci.yml`; and any other
 * YAML file as a possible Kubernetes manifest (whose content decides). Undefined for anything else.
 */
export function kindOfFileName(path: string, context: KindContext = {}): ScannableKind | undefined {
  const name = basename(path);
  const slashed = path.replace(/\\/g, '/');
  if (COMPOSE_NAME.test(name)) return 'compose';
  if (DOCKERFILE_NAME.test(name)) return 'dockerfile';
  if (KUSTOMIZATION_NAME.test(name)) return 'kustomize';
  if (GITLAB_CI_NAME.test(name)) return 'gitlab-ci';
  if (WORKFLOW_PATH.test(slashed)) return 'github-workflow';
  if (DEVCONTAINER_PATH.test(slashed)) return 'devcontainer';
  if (HELM_VALUES_NAME.test(name) && context.inChart?.(path)) return 'helm-values';
  if (YAML_NAME.test(name)) return 'kubernetes';
  return undefined;
}

/**
 * The kind of a file named explicitly: by name, else a devcontainer for JSON, else a Dockerfile. A
 * YAML file that is no Kubernetes manifest by content is read as a compose file ({@link yamlKindByContent}).
 */
export function kindOfGivenFile(path: string, context: KindContext = {}): ScannableKind {
  return kindOfFileName(path, context) ?? (/\.jsonc?$/i.test(path) ? 'devcontainer' : 'dockerfile');
}

/** Whether a YAML text may hold a Kubernetes object: `apiVersion:` and `kind:` keys at the start of a line. Reads nothing else. */
export function looksLikeKubernetes(text: string): boolean {
  return /^["']?apiVersion["']?[ \t]*:/m.test(text) && /^["']?kind["']?[ \t]*:/m.test(text);
}

/** Whether a path is in the `templates` folder of a Helm chart (templates, not manifests). */
export function inChartTemplates(path: string, isChart: (dir: string) => boolean): boolean {
  const slashed = path.replace(/\\/g, '/');
  const at = slashed.lastIndexOf('/templates/');
  return at >= 0 && isChart(slashed.slice(0, at));
}
