/**
 * Helm values files (`values.yaml`, `values-*.yaml` beside a `Chart.yaml`): the image shapes charts
 * commonly read, as Renovate's helm-values manager finds them.
 * - `image: "repo:tag"` under any key ending in `image` (case-insensitive);
 * - `image: {registry, repository, tag, digest}` under such a key, at any depth;
 * - `global.imageRegistry` (the Bitnami convention) replaces `registry` in every map that has one;
 * - an empty or missing `tag` is the chart's `appVersion` (as `helm create`'s templates default it).
 */
import { isMap, isScalar, type YAMLMap } from 'yaml';
import type { ImageFields, ScanResult } from '../model/occurrence';
import { ImageSink, imageValue } from './imageValues';
import { yamlViews } from './yamlFile';
import type { YamlView } from './yamlView';

/** What else a values file's images depend on. */
export interface HelmValuesOptions {
  /** The chart's `appVersion` (from the `Chart.yaml` beside the values file), the default tag. */
  appVersion?: string;
}

const IMAGE_KEY = /image$/i;

/** Finds the images of a Helm values file (`helm-image`). */
export function scanHelmValues(file: string, text: string, options: HelmValuesOptions = {}): ScanResult {
  const sink = new ImageSink(file);
  for (const view of yamlViews(text, sink, { single: true })) {
    const root = view.root;
    if (!isMap(root)) continue;
    const global = view.map(root, 'global');
    const registry = global && view.scalarAt(global, 'imageRegistry');
    const globalRegistry = typeof registry?.value === 'string' && registry.value !== '' ? registry.value : undefined;
    walk(view, root, sink, { globalRegistry, appVersion: options.appVersion });
  }
  return sink.done();
}

interface Context {
  globalRegistry?: string;
  appVersion?: string;
}

/** Every key ending in `image` at any depth; each node once, without recursion. */
function walk(view: YamlView, root: YAMLMap, sink: ImageSink, context: Context): void {
  view.walkPairs(root, (pair, seen) => {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof key !== 'string' || !IMAGE_KEY.test(key)) return false;
    const value = view.deref(pair.value);
    if (isScalar(value)) {
      const s = view.scalar(value);
      if (s && typeof s.value === 'string' && s.value !== '' && !seen.has(value)) {
        seen.add(value);
        sink.add('helm-image', { value: s.value, text: s.text, range: s.range });
      }
      return true;
    }
    if (isMap(value) && view.get(value, 'repository') !== undefined) {
      if (!seen.has(value)) {
        seen.add(value);
        imageMap(view, value, sink, context);
      }
      return true;
    }
    return false;
  });
}

/** `{registry, repository, tag, digest}`: the reference Bitnami's `common.images.image` and `helm create` build from it. */
function imageMap(view: YamlView, map: YAMLMap, sink: ImageSink, context: Context): void {
  const repository = view.scalarAt(map, 'repository');
  if (!repository || typeof repository.value !== 'string' || repository.value === '') return;
  const where = { value: repository.value, text: repository.text, range: repository.range };
  const registry = view.scalarAt(map, 'registry');
  const tag = view.scalarAt(map, 'tag');
  const digest = view.scalarAt(map, 'digest');
  const hasRegistryKey = view.get(map, 'registry') !== undefined;
  const registryName = hasRegistryKey && context.globalRegistry ? context.globalRegistry : typeof registry?.value === 'string' ? registry.value : '';
  const digestValue = typeof digest?.value === 'string' ? digest.value : '';
  let tagValue = tag?.string ?? '';
  let fromAppVersion = false;
  if (tagValue === '' && digestValue === '') {
    if (!context.appVersion) {
      sink.skip('helm-image', where, 'template', `${repository.value} has no tag: the chart's templates default it to the chart's appVersion, which no Chart.yaml beside this file gives`);
      return;
    }
    tagValue = context.appVersion;
    fromAppVersion = true;
  }
  const written = `${registryName ? `${registryName}/` : ''}${repository.value}${tagValue ? `:${tagValue}` : ''}${digestValue ? `@${digestValue}` : ''}`;
  const checked = imageValue(written);
  const insert = view.insertPoint(map);
  const fields: ImageFields = {
    pin: view.get(map, 'digest') !== undefined ? 'digest-field' : 'tag-suffix',
    tagKey: 'tag',
    ...(tag && !fromAppVersion ? { tag: { range: tag.range, text: tag.text } } : {}),
    ...(digest ? { digest: { range: digest.range, text: digest.text } } : {}),
    ...(insert ? { insert } : {}),
  };
  sink.add('helm-image', where, { value: checked, fields });
}
