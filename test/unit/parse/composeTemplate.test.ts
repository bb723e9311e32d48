/**
 * Compose interpolation against compose-go's own cases (template/template_test.go), with the mapping
 * those tests use: FOO=first, BAR set and empty, JSON={"json":2}.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { interpolate, TemplateError } from '../../../src/core/parse/composeTemplate';
import { LimitError, WorkBudget } from '../../../src/core/parse/limits';

const defaults: Record<string, string> = { FOO: 'first', BAR: '', JSON: '{"json":2}' };
const sub = (template: string, vars: Record<string, string> = defaults) => interpolate(template, (n) => vars[n], new WorkBudget());

void describe('interpolate (compose-go template/template.go)', () => {
  void it('escapes, leaves lone dollars, and refuses invalid templates (TestEscaped, TestUnescaped, TestInvalid)', () => {
    assert.equal(sub('$${foo}').value, '${foo}');
    for (const text of ['a $ string', '^REGEX$', '$}', '$']) assert.equal(sub(text).value, text);
    for (const text of ['${', '${}', '${ }', '${ foo}', '${foo }', '${foo!}']) {
      assert.throws(() => sub(text), (e) => e instanceof TemplateError && /^Invalid template/.test(e.message), text);
    }
  });

  void it('unset and empty values, with and without defaults (TestNonBraced … TestNonAlphanumericDefault)', () => {
    const cases: [string, string][] = [
      ['$FOO-bar', 'first-bar'],
      ['This ${missing} var', 'This  var'],
      ['This ${BAR} var', 'This  var'],
      ['This $FOO var', 'This first var'],
      ['ok ${missing:-def}', 'ok def'],
      ['ok ${missing-def}', 'ok def'],
      ['${A:+${A},}B', 'B'],
      ['ok ${BAR:-def}', 'ok def'],
      ['ok ${FOO:-def}', 'ok first'],
      ['ok ${BAR-def}', 'ok '],
      ['ok ${UNSET_VAR:+presence_value}', 'ok '],
      ['ok ${UNSET_VAR+presence_value}', 'ok '],
      ['ok ${FOO:+presence_value}', 'ok presence_value'],
      ['ok ${FOO+presence_value}', 'ok presence_value'],
      ['ok ${BAR+presence_value}', 'ok presence_value'],
      ['ok ${BAR:+presence_value}', 'ok '],
      ['ok ${BAR:-/non:-alphanumeric}', 'ok /non:-alphanumeric'],
    ];
    for (const [template, expected] of cases) assert.equal(sub(template).value, expected, template);
  });

  void it('is not confused by operators in the surrounding text (TestInterpolationExternalInterference)', () => {
    const cases: [string, string][] = [
      ['-ok ${BAR:-defaultValue}', '-ok defaultValue'],
      ['+ok ${UNSET:-${BAR-defaultValue}}', '+ok '],
      ['-ok ${FOO:-defaultValue}', '-ok first'],
      [':-ok ${UNSET-defaultValue}', ':-ok defaultValue'],
      [':-ok ${BAR-defaultValue}', ':-ok '],
      [':?ok ${BAR-defaultValue}', ':?ok '],
      [':?ok ${BAR:-defaultValue}', ':?ok defaultValue'],
      [':+ok ${BAR:-defaultValue}', ':+ok defaultValue'],
      ['+ok ${BAR-defaultValue}', '+ok '],
      ['?ok ${BAR:-defaultValue}', '?ok defaultValue'],
    ];
    for (const [template, expected] of cases) assert.equal(sub(template).value, expected, template);
  });

  void it('expands defaults in turn (TestDefaultsWithNestedExpansion, TestDefaultsForMandatoryVariables)', () => {
    const cases: [string, string][] = [
      ['ok ${UNSET_VAR-$FOO}', 'ok first'],
      ['ok ${UNSET_VAR-${FOO}}', 'ok first'],
      ['ok ${UNSET_VAR-${FOO} ${FOO}}', 'ok first first'],
      ['ok ${BAR:-$FOO}', 'ok first'],
      ['ok ${BAR:-${FOO}}', 'ok first'],
      ['ok ${BAR:-${FOO} ${FOO}}', 'ok first first'],
      ['ok ${BAR+$FOO}', 'ok first'],
      ['ok ${BAR+$FOO ${FOO:+second}}', 'ok first second'],
      ['ok ${FOO:?err}', 'ok first'],
      ['ok ${FOO?err}', 'ok first'],
      ['ok ${BAR?err}', 'ok '],
    ];
    for (const [template, expected] of cases) assert.equal(sub(template).value, expected, template);
  });

  void it('refuses a required variable without a value (TestMandatoryVariableErrors…WithNestedExpansion)', () => {
    const cases: [string, string][] = [
      ['not ok ${UNSET_VAR:?Mandatory Variable Unset}', 'required variable UNSET_VAR is missing a value: Mandatory Variable Unset'],
      ['not ok ${BAR:?Mandatory Variable Empty}', 'required variable BAR is missing a value: Mandatory Variable Empty'],
      ['not ok ${UNSET_VAR:?}', 'required variable UNSET_VAR is missing a value'],
      ['not ok ${UNSET_VAR?Mandatory Variable Unset}', 'required variable UNSET_VAR is missing a value: Mandatory Variable Unset'],
      ['not ok ${UNSET_VAR?}', 'required variable UNSET_VAR is missing a value'],
      ['not ok ${UNSET_VAR:?Mandatory Variable ${FOO}}', 'required variable UNSET_VAR is missing a value: Mandatory Variable first'],
    ];
    for (const [template, message] of cases) {
      assert.throws(() => sub(template), (e) => e instanceof TemplateError && e.message === message, template);
    }
    assert.equal(sub('${A?${B}}', { A: 'value' }).value, 'value', 'TestLazyRequiredMessageDoesNotWarn');
  });

  void it('names the variables that were not set and left a blank', () => {
    assert.deepEqual(sub('python:3.12${FLAVOR:+-}${FLAVOR}${X:-y}').unset, ['FLAVOR']);
    assert.deepEqual(sub('${A:-${B}}').unset, ['B'], 'TestLazyDefaultWarnsWhenUsed: the default is expanded, so B counts');
  });

  void it('walks many substitutions on one long line in linear time, and bounds nesting and output', () => {
    const line = '${A:-x}'.repeat(50_000);
    assert.equal(sub(line).value, 'x'.repeat(50_000));
    const deep = `${'${X:-'.repeat(40)}a${'}'.repeat(40)}`;
    assert.throws(() => sub(deep), (e) => e instanceof LimitError && /nested more than 32 deep/.test(e.message));
    assert.throws(() => sub('$A$A', { A: 'x'.repeat(40_000) }), (e) => e instanceof LimitError && /65,536 characters/.test(e.message));
  });
});
