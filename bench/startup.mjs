#!/usr/bin/env node
// Cold start of the single-file bundle against the unbundled CLI, measured in the same run.
// Usage: npm run build && npm run bundle && node bench/startup.mjs [repeats=15]
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const repeats = Number(process.argv[2] ?? 15);
const bundle = resolve(root, 'dist', 'fieldbook.mjs');
const cli = resolve(root, 'bin', 'fieldbook.js');
const site = resolve(root, 'examples', 'acme-prod.yaml');

function median(file, args) {
  const times = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    execFileSync(process.execPath, [file, ...args], { stdio: 'ignore', cwd: root });
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

const node = median('-e', ['0']);
const rows = [
  ['--version', ['--version']],
  ['validate main runbook', ['validate', 'acp-registry-full-wipe', '--site', site]],
].map(([name, args]) => {
  const bundled = median(bundle, args);
  const unbundled = median(cli, args);
  return { name, bundled, unbundled };
});
console.log(`bundle ${bundle}: ${(statSync(bundle).size / 1024 / 1024).toFixed(2)} MiB; medians of ${repeats}; node -e 0 takes ${node.toFixed(0)} ms`);
for (const r of rows) {
  console.log(`${r.name.padEnd(24)} bundle ${r.bundled.toFixed(0).padStart(4)} ms   unbundled ${r.unbundled.toFixed(0).padStart(4)} ms   ratio ${(r.bundled / r.unbundled).toFixed(2)}`);
}
const version = rows[0].bundled;
console.log(`cold start --version: ${version.toFixed(0)} ms (target < 250 ms): ${version < 250 ? 'met' : 'MISSED'}`);
