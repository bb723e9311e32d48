/**
 * Child process of the benchmark: verifies a repository whose targets role holds 10,000 tags and
 * prints the time and the extra peak memory it took, as JSON.
 */
import { TrustedSet } from '../src/core/tuf/trustedSet';
import { TestRepo, feedAll } from '../test/helpers/tufRepoBuilder';

const TAGS = 10_000;
const now = new Date();
const repo = new TestRepo({ gun: 'registry.example.com/bench/big', now });
for (let i = 0; i < TAGS; i += 1) {
  repo.addTarget('targets', `1.${Math.floor(i / 100)}.${i % 100}`, (i.toString(16).padStart(8, '0')).repeat(8), 1000 + i);
}
const files = repo.build();
const times: number[] = [];
global.gc?.();
const baseline = process.memoryUsage().rss;
let peak = baseline;
for (let run = 0; run < 7; run += 1) {
  const start = process.hrtime.bigint();
  const set = new TrustedSet({ gun: repo.gun });
  set.loadRoot(files.root);
  feedAll(set, files);
  const data = set.result();
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
  if (Object.keys(data.targets.targets).length !== TAGS) throw new Error('not every tag verified');
  peak = Math.max(peak, process.memoryUsage().rss);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({
  tags: TAGS,
  targetsBytes: files.targets.length,
  medianMs: times[Math.floor(times.length / 2)],
  extraPeakMb: (peak - baseline) / 1048576,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
}));
