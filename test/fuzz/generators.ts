/**
 * Inputs for the fuzz target, from a seeded PRNG so that every failure reproduces: mutations of the
 * seed files, the hostile shapes known to have frozen or crashed readers (at random sizes), and
 * random instruction soup. Sizes stay under a few hundred KB: enough for any super-linear cost to
 * show as seconds, while a linear reader takes milliseconds.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Kind = 'dockerfile' | 'compose' | 'dotenv' | 'policy' | DeploymentKind;

/** The deployment and CI file kinds, read by the scanners behind `scanText`. */
export type DeploymentKind = 'kubernetes' | 'kustomize' | 'helm-values' | 'devcontainer' | 'github-workflow' | 'gitlab-ci';
export const DEPLOYMENT_KINDS: readonly DeploymentKind[] = ['kubernetes', 'kustomize', 'helm-values', 'devcontainer', 'github-workflow', 'gitlab-ci'];
const YAML_KINDS = ['compose', 'policy', 'kubernetes', 'kustomize', 'helm-values', 'github-workflow', 'gitlab-ci'] as const;

/** The seed file endings of each kind. */
const SEED_ENDINGS: readonly [string, Kind][] = [
  ['.Dockerfile', 'dockerfile'], ['.compose.yaml', 'compose'], ['.env', 'dotenv'], ['.trustlens.yaml', 'policy'],
  ['.k8s.yaml', 'kubernetes'], ['.kustomization.yaml', 'kustomize'], ['.values.yaml', 'helm-values'],
  ['.devcontainer.json', 'devcontainer'], ['.workflow.yml', 'github-workflow'], ['.gitlab-ci.yml', 'gitlab-ci'],
];

/** One generated input: the file under test, and for compose the `.env` beside it. */
export interface FuzzCase {
  kind: Kind;
  /** How it was made, e.g. `mutate anchors.compose.yaml` or `hostile merge-bomb`. */
  shape: string;
  text: string;
  dotenv?: string;
}

/** mulberry32: small, fast and good enough to explore; the same seed gives the same inputs. */
export class Prng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** Mostly small, sometimes large: sizes spread over orders of magnitude. */
  size(max: number): number {
    return Math.floor(Math.exp(this.next() * Math.log(max)));
  }
}

const TOKENS = [
  '${', '}', '$', '$$', '${A:-', '${A:+', '${A?', '${A#', '${A%%', '${A/', '${A//x/y}', ':-', '"', "'", '\\', '`', '\n', '\r\n', '\t', ' ',
  '<<EOF\n', '<<-"E"\n', 'EOF\n', '#', '# syntax=', '# escape=`\n', '#!', '--from=', '--mount=type=bind,from=', ',', '=', 'FROM ', 'COPY ',
  'ARG ', 'ENV ', 'RUN ', 'AS ', 'scratch', 'alpine:3', '@sha256:', '&a ', '*a', '<<: ', '<<: [*a, *a]', '[', ']', '{', '}', ': ', '- ',
  '? ', '!!merge ', '!reset ', '---\n', '...\n', '|\n', '>-\n', 'export ', 'services:\n', '  image: ', 'build: .', '\u0000', '\ufeff', '\u2028', '한',
];

function mutate(rng: Prng, text: string, others: readonly string[]): string {
  let out = text;
  const edits = rng.int(1, 12);
  for (let i = 0; i < edits; i += 1) {
    const at = rng.int(0, out.length);
    switch (rng.int(0, 6)) {
      case 0:
        out = out.slice(0, at) + rng.pick(TOKENS) + out.slice(at);
        break;
      case 1:
        out = out.slice(0, at) + out.slice(Math.min(out.length, at + rng.int(1, 20)));
        break;
      case 2: {
        const span = out.slice(at, at + rng.int(1, 80));
        out = out.slice(0, at) + span.repeat(rng.size(2000)) + out.slice(at);
        break;
      }
      case 3:
        out = out.slice(0, at) + String.fromCharCode(rng.int(0, 127)) + out.slice(at + 1);
        break;
      case 4: {
        const other = rng.pick(others);
        const from = rng.int(0, other.length);
        out = out.slice(0, at) + other.slice(from, from + rng.int(1, 300)) + out.slice(at);
        break;
      }
      case 5: {
        const lines = out.split('\n');
        const line = lines[rng.int(0, lines.length - 1)] ?? '';
        out = `${out}\n${`${line}\n`.repeat(rng.size(3000))}`;
        break;
      }
      default:
        out = out.slice(0, at) + rng.pick(TOKENS).repeat(rng.size(5000)) + out.slice(at);
    }
    if (out.length > 400_000) out = out.slice(0, 400_000);
  }
  return out;
}

/** Merge keys nested `levels` deep, each merging `fanout` aliases of the level below. */
function mergeBomb(levels: number, fanout: number): string {
  let text = 'l0: &l0 {image: nginx}\n';
  for (let l = 1; l <= levels; l += 1) text += `l${l}: &l${l} {<<: [${Array(fanout).fill(`*l${l - 1}`).join(', ')}]}\n`;
  return `${text}services:\n  s: *l${levels}\n`;
}

const HOSTILE: Record<string, (rng: Prng) => FuzzCase> = {
  'env-doubling': (rng) => {
    let dotenv = 'A0=xxxxxxxxxxxxxxxx\n';
    for (let i = 1; i <= rng.int(5, 40); i += 1) dotenv += `A${i}=\${A${i - 1}}\${A${i - 1}}\n`;
    return { kind: 'compose', shape: 'env-doubling', text: 'services:\n  a:\n    image: nginx:${A3}\n', dotenv };
  },
  'env-nesting': (rng) => {
    const n = rng.size(20_000);
    return { kind: 'dotenv', shape: 'env-nesting', text: `X=${'${X:-'.repeat(n)}${'}'.repeat(rng.int(0, n))}\n` };
  },
  'merge-bomb': (rng) => ({ kind: 'compose', shape: 'merge-bomb', text: mergeBomb(rng.int(2, 12), rng.int(2, 16)) }),
  'alias-of-anchor': (rng) => {
    const n = rng.size(20_000);
    const merge = rng.next() < 0.5;
    let text = merge ? 'x: &svc {image: nginx:1.27}\nservices:\n' : 'services:\n  s0: &svc {image: nginx:1.27}\n';
    for (let i = 1; i < n; i += 1) text += merge ? `  s${i}: {<<: *svc}\n` : `  s${i}: *svc\n`;
    return { kind: 'compose', shape: 'alias-of-anchor', text };
  },
  'alias-chain': (rng) => {
    const n = rng.size(20_000);
    let text = 'a0: &a0 {image: nginx}\n';
    for (let i = 1; i < n; i += 1) text += `a${i}: &a${i} {<<: *a${i - 1}}\n`;
    return { kind: 'compose', shape: 'alias-chain', text: `${text}services:\n  s: *a${n - 1}\n` };
  },
  'yaml-nesting': (rng) => {
    const n = rng.size(100_000);
    const open = rng.pick(['[', '{a: ', '- ', ': ', '? ', '- a: ']);
    return { kind: rng.pick(YAML_KINDS), shape: 'yaml-nesting', text: `${rng.pick(['services', 'apiVersion: v1\nkind: Pod\nspec', 'images', 'jobs', 'image'])}: ${open.repeat(n)}x\n` };
  },
  'json-nesting': (rng) => {
    const n = rng.size(100_000);
    return { kind: 'devcontainer', shape: 'json-nesting', text: `{"image": ${rng.pick(['[', '{"a": ', '[1, '])?.repeat(n)}"x"}` };
  },
  'many-documents': (rng) => {
    const doc = 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: nginx:1.25\n';
    return { kind: 'kubernetes', shape: 'many-documents', text: `${doc}---\n`.repeat(rng.size(5_000)) + rng.pick(['', '---\n', '...\n', '%YAML 1.2\n']) };
  },
  'deployment-merge-bomb': (rng) => ({
    kind: rng.pick(DEPLOYMENT_KINDS.filter((k) => k !== 'devcontainer')),
    shape: 'deployment-merge-bomb',
    text: `apiVersion: v1\nkind: Widget\n${mergeBomb(rng.int(2, 12), rng.int(2, 16)).replace('services:\n  s:', 'spec:\n  image: {<<: *l1}\n  jobs:\n    s:')}`,
  }),
  'unmatched-resources': (rng) => ({
    kind: 'kustomize', shape: 'unmatched-resources',
    text: `resources: [${'deployment.yaml, '.repeat(rng.size(2_000))}..]\nimages:\n${'- {name: nginx}\n'.repeat(rng.size(2_000))}`,
  }),
  'many-stages': (rng) => {
    const n = rng.size(30_000);
    let text = '';
    for (let i = 0; i < n; i += 1) text += rng.next() < 0.5 ? `FROM a AS s${i}\n` : `FROM s${rng.int(0, i)} AS s${i}\nCOPY --from=s${rng.int(0, n)} /a /b\n`;
    return { kind: 'dockerfile', shape: 'many-stages', text };
  },
  'many-flags': (rng) => ({ kind: 'dockerfile', shape: 'many-flags', text: `FROM a\nCOPY ${rng.pick(['--from=x ', '--link ', '--exclude=* ']).repeat(rng.size(40_000))}a b\n` }),
  'arg-doubling': (rng) => {
    let text = 'ARG A0=xxxxxxxxxxxxxxxx\n';
    for (let i = 1; i <= rng.int(5, 40); i += 1) text += `ARG A${i}=\${A${i - 1}}\${A${i - 1}}\n`;
    return { kind: 'dockerfile', shape: 'arg-doubling', text: `${text}FROM alpine:\${A3}\n` };
  },
  'pattern-bomb': (rng) => {
    const stars = '*a'.repeat(rng.int(1, 12));
    return { kind: 'dockerfile', shape: 'pattern-bomb', text: `ARG V=${'a'.repeat(rng.size(60_000))}\nFROM x:\${V${rng.pick(['#', '##', '%', '%%', '/', '//'])}${stars}b}\n`.repeat(rng.int(1, 20)) };
  },
  'continuations': (rng) => ({ kind: 'dockerfile', shape: 'continuations', text: `FROM \\\n${rng.pick(['\\\n', '# c\n', '\n', ' \\\n'])?.repeat(rng.size(100_000))}alpine\n` }),
  'heredocs': (rng) => ({ kind: 'dockerfile', shape: 'heredocs', text: `FROM a\n${`RUN <<${rng.pick(['EOF', "'E'", 'e"o"f'])} <<X\n${'line\n'.repeat(rng.size(10_000))}`.repeat(rng.int(1, 30))}` }),
  'interpolations': (rng) => ({ kind: 'compose', shape: 'interpolations', text: `services:\n  a:\n    image: "${rng.pick(['${A:-x}', '${A:+${B}}', '$$', '${A-}}}', '$A'])?.repeat(rng.size(30_000))}"\n` }),
  'mount-fields': (rng) => ({ kind: 'dockerfile', shape: 'mount-fields', text: `FROM a\nRUN --mount=${'type=bind,from=x,'.repeat(rng.size(20_000))}target=/t true\n` }),
  'long-line': (rng) => ({ kind: rng.pick(['dockerfile', 'compose', 'dotenv', 'policy'] as const), shape: 'long-line', text: `${rng.pick(['FROM ', 'a: ', 'A=', '# '])}${rng.pick(['x', '"', '\\', '$', '{', '['])?.repeat(rng.size(300_000))}\n` }),
};

function soup(rng: Prng): string {
  const words = ['FROM', 'from', 'ARG', 'ENV', 'COPY', 'RUN', 'ONBUILD', 'ADD', 'LABEL', 'FOO', 'AS', 'as', 'alpine', 'build', '0', '--from=build', '--from=0', '--link', '--mount=from=x', '--platform=$P', '$A', '${A:-b}', '"q', "'", '\\', '<<E', 'E', '#', '='];
  let text = '';
  for (let i = rng.size(2000); i > 0; i -= 1) {
    text += Array.from({ length: rng.int(1, 6) }, () => rng.pick(words)).join(rng.pick([' ', ' ', '\t', '  ']));
    text += rng.pick(['\n', '\n', ' \\\n', '\r\n']);
  }
  return text;
}

/** The seed files, by kind, from `test/fuzz/seeds/`. */
export function loadSeeds(dir: string): Record<Kind, string[]> {
  const seeds = Object.fromEntries(SEED_ENDINGS.map(([, kind]) => [kind, [] as string[]])) as Record<Kind, string[]>;
  for (const name of readdirSync(dir).sort()) {
    const kind = SEED_ENDINGS.find(([ending]) => name.endsWith(ending))?.[1];
    if (kind) seeds[kind].push(readFileSync(join(dir, name), 'utf8'));
  }
  return seeds;
}

/**
 * The largest input per kind. The YAML library reads about a megabyte a second, so YAML inputs stay
 * smaller, to keep the 1 s budget for what TrustLens itself does with them.
 */
const MAX_BYTES: Record<Kind, number> = {
  dockerfile: 300_000, compose: 150_000, dotenv: 300_000, policy: 150_000,
  kubernetes: 150_000, kustomize: 150_000, 'helm-values': 150_000, devcontainer: 300_000, 'github-workflow': 150_000, 'gitlab-ci': 150_000,
};

function capped(c: FuzzCase): FuzzCase {
  const max = MAX_BYTES[c.kind];
  return {
    ...c,
    text: c.text.length > max ? c.text.slice(0, max) : c.text,
    ...(c.dotenv !== undefined ? { dotenv: c.dotenv.slice(0, MAX_BYTES.dotenv) } : {}),
  };
}

/** The `n`th case of the run seeded with `seed`; each case has its own PRNG, so `--case` reproduces one alone. */
export function generate(seed: number, n: number, seeds: Record<Kind, string[]>): FuzzCase {
  return capped(generateUncapped(seed, n, seeds));
}

function generateUncapped(seed: number, n: number, seeds: Record<Kind, string[]>): FuzzCase {
  const rng = new Prng((seed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0);
  const roll = rng.next();
  if (roll < 0.3) {
    const name = rng.pick(Object.keys(HOSTILE));
    return HOSTILE[name]!(rng);
  }
  if (roll < 0.4) return { kind: 'dockerfile', shape: 'soup', text: soup(rng) };
  const kind = rng.pick(['dockerfile', 'dockerfile', 'compose', 'compose', 'dotenv', 'policy', ...DEPLOYMENT_KINDS] as const);
  const pool = seeds[kind];
  const all = Object.values(seeds).flat();
  const c: FuzzCase = { kind, shape: `mutate ${kind}`, text: mutate(rng, rng.pick(pool), all) };
  if (kind === 'compose' && rng.next() < 0.5) c.dotenv = mutate(rng, rng.pick(seeds.dotenv), all);
  return c;
}
