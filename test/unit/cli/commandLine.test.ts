/**
 * The CLI as a person types it: every command's own usage on `--help`/`-h`, and one readable line
 * (with what was probably meant) for an unknown option or command, followed by that command's usage.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { closest, editDistance } from '../../../src/cli/suggest';

/** Runs the built CLI bundle as a user would. */
function trustlens(args: string[]) {
  const r = spawnSync(process.execPath, [join(process.cwd(), 'dist', 'cli.js'), ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const COMMANDS = ['refs', 'check', 'inspect', 'sign', 'revoke', 'witness', 'signer', 'signer add', 'signer remove', 'signer rotate', 'key', 'key generate', 'key load', 'key rotate', 'trust', 'trust forget'];

/** The usage error a person sees: exit 2, nothing on stdout, one line, a blank line, then `usage`'s first line. */
function usageError(args: string[], line: string | RegExp, usage: RegExp): void {
  const r = trustlens(args);
  assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
  assert.equal(r.stdout, '');
  const [first, blank, usageLine] = r.stderr.split('\n');
  if (typeof line === 'string') assert.equal(first, line, args.join(' '));
  else assert.match(first ?? '', line, args.join(' '));
  assert.equal(blank, '');
  assert.match(usageLine ?? '', usage, args.join(' '));
  assert.doesNotMatch(r.stderr, /ERR_PARSE_ARGS|To specify a positional argument|argument missing|Unknown option '/, 'never node\'s own parseArgs error');
}

void describe('trustlens <command> --help', () => {
  for (const command of COMMANDS) {
    void it(`prints the usage of ${command} on stdout and exits 0, for --help, -h and help ${command}`, () => {
      for (const args of [[...command.split(' '), '--help'], [...command.split(' '), '-h'], ['help', ...command.split(' ')]]) {
        const r = trustlens(args);
        assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
        assert.equal(r.stderr, '');
        assert.ok(r.stdout.startsWith(`Usage: trustlens ${command} `), `${args.join(' ')}:\n${r.stdout}`);
        assert.match(r.stdout, /\n {2}-h, --help {16}Show this help\.\n/);
      }
    });
  }

  void it('lists exactly the options each command takes', () => {
    const options = (command: string) => [...trustlens([...command.split(' '), '--help']).stdout.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]);
    assert.deepEqual(options('refs'), ['--format', '--build-arg', '--max-file-bytes', '--help']);
    assert.deepEqual(options('check'), ['--format', '--fail-on', '--build-arg', '--config', '--docker-config', '--cache-dir', '--ttl', '--timeout', '--refresh', '--verbose', '--max-file-bytes', '--help']);
    assert.deepEqual(options('inspect'), ['--format', '--pretty', '--scheme', '--timeout', '--config', '--docker-config', '--cache-dir', '--verbose', '--help']);
    assert.deepEqual(options('signer remove'), ['--force', '--config', '--docker-config', '--cache-dir', '--verbose', '--help']);
  });

  void it('asks for help even when the rest of the line is wrong', () => {
    const r = trustlens(['check', '--bogus', 'x', '-h']);
    assert.equal(r.status, 0);
    assert.ok(r.stdout.startsWith('Usage: trustlens check '));
  });

  void it('prints the whole usage for --help, -h and help alone', () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const r = trustlens(args);
      assert.equal(r.status, 0);
      assert.ok(r.stdout.startsWith('Usage: trustlens <command> [options]\n'));
    }
  });
});

void describe('trustlens usage errors', () => {
  void it('inspect: needs an image, a known format and scheme, --scheme all only with json, valid images', () => {
    const usage = /^Usage: trustlens inspect /;
    usageError(['inspect'], 'trustlens: inspect expects at least one IMAGE[:TAG]', usage);
    usageError(['inspect', 'alpine', '--format', 'yaml'], 'trustlens: --format must be text or json, got "yaml"', usage);
    usageError(['inspect', 'alpine', '--scheme', 'cosign'], 'trustlens: --scheme must be dct or all, got "cosign"', usage);
    usageError(['inspect', 'alpine', '--scheme', 'all'], 'trustlens: --scheme all needs --format json', usage);
    usageError(['inspect', 'alpine', 'Bad/Name'], 'trustlens: invalid reference "Bad/Name": repository name must be lowercase', usage);
    usageError(['inspect', 'alpine', '--pretty', '--format', 'json'], 'trustlens: --pretty is --format text: give one or the other', usage);
    usageError(['inspect', 'alpine', '--prety'], 'trustlens: unknown option --prety: did you mean --pretty?', usage);
  });

  void it('names an unknown option with what was probably meant, then the command\'s usage', () => {
    usageError(['check', '--formt', 'json'], 'trustlens: unknown option --formt: did you mean --format?', /^Usage: trustlens check /);
    usageError(['refs', '--build-args=A=1'], 'trustlens: unknown option --build-args: did you mean --build-arg?', /^Usage: trustlens refs /);
    usageError(['check', '--dockerconfig', 'd'], 'trustlens: unknown option --dockerconfig: did you mean --docker-config?', /^Usage: trustlens check /);
    usageError(['check', '--cache', 'd'], 'trustlens: unknown option --cache: did you mean --cache-dir?', /^Usage: trustlens check /);
    usageError(['signer', 'remove', 'alice', 'repo', '--froce'], 'trustlens: unknown option --froce: did you mean --force?', /^Usage: trustlens signer remove /);
    usageError(['key', 'generate', 'alice', '--algo', 'ecdsa'], 'trustlens: unknown option --algo: did you mean --algorithm?', /^Usage: trustlens key generate /);
  });

  void it('says which command has an option given to another, and lists what this one takes when nothing is close', () => {
    usageError(['refs', '--ttl', '5'], 'trustlens: unknown option --ttl: it is an option of check; refs takes --format, --build-arg, --max-file-bytes, --help, -h', /^Usage: trustlens refs /);
    usageError(['refs', '-x'], 'trustlens: unknown option -x: refs takes --format, --build-arg, --max-file-bytes, --help, -h', /^Usage: trustlens refs /);
  });

  void it('names an unknown command or sub-command with what was probably meant', () => {
    usageError(['chek', '.'], 'trustlens: unknown command "chek": did you mean "check"?', /^Usage: trustlens <command> /);
    usageError(['sing', 'a:b'], 'trustlens: unknown command "sing": did you mean "sign"?', /^Usage: trustlens <command> /);
    usageError(['signer', 'ad', 'x', 'y'], 'trustlens: unknown signer command "ad": did you mean "add"?', /^Usage: trustlens signer add /);
    usageError(['key', 'genrate', 'x'], 'trustlens: unknown key command "genrate": did you mean "generate"?', /^Usage: trustlens key generate /);
    usageError(['trust', 'forgt', 'x'], 'trustlens: unknown trust command "forgt": did you mean "forget"?', /^Usage: trustlens trust forget /);
    usageError(['trust', 'forget', 'x', '--cache', 'd'], 'trustlens: unknown option --cache: did you mean --cache-dir?', /^Usage: trustlens trust forget /);
    usageError(['help', 'chek'], 'trustlens: unknown command "chek": did you mean "check"?', /^Usage: trustlens <command> /);
    usageError(['nonsense'], 'trustlens: unknown command "nonsense": the commands are refs, check, inspect, sign, revoke, witness, signer, key, trust', /^Usage: trustlens <command> /);
  });

  void it('says plainly when an option lacks its value or has one it does not take', () => {
    usageError(['refs', '--format'], 'trustlens: --format needs a value', /^Usage: trustlens refs /);
    usageError(['check', '--format', '-x'], 'trustlens: --format needs a value (write --format=-x if "-x" is the value)', /^Usage: trustlens check /);
    usageError(['check', '--refresh=yes'], 'trustlens: --refresh takes no value', /^Usage: trustlens check /);
  });

  void it('refuses a --fail-on code that does not exist, naming the closest finding code', () => {
    usageError(['check', '.', '--fail-on', 'expiring-son'], 'trustlens: --fail-on: unknown finding code "expiring-son": did you mean expiring-soon?', /^Usage: trustlens check /);
    // Every code of a list, and of every repetition, is checked.
    usageError(['check', '.', '--fail-on', 'expiring-soon', '--fail-on=unsigned-tag,dct-retierd'], 'trustlens: --fail-on: unknown finding code "dct-retierd": did you mean dct-retired?', /^Usage: trustlens check /);
    usageError(['check', '.', '--fail-on', 'nothing-like-it'], /^trustlens: --fail-on: unknown finding code "nothing-like-it": the codes are unsigned-tag, not-released, /, /^Usage: trustlens check /);
    usageError(['check', '.', '--fail-on', 'expiring-soon,'], 'trustlens: --fail-on needs finding codes separated by commas, got "expiring-soon,"', /^Usage: trustlens check /);
  });

  void it('shows the command\'s own usage under its other usage errors', () => {
    usageError(['check', '.', '--ttl', '-5'], 'trustlens: --ttl needs a value (write --ttl=-5 if "-5" is the value)', /^Usage: trustlens check /);
    usageError(['check', '.', '--ttl=-5'], 'trustlens: --ttl must be a number of seconds ≥ 0, got "-5"', /^Usage: trustlens check /);
    usageError(['refs', '--format', 'xml'], 'trustlens: --format must be one of text, json, got "xml"', /^Usage: trustlens refs /);
    usageError(['sign'], 'trustlens: sign expects IMAGE:TAG, got nothing', /^Usage: trustlens sign /);
    usageError(['signer', 'add', 'carol', 'repo'], 'trustlens: signer add needs --key PUBLIC_KEY_FILE', /^Usage: trustlens signer add /);
    usageError(['key', 'load'], 'trustlens: key load expects one FILE', /^Usage: trustlens key load /);
  });
});

void describe('closest', () => {
  void it('counts a swap of neighbours as one edit', () => {
    assert.equal(editDistance('sing', 'sign'), 1);
    assert.equal(editDistance('formt', 'format'), 1);
    assert.equal(editDistance('', 'abc'), 3);
  });

  void it('guesses only what is close, or the one name a prefix starts', () => {
    assert.equal(closest('--formt', ['--format', '--config']), '--format');
    assert.equal(closest('chek', ['refs', 'check']), 'check');
    assert.equal(closest('--cache', ['--config', '--cache-dir']), '--cache-dir');
    assert.equal(closest('--c', ['--config', '--cache-dir']), undefined);
    assert.equal(closest('nonsense', ['refs', 'check', 'sign']), undefined);
  });
});
