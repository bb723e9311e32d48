import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', 'examples/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The core is shared by the CLI and the extension: it must never depend on the editor.
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/core must stay editor-free; adapt it in src/vscode.', allowTypeImports: false }],
      }],
    },
  },
  {
    // The trust seam: the editor, the CLI and the reports render backend-neutral results only. A
    // backend's folder (core/trust/<scheme>/) is reached from their own <scheme>/ folders (scheme-specific
    // commands) and from the composition place, nowhere else.
    files: ['src/vscode/**/*.ts', 'src/cli/**/*.ts', 'src/core/report/**/*.ts'],
    ignores: ['src/vscode/dct/**', 'src/cli/dct/**', 'src/core/report/dct/**', 'src/vscode/cosign/**', 'src/cli/cosign/**', 'src/vscode/engine/modules.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          regex: '(^|/)trust/(dct|cosign|notation)(/|$)',
          message: 'Render from the backend-neutral CheckResult and TrustDetails; scheme-specific code lives in a dct/ folder, backends are composed in src/core/composition.',
        }],
      }],
    },
  },
  {
    // The editor loads the heavy modules (dist/engine.js) in one place: the services hand them out.
    // (The typescript-eslint rule, so that it adds to the trust seam's rule above instead of replacing it.)
    files: ['src/vscode/**/*.ts'],
    ignores: ['src/vscode/services.ts', 'src/vscode/engine/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{
          regex: '(^|/)engine/load$',
          allowTypeImports: true,
          message: 'Reach the heavy modules through services.modules; only src/vscode/services.ts loads them.',
        }],
      }],
    },
  },
  {
    // A backend never reaches into another backend's folder.
    files: ['src/core/trust/dct/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '(^|/)(cosign|notation)(/|$)', message: 'A backend must not import another backend; share through core/trust or core/net.' }],
      }],
    },
  },
  {
    files: ['src/core/trust/cosign/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '(^|/)(dct|notation)(/|$)', message: 'A backend must not import another backend; share through core/trust or core/net.' }],
      }],
    },
  },
  {
    files: ['src/core/trust/notation/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '(^|/)(dct|cosign)(/|$)', message: 'A backend must not import another backend; share through core/trust or core/net.' }],
      }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { ...globals.node } },
  },
);
