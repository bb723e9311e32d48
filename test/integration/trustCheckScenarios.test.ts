/**
 * Acceptance of the trust engine against the real stack: every scenario kind is built with the real
 * registry and notary CLI, TrustLens checks a Dockerfile and a compose file that reference each
 * pushed tag (plain, pinned to the signed digest, pinned to a wrong digest, by digest alone, and an
 * unsigned tag), and every verdict is compared with what the real `docker trust inspect` prints for
 * the same repository and tags. Expectations come from the scenario and from docker's own output.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { CheckResult, TrustStatus } from '../../src/core/trust/checkResult';
import { dockerTrustInspect, type TrustInspectEntry, type TrustInspection } from '../helpers/stack/dockerCli';
import { sha256Digest } from '../helpers/stack/imageContent';
import { getTrustFile } from '../helpers/stack/notaryHttp';
import { SCENARIOS, type ExpectedTag, type Scenario, type ScenarioKind } from '../helpers/stack/scenarios';
import { startStack, type Stack } from '../helpers/stack/stack';
import { makeDockerConfig, type TestDockerConfig } from '../helpers/trust/dockerConfig';
import { codesOf, composeWith, dockerfileFrom, policyFrom, resultFor, scanDocuments } from '../helpers/trust/documents';
import { createTrustHarness, type TrustHarness } from '../helpers/trust/harness';

const KINDS = Object.keys(SCENARIOS) as ScenarioKind[];

/** One reference written in a test document and what a correct verifier concludes about it. */
interface Case {
  /** The image text as written. */
  text: string;
  /** The tag it names (null for a digest-only reference). */
  tag: string | null;
  /** The digest it pins (null for none). */
  digest: string | null;
  status: TrustStatus;
  signedDigest: string | null;
  role: string | null;
  signers: string[];
  findings: string[];
}

interface Built {
  scenario: Scenario;
  stack: Stack;
  cases: Case[];
  /** `docker trust inspect <gun> <gun>:<tag>…` for every tag a case names. */
  inspection?: TrustInspection;
}

void describe('trust check: every scenario on the real stack agrees with docker trust inspect', () => {
  let ecdsa: Stack;
  let ed25519: Stack;
  let docker: TestDockerConfig;
  let harness: TrustHarness;
  let results: CheckResult[];
  const built = new Map<ScenarioKind, Built>();
  const policy = () => policyFrom({ [ecdsa.registry.host]: ecdsa.notary.url, [ed25519.registry.host]: ed25519.notary.url });

  before(async () => {
    [ecdsa, ed25519] = await Promise.all([startStack(), startStack({ keyAlgorithm: 'ed25519' })]);
    // One owner client per stack signs everything, so the ecdsa scenarios are built one after another.
    const buildOn = async (kinds: ScenarioKind[], stack: Stack) => {
      for (const kind of kinds) {
        const scenario = await SCENARIOS[kind](stack);
        built.set(kind, { scenario, stack, cases: casesFor(scenario) });
      }
    };
    await Promise.all([
      buildOn(KINDS.filter((k) => k !== 'ed25519-server'), ecdsa),
      buildOn(['ed25519-server'], ed25519),
    ]);
    docker = await makeDockerConfig([
      { host: ecdsa.notary.host, caPem: ecdsa.notary.caPem },
      { host: ed25519.notary.host, caPem: ed25519.notary.caPem },
    ]);
    harness = await createTrustHarness({ dockerConfigDir: docker.path });
    // All scenarios in one check: tags in a Dockerfile, pins and digest references in a compose file.
    const documents = [...built.entries()].flatMap(([kind, b]) => [
      { file: `${kind}/Dockerfile`, kind: 'dockerfile' as const, text: dockerfileFrom(b.cases.filter((c) => c.digest === null).map((c) => c.text)) },
      { file: `${kind}/compose.yaml`, kind: 'compose' as const, text: composeWith(b.cases.filter((c) => c.digest !== null).map((c) => c.text)) },
    ]);
    results = await harness.check(scanDocuments(documents), policy());
    await Promise.all([...built.values()].map(async (b) => {
      const tags = [...new Set(b.cases.flatMap((c) => (c.tag === null ? [] : [c.tag])))];
      b.inspection = await dockerTrustInspect([b.scenario.gun, ...tags.map((t) => `${b.scenario.gun}:${t}`)], {
        trustServerUrl: b.stack.notary.url, caPem: b.stack.notary.caPem,
      });
    }));
  });

  after(async () => {
    await harness?.close();
    await docker?.remove();
    await Promise.all([ecdsa?.stop(), ed25519?.stop()]);
  });

  for (const kind of KINDS) {
    void it(`${kind}: status, digest, role, signers and findings of every reference`, async () => {
      const b = get(built, kind);
      assert.ok(b.cases.length >= 5);
      for (const c of b.cases) {
        const r = resultFor(results, c.text);
        assert.deepEqual(
          { status: r.status, signedDigest: r.signedDigest, role: r.role, signers: r.signers, findings: codesOf(r) },
          { status: c.status, signedDigest: c.signedDigest, role: c.role, signers: c.signers, findings: c.findings },
          `${c.text}: ${JSON.stringify(r.findings)}`,
        );
        assert.equal(r.trustServer, b.stack.notary.url);
        for (const f of r.findings) assert.equal(f.severity, 'error', `${c.text}: ${f.code} is an error by default`);
      }
      // A signed verdict's expiry is the earliest among the owner-held roles it rests on, as served.
      for (const c of b.cases.filter((x) => x.status === 'signed')) {
        const roles = ['root', 'targets', ...(c.role === 'targets/releases' ? ['targets/releases', ...c.signers.map((s) => `targets/${s}`)] : [])];
        const served = await Promise.all(roles.map((role) => getTrustFile(b.stack.notary, b.scenario.gun, role)));
        const earliest = Math.min(...served.map((f) => Date.parse(f.signed.expires)));
        assert.equal(resultFor(results, c.text).expires, new Date(earliest).toISOString(), c.text);
      }
    });

    void it(`${kind}: every verdict agrees with what docker trust inspect prints`, () => {
      const b = get(built, kind);
      const { scenario: s, inspection } = b;
      assert.ok(inspection, 'docker trust inspect ran');
      if (!s.expected.hasTrustData) {
        assert.equal(inspection.exitCode, 1);
        assert.match(inspection.stderr, /no signatures or cannot access/);
        for (const c of b.cases) assert.equal(resultFor(results, c.text).status, 'no-trust-data', c.text);
        return;
      }
      assert.equal(inspection.exitCode, 0, inspection.stderr);
      const repo: TrustInspectEntry | undefined = inspection.entries.find((e) => e.Name === s.gun);
      assert.ok(repo, `docker printed no entry for ${s.gun}`);
      // docker's per-tag answer must be the repository answer restricted to that tag.
      for (const tag of new Set(b.cases.flatMap((c) => (c.tag === null ? [] : [c.tag])))) {
        const entry: TrustInspectEntry | undefined = inspection.entries.find((e) => e.Name === `${s.gun}:${tag}`);
        assert.ok(entry, `docker printed no entry for ${s.gun}:${tag}`);
        assert.deepEqual(entry.SignedTags, repo.SignedTags.filter((row) => row.SignedTag === tag));
      }
      let signedSeen = 0;
      for (const c of b.cases) {
        const r = resultFor(results, c.text);
        const rows: TrustInspectEntry['SignedTags'] = c.tag === null
          ? repo.SignedTags.filter((row) => `sha256:${row.Digest}` === c.digest)
          : repo.SignedTags.filter((row) => row.SignedTag === c.tag);
        if (rows.length === 0) {
          assert.notEqual(r.status, 'signed', `${c.text}: docker lists no signed tag for it`);
          assert.notEqual(r.status, 'digest-mismatch', `${c.text}: docker lists no signed tag for it`);
          continue;
        }
        const row: TrustInspectEntry['SignedTags'][number] = rows[0]!;
        const dockerSigners = row.Signers.length === 1 && row.Signers[0] === 'Repo Admin' ? [] : [...row.Signers];
        assert.equal(r.signedDigest, `sha256:${row.Digest}`, c.text);
        assert.deepEqual(r.signers, dockerSigners, `${c.text}: docker says signed by ${row.Signers.join(', ')}`);
        const pinnedElsewhere = c.tag !== null && c.digest !== null && c.digest !== `sha256:${row.Digest}`;
        assert.equal(r.status, pinnedElsewhere ? 'digest-mismatch' : 'signed', c.text);
        if (r.status === 'signed') signedSeen += 1;
      }
      // Conversely, every tag docker lists as signed was checked and found signed.
      for (const row of repo.SignedTags) {
        const c = b.cases.find((x) => x.tag === row.SignedTag && x.digest === null);
        assert.ok(c, `docker lists ${row.SignedTag}, which no case references`);
        assert.equal(resultFor(results, c.text).status, 'signed', `${c.text}: docker lists it as signed`);
      }
      assert.ok(signedSeen >= 3, 'a plain tag, a correct pin and a digest reference were signed');
    });
  }

  void it('checked each repository once, with no metadata file fetched twice', () => {
    for (const b of built.values()) {
      const files = harness.trustRequests(b.scenario.gun).map((r) => r.file);
      assert.deepEqual(files, [...new Set(files)], `${b.scenario.kind}: ${files.join(' ')}`);
      assert.equal(files.filter((f) => f === 'root.json').length, 1, `${b.scenario.kind}: one root.json`);
    }
  });

  void it('requireSigners: both signers of two-signers satisfy a rule naming both', async () => {
    const s = get(built, 'two-signers').scenario;
    const text = `${s.gun}:v1`;
    const names = s.expected.signers.map((x) => x.name);
    assert.deepEqual(names, ['alice', 'bob']);
    const rule = `rules:\n  - images: ["${s.gun}"]\n    requireSigners: [${names.join(', ')}]\n`;
    harness.resetRequests();
    const [r] = await harness.check(scanDocuments([{ file: 'Dockerfile', kind: 'dockerfile', text: dockerfileFrom([text]) }]), policyWith(rule));
    assert.equal(r!.status, 'signed');
    assert.deepEqual([...r!.signers].sort(), names);
    assert.deepEqual(codesOf(r!), []);
    assert.equal(harness.requests.length, 0, 'answered from the cache');
  });

  void it('requireSigners: a third signer that never signed is a missing-required-signer error', async () => {
    const s = get(built, 'two-signers').scenario;
    const text = `${s.gun}:v1`;
    const rule = `rules:\n  - images: ["${ecdsa.registry.host}/trustlens/**"]\n    requireSigners: [alice, bob, carol]\n`;
    const [r] = await harness.check(scanDocuments([{ file: 'Dockerfile', kind: 'dockerfile', text: dockerfileFrom([text]) }]), policyWith(rule));
    assert.equal(r!.status, 'signed', 'a policy finding does not change what is signed');
    assert.deepEqual(r!.findings.map((f) => [f.code, f.severity]), [['missing-required-signer', 'error']]);
    assert.match(r!.findings[0]!.message, /carol/);
    assert.doesNotMatch(r!.findings[0]!.message, /\balice has not|\bbob has not/);
  });

  void it('requireSigners: releases signed by alice alone misses bob', async () => {
    const s = get(built, 'releases').scenario;
    const text = `${s.gun}:v1`;
    const rule = `rules:\n  - images: ["${s.gun}"]\n    requireSigners: [alice, bob]\n`;
    const [r] = await harness.check(scanDocuments([{ file: 'compose.yaml', kind: 'compose', text: composeWith([text]) }]), policyWith(rule));
    assert.equal(r!.status, 'signed');
    assert.deepEqual(r!.signers, ['alice']);
    assert.deepEqual(r!.findings.map((f) => [f.code, f.severity]), [['missing-required-signer', 'error']]);
    assert.match(r!.findings[0]!.message, /\bbob\b/);
    // A rule for other images does not apply.
    const other = `rules:\n  - images: ["${ecdsa.registry.host}/elsewhere/**"]\n    requireSigners: [bob]\n`;
    const [unaffected] = await harness.check(scanDocuments([{ file: 'compose.yaml', kind: 'compose', text: composeWith([text]) }]), policyWith(other));
    assert.deepEqual(codesOf(unaffected!), []);
  });

  void it('ed25519 server: its server-held snapshot key is recognised, so expiring-soon names targets only', async () => {
    const s = get(built, 'ed25519-server').scenario;
    const targets = await getTrustFile(ed25519.notary, s.gun, 'targets');
    const days = Math.ceil((Date.parse(targets.signed.expires) - Date.now()) / 86_400_000) + 20;
    harness.resetRequests();
    const [r] = await harness.check(scanDocuments([{ file: 'Dockerfile', kind: 'dockerfile', text: dockerfileFrom([`${s.gun}:v1`]) }]),
      policyWith(`expiryWarningDays: ${days}\n`));
    assert.equal(r!.status, 'signed');
    assert.deepEqual(r!.findings.map((f) => [f.code, f.severity, /^The (\S+) signature/.exec(f.message)?.[1]]), [['expiring-soon', 'warning', 'targets']]);
    assert.deepEqual(harness.trustRequests(s.gun).map((x) => [x.file, x.status]), [['snapshot.key', 200]]);
  });

  function policyWith(extra: string) {
    return policyFrom({ [ecdsa.registry.host]: ecdsa.notary.url, [ed25519.registry.host]: ed25519.notary.url }, extra);
  }
});

/** The references written for a scenario, with what the scenario says a verifier must conclude. */
function casesFor(s: Scenario): Case[] {
  const cases: Case[] = [];
  const byTag = new Map(s.expected.tags.map((t) => [t.tag, t]));
  const releasedTags = s.expected.tags.filter((t) => t.released);
  const expectTag = (text: string, tag: string, pinned: string | null): Case => {
    const base = { text, tag, digest: pinned };
    const t = byTag.get(tag);
    if (!s.expected.hasTrustData) return { ...base, ...unsignedVerdict('no-trust-data', 'no-trust-data') };
    if (!t) return { ...base, ...unsignedVerdict('unsigned', 'unsigned-tag') };
    if (!t.released) {
      return { ...base, status: 'not-released', signedDigest: t.digest, role: t.role, signers: t.roles.map((r) => r.replace(/^targets\//, '')), findings: ['not-released'] };
    }
    const mismatch = pinned !== null && pinned !== t.digest;
    return { ...base, ...signedVerdict(t), status: mismatch ? 'digest-mismatch' : 'signed', findings: mismatch ? ['digest-mismatch'] : [] };
  };
  for (const tag of Object.keys(s.images).sort()) cases.push(expectTag(`${s.gun}:${tag}`, tag, null));
  cases.push(expectTag(`${s.gun}:never-signed`, 'never-signed', null));

  // Pin the first released tag (or, without trust data, the first pushed one) to its digest, and
  // to a digest it was not signed as: another pushed image's if there is one.
  const firstPushed = Object.keys(s.images).sort()[0]!;
  const pinTarget = releasedTags[0] ?? { tag: firstPushed, digest: s.images[firstPushed]!.digest };
  const releasedDigests = new Set(releasedTags.map((t) => t.digest));
  const otherDigest = Object.values(s.images).map((i) => i.digest).find((d) => !releasedDigests.has(d) && d !== pinTarget.digest)
    ?? sha256Digest(Buffer.from(`not a signed manifest of ${s.gun}`));
  cases.push(expectTag(`${s.gun}:${pinTarget.tag}@${pinTarget.digest}`, pinTarget.tag, pinTarget.digest));
  cases.push(expectTag(`${s.gun}:${pinTarget.tag}@${otherDigest}`, pinTarget.tag, otherDigest));

  for (const digest of [pinTarget.digest, otherDigest]) {
    const holder = releasedTags.find((t) => t.digest === digest);
    const base = { text: `${s.gun}@${digest}`, tag: null, digest };
    if (!s.expected.hasTrustData) cases.push({ ...base, ...unsignedVerdict('no-trust-data', 'no-trust-data') });
    else if (holder) cases.push({ ...base, ...signedVerdict(holder), status: 'signed', findings: [] });
    else cases.push({ ...base, ...unsignedVerdict('unsigned', 'unsigned-tag') });
  }
  return cases;
}

function signedVerdict(t: ExpectedTag): Pick<Case, 'signedDigest' | 'role' | 'signers'> {
  return { signedDigest: t.digest, role: t.role, signers: t.signers.filter((x) => x !== 'Repo Admin') };
}

function unsignedVerdict(status: TrustStatus, finding: string): Pick<Case, 'status' | 'signedDigest' | 'role' | 'signers' | 'findings'> {
  return { status, signedDigest: null, role: null, signers: [], findings: [finding] };
}

function get(built: Map<ScenarioKind, Built>, kind: ScenarioKind): Built {
  const b = built.get(kind);
  assert.ok(b, `scenario ${kind} was not built`);
  return b;
}
