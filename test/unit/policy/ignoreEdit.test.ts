import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TrustLensError } from '../../../src/core/errors';
import { addIgnoredRepository, escapeGlob } from '../../../src/core/policy/ignoreEdit';
import { effectivePolicy } from '../../../src/core/policy/policy';
import { parsePolicy } from '../../../src/core/policy/policyFile';

const README_POLICY = `# Trust server per registry host[:port].
trustServers:
  registry.example.com: https://notary.example.com:4443
# Warn this many days before an owner-held signature expires (default 30).
expiryWarningDays: 30
# Repositories (globs over normalised names) that are not checked.
ignore:
  - docker.io/library/busybox   # noisy
rules:
  - images: ["registry.example.com/acme/**"]   # globs over normalised repositories
    requireSigners: [ci, qa]                    # all must have signed the released digest
    severity:                                   # per finding code: error, warning, info, hint, ignore
      expiring-soon: error
`;

const ignored = (text: string, repository: string) => effectivePolicy(parsePolicy(text), repository).ignored;

void describe('addIgnoredRepository', () => {
  void it('adds one line to a block list, leaving comments and layout as written', () => {
    const out = addIgnoredRepository(README_POLICY, 'docker.io/library/alpine');
    assert.equal(out, README_POLICY.replace('  - docker.io/library/busybox   # noisy\n', '  - docker.io/library/busybox   # noisy\n  - docker.io/library/alpine\n'));
    assert.ok(ignored(out, 'docker.io/library/alpine'));
  });

  void it('follows the list\'s own indentation', () => {
    assert.equal(addIgnoredRepository('ignore:\n- a/b\nexpiryWarningDays: 3\n', 'docker.io/x/y'), 'ignore:\n- a/b\n- docker.io/x/y\nexpiryWarningDays: 3\n');
    assert.equal(addIgnoredRepository('ignore:\n    - a/b', 'docker.io/x/y'), 'ignore:\n    - a/b\n    - docker.io/x/y');
  });

  void it('adds to a flow list in place', () => {
    assert.equal(addIgnoredRepository('ignore: [a/b, "c/d"]  # two\n', 'x/y'), 'ignore: [a/b, "c/d", x/y]  # two\n');
    assert.equal(addIgnoredRepository('ignore: []\n', 'x/y'), 'ignore: [x/y]\n');
  });

  void it('adds an ignore list at the end when there is none', () => {
    assert.equal(addIgnoredRepository('# policy\nexpiryWarningDays: 10 # days\n', 'x/y'), '# policy\nexpiryWarningDays: 10 # days\nignore:\n  - x/y\n');
    assert.equal(addIgnoredRepository('expiryWarningDays: 10', 'x/y'), 'expiryWarningDays: 10\nignore:\n  - x/y\n');
  });

  void it('creates the content of a new or empty file', () => {
    assert.equal(addIgnoredRepository('', 'docker.io/library/alpine'), 'ignore:\n  - docker.io/library/alpine\n');
    assert.equal(addIgnoredRepository('# nothing yet\n', 'x/y'), '# nothing yet\nignore:\n  - x/y\n');
  });

  void it('fills an empty ignore key', () => {
    assert.equal(addIgnoredRepository('ignore:   # later\nexpiryWarningDays: 3\n', 'x/y'), 'ignore:   # later\n  - x/y\nexpiryWarningDays: 3\n');
    const out = addIgnoredRepository('ignore: ~\n', 'x/y');
    assert.deepEqual(parsePolicy(out).ignore, ['x/y']);
  });

  void it('falls back to the document model for a flow mapping', () => {
    const out = addIgnoredRepository('{expiryWarningDays: 3}\n', 'x/y');
    assert.deepEqual(parsePolicy(out).ignore, ['x/y']);
    assert.equal(parsePolicy(out).expiryWarningDays, 3);
  });

  void it('leaves the text alone when the repository is listed already', () => {
    const text = 'ignore:\n  - docker.io/library/busybox\n';
    assert.equal(addIgnoredRepository(text, 'docker.io/library/busybox'), text);
  });

  void it('escapes glob characters and quotes what YAML would misread', () => {
    assert.equal(escapeGlob('[::1]:5000/app'), '\\[::1\\]:5000/app');
    const out = addIgnoredRepository('', '[::1]:5000/app');
    assert.equal(out, 'ignore:\n  - "\\\\[::1\\\\]:5000/app"\n');
    assert.ok(ignored(out, '[::1]:5000/app'));
    assert.ok(!ignored(out, '1:5000/app'));
    assert.ok(ignored(addIgnoredRepository('', '127.0.0.1:5000/library/alpine'), '127.0.0.1:5000/library/alpine'));
  });

  void it('refuses text that is not a policy mapping', () => {
    const fails = (text: string, pattern: RegExp) =>
      assert.throws(() => addIgnoredRepository(text, 'x/y'), (e: unknown) => TrustLensError.is(e, 'invalid-config') && pattern.test(e.message));
    fails('ignore: [a\n', /not valid YAML/);
    fails('- a\n', /not a mapping/);
    fails('ignore: docker.io/x\n', /not a list/);
  });
});
