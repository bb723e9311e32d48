/**
 * The Dockerfile word expansion against buildkit's own cases (frontend/dockerfile/shell/lex_test.go and
 * envVarTest), the new pattern forms with buildkit's pattern rules, and the limits that bound the work.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LimitError, LIMITS, WorkBudget } from '../../../src/core/parse/limits';
import { processWord, ShellError, UNKNOWN, type ShellVars } from '../../../src/core/parse/shellLex';
import { ENV_VAR_TEST } from './buildkitEnvVarTest';

const lex = (word: string, vars: Record<string, string>, escapeToken = '\\') =>
  processWord(word, (n) => vars[n], { escapeToken, budget: new WorkBudget() });
const result = (word: string, vars: Record<string, string>): string => {
  try {
    return lex(word, vars).result;
  } catch (e) {
    if (e instanceof ShellError) return 'error';
    throw e;
  }
};

void describe('processWord (buildkit shell/lex.go)', () => {
  void it('matches every case of buildkit envVarTest (TestShellParser4EnvVars)', () => {
    const vars = { PWD: '/home', SHELL: 'bash', KOREAN: '한국어', NULL: '' };
    const wrong = ENV_VAR_TEST.filter(([source, expected]) => result(source, vars) !== expected)
      .map(([source, expected]) => `${source}: expected ${expected}, got ${result(source, vars)}`);
    assert.deepEqual(wrong, []);
    assert.ok(ENV_VAR_TEST.length > 200);
  });

  void it('${V:?m} and ${V?m} (lex_test.go TestShellParserMandatoryEnvVars)', () => {
    assert.equal(result('${VAR:?message here$ARG}', { VAR: 'plain', ARG: 'x' }), 'plain');
    assert.throws(() => lex('${VAR:?message here$ARG}', { VAR: '', ARG: 'x' }), /message herex/);
    assert.throws(() => lex('${VAR:?message here$ARG}', { ARG: 'x' }), /message herex/);
    assert.equal(result('${VAR?message here$ARG}', { VAR: '', ARG: 'x' }), '');
    assert.throws(() => lex('${VAR?message here$ARG}', { ARG: 'x' }), /message herex/);
  });

  void it('${v#p} ${v##p} ${v%p} ${v%%p}: shortest and longest prefix and suffix (lex_test.go TestProcessWithMatches)', () => {
    const cases: [string, Record<string, string>, string][] = [
      ['${FOO#()[]{\\}^$.\\*\\?|\\\\}', { FOO: '()[]{}^$.*?|\\x' }, 'x'],
      ['${FOO%%\\**}', { FOO: 'xx**' }, 'xx'],
      ['${FOO#*x*y}', { FOO: 'xxyy' }, 'y'],
      ['${FOO#*}', { FOO: 'xxyy' }, 'xxyy'],
      ['${FOO#$BAR}', { FOO: 'xxyy', BAR: 'x' }, 'xyy'],
      ['${FOO#$BAR}', { FOO: 'xxyy', BAR: '' }, 'xxyy'],
      ['${FOO#}', { FOO: 'xxyy' }, 'xxyy'],
      ['${FOO##*x}', { FOO: 'xxyy' }, 'yy'],
      ['${FOO##}', { FOO: 'xxyy' }, 'xxyy'],
      ['${FOO#?\\?}', { FOO: '???y' }, '?y'],
      ['${ABC:-.}${FOO%x}${ABC:-.}', { FOO: 'xxyy' }, '.xxyy.'],
      ['${FOO%%\\**\\*}', { FOO: 'a***yy*' }, 'a'],
      ['${FOO%}', { FOO: 'xxyy' }, 'xxyy'],
      ['${FOO%%$BAR}', { FOO: 'xxyy', BAR: '' }, 'xxyy'],
    ];
    for (const [word, vars, expected] of cases) assert.equal(result(word, vars), expected, word);
    for (const word of ['${FOO:#}', '${FOO:##}', '${FOO:%}', '${FOO:%%}']) assert.equal(result(word, {}), 'error', word);
  });

  void it('${v/p/r} and ${v//p/r}: first and every match, wildcards, escaped separators (lex_test.go TestProcessWithMatches)', () => {
    const cases: [string, Record<string, string>, string][] = [
      ['${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}', { FOO: '/foo*/*/*.txt', NEEDLE: '\\*/' }, '/foo.*/*.txt - /foo..*.txt'],
      ['${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}', { FOO: '/tmp/tmp/bar.txt', NEEDLE: '/tmp' }, '/tmp/bar.txt - /bar.txt'],
      ['${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT}', { FOO: '/a/foo/b/c.txt', NEEDLE: '/?/', REPLACEMENT: '/' }, '/foo/b/c.txt - /foo/c.txt'],
      ['${FOO/$NEEDLE/$REPLACEMENT}', { FOO: 'http://google.de', NEEDLE: 'http://', REPLACEMENT: 'https://' }, 'https://google.de'],
      ['${FOO//\\//\\/}', { FOO: '/tmp/foo.txt' }, '\\/tmp\\/foo.txt'],
      ['${FOO/$BAR/ww}', { FOO: 'xxyy', BAR: '' }, 'wwxxyy'],
      ['${FOO///}', { FOO: 'xxyy' }, 'xxyy'],
      ['${FOO///}', {}, ''],
    ];
    for (const [word, vars, expected] of cases) assert.equal(result(word, vars), expected, word);
    for (const word of ['${FOO//ww}', '${FOO//}']) assert.equal(result(word, { FOO: 'xxyy' }), 'error', word);
  });

  void it('FROM alpine:${VERSION#v} with VERSION=v3.19.1 is alpine:3.19.1', () => {
    assert.equal(result('alpine:${VERSION#v}', { VERSION: 'v3.19.1' }), 'alpine:3.19.1');
    assert.equal(result('node:${V%%-*}', { V: '20-bookworm-slim' }), 'node:20');
    assert.equal(result('img:${V/-/_}', { V: 'a-b-c' }), 'img:a_b-c');
    assert.equal(result('img:${V//-/_}', { V: 'a-b-c' }), 'img:a_b_c');
  });

  void it('says which variables were unset and which of them left their place empty', () => {
    const r = lex('python:3.12${FLAVOR:+-}${FLAVOR}${MISSING:-x}', {});
    assert.equal(r.result, 'python:3.12x');
    assert.deepEqual([...r.unmatched].sort(), ['FLAVOR', 'MISSING']);
    assert.deepEqual([...r.emptied], ['FLAVOR'], 'a default given with :- is not empty');
  });

  void it('keeps unknown values apart: a platform ARG is set, but not known here', () => {
    const vars: ShellVars = (n) => (n === 'TARGETARCH' ? UNKNOWN : undefined);
    const r = processWord('alpine-${TARGETARCH}', vars, { escapeToken: '\\', budget: new WorkBudget() });
    assert.deepEqual([...r.unknown], ['TARGETARCH']);
  });

  void it('honours the escape directive: a backtick escapes, a backslash is plain', () => {
    assert.equal(lex('C:\\x`$Y', {}, '`').result, 'C:\\x$Y');
  });

  void it('bounds nesting, output and pattern work with a LimitError naming the limit', () => {
    const deep = `${'${X:-'.repeat(LIMITS.expansionDepth + 1)}a${'}'.repeat(LIMITS.expansionDepth + 1)}`;
    assert.throws(() => lex(deep, {}), (e) => e instanceof LimitError && /nested more than 32 deep/.test(e.message));
    const big = 'x'.repeat(LIMITS.expansionLength / 2 + 1);
    assert.throws(() => lex('$A$A', { A: big }), (e) => e instanceof LimitError && /more than 65,536 characters/.test(e.message));
    const budget = new WorkBudget();
    const value = 'a'.repeat(60_000);
    assert.throws(() => {
      for (let i = 0; i < 100; i += 1) processWord('${V/*a*a*a*a*b/x}', (n) => (n === 'V' ? value : undefined), { escapeToken: '\\', budget });
    }, (e) => e instanceof LimitError && /pattern substitutions/.test(e.message));
  });
});
