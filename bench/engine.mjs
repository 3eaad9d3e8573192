#!/usr/bin/env node
// Engine overhead per step: `fieldbook run` of 200 trivial local steps against spawning the same 200 commands
// from a plain Node loop, measured in the same run. Includes the journal's fsyncs and the log files.
// Usage: npm run build && node bench/engine.mjs [steps=200] [repeats=3]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';

const STEPS = Number(process.argv[2] ?? 200);
const REPEATS = Number(process.argv[3] ?? 3);
const cli = resolve(import.meta.dirname, '..', 'bin', 'fieldbook.js');
const dir = mkdtempSync(join(tmpdir(), 'fieldbook-bench-'));
const steps = Array.from({ length: STEPS }, (_, i) => `  - id: s${i}\n    run: "true"\n`).join('');
writeFileSync(join(dir, 'runbook.yaml'), `apiVersion: fieldbook/v1\nkind: Runbook\nmetadata: { name: bench, title: Bench }\nsteps:\n${steps}`);
writeFileSync(join(dir, 'site.yaml'), 'apiVersion: fieldbook/v1\nkind: Site\nmetadata: { name: bench }\n');
const env = { ...process.env, FIELDBOOK_HOME: join(dir, 'home') };

const time = (fn) => {
  const start = performance.now();
  fn();
  return performance.now() - start;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function plainLoop() {
  const start = performance.now();
  for (let i = 0; i < STEPS; i++) await execa('bash', ['-se'], { input: '__s() {\ntrue\n}\n__s </dev/null\n', reject: false });
  return performance.now() - start;
}

const runs = [];
const validates = [];
const loops = [];
for (let r = 0; r < REPEATS; r++) {
  validates.push(time(() => execFileSync(process.execPath, [cli, 'validate', 'runbook.yaml', '--site', 'site.yaml'], { cwd: dir, env })));
  runs.push(time(() => execFileSync(process.execPath, [cli, 'run', 'runbook.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', `r${r}`], { cwd: dir, env, stdio: 'ignore' })));
  loops.push(await plainLoop());
}
rmSync(dir, { recursive: true, force: true });

const run = median(runs);
const startup = median(validates);
const loop = median(loops);
const engine = run - startup;
const overhead = (engine - loop) / STEPS;
console.log(`steps: ${STEPS}, repeats: ${REPEATS} (medians)`);
console.log(`fieldbook run, whole process      ${run.toFixed(0)} ms`);
console.log(`fieldbook validate (startup+load)  ${startup.toFixed(0)} ms`);
console.log(`engine part (run - validate)       ${engine.toFixed(0)} ms`);
console.log(`plain Node loop, same commands     ${loop.toFixed(0)} ms  (baseline)`);
console.log(`ratio engine / baseline            ${(engine / loop).toFixed(2)}`);
console.log(`engine overhead per step           ${overhead.toFixed(2)} ms  (target < 1.5 ms, fsyncs included)`);
