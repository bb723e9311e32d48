/**
 * `trustlens inspect IMAGE[:TAG]...`: what `docker trust inspect` printed (the docker CLI no longer
 * has it), from trust data TrustLens verified itself. An image whose trust data is missing or does not
 * verify prints nothing and is an error (exit 1), as with docker. `--format json --scheme all` adds,
 * per image, what the other signing schemes found, from the trust engine's results.
 */
import { defaultPolicy, type Policy } from '../../core/policy/policy';
import { cliLogger, cliTrustEngine } from '../cliEngine';
import { findPolicyFile, loadPolicyFile } from '../../core/policy/policyFile';
import { parseImageRef, type ImageRef } from '../../core/model/imageRef';
import type { ImageOccurrence } from '../../core/model/occurrence';
import { DEFAULT_TTL_MS } from '../../core/composition/backends';
import { checkResultJson } from '../../core/trust/checkResult';
import { DctTrustBackend } from '../../core/trust/dct/dctBackend';
import { outcomeProblem } from '../../core/trust/dct/dctDetails';
import { inspectJsonText, inspectPrettyText } from '../../core/trust/dct/inspect/inspectText';
import { trustInspection, type TrustInspection } from '../../core/trust/dct/inspect/trustInspection';
import type { TrustService } from '../../core/trust/trustService';
import { parseCommandLine } from '../commandLine';
import { parseTimeout, UsageError } from '../usage';
import { DEFAULT_TIMEOUT_MS } from '../../core/net/undiciHttpClient';
import { COMMON_OPTIONS, type WriteIo } from './writeSetup';

/** One image named on the command line. */
interface Wanted {
  /** As typed: docker's `Name`. */
  readonly name: string;
  readonly occurrence: ImageOccurrence;
}

/**
 * What inspecting one image came to: its entry, or the one line saying why there is none (`noTrustData`
 * when its repository simply has none, rather than data that does not verify).
 */
type Inspected = { readonly entry: TrustInspection } | { readonly error: string; readonly noTrustData?: true };

function occurrenceOf(name: string, ref: ImageRef): ImageOccurrence {
  const start = { line: 0, character: 0 };
  return { file: '(command line)', text: name, range: { start, end: { line: 0, character: name.length } }, kind: 'from', ref, platform: null, stage: null };
}

function parseOptions(argv: readonly string[]) {
  const { values, positionals } = parseCommandLine('inspect', argv, {
    ...COMMON_OPTIONS,
    format: { type: 'string' },
    scheme: { type: 'string' },
    pretty: { type: 'boolean' },
    timeout: { type: 'string' },
  });
  if (values.pretty && values.format !== undefined && values.format !== 'text') throw new UsageError('--pretty is --format text: give one or the other', 'inspect');
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, got "${format}"`, 'inspect');
  const scheme = values.scheme ?? 'dct';
  if (scheme !== 'dct' && scheme !== 'all') throw new UsageError(`--scheme must be dct or all, got "${scheme}"`, 'inspect');
  if (scheme === 'all' && format !== 'json') throw new UsageError('--scheme all needs --format json', 'inspect');
  if (positionals.length === 0) throw new UsageError('inspect expects at least one IMAGE[:TAG]', 'inspect');
  const wanted = positionals.map((name): Wanted => {
    const parsed = parseImageRef(name);
    if (!parsed.ok) throw new UsageError(parsed.message, 'inspect');
    return { name, occurrence: occurrenceOf(name, parsed.ref) };
  });
  const timeoutMs = parseTimeout(values.timeout, DEFAULT_TIMEOUT_MS, 'inspect');
  return { values, format, scheme, wanted, timeoutMs };
}

/** Verifies one image's repository (asking its trust server) and returns docker's view of it. */
async function inspectOne(dct: DctTrustBackend, w: Wanted, policy: Policy): Promise<Inspected> {
  const key = dct.repositoryKey(w.occurrence, policy);
  const outcome = await dct.repository(key, { force: true, policy });
  if (outcome.kind === 'verified') {
    // docker lists every tag for a reference without a tag, and for one with a digest.
    const { tag, digest } = w.occurrence.ref;
    return { entry: trustInspection(w.name, digest === null ? tag : null, outcome.data) };
  }
  if (outcome.kind === 'no-trust-data') return { error: `no signatures or cannot access ${w.name}: ${outcome.message} (${key.server})`, noTrustData: true };
  return { error: `cannot inspect ${w.name}: ${outcomeProblem(outcome)?.detail ?? outcome.kind} (${key.server}); nothing of it is shown as trusted` };
}

/** The other schemes' evidence for each inspected image, from the engine's check of the image as docker would pull it. */
async function otherSchemes(engine: TrustService, wanted: readonly Wanted[], policy: Policy): Promise<object[]> {
  const results = await engine.check({ references: wanted.map((w) => w.occurrence), skipped: [], errors: [] }, { policy });
  return results.map((r) => {
    const json = checkResultJson(r);
    return { reference: json.reference, signatures: json.signatures.filter((s) => s.scheme !== 'dct') };
  });
}

/** `trustlens inspect IMAGE[:TAG]... [--format text|json] [--scheme dct|all] [options]` */
export async function inspectCommand(argv: readonly string[], io: WriteIo): Promise<number> {
  const { values, format, scheme, wanted, timeoutMs } = parseOptions(argv);
  // `--config FILE`, else `.trustlens.yaml` here or in the nearest parent, as for the write commands.
  const found = values.config ?? findPolicyFile(process.cwd());
  const policy = found ? loadPolicyFile(found) : defaultPolicy();
  const engine = cliTrustEngine({
    env: io.env,
    logger: cliLogger(values.verbose, io.stderr),
    dockerConfig: values['docker-config'],
    cacheDir: values['cache-dir'],
    ttlMs: DEFAULT_TTL_MS,
    timeoutMs,
  });
  try {
    const dct = engine.backends.find((b): b is DctTrustBackend => b instanceof DctTrustBackend);
    if (!dct) throw new Error('no Docker Content Trust backend');
    if (format === 'text') {
      // As docker: each image in turn, stopping at the first that cannot be inspected.
      for (const [i, w] of wanted.entries()) {
        const inspected = await inspectOne(dct, w, policy);
        if ('error' in inspected) {
          io.stderr(`trustlens: ${inspected.error}\n`);
          return 1;
        }
        io.stdout(`${inspectPrettyText(inspected.entry)}${i < wanted.length - 1 ? '\n\n' : ''}`);
      }
      return 0;
    }
    const inspected = await Promise.all(wanted.map((w) => inspectOne(dct, w, policy)));
    // With --scheme all, an image whose repository has no DCT data at all is listed too, by its name and
    // what the other schemes found (often the only signatures it has); one whose data does not verify is not.
    const listed = (x: Inspected): boolean => 'entry' in x || (scheme === 'all' && x.noTrustData === true);
    const shown = wanted.flatMap((w, i) => (listed(inspected[i]!) ? [{ w, entry: 'entry' in inspected[i]! ? inspected[i].entry : { Name: w.name } }] : []));
    let entries: object[] = shown.map((s) => s.entry);
    if (scheme === 'all' && shown.length > 0) {
      const others = await otherSchemes(engine, shown.map((s) => s.w), policy);
      entries = shown.map((s, i) => ({ ...s.entry, OtherSchemes: others[i] }));
    }
    io.stdout(inspectJsonText(entries));
    const errors = inspected.flatMap((x) => ('error' in x ? [x.error] : []));
    for (const e of errors) io.stderr(`trustlens: ${e}\n`);
    return errors.length > 0 ? 1 : 0;
  } finally {
    await engine.close();
  }
}
