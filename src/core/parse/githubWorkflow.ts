/**
 * GitHub Actions workflows (`.github/workflows/*.yml`): the images a job pulls, as the runner reads
 * them: `jobs.<id>.container` (a string or `{image}`), `jobs.<id>.services.<name>.image`, and steps
 * that run an image directly (`uses: docker://image`). A `${{ … }}` expression is skipped.
 */
import { isMap, isScalar } from 'yaml';
import type { ScanResult } from '../model/occurrence';
import { ImageSink } from './imageValues';
import { yamlViews } from './yamlFile';
import type { ScalarAt } from './yamlView';

const DOCKER_SCHEME = 'docker://';

/** Finds the images of a GitHub Actions workflow (`gha-image`). */
export function scanGithubWorkflow(file: string, text: string): ScanResult {
  const sink = new ImageSink(file);
  const add = (s: ScalarAt | undefined) => {
    if (s && typeof s.value === 'string' && s.value !== '') sink.add('gha-image', { value: s.value, text: s.text, range: s.range });
  };
  for (const view of yamlViews(text, sink, { single: true })) {
    const root = view.root;
    const jobs = isMap(root) ? view.map(root, 'jobs') : undefined;
    if (!jobs) continue;
    for (const pair of view.pairs(jobs)) {
      const job = view.deref(pair.value);
      if (!isMap(job)) continue;
      const container = view.get(job, 'container');
      add(isScalar(container) ? view.scalar(container) : isMap(container) ? view.scalarAt(container, 'image') : undefined);
      const services = view.map(job, 'services');
      for (const service of services ? view.pairs(services) : []) {
        const s = view.deref(service.value);
        if (isMap(s)) add(view.scalarAt(s, 'image'));
      }
      for (const step of view.maps(view.seq(job, 'steps'))) {
        const uses = view.scalarAt(step, 'uses');
        // Only where the image is written as it is read can the reference be located inside the value.
        if (!uses || typeof uses.value !== 'string' || !uses.value.startsWith(DOCKER_SCHEME) || !uses.text.startsWith(DOCKER_SCHEME)) continue;
        const { start, end } = uses.range;
        if (start.line !== end.line) continue;
        add({ ...uses, value: uses.value.slice(DOCKER_SCHEME.length), text: uses.text.slice(DOCKER_SCHEME.length), range: { start: { line: start.line, character: start.character + DOCKER_SCHEME.length }, end } });
      }
    }
  }
  return sink.done();
}
