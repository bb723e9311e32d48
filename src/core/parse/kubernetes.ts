/**
 * Kubernetes manifests: every YAML document with both `apiVersion` and `kind`, in files of one or
 * more documents, as `kubectl apply -f` reads them.
 */
import { isMap, isScalar, type YAMLMap } from 'yaml';
import type { ScanResult } from '../model/occurrence';
import { ImageSink, imageValue } from './imageValues';
import { firstFindingsHook, type FirstFindingsListener } from './firstFindings';
import type { DocumentsReader, YamlDocumentMemo } from './yamlDocumentMemo';
import { yamlViews, type YamlViewsOptions } from './yamlFile';
import type { ScalarAt, YamlView } from './yamlView';

/** Where the pod spec is in each workload kind. */
const POD_SPEC: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

export { looksLikeKubernetes } from './fileKinds';

/** Reads the images of one manifest's objects into a sink (used for kustomize resources too). */
export function kubernetesImages(text: string, sink: ImageSink, options: YamlViewsOptions = {}): void {
  for (const view of yamlViews(text, sink, options)) {
    const root = view.root;
    if (isMap(root)) readObject(view, root, sink, new Set());
  }
}

/**
 * Finds the container images of Kubernetes workloads (`k8s-image`): containers, init and ephemeral
 * containers of the pod spec of Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs,
 * ReplicationControllers and CronJobs, and image volumes; the items of a `List`; and, in objects of
 * any other kind (custom resources), every `image:` whose value is a valid reference (`k8s-image-guess`).
 * With `memo` (a document read again after an edit), only the YAML documents whose text changed are parsed.
 * With `onFirst`, a large file read whole reports its first documents' findings before the rest is read.
 */
export function scanKubernetes(file: string, text: string, memo?: YamlDocumentMemo, onFirst?: FirstFindingsListener): ScanResult {
  const read: DocumentsReader = (documents, options = {}) => {
    const sink = new ImageSink(file);
    const outline = options.outline ?? { starts: [0], separable: true };
    const onRead = options.onFirst && firstFindingsHook(documents, outline, sink, options.onFirst);
    kubernetesImages(documents, sink, { first: options.first, outline, onRead });
    return sink.done();
  };
  return memo ? memo.read(file, text, read, onFirst) : read(text, { onFirst });
}

function stringAt(view: YamlView, map: YAMLMap, key: string): string | undefined {
  const s = view.scalarAt(map, key);
  return typeof s?.value === 'string' ? s.value : undefined;
}

function readObject(view: YamlView, object: YAMLMap, sink: ImageSink, seen: Set<unknown>): void {
  const kind = stringAt(view, object, 'kind');
  if (kind === undefined || stringAt(view, object, 'apiVersion') === undefined) return;
  if (kind === 'List' || (kind.endsWith('List') && view.seq(object, 'items'))) {
    for (const item of view.maps(view.seq(object, 'items'))) readObject(view, item, sink, seen);
    return;
  }
  const path = POD_SPEC[kind];
  if (!path) {
    guessImages(view, object, sink, seen);
    return;
  }
  let spec: YAMLMap | undefined = object;
  for (const key of path) spec = spec && view.map(spec, key);
  if (!spec) return;
  for (const list of CONTAINER_LISTS) {
    for (const container of view.maps(view.seq(spec, list))) {
      const image = view.scalarAt(container, 'image');
      if (image) addImage(sink, image, seen);
    }
  }
  for (const volume of view.maps(view.seq(spec, 'volumes'))) {
    const image = view.map(volume, 'image');
    const reference = image && view.scalarAt(image, 'reference');
    if (reference) addImage(sink, reference, seen);
  }
}

function addImage(sink: ImageSink, s: ScalarAt, seen: Set<unknown>): void {
  // Objects that share one anchored image share one written reference: report it once.
  if (seen.has(s.node)) return;
  seen.add(s.node);
  if (typeof s.value !== 'string') {
    sink.skip('k8s-image', { value: '', text: s.text, range: s.range }, 'invalid-reference', `image must be a string, got ${s.value === null ? 'null' : typeof s.value}`);
    return;
  }
  sink.add('k8s-image', { value: s.value, text: s.text, range: s.range });
}

/** Every `image:` key of a custom resource whose value is a valid reference; each node once, without recursion. */
function guessImages(view: YamlView, object: YAMLMap, sink: ImageSink, seen: Set<unknown>): void {
  view.walkPairs(object, (pair) => {
    if (!isScalar(pair.key) || pair.key.value !== 'image') return false;
    const s = view.scalar(pair.value);
    if (!s || typeof s.value !== 'string' || seen.has(s.node)) return false;
    const checked = imageValue(s.value);
    if (checked.ok) {
      seen.add(s.node);
      sink.add('k8s-image-guess', { value: s.value, text: s.text, range: s.range }, { value: checked });
    }
    return true;
  });
}
