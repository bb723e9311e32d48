/**
 * The VS Code versions the extension claims and says it is tested on are the ones the VS Code suite
 * runs in (test/vscode/editors.json): engines.vscode is the oldest of them, and the README names each.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '../../helpers/trust/cli';

interface EditorsManifest {
  editors: { codeServer: string; vscode: string }[];
  screenshots: string;
}

const root = repositoryRoot();
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { vscode: string } };
const { editors, screenshots } = JSON.parse(readFileSync(join(root, 'test', 'vscode', 'editors.json'), 'utf8')) as EditorsManifest;

describe('tested VS Code versions', () => {
  it('claims in engines.vscode the oldest VS Code the suite runs in', () => {
    assert.ok(editors.length >= 2, 'the oldest VS Code claimed and a current one');
    const [major, minor] = editors[0]!.vscode.split('.');
    assert.equal(manifest.engines.vscode, `^${major}.${minor}.0`);
    assert.match(readme, new RegExp(`It needs VS Code ${major}\\.${minor} or newer`));
  });

  it('lists each VS Code the suite runs in where the README says what it is tested on', () => {
    const versions = editors.map((e) => e.vscode.replace(/\./g, '\\.'));
    assert.match(readme.replace(/\s+/g, ' '), new RegExp(`tested on VS Code ${versions.join(' and ')}\\)`));
    assert.match(readme.replace(/\s+/g, ' '), new RegExp(`the VS Code tests in VS Code ${versions.join(' and in VS Code ')}\\.`));
  });

  it('names the VS Code the README screenshots are taken in', () => {
    const editor = editors.find((e) => e.codeServer === screenshots);
    assert.ok(editor, `${screenshots} is one of the editors`);
    assert.match(readme, new RegExp(`Screenshots from the real editor in the tests, VS Code ${editor.vscode.replace(/\./g, '\\.')}:`));
  });
});
