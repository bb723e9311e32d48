/**
 * GitLab CI (`.gitlab-ci.yml`): `image` and `services`, each a string or `{name}`, at the top level,
 * in `default:` and in every job (hidden `.template` jobs included). Variables are expanded from the
 * file's own `variables:` (a job's over the top level's); one without a value there (set in the
 * project's settings or predefined by GitLab) makes the image unknowable here, and it is skipped.
 */
import { isMap, isScalar, isSeq, type YAMLMap } from 'yaml';
import type { ScanResult } from '../model/occurrence';
import { ImageSink } from './imageValues';
import { yamlViews } from './yamlFile';
import type { YamlView } from './yamlView';

/** Top-level keys that are not jobs. */
const GLOBAL_KEYS = new Set(['default', 'include', 'stages', 'variables', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script', 'spec']);
const VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Finds the images of a GitLab CI file (`gitlab-image`). */
export function scanGitlabCi(file: string, text: string): ScanResult {
  const sink = new ImageSink(file);
  for (const view of yamlViews(text, sink, { single: true })) {
    const root = view.root;
    if (!isMap(root)) continue;
    const global = variables(view, root, new Map());
    const seen = new Set<unknown>();
    readImages(view, root, global, sink, seen);
    const defaults = view.map(root, 'default');
    if (defaults) readImages(view, defaults, global, sink, seen);
    for (const pair of view.pairs(root)) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      const job = view.deref(pair.value);
      if (typeof key !== 'string' || GLOBAL_KEYS.has(key) || !isMap(job)) continue;
      readImages(view, job, variables(view, job, global), sink, seen);
    }
  }
  return sink.done();
}

/** The `variables:` of a map over those inherited: a string, or `{value}`. */
function variables(view: YamlView, map: YAMLMap, inherited: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map(inherited);
  const vars = view.map(map, 'variables');
  for (const pair of vars ? view.pairs(vars) : []) {
    const name = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof name !== 'string') continue;
    const value = view.deref(pair.value);
    const s = isMap(value) ? view.scalarAt(value, 'value') : view.scalar(value);
    if (s?.string !== null && s?.string !== undefined) out.set(name, s.string);
  }
  return out;
}

function readImages(view: YamlView, map: YAMLMap, vars: ReadonlyMap<string, string>, sink: ImageSink, seen: Set<unknown>): void {
  const one = (node: unknown) => {
    const n = view.deref(node);
    const s = isMap(n) ? view.scalarAt(n, 'name') : view.scalar(n);
    if (!s || typeof s.value !== 'string' || s.value === '' || seen.has(s.node)) return;
    seen.add(s.node);
    // Variables with a value in this file are expanded once; any left make the image unknowable.
    const value = s.value.replace(VARIABLE, (all, braced?: string, bare?: string) => {
      const found = vars.get((braced ?? bare)!);
      return found !== undefined && !found.includes('$') ? found : all;
    });
    sink.add('gitlab-image', { value, text: s.text, range: s.range });
  };
  one(view.get(map, 'image'));
  const services = view.get(map, 'services');
  if (isSeq(services)) for (const item of services.items) one(item);
}
