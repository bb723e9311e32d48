/**
 * `trustlens inspect` against `docker trust inspect` (docker 28, which still has it) on the real
 * stack: for every repository shape the trust tests build, plus one with many tags to sort, the JSON
 * must be byte for byte docker's (exit status included) and the `--pretty` text docker's apart from
 * whitespace. The built CLI runs as a process. A tampered repository prints nothing as trusted, beside
 * a control through the same proxy that matches docker.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTamperServer, type TamperServer } from '../helpers/attack/tamperServer';
import { editFile } from '../helpers/attack/tampers';
import { dockerTrust, type TrustInspection } from '../helpers/stack/dockerCli';
import { SCENARIOS, type Scenario, type ScenarioKind } from '../helpers/stack/scenarios';
import { startStack, type Stack } from '../helpers/stack/stack';
import { makeTempDir, type TempDir } from '../helpers/stack/tempDir';
import { runCli } from '../helpers/trust/cli';
import { makeDockerConfig, type TestDockerConfig } from '../helpers/trust/dockerConfig';
import { policyYaml } from '../helpers/trust/documents';

const KINDS = Object.keys(SCENARIOS) as ScenarioKind[];
/** Tags whose order tells docker's natural sort from any other. */
const MANY_TAGS = ['v10', 'v2', 'V1', '1.0', '10', 'latest', 'v1.9', 'v1.10', 'beta_1', 'beta-1'];

interface Output {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A line diff of two texts, for an assertion message: `-` docker's line, `+` TrustLens's. */
function lineDiff(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    if (a[i] === b[i]) out.push(`  ${JSON.stringify(a[i])}`);
    else {
      if (a[i] !== undefined) out.push(`- ${JSON.stringify(a[i])}`);
      if (b[i] !== undefined) out.push(`+ ${JSON.stringify(b[i])}`);
    }
  }
  return out.join('\n');
}

const words = (text: string): string => text.trim().split(/\s+/).join(' ');

/** Asserts TrustLens printed what docker printed, and exited as docker did; stderr must carry docker's reason. */
function assertSame(what: string, docker: Output, ours: Output, compare: 'bytes' | 'words'): void {
  const [expected, actual] = compare === 'bytes' ? [docker.stdout, ours.stdout] : [words(docker.stdout), words(ours.stdout)];
  const shown = compare === 'bytes' ? lineDiff(docker.stdout, ours.stdout) : lineDiff(words(docker.stdout).replace(/ (?=Signatures|No signatures|List of|Administrative|SIGNED TAG|SIGNER KEYS)/g, '\n'), words(ours.stdout).replace(/ (?=Signatures|No signatures|List of|Administrative|SIGNED TAG|SIGNER KEYS)/g, '\n'));
  assert.ok(expected === actual, `${what}: stdout differs from docker trust inspect (${compare}); - docker, + trustlens:\n${shown}\ntrustlens stderr: ${ours.stderr}`);
  assert.equal(ours.code, docker.code, `${what}: exit status ${String(ours.code)}, docker's ${String(docker.code)}; docker said ${docker.stderr}; trustlens said ${ours.stderr}`);
  for (const line of docker.stderr.split('\n').map((l) => l.trim()).filter(Boolean)) {
    assert.ok(ours.stderr.includes(line), `${what}: docker said "${line}", trustlens said: ${ours.stderr}`);
  }
  if (docker.code === 0) assert.equal(ours.stderr, '', what);
}

void describe('trustlens inspect prints what docker trust inspect printed, from verified data', () => {
  let ecdsa: Stack;
  let ed25519: Stack;
  let docker: TestDockerConfig;
  let project: TempDir;
  let tamper: TamperServer;
  const built = new Map<string, { scenario: Pick<Scenario, 'gun' | 'images'>; stack: Stack }>();

  /** `docker trust inspect [--pretty] refs…` against the stack's notary-server, with a fresh DOCKER_CONFIG. */
  const dockerInspect = async (stack: Stack, refs: readonly string[], pretty: boolean): Promise<Output> => {
    const r: TrustInspection = await dockerTrust(['inspect', ...(pretty ? ['--pretty'] : []), ...refs], { trustServerUrl: stack.notary.url, caPem: stack.notary.caPem });
    return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  };

  /** `trustlens inspect refs… args…` with the project's policy, a fresh cache and the CAs. */
  const trustlens = async (refs: readonly string[], args: readonly string[], options: { env?: Record<string, string>; config?: boolean } = {}): Promise<Output> => {
    const cache = await makeTempDir('inspect-cache');
    try {
      const config = options.config === false ? [] : ['--config', join(project.path, 'policy.yaml')];
      return await runCli(['inspect', ...refs, ...args, ...config, '--cache-dir', cache.path, '--docker-config', docker.path], { cwd: project.path, ...(options.env ? { env: options.env } : {}) });
    } finally {
      await cache.remove();
    }
  };

  /** Every reference a shape is looked at by: the repository, each pushed tag, a tag never pushed, a digest. */
  const refsOf = (s: Pick<Scenario, 'gun' | 'images'>): string[] => {
    const digest = Object.values(s.images)[0]?.digest;
    return [s.gun, ...Object.keys(s.images).map((t) => `${s.gun}:${t}`), `${s.gun}:never-pushed`, ...(digest ? [`${s.gun}@${digest}`] : [])];
  };

  before(async () => {
    [ecdsa, ed25519] = await Promise.all([startStack(), startStack({ keyAlgorithm: 'ed25519' })]);
    const buildOn = async (kinds: ScenarioKind[], stack: Stack) => {
      for (const kind of kinds) built.set(kind, { scenario: await SCENARIOS[kind](stack), stack });
    };
    await Promise.all([buildOn(KINDS.filter((k) => k !== 'ed25519-server'), ecdsa), buildOn(['ed25519-server'], ed25519)]);
    // Many tags signed straight into targets (docker trust inspect reads no registry).
    const gun = `${ecdsa.registry.host}/trustlens/many-tags`;
    await ecdsa.cli.init(gun);
    for (const tag of MANY_TAGS) await ecdsa.cli.addHash(gun, tag, 1000 + tag.length, randomBytes(32).toString('hex'));
    await ecdsa.cli.publish(gun);
    built.set('many-tags', { scenario: { gun, images: {} }, stack: ecdsa });

    tamper = await startTamperServer(ecdsa.notary);
    docker = await makeDockerConfig([
      { host: ecdsa.notary.host, caPem: ecdsa.notary.caPem },
      { host: ed25519.notary.host, caPem: ed25519.notary.caPem },
      { host: tamper.host, caPem: tamper.caPem },
    ]);
    project = await makeTempDir('inspect-project');
    await writeFile(join(project.path, 'policy.yaml'), policyYaml({ [ecdsa.registry.host]: ecdsa.notary.url, [ed25519.registry.host]: ed25519.notary.url }));
    await writeFile(join(project.path, 'tamper.yaml'), policyYaml({ [ecdsa.registry.host]: tamper.url }));
  });

  after(async () => {
    await Promise.all([docker?.remove(), project?.remove(), tamper?.close()]);
    await Promise.all([ecdsa?.stop(), ed25519?.stop()]);
  });

  for (const kind of [...KINDS, 'many-tags']) {
    void it(`${kind}: --format json is docker's JSON byte for byte, for the repository, each tag, an unpushed tag and a digest, one by one and all at once`, async () => {
      const { scenario, stack } = built.get(kind)!;
      const refs = refsOf(scenario);
      for (const group of [...refs.map((r) => [r]), refs]) {
        const [theirs, ours] = await Promise.all([dockerInspect(stack, group, false), trustlens(group, ['--format', 'json'])]);
        assertSame(`${kind} ${group.join(' ')}`, theirs, ours, 'bytes');
      }
    });

    void it(`${kind}: the default text is docker trust inspect --pretty's, apart from whitespace`, async () => {
      const { scenario, stack } = built.get(kind)!;
      const refs = refsOf(scenario);
      for (const group of [...refs.map((r) => [r]), refs]) {
        const [theirs, ours, pretty] = await Promise.all([dockerInspect(stack, group, true), trustlens(group, []), trustlens(group, ['--pretty'])]);
        assertSame(`${kind} --pretty ${group.join(' ')}`, theirs, ours, 'words');
        assert.deepEqual(pretty, ours, '--pretty is the default text');
      }
    });
  }

  void it('several repositories in one call, one without trust data among them: the JSON lists the others and exits 1, the text stops at it', async () => {
    const guns = ['releases', 'no-trust-data', 'many-tags', 'signer-only'].map((k) => built.get(k)!.scenario.gun);
    const group = [...guns, `${built.get('two-signers')!.scenario.gun}:v1`];
    const [json, ours] = await Promise.all([dockerInspect(ecdsa, group, false), trustlens(group, ['--format', 'json'])]);
    assert.equal(json.code, 1, 'docker fails the call');
    assertSame('json, several', json, ours, 'bytes');
    assert.equal((JSON.parse(ours.stdout) as unknown[]).length, 4);
    const [text, oursText] = await Promise.all([dockerInspect(ecdsa, group, true), trustlens(group, [])]);
    assertSame('pretty, several', text, oursText, 'words');
  });

  void it('finds the trust server from DOCKER_CONTENT_TRUST_SERVER, as docker does', async () => {
    const s = built.get('two-signers')!.scenario;
    const [theirs, ours] = await Promise.all([
      dockerInspect(ecdsa, [s.gun], false),
      trustlens([s.gun], ['--format', 'json'], { config: false, env: { DOCKER_CONTENT_TRUST_SERVER: ecdsa.notary.url } }),
    ]);
    assertSame('DOCKER_CONTENT_TRUST_SERVER', theirs, ours, 'bytes');
  });

  void it('--format json --scheme all: docker\'s entry plus OtherSchemes, the cosign signature the cosign backend verified; a repository without DCT data is listed by name with its cosign signature, and still exits 1', async () => {
    const keys = join(project.path, 'cosign-keys');
    const cosignEnv = { COSIGN_PASSWORD: 'inspect-cosign' };
    const common = ['--docker-config', docker.path, '--cache-dir', join(project.path, 'sign-cache')];
    const generated = await runCli(['key', 'generate', '--scheme', 'cosign', '--dir', keys, ...common], { cwd: project.path, env: cosignEnv });
    assert.equal(generated.code, 0, generated.stderr);
    const signedGun = built.get('releases')!.scenario.gun;
    const unsignedGun = built.get('signer-only')!.scenario.gun;
    const signed = await runCli(['sign', `${signedGun}:v1`, '--scheme', 'cosign', '--key', join(keys, 'cosign.key'), ...common], { cwd: project.path, env: cosignEnv });
    assert.equal(signed.code, 0, signed.stderr);
    const cosignOnlyGun = built.get('no-trust-data')!.scenario.gun;
    const signedCosignOnly = await runCli(['sign', `${cosignOnlyGun}:v1`, '--scheme', 'cosign', '--key', join(keys, 'cosign.key'), ...common], { cwd: project.path, env: cosignEnv });
    assert.equal(signedCosignOnly.code, 0, signedCosignOnly.stderr);
    await writeFile(join(project.path, 'all.yaml'), policyYaml({ [ecdsa.registry.host]: ecdsa.notary.url }, `rules:\n  - images: ["**"]\n    cosign:\n      keys: [${JSON.stringify(join(keys, 'cosign.pub'))}]\n`));
    /** `trustlens inspect REFS --format json --scheme all` with a fresh cache. */
    const inspectAll = async (refs: readonly string[]): Promise<Output> => {
      const cache = await makeTempDir('inspect-cache');
      try {
        return await runCli(['inspect', ...refs, '--format', 'json', '--scheme', 'all', '--config', join(project.path, 'all.yaml'), '--cache-dir', cache.path, '--docker-config', docker.path], { cwd: project.path });
      } finally {
        await cache.remove();
      }
    };
    const refs = [`${signedGun}:v1`, `${unsignedGun}:v1`];
    const ours = await inspectAll(refs);
    assert.equal(ours.code, 0, ours.stderr);
    const entries = JSON.parse(ours.stdout) as Array<Record<string, unknown> & { OtherSchemes: { reference: string; signatures: Array<{ scheme: string; status: string; signedDigest: string | null }> } }>;
    const theirs = await dockerInspect(ecdsa, refs, false);
    const withoutExtra = entries.map(({ OtherSchemes: _extra, ...docker }) => docker);
    assert.equal(`${JSON.stringify(withoutExtra, null, 4)}\n`, theirs.stdout, 'without OtherSchemes, each entry is docker\'s');
    const [cosignSigned, cosignUnsigned] = entries.map((e) => e.OtherSchemes);
    assert.equal(cosignSigned!.reference, `${signedGun}:v1`);
    assert.ok(cosignSigned!.signatures.every((s) => s.scheme !== 'dct'), 'DCT is docker\'s part, not an extra');
    const cosign = cosignSigned!.signatures.find((s) => s.scheme === 'cosign');
    assert.deepEqual([cosign?.status, cosign?.signedDigest], ['signed', built.get('releases')!.scenario.images.v1!.digest]);
    assert.deepEqual(cosignUnsigned!.signatures.filter((s) => s.scheme === 'cosign').map((s) => s.status), ['unsigned']);

    // The same with an image whose repository has no DCT data, only a cosign signature: listed in its place, by name.
    const withCosignOnly = [`${signedGun}:v1`, `${cosignOnlyGun}:v1`, `${unsignedGun}:v1`];
    const all = await inspectAll(withCosignOnly);
    assert.equal(all.code, 1, 'a repository without DCT data is still an error, as with docker');
    assert.match(all.stderr, new RegExp(`no signatures or cannot access ${cosignOnlyGun.replace(/[.]/g, '\\.')}:v1`));
    const listed = JSON.parse(all.stdout) as Array<Record<string, unknown> & { OtherSchemes: { reference: string; signatures: Array<{ scheme: string; status: string; signedDigest: string | null }> } }>;
    assert.deepEqual(listed.map((e) => e.Name), withCosignOnly);
    assert.deepEqual(Object.keys(listed[1]!).sort(), ['Name', 'OtherSchemes'], 'no DCT fields for a repository without DCT data');
    const onlyCosign = listed[1]!.OtherSchemes.signatures.find((s) => s.scheme === 'cosign');
    assert.deepEqual([onlyCosign?.status, onlyCosign?.signedDigest], ['signed', built.get('no-trust-data')!.scenario.images.v1!.digest]);
    assert.deepEqual(listed.map(({ OtherSchemes: _extra, ...docker }) => docker).filter((_e, i) => i !== 1), withoutExtra, 'the others are as before');
  });

  void describe('through a tampering proxy', () => {
    const viaTamper = async (refs: readonly string[], args: readonly string[]): Promise<Output> => {
      const cache = await makeTempDir('inspect-cache');
      try {
        return await runCli(['inspect', ...refs, ...args, '--config', join(project.path, 'tamper.yaml'), '--cache-dir', cache.path, '--docker-config', docker.path], { cwd: project.path });
      } finally {
        await cache.remove();
      }
    };

    void it('control: an honest proxy gives docker\'s output', async () => {
      tamper.reset();
      const s = built.get('targets-only')!.scenario;
      const [theirs, ours] = await Promise.all([dockerInspect(ecdsa, [s.gun], false), viaTamper([s.gun], ['--format', 'json'])]);
      assertSame('honest proxy', theirs, ours, 'bytes');
      assert.ok(tamper.served.length > 0, 'the proxy served the trust data');
    });

    void it('a targets file whose tag now names another digest: nothing printed as trusted, exit 1, the reason said', async () => {
      const s = built.get('targets-only')!.scenario;
      const forged = randomBytes(32);
      tamper.reset();
      tamper.tamper = editFile(s.gun, 'targets', (real) => {
        const doc = JSON.parse(Buffer.from(real).toString('utf8')) as { signed: { targets: Record<string, { hashes: { sha256: string } }> } };
        doc.signed.targets.v1!.hashes.sha256 = forged.toString('base64');
        return Buffer.from(JSON.stringify(doc));
      });
      try {
        for (const args of [['--format', 'json'], []]) {
          const ours = await viaTamper([s.gun, `${s.gun}:v1`], args);
          assert.equal(ours.code, 1, ours.stderr);
          assert.ok(tamper.served.some((f) => f.how !== 'proxied'), 'the tampered targets file was served');
          assert.doesNotMatch(ours.stdout, new RegExp(forged.toString('hex')));
          assert.doesNotMatch(ours.stdout, /Repo Admin/);
          if (args.length > 0) assert.equal(ours.stdout, '[]\n');
          assert.match(ours.stderr, new RegExp(`trustlens: cannot inspect ${s.gun.replace(/[.]/g, '\\.')}: trust data failed verification`));
        }
      } finally {
        tamper.reset();
      }
    });
  });
});
