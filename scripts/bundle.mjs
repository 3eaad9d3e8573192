#!/usr/bin/env node
// One file to carry to an air-gapped site: dist/fieldbook.mjs runs with plain `node` (20+), no node_modules.
// The shipped runbooks, the JSON Schemas and the version are embedded; ssh2's optional native parts are left
// out (it falls back to pure JS, as in a normal install here: see docs/decisions.md).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'dist', 'fieldbook.mjs');
const read = (path) => readFileSync(join(root, path), 'utf8');
const runbooks = Object.fromEntries(
  readdirSync(join(root, 'runbooks')).filter((f) => f.endsWith('.yaml')).sort().map((f) => [f.slice(0, -5), read(join('runbooks', f))]),
);
const schemas = Object.fromEntries(['runbook', 'site'].map((kind) => [kind, read(`docs/schema/${kind}.schema.json`)]));
const embedded = { version: JSON.parse(read('package.json')).version, runbooks, schemas };

/** Replace src/shipped/embedded.ts with the real contents. */
const embedPlugin = {
  name: 'embed-shipped',
  setup(b) {
    b.onLoad({ filter: /src[\\/]shipped[\\/]embedded\.ts$/ }, () => ({
      contents: `export const embedded = ${JSON.stringify(embedded)};`,
      loader: 'js',
    }));
  },
};

/**
 * Leave out what a run never loads, so there is less to parse at every start: zod's translated error messages
 * (fieldbook words its own; English stays, imported on its own by zod), and ink's devtools (only with DEV=true).
 */
const unusedPlugin = {
  name: 'leave-out-unused',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => (/[\\/]zod[\\/]/.test(args.importer) ? { path: args.path, namespace: 'unused' } : undefined));
    b.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) => (/[\\/]ink[\\/]/.test(args.importer) ? { path: args.path, namespace: 'unused' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'unused' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

await build({
  entryPoints: [join(root, 'src/cli/entry.ts')],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  // Native addons cannot be carried in one file; ssh2 and cpu-features load them in try/catch.
  external: ['*.node', 'cpu-features'],
  // ink imports react-devtools-core only when DEV is set; it is not shipped.
  alias: { 'react-devtools-core': join(root, 'scripts', 'empty-module.mjs') },
  define: { 'process.env.NODE_ENV': '"production"' },
  banner: {
    // Bundled CommonJS dependencies (ssh2, ...) still call require() for Node built-ins.
    js: [
      '#!/usr/bin/env node',
      "import { createRequire as __fbRequire } from 'node:module';",
      "import { fileURLToPath as __fbPath } from 'node:url';",
      'const require = __fbRequire(import.meta.url);',
      'const __filename = __fbPath(import.meta.url);',
      "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
    ].join('\n'),
  },
  plugins: [embedPlugin, unusedPlugin],
  logLevel: 'warning',
});

const bytes = readFileSync(out);
const sha = createHash('sha256').update(bytes).digest('hex');
writeFileSync(`${out}.sha256`, `${sha}  fieldbook.mjs\n`);
console.log(`${out}: ${(statSync(out).size / 1024 / 1024).toFixed(2)} MiB, sha256 ${sha}`);
