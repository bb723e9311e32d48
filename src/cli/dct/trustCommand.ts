/**
 * `trustlens trust forget REPOSITORY`: drops the root pinned on first use for a repository (and the
 * rest of its cached trust data), as deleting notary's `tuf/<gun>` cache does, after saying what that
 * gives up.
 */
import { parseImageRef } from '../../core/model/imageRef';
import { defaultPolicy } from '../../core/policy/policy';
import { findPolicyFile, loadPolicyFile } from '../../core/policy/policyFile';
import { defaultCacheDir } from '../../core/trust/dct/createBackend';
import { FileMetadataStore } from '../../core/trust/dct/metadataStore';
import { resolveTrustServer } from '../../core/trust/dct/trustServer';
import { parseCommandLine, unknownCommand } from '../commandLine';
import { HelpRequest, UsageError } from '../usage';
import { COMMON_OPTIONS, type WriteIo } from './writeSetup';

/** `trustlens trust forget …` */
export async function trustCommand(argv: readonly string[], io: WriteIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'forget') return trustForget(rest, io);
  if (sub === undefined) throw new UsageError('trust expects forget', 'trust');
  if (sub === '-h' || sub === '--help' || sub === 'help') throw new HelpRequest('trust');
  throw unknownCommand(sub, 'trust');
}

async function trustForget(argv: readonly string[], io: WriteIo): Promise<number> {
  const { values, positionals } = parseCommandLine('trust forget', argv, COMMON_OPTIONS);
  if (positionals.length !== 1) throw new UsageError('trust forget expects one REPOSITORY', 'trust forget');
  const parsed = parseImageRef(positionals[0]!);
  if (!parsed.ok) throw new UsageError(`trust forget: ${parsed.message}`, 'trust forget');
  const { repository: gun, registry } = parsed.ref;
  // `--config FILE`, else `.trustlens.yaml` here or in the nearest parent, as for the other commands.
  const found = values.config ?? findPolicyFile(process.cwd());
  const policy = found ? loadPolicyFile(found) : defaultPolicy();
  const server = resolveTrustServer(registry, { env: io.env, map: policy.trustServers }).url;
  const cacheDir = values['cache-dir'] ?? defaultCacheDir(io.env);
  const store = new FileMetadataStore(cacheDir);

  const root = await store.read(server, gun, 'root');
  if (!root) {
    io.stdout(`No pinned root for ${gun} on ${server} in ${cacheDir}: nothing to forget.\n`);
    return 0;
  }
  const state = await store.readState<{ pinnedAt?: string }>(server, gun);
  const pinned = state?.pinnedAt ? ` (pinned on first use on ${state.pinnedAt.slice(0, 16).replace('T', ' ')} UTC)` : '';
  await store.clear(server, gun);
  io.stderr([
    `warning: the root of ${gun}${pinned} is no longer pinned.`,
    `The next check trusts whatever root ${server} presents, on first use: a root the owner rotated`,
    'is accepted, and so is one an attacker put in its place, without a warning. Compare its root key ID',
    '(docker trust inspect, or Administrative keys in the Signers view) with one the owner gave you, or',
    'pin it in .trustlens.yaml under trustPinning.certs.',
    '',
  ].join('\n'));
  io.stdout(`Forgot the pinned root and cached trust data of ${gun} on ${server}.\n`);
  return 0;
}
