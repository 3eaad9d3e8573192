#!/usr/bin/env node
// One file to carry to an air-gapped site: dist/fieldbook.mjs runs with plain `node` (20+), no node_modules.
// The shipped runbooks, the JSON Schemas and the version are embedded; ssh2's optional native parts are left
// out (it falls back to pure JS, as in a normal install here: see docs/decisions.md).
// The file is scripts/single-file-loader.mjs with the bundled program as a string: the loader compiles it with
// V8's code cache (see the loader). So the program is bundled as the body of a function: Node's built-ins come
// from the `require` it is given, and it has no import or export statement left (the build runs the file once).
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
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

/** `import ... from 'node:fs'` becomes `require('node:fs')` (with esbuild's interop), for the loader to supply. */
const builtinsPlugin = {
  name: 'builtins-by-require',
  setup(b) {
    const names = new Set(builtinModules);
    b.onResolve({ filter: /^[a-z0-9_/:]+$/ }, (args) => {
      if (args.namespace === 'builtin') return { path: args.path, external: true }; // the require() below
      const name = args.path.replace(/^node:/, '');
      return names.has(name) || args.path.startsWith('node:') ? { path: `node:${name}`, namespace: 'builtin' } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

const bundled = await build({
  entryPoints: [join(root, 'src/cli/entry.ts')],
  write: false,
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
  // The loader passes the single file's URL (ink reads its package.json by it, with DEV=true only).
  define: { 'process.env.NODE_ENV': '"production"', 'import.meta.url': '__fbUrl' },
  plugins: [embedPlugin, unusedPlugin, builtinsPlugin],
  logLevel: 'warning',
});

const source = bundled.outputFiles.find((f) => f.path === out).text;
if (/\bimport\(/.test(source)) throw new Error('the bundled program still has a dynamic import(), which the loader cannot serve');
for (const file of bundled.outputFiles.filter((f) => f.path !== out)) writeFileSync(file.path, file.contents); // legal comments

const loader = readFileSync(join(root, 'scripts', 'single-file-loader.mjs'), 'utf8');
const slot = "const PROGRAM = { sha256: '', source: '' }; // filled in by scripts/bundle.mjs";
if (loader.split(slot).length !== 2) throw new Error(`scripts/single-file-loader.mjs must hold the line: ${slot}`);
const program = { sha256: createHash('sha256').update(source).digest('hex'), source };
writeFileSync(out, loader.replace(slot, () => `const PROGRAM = ${JSON.stringify(program)};`));

// A leftover import or export statement, or import.meta, would only fail when the file runs: run it once, through
// the loader itself, and fail the build rather than a start on a customer site.
const started = spawnSync(process.execPath, [out, '--version'], { encoding: 'utf8', env: { ...process.env, FIELDBOOK_CODE_CACHE: 'off' } });
if (started.status !== 0 || started.stdout.trim() !== embedded.version) {
  rmSync(out, { force: true });
  const why = started.stderr.split('\n').find((line) => /Error/.test(line)) ?? started.stdout;
  throw new Error(`the single file does not start: ${why.trim()}`);
}

const bytes = readFileSync(out);
const sha = createHash('sha256').update(bytes).digest('hex');
writeFileSync(`${out}.sha256`, `${sha}  fieldbook.mjs\n`);
console.log(`${out}: ${(statSync(out).size / 1024 / 1024).toFixed(2)} MiB, sha256 ${sha}`);
