#!/usr/bin/env node
// Start-up of the single-file bundle, without and with its code cache, against the unbundled CLI, measured in the
// same run. "First start" is the single file with FIELDBOOK_CODE_CACHE=off (what a first start pays, less the
// writing of the cache); "cached" is every later start (the cache in a temp XDG_CACHE_HOME, written by a first run).
// Usage: npm run build && npm run bundle && node bench/startup.mjs [repeats=15]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const repeats = Number(process.argv[2] ?? 15);
const bundle = resolve(root, 'dist', 'fieldbook.mjs');
const cli = resolve(root, 'bin', 'fieldbook.js');
const site = resolve(root, 'examples', 'acme-prod.yaml');
const home = mkdtempSync(join(tmpdir(), 'fieldbook-bench-startup-'));

function median(file, args, env = {}) {
  const times = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    execFileSync(process.execPath, [file, ...args], { stdio: 'ignore', cwd: root, env: { ...process.env, XDG_CACHE_HOME: home, ...env } });
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

try {
  const node = median('-e', ['0']);
  const rows = [
    ['--version', ['--version']],
    ['validate main runbook', ['validate', 'acp-registry-full-wipe', '--site', site]],
  ].map(([name, args]) => {
    const first = median(bundle, args, { FIELDBOOK_CODE_CACHE: 'off' });
    execFileSync(process.execPath, [bundle, ...args], { stdio: 'ignore', cwd: root, env: { ...process.env, XDG_CACHE_HOME: home } }); // writes the cache
    const cached = median(bundle, args);
    const unbundled = median(cli, args);
    return { name, first, cached, unbundled };
  });
  console.log(`bundle ${bundle}: ${(statSync(bundle).size / 1024 / 1024).toFixed(2)} MiB; medians of ${repeats}; node -e 0 takes ${node.toFixed(0)} ms`);
  for (const r of rows) {
    const cells = [`first start ${r.first.toFixed(0).padStart(4)} ms`, `cached ${r.cached.toFixed(0).padStart(4)} ms`, `unbundled ${r.unbundled.toFixed(0).padStart(4)} ms`];
    console.log(`${r.name.padEnd(24)} bundle ${cells.join('   ')}   cached / unbundled ${(r.cached / r.unbundled).toFixed(2)}`);
  }
  const version = rows[0].first;
  console.log(`cold start --version (no code cache): ${version.toFixed(0)} ms (target < 250 ms): ${version < 250 ? 'met' : 'MISSED'}`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
