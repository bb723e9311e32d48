import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { composeValue, dockerfileWord, expand } from '../../../src/core/parse/expand';

const vars: Record<string, string> = { SET: 'value', EMPTY: '' };
const lookup = (name: string) => vars[name];
const df = (text: string) => expand(text, dockerfileWord(lookup));
const compose = (text: string) => expand(text, composeValue(lookup));

void describe('expand', () => {
  void it('expands $V and ${V}', () => {
    assert.equal(df('a-$SET-b').value, 'a-value-b');
    assert.equal(df('a${SET}b').value, 'avalueb');
    assert.deepEqual(df('a${SET}b').unresolved, []);
  });

  void it('reports unset variables instead of guessing', () => {
    const e = df('img:${MISSING}');
    assert.deepEqual(e.unresolved, ['MISSING']);
    assert.deepEqual(df('$MISSING').unresolved, ['MISSING']);
  });

  void it('applies :- and - defaults (empty counts only with the colon)', () => {
    assert.equal(df('${MISSING:-d}').value, 'd');
    assert.equal(df('${EMPTY:-d}').value, 'd');
    assert.equal(df('${EMPTY-d}').value, '');
    assert.equal(df('${MISSING-d}').value, 'd');
    assert.equal(df('${SET:-d}').value, 'value');
  });

  void it('applies :+ and + alternatives', () => {
    assert.equal(df('x${SET:+-alt}').value, 'x-alt');
    assert.equal(df('x${EMPTY:+-alt}').value, 'x');
    assert.equal(df('x${EMPTY+-alt}').value, 'x-alt');
    assert.equal(df('x${MISSING:+-alt}').value, 'x');
    assert.deepEqual(df('x${MISSING:+-alt}').unresolved, []);
  });

  void it('expands nested defaults lazily', () => {
    assert.equal(df('${MISSING:-${SET}}').value, 'value');
    assert.deepEqual(df('${SET:-${OTHER}}').unresolved, [], 'an unused default does not count');
    assert.deepEqual(df('${MISSING:-${OTHER}}').unresolved, ['OTHER']);
  });

  void it('turns :? and ? on an unset variable into an error', () => {
    const e = compose('${MISSING:?must be set}');
    assert.deepEqual(e.unresolved, ['MISSING']);
    assert.match(e.errors.join(), /MISSING: must be set/);
    assert.equal(compose('${SET:?x}').value, 'value');
    assert.deepEqual(compose('${EMPTY?x}').unresolved, []);
  });

  void it('handles compose $$ escapes and leaves quotes alone', () => {
    assert.equal(compose('$${SET}').value, '${SET}');
    assert.equal(compose('a$$b').value, 'a$b');
    assert.equal(compose('"q"').value, '"q"');
  });

  void it('handles Dockerfile quotes and escapes', () => {
    assert.equal(df('"img:${SET}"').value, 'img:value');
    assert.equal(df("'img:${SET}'").value, 'img:${SET}');
    assert.equal(df('\\$SET').value, '$SET');
    assert.equal(expand('`$SET', dockerfileWord(lookup, '`')).value, '$SET');
  });

  void it('flags malformed substitutions instead of throwing', () => {
    assert.ok(df('${SET').errors.length > 0);
    assert.ok(df('${}').unresolved.length > 0);
    assert.ok(df('${SET#prefix}').unresolved.length > 0, 'unsupported operators are not guessed');
    assert.equal(df('cost: $5').value, 'cost: $5');
  });
});
