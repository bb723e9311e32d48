/**
 * kustomize's `kustomization.yaml`: each `images:` entry, resolved as kustomize's image transformer
 * (api/filters/imagetag) applies it to the images its `resources` name:
 * - an image matches an entry when the name written before its tag or digest is the entry's `name`;
 * - `newName` replaces the name;
 * - `newTag` and `digest` together give `name:newTag@digest` (kustomize 4.5 and later); `newTag` alone
 *   replaces tag and digest; `digest` alone replaces both with the digest.
 * The resolved references are checked, each reported on the entry.
 */
import { posix } from 'node:path';
import { isMap, type YAMLMap } from 'yaml';
import { splitWrittenImage } from '../model/imageText';
import type { ImageFields, ScanResult } from '../model/occurrence';
import { ImageSink, imageValue } from './imageValues';
import { kubernetesImages } from './kubernetes';
import { yamlViews } from './yamlFile';
import type { YamlView } from './yamlView';

/** A file beside the one being read, by path relative to its folder: its text, or why it cannot be read. */
export type RelatedFiles = (relativePath: string) => { text: string } | { error: string };

/** Bounds on reading resources: kustomizations nest, and a hostile one could list itself. */
const MAX_RESOURCE_FILES = 200;
const MAX_DEPTH = 8;
const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

interface ResourceImage {
  name: string;
  tag: string | null;
  digest: string | null;
}

/** Finds the images of a kustomization (`kustomize-image`); `related` reads its resources. */
export function scanKustomization(file: string, text: string, related?: RelatedFiles): ScanResult {
  const sink = new ImageSink(file);
  for (const view of yamlViews(text, sink, { single: true })) {
    const root = view.root;
    if (!isMap(root)) continue;
    const entries = view.maps(view.seq(root, 'images'));
    if (entries.length === 0) continue;
    const resources = resourceImages(view, root, related);
    for (const entry of entries) readEntry(view, entry, sink, resources);
  }
  return sink.done();
}

/** The paths a kustomization lists as resources (and the older `bases`, and `components`). */
function listedResources(view: YamlView, root: YAMLMap): string[] {
  const out: string[] = [];
  for (const key of ['resources', 'bases', 'components']) {
    const seq = view.seq(root, key);
    for (const item of seq?.items ?? []) {
      const s = view.scalar(item);
      if (typeof s?.value === 'string') out.push(s.value);
    }
  }
  return out;
}

/**
 * The images the resources name, read through nested kustomizations; `complete` is false when a
 * resource is remote or cannot be read, so that an entry relying on it is not resolved by guess.
 */
function resourceImages(view: YamlView, root: YAMLMap, related: RelatedFiles | undefined): { images: ResourceImage[]; complete: boolean; problems: string[] } {
  const images: ResourceImage[] = [];
  const problems: string[] = [];
  let files = 0;
  const visit = (dir: string, paths: string[], depth: number) => {
    for (const path of paths) {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(path) || path.startsWith('git@')) {
        problems.push(`${path} is remote`);
        continue;
      }
      const relative = posix.normalize(posix.join(dir, path));
      if (!related || files >= MAX_RESOURCE_FILES || depth > MAX_DEPTH) {
        problems.push(`${relative} was not read`);
        continue;
      }
      files += 1;
      const read = related(relative);
      if ('text' in read) {
        const sink = new ImageSink(relative);
        kubernetesImages(read.text, sink);
        if (sink.result.errors.length > 0) problems.push(`${relative}: ${sink.result.errors[0]!.message}`);
        for (const r of sink.result.references) images.push(splitWrittenImage(r.text));
        continue;
      }
      // A folder: its own kustomization lists its resources.
      const nested = KUSTOMIZATION_NAMES.map((name) => ({ name, read: related(posix.join(relative, name)) })).find((k) => 'text' in k.read);
      if (!nested || !('text' in nested.read)) {
        problems.push(`${relative}: ${read.error}`);
        continue;
      }
      const sink = new ImageSink(relative);
      for (const inner of yamlViews(nested.read.text, sink, { single: true })) {
        if (isMap(inner.root)) visit(relative, listedResources(inner, inner.root), depth + 1);
      }
    }
  };
  visit('.', listedResources(view, root), 0);
  return { images, complete: problems.length === 0, problems };
}

function readEntry(view: YamlView, entry: YAMLMap, sink: ImageSink, resources: ReturnType<typeof resourceImages>): void {
  const name = view.scalarAt(entry, 'name');
  if (!name || typeof name.value !== 'string' || name.value === '') return;
  const where = { value: name.value, text: name.text, range: name.range };
  const newName = view.scalarAt(entry, 'newName');
  const newTag = view.scalarAt(entry, 'newTag');
  const digest = view.scalarAt(entry, 'digest');
  const finalName = typeof newName?.value === 'string' && newName.value !== '' ? newName.value : name.value;
  const tagValue = newTag?.string ?? '';
  const digestValue = typeof digest?.value === 'string' ? digest.value : '';
  const insert = view.insertPoint(entry);
  const fields: ImageFields = {
    pin: 'digest-field',
    tagKey: 'newTag',
    ...(newTag ? { tag: { range: newTag.range, text: newTag.text } } : {}),
    ...(digest ? { digest: { range: digest.range, text: digest.text } } : {}),
    ...(insert ? { insert } : {}),
  };
  const resolve = (tag: string | null, dig: string | null): string => {
    if (tagValue !== '' && digestValue !== '') return `${finalName}:${tagValue}@${digestValue}`;
    if (tagValue !== '') return `${finalName}:${tagValue}`;
    if (digestValue !== '') return `${finalName}@${digestValue}`;
    return `${finalName}${tag !== null ? `:${tag}` : ''}${dig !== null ? `@${dig}` : ''}`;
  };
  const matched = resources.images.filter((image) => image.name === name.value);
  const references = new Set<string>(matched.map((image) => resolve(image.tag, image.digest)));
  if (references.size === 0) {
    if (tagValue === '' && digestValue === '') {
      const why = resources.complete
        ? 'no resource this kustomization lists names it'
        : `its resources could not all be read (${resources.problems.slice(0, 3).join('; ')})`;
      sink.skip('kustomize-image', where, 'unresolved', `the entry for ${name.value} sets no newTag or digest, so its tag comes from the resources, and ${why}`);
      return;
    }
    references.add(resolve(null, null));
  }
  for (const reference of references) sink.add('kustomize-image', where, { value: imageValue(reference), fields });
}

