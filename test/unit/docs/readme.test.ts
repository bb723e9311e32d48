/**
 * The README documents what the manifest contributes, so it cannot go stale unnoticed: every setting
 * with its default, every command with its title and ID, every finding code with its fix, the policy
 * file's keys, and only CLI options that exist.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { USAGE } from '../../../src/cli/usage';
import { FINDING_CODES } from '../../../src/core/model/findings';
import { repositoryRoot } from '../../helpers/trust/cli';

interface Manifest {
  contributes: {
    commands: { command: string; title: string }[];
    configuration: { properties: Record<string, { default: unknown; properties?: Record<string, unknown> }> };
  };
}

const root = repositoryRoot();
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;

/** The cells of every Markdown table row of the README whose first cell matches, trimmed. */
function rows(firstCell: RegExp): string[][] {
  return readme
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()))
    .filter((cells) => firstCell.test(cells[0] ?? ''));
}

/** The text of the README section that starts at this heading line, up to the next heading of the same or a higher level. */
function section(heading: string): string {
  const start = readme.split('\n').findIndex((line) => line === heading);
  assert.ok(start >= 0, `README has no "${heading}"`);
  const level = heading.indexOf(' ');
  const lines = readme.split('\n').slice(start + 1);
  // A `#` line inside a fenced code block is a comment, not a heading.
  let fenced = false;
  const end = lines.findIndex((line) => {
    if (line.trimStart().startsWith('```')) fenced = !fenced;
    return !fenced && /^#+ /.test(line) && line.indexOf(' ') <= level;
  });
  return lines.slice(0, end < 0 ? undefined : end).join('\n');
}

describe('README', () => {
  it('has a settings row for every setting, with its default, and none for settings that do not exist', () => {
    const settings = manifest.contributes.configuration.properties;
    const documented = new Map(rows(/^`trustlens\./).map((cells) => [cells[0]!.replace(/`/g, ''), cells[1]]));
    assert.deepEqual([...documented.keys()].sort(), Object.keys(settings).sort());
    for (const [key, { default: value }] of Object.entries(settings)) {
      const shown = typeof value === 'string' && value !== '' ? value : JSON.stringify(value);
      assert.equal(documented.get(key), `\`${shown}\``, `the default of ${key}`);
    }
  });

  it('has a commands row for every command, with its title and ID, and none for commands that do not exist', () => {
    const documented = rows(/./).filter((cells) => /^`trustlens\.[A-Za-z]+`$/.test(cells[1] ?? ''));
    assert.deepEqual(
      documented.map((cells) => [cells[1]!.replace(/`/g, ''), cells[0]]).sort(),
      manifest.contributes.commands.map((c) => [c.command, c.title]).sort(),
    );
  });

  it('has a section with a fix for every finding code, and the severity setting knows every code', () => {
    for (const code of FINDING_CODES) assert.match(section(`### ${code}`), /\*\*Fix:\*\*/, code);
    const severity = manifest.contributes.configuration.properties['trustlens.severity']!;
    assert.deepEqual(Object.keys(severity.properties ?? {}).sort(), [...FINDING_CODES].sort());
  });

  it('shows every key of .trustlens.yaml in the policy file reference', () => {
    const reference = section('### The policy file: `.trustlens.yaml`');
    for (const key of ['trustServers', 'expiryWarningDays', 'ignore', 'rules', 'images', 'requireSigners', 'severity', 'trustPinning', 'certs', 'ca', 'disableTOFU']) {
      assert.match(reference, new RegExp(`^\\s*(- )?${key}:`, 'm'), key);
    }
  });

  it('has a CI section with a GitHub Actions workflow that uploads SARIF, using only options the CLI has', () => {
    const ci = section('## In CI: GitHub Actions and code scanning');
    assert.match(ci, /security-events: write/);
    assert.match(ci, /uses: github\/codeql-action\/upload-sarif@/);
    assert.match(ci, /check \. --format sarif > trustlens\.sarif/);
    // A runner is always at first use: the CI section says how to pin roots, and how to forget a pin.
    for (const key of ['trustPinning', '`certs`', '`ca`', '`disableTOFU: true`', 'trustlens trust forget REPOSITORY']) assert.ok(ci.includes(key), key);
    // Each command line as written, up to a closing backtick or the end of the line.
    const invocations = [...readme.matchAll(/(?:\btrustlens|cli\.js"?) (?:refs|check|sign|revoke|signer|key)\b[^`\n]*/g)].map((m) => m[0]);
    assert.ok(invocations.some((line) => line.includes('--format sarif')), invocations.join('\n'));
    for (const line of invocations) {
      for (const option of line.match(/--[a-z][a-z-]*/g) ?? []) {
        assert.ok(USAGE.includes(option), `${option} in "${line}" is an option of the CLI`);
      }
    }
  });

  it('puts the editor and trustlens check first, refs and its parser rules after them', () => {
    const at = (heading: string) => {
      const i = readme.split('\n').indexOf(heading);
      assert.ok(i >= 0, `README has no "${heading}"`);
      return i;
    };
    const editor = at('## In the editor');
    const check = at('## Checking trust: `trustlens check`');
    const refs = at('## Finding image references: `trustlens refs`');
    assert.ok(at('## Install') < editor && editor < check && check < refs, 'Install, the editor, check, then refs');
    // The two commands stay at the very top.
    const top = readme.split('\n').slice(0, 12).join('\n');
    assert.match(top, /\*\*Run it:\*\* `npm start`/);
    assert.match(top, /\*\*Test it:\*\* `npm test`/);
  });

  it('says how to get the .vsix, and points at no file that is not in the repository', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const install = section('## Install');
    assert.match(install, /\bnpm run package\b/);
    // Every .vsix named is the one `npm run package` writes, in the checkout.
    for (const [name] of readme.matchAll(/[\w./$"{}-]*\.vsix\b/g)) {
      assert.ok([`trustlens-${version}.vsix`, 'trustlens-<version>.vsix', '.vsix'].includes(name), `${name}: not what npm run package writes`);
    }
    assert.ok(readme.indexOf('npm run package') < readme.indexOf(`trustlens-${version}.vsix`), 'npm run package comes before the file it writes');
    // Links, images and paths of the repository's own folders exist.
    const linked = [...readme.matchAll(/\]\(([^)#\s]+)\)/g)].map((m) => m[1]!).filter((target) => !/^[a-z]+:/.test(target));
    const named = [...readme.matchAll(/(?<![\w./$~-])((?:src|test|scripts|media|examples|bench|\.ci)\/[\w./-]*[\w/])/g)].map((m) => m[1]!);
    const missing = [...new Set([...linked, ...named])].filter((path) => !existsSync(join(root, path)));
    assert.deepEqual(missing, []);
  });

  it('names every folder under src in the layout, one line each, and no folder that does not exist', () => {
    const folders = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => [join(dir, entry.name), ...folders(join(dir, entry.name))]);
    const actual = folders(join(root, 'src')).map((dir) => `${relative(root, dir).replace(/\\/g, '/')}/`).sort();
    const layout = section('## Development').split('\n').map((line) => /^- `(src\/[^`]*\/)` — /.exec(line)?.[1]).filter((f): f is string => f !== undefined);
    assert.deepEqual([...layout].sort(), actual);
    assert.equal(new Set(layout).size, layout.length, 'a folder is named twice');
  });

  it('explains the notary.docker.io shutdown', () => {
    assert.match(section('## notary.docker.io shuts down on 2026-12-08'), /dct-retired/);
  });
});
