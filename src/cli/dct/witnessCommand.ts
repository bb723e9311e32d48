/**
 * `trustlens witness REPOSITORY ROLE...`: `notary witness --publish`. Re-signs `targets` or
 * delegations as they are, with a new version and a fresh expiry, so that they do not expire (or,
 * for a delegation that has, verify again). Root is renewed by `key rotate`, snapshot and timestamp
 * by publishing: naming them is a usage error that says so.
 */
import { notWitnessable } from '../../core/trust/dct/signing/planWitness';
import { parseRepository } from '../../core/trust/dct/signing/references';
import { parseCommandLine } from '../commandLine';
import { UsageError } from '../usage';
import { COMMON_OPTIONS, runWrite, writeSetup, type WriteIo } from './writeSetup';

export async function witnessCommand(argv: readonly string[], io: WriteIo): Promise<number> {
  const { values, positionals } = parseCommandLine('witness', argv, COMMON_OPTIONS);
  const [repository, ...roles] = positionals;
  if (repository === undefined || roles.length === 0) throw new UsageError('witness expects REPOSITORY and at least one ROLE, e.g. targets or targets/releases', 'witness');
  for (const role of roles) {
    const refused = notWitnessable(role, repository);
    if (refused) throw new UsageError(`cannot re-sign ${role}: ${refused}`, 'witness');
  }
  const setup = writeSetup(values, io);
  return runWrite(io, `failed to re-sign ${roles.join(', ')} of ${repository}`, () => setup.withPublisher(async (publisher) => {
    parseRepository(repository);
    const result = await publisher.witness(repository, roles);
    for (const role of result.uploaded.filter((r) => roles.includes(r))) {
      const doc = role === 'targets' ? result.state.targets : result.state.delegations.get(role);
      io.stdout(`Re-signed ${role} of ${result.gun}: version ${doc?.version ?? '?'}, expires ${doc?.expires ?? '?'}\n`);
    }
    return 0;
  }));
}
