import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = process.cwd();

/** The rule IDs ESLint reports for `fixture` as if it were the file `asFile`, with the repository's config. */
function lint(fixture: string, asFile: string): string[] {
  const text = readFileSync(join(ROOT, 'test/fixtures/lint', fixture), 'utf8');
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', '--stdin', '--stdin-filename', asFile], { cwd: ROOT, input: text, encoding: 'utf8' });
  assert.ok(r.stdout, `eslint printed nothing: ${r.stderr}`);
  const [report] = JSON.parse(r.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
  return report!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

void describe('lint: the trust seam', () => {
  void it('refuses an editor file that imports the DCT backend', () => {
    const messages = lint('backendImport.ts.txt', 'src/vscode/views/seamFixture.ts');
    assert.equal(messages.length, 1, messages.join('\n'));
    assert.match(messages[0]!, /^no-restricted-imports: .*core\/trust\/dct\/evaluate.*backend-neutral/);
  });

  void it('refuses the same import in the CLI and in reports', () => {
    assert.match(lint('backendImport.ts.txt', 'src/cli/seamFixture.ts').join('\n'), /^no-restricted-imports/);
    assert.match(lint('backendImport.ts.txt', 'src/core/report/seamFixture.ts').join('\n'), /^no-restricted-imports/);
  });

  void it('refuses a backend that imports another backend', () => {
    assert.match(lint('crossBackendImport.ts.txt', 'src/core/trust/dct/seamFixture.ts').join('\n'), /^no-restricted-imports: .*must not import another backend/);
  });

  void it('allows the same import in a dct folder, and neutral imports anywhere (controls)', () => {
    assert.deepEqual(lint('backendImport.ts.txt', 'src/vscode/dct/seamFixture.ts'), []);
    assert.deepEqual(lint('neutralImport.ts.txt', 'src/vscode/views/seamFixture.ts'), []);
  });
});

void describe('lint: the editor loads the heavy modules in one place', () => {
  void it('refuses an editor file, a dct one too, that loads them itself', () => {
    for (const file of ['src/vscode/commands/seamFixture.ts', 'src/vscode/dct/seamFixture.ts']) {
      const messages = lint('engineLoad.ts.txt', file);
      assert.equal(messages.length, 1, messages.join('\n'));
      assert.match(messages[0]!, /^@typescript-eslint\/no-restricted-imports: .*services\.modules/);
    }
  });

  void it('keeps the trust seam rule in force beside it', () => {
    assert.match(lint('backendImport.ts.txt', 'src/vscode/commands/seamFixture.ts').join('\n'), /^no-restricted-imports: .*backend-neutral/);
  });

  void it('allows the services to load them, and a type import anywhere (controls)', () => {
    assert.deepEqual(lint('engineLoad.ts.txt', 'src/vscode/services.ts'), []);
    assert.deepEqual(lint('engineLoadType.ts.txt', 'src/vscode/commands/seamFixture.ts'), []);
  });
});
