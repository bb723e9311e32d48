/**
 * What compose really pulls: how compose-go reads `.env` files (dotenv/parser.go, cases of
 * dotenv/godotenv_test.go), interpolates images (template/template.go) and refuses YAML (go-yaml's
 * decoder, as compose-go's loader uses it).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ScanResult } from '../../../src/core/model/occurrence';
import { scanCompose } from '../../../src/core/parse/compose';
import { parseDotenv } from '../../../src/core/parse/dotenv';
import { LimitError } from '../../../src/core/parse/limits';
import { scanText } from '../../../src/core/parse/scanText';
import { TrustLensError } from '../../../src/core/errors';
import { parsePolicy } from '../../../src/core/policy/policyFile';

function summary(result: ScanResult): string[] {
  return [
    ...result.references.map((r) => `${r.range.start.line + 1}:${r.range.start.character + 1} ${r.kind} ${r.ref.reference}`),
    ...result.skipped.map((s) => `${s.range.start.line + 1}:${s.range.start.character + 1} ${s.reason} ${s.text}`),
    ...result.errors.map((e) => `error ${e.message}`),
  ];
}

const one = (text: string, key: string) => {
  const dotenv = parseDotenv(text);
  assert.equal(dotenv.error, undefined, text);
  return dotenv.vars.get(key);
};

void describe('.env files as compose-go reads them (dotenv/parser.go)', () => {
  void it('parses every form of godotenv_test.go TestParsing', () => {
    const cases: [string, string, string][] = [
      ['FOO=bar', 'FOO', 'bar'], ['FOO =bar', 'FOO', 'bar'], ['FOO= bar', 'FOO', 'bar'],
      ['FOO="bar"', 'FOO', 'bar'], ["FOO='bar'", 'FOO', 'bar'],
      ['FOO="escaped\\"bar"', 'FOO', 'escaped"bar'], ['FOO="\\"quoted\\""', 'FOO', '"quoted"'], [`FOO="'d'"`, 'FOO', "'d'"],
      ['OPTION_A: 1', 'OPTION_A', '1'], ['OPTION_A: Foo=bar', 'OPTION_A', 'Foo=bar'], ['OPTION_A=1:B', 'OPTION_A', '1:B'],
      ['export OPTION_A=2', 'OPTION_A', '2'], ["export OPTION_B='\\n'", 'OPTION_B', '\\n'], ['export exportFoo=2', 'exportFoo', '2'],
      ['exportFOO=2', 'exportFOO', '2'], ['export_FOO =2', 'export_FOO', '2'], ['export.FOO= 2', 'export.FOO', '2'],
      ['export\tOPTION_A=2', 'OPTION_A', '2'], ['  export OPTION_A=2', 'OPTION_A', '2'], ['export OPTION_A="export A"', 'OPTION_A', 'export A'],
      ['FOO="bar\\nbaz"', 'FOO', 'bar\nbaz'], ['FOO=a\\tb', 'FOO', 'a\\tb'], ['FOO="a\\tb"', 'FOO', 'a\tb'],
      ['KEY="Z\\aZ\\bZ\\fZ\\nZ\\rZ\\tZ\\vZ\\\\Z\\0123Z"', 'KEY', 'Z\x07Z\bZ\fZ\nZ\rZ\tZ\vZ\\ZSZ'],
      ['FOO.BAR=foobar', 'FOO.BAR', 'foobar'], ['FOO=foobar=', 'FOO', 'foobar='], ['FOO=bar ', 'FOO', 'bar'],
      ['FOO=bar # this is foo', 'FOO', 'bar'], ['FOO=bar #this is foo', 'FOO', 'bar'], ['FOO=bar #', 'FOO', 'bar'],
      ['FOO=123#not-an-inline-comment', 'FOO', '123#not-an-inline-comment'],
      ['FOO="bar#baz"', 'FOO', 'bar#baz'], ['FOO="bar#baz"#', 'FOO', 'bar#baz'], ['FOO="bar#baz" # comment', 'FOO', 'bar#baz'],
      ["FOO='bar#baz' # comment", 'FOO', 'bar#baz'], ['FOO="ba#r"', 'FOO', 'ba#r'],
      ['FOO="bar\\n\\ b\\az"', 'FOO', 'bar\n\\ b\x07z'], ['FOO="bar\\\\\\n\\ b\\az"', 'FOO', 'bar\\\n\\ b\x07z'],
      ['FOO="bar\\nbaz\\\\"', 'FOO', 'bar\nbaz\\'], ['="value"', '', 'value'],
      [' KEY =value', 'KEY', 'value'], ['\tKEY=value', 'KEY', 'value'], ['KEY="\\0123"', 'KEY', 'S'], ['KEY="\\x07"', 'KEY', '\\x07'],
    ];
    for (const [text, key, value] of cases) assert.equal(one(text, key), value, text);
  });

  void it('refuses what compose-go refuses, at the line it names (TestParsing lol$wut, TestUnterminatedQuotes, TestErrorParsing)', () => {
    assert.match(parseDotenv('lol$wut').error?.message ?? '', /line 1: unexpected character "\$" in variable name "lol\$wut"/);
    for (const text of ['KEY="', 'KEY="value', 'KEY="value\\"', "KEY='value", "KEY='value\\'"]) {
      assert.match(parseDotenv(text).error?.message ?? '', /unterminated quoted value/, text);
    }
    const invalid = parseDotenv('# some comments\nfoo="\n  a\n  multine\n  value\n"\nINVALID LINE\nzot=qix\n');
    assert.equal(invalid.error?.message, 'line 7: key cannot contain a space');
    assert.equal(invalid.vars.get('foo'), '\n  a\n  multine\n  value\n', 'what was read before the problem still counts');
    assert.equal(parseDotenv('A=${B:?must be set}\n').error?.message, 'required variable B is missing a value: must be set');
  });

  void it('skips a UTF-8 byte order mark, takes a bare KEY from the environment, and lets the environment win (TestUTF8BOM, TestInheritedEnvVariable…)', () => {
    assert.equal(one('\ufeffOPTION_A=1\n', 'OPTION_A'), '1');
    const env: Record<string, string> = { HOME_DIR: '/root', A: 'env' };
    const dotenv = parseDotenv('HOME_DIR\nA=file\nB=$A\n', (n) => env[n]);
    assert.deepEqual(Object.fromEntries(dotenv.vars), { HOME_DIR: '/root', A: 'file', B: 'env' });
  });

  void it('bounds the work of doubling values and deep nesting with a LimitError', () => {
    let doubling = 'A0=xxxxxxxxxxxxxxxx\n';
    for (let i = 1; i <= 25; i += 1) doubling += `A${i}=\${A${i - 1}}\${A${i - 1}}\n`;
    const doubled = parseDotenv(doubling);
    assert.deepEqual(doubled.error, { message: 'a variable expansion produces more than 65,536 characters', line: 14, limit: true });
    assert.equal(doubled.vars.get('A12')?.length, 65_536, 'what was read before the limit still counts');
    const nested = parseDotenv(`X=${'${X:-'.repeat(3000)}${'}'.repeat(3000)}\n`);
    assert.deepEqual(nested.error, { message: 'variable substitutions are nested more than 32 deep', line: 1, limit: true });
  });
});

void describe('compose images as compose-go loads them', () => {
  void it('an unset variable is blank (template.go): a valid result is checked and names the variable; an invalid one is skipped', () => {
    const text = 'services:\n  a:\n    image: "python:3.12${FLAVOR:+-}${FLAVOR}"\n  b:\n    image: node:${NODE_TAG}\n';
    const result = scanCompose('compose.yaml', text, { lookup: () => undefined });
    assert.deepEqual(summary(result), ['3:13 compose-image docker.io/library/python:3.12', '5:12 variable-unresolved node:${NODE_TAG}']);
    assert.deepEqual(result.references[0]!.emptyVariables, ['FLAVOR']);
    assert.match(result.skipped[0]!.message, /NODE_TAG is not set; set it in the environment or in the \.env file/);
  });

  void it('refuses duplicate keys, unknown anchors and an anchor that contains itself (go-yaml decoder)', () => {
    assert.match(summary(scanCompose('c.yaml', 'services:\n  a: {image: x}\n  a: {image: y}\n'))[0]!, /^error invalid YAML: Map keys must be unique/);
    assert.deepEqual(summary(scanCompose('c.yaml', 'services:\n  a: *nope\n')), ["error invalid YAML: unknown anchor 'nope' referenced"]);
    assert.deepEqual(summary(scanCompose('c.yaml', 'a: &a [*a]\nservices: {}\n')), ["error invalid YAML: anchor 'a' value contains itself"]);
    const located = scanCompose('c.yaml', 'services:\n  web:\n    image: nginx\n   bad: [unclosed\n').errors[0]!;
    assert.equal(located.range?.start.line, 3);
  });

  void it('refuses excessive aliasing as compose does, whatever its depth: a total work budget (go-yaml DefaultAliasCheck)', () => {
    let bomb = 'x: &a {image: nginx}\n';
    const names = 'abcdefg';
    for (let level = 1; level < 7; level += 1) bomb += `${names[level]}: &${names[level]} {<<: [${Array(10).fill(`*${names[level - 1]}`).join(', ')}]}\n`;
    bomb += 'services:\n  s: *g\n';
    assert.throws(() => scanCompose('c.yaml', bomb), (e) => e instanceof LimitError && /document contains excessive aliasing/.test(e.message));
    const result = scanText('c.yaml', 'compose', bomb);
    assert.match(result.errors[0]!.message, /^not read: YAML aliases and merge keys expand to [\d,]+ nodes/);
    // Many services sharing one anchor are fine, and read once.
    let shared = 'services:\n  s0: &svc {image: nginx:1.27}\n';
    for (let i = 1; i < 4000; i += 1) shared += `  s${i}: *svc\n`;
    assert.deepEqual(summary(scanCompose('c.yaml', shared)), ['2:20 compose-image docker.io/library/nginx:1.27']);
    let merged = 'x: &svc {image: nginx:1.27}\nservices:\n';
    for (let i = 0; i < 4000; i += 1) merged += `  s${i}: {<<: *svc}\n`;
    assert.deepEqual(summary(scanCompose('c.yaml', merged)), ['1:17 compose-image docker.io/library/nginx:1.27']);
  });

  void it('refuses nesting deeper than the limit before the YAML library recurses into it (flow, compact maps and sequences on one line, indentation)', () => {
    const shapes = [
      `services: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
      `x: ${': '.repeat(100_000)}\n`,
      `${'- '.repeat(100_000)}x\n`,
      Array.from({ length: 5000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'),
    ];
    for (const text of shapes) {
      assert.throws(() => scanCompose('c.yaml', text), (e) => e instanceof LimitError && /nested more than 200 deep/.test(e.message), text.slice(0, 20));
      assert.throws(() => parsePolicy(text), (e) => TrustLensError.is(e, 'invalid-config') && /nested more than 200 deep/.test(e.message));
    }
    // Brackets and indicators inside scalars, quoted or block, are text, not nesting.
    const script = `services:\n  a:\n    image: nginx\n    command: |\n${'      echo "[[[ : : : - - -"\n'.repeat(500)}    labels: ["${'[{'.repeat(300)}"]\n`;
    assert.deepEqual(scanCompose('c.yaml', script).errors, []);
  });
});
