import path from 'node:path';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const MODULES_DIR = path.resolve('app/modules');

/**
 * Modules are entered through their public entry: an import from outside app/modules/<name>/ into
 * it must name <name>/index or <name>/index.server. (Which module may import which, and that no
 * two module folders import each other in a loop, is checked by test/architecture.test.ts.)
 */
const moduleBoundaries = {
  meta: { type: 'problem', messages: { deep: 'Import {{module}} through app/modules/{{module}}/index(.server), not {{spec}}.' } },
  create(context) {
    const file = context.filename;
    const own = path.relative(MODULES_DIR, file).split(path.sep)[0];
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      let target;
      if (spec.startsWith('~/')) target = path.resolve('app', spec.slice(2));
      else if (spec.startsWith('.')) target = path.resolve(path.dirname(file), spec);
      else return;
      const rel = path.relative(MODULES_DIR, target);
      if (rel.startsWith('..') || path.isAbsolute(rel)) return;
      const [module, ...rest] = rel.split(path.sep);
      if (module === own && !path.relative(MODULES_DIR, file).startsWith('..')) return;
      if (rest.length === 1 && /^index(\.server)?(\.tsx?)?$/.test(rest[0])) return;
      context.report({ node, messageId: 'deep', data: { module, spec } });
    };
    const fromSource = (node) => node.source && check(node.source, node.source.value);
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};

export default tseslint.config(
  { ignores: ['node_modules/', '.build/', 'public/build/', '.data/', 'db/migrations/', 'test/e2e/screenshots/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    files: ['app/**/*.{ts,tsx}', 'emails/**/*.{ts,tsx}'],
    // Tests reach into the parts they test; the jobs composition root imports task files for their registration.
    ignores: ['**/*.test.{ts,tsx}', 'app/server/tasks.server.ts'],
    plugins: { voldaan: { rules: { 'module-boundaries': moduleBoundaries } } },
    rules: { 'voldaan/module-boundaries': 'error' },
  },
);
