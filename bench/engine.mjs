#!/usr/bin/env node
// Engine overhead per step: `fieldbook run` of 200 trivial local steps against spawning the same 200 commands
// (the same script payload) from a plain Node loop, measured in the same run. The engine's time is read from the
// journal (run-started to run-finished), so process start-up is not spread over the steps; the whole-process
// time is printed too. Includes the journal's fsyncs and the log files.
// Usage: npm run build && node bench/engine.mjs [steps=200] [repeats=3]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { fileCreationNote } from './fs-probe.mjs';

const STEPS = Number(process.argv[2] ?? 200);
const REPEATS = Number(process.argv[3] ?? 3);
const cli = resolve(import.meta.dirname, '..', 'bin', 'fieldbook.js');
const dir = mkdtempSync(join(tmpdir(), 'fieldbook-bench-'));
const steps = Array.from({ length: STEPS }, (_, i) => `  - id: s${i}\n    run: "true"\n`).join('');
writeFileSync(join(dir, 'runbook.yaml'), `apiVersion: fieldbook/v1\nkind: Runbook\nmetadata: { name: bench, title: Bench }\nsteps:\n${steps}`);
writeFileSync(join(dir, 'site.yaml'), 'apiVersion: fieldbook/v1\nkind: Site\nmetadata: { name: bench }\n');
const env = { ...process.env, FIELDBOOK_HOME: join(dir, 'home') };
const fsNote = fileCreationNote(join(dir, 'probe'));

const time = (fn) => {
  const start = performance.now();
  fn();
  return performance.now() - start;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const { buildPayload } = await import(resolve(import.meta.dirname, '..', 'dist', 'transports', 'payload.js'));
const payload = buildPayload('true', 'bash').toString('utf8');

async function plainLoop() {
  const start = performance.now();
  // The same script on stdin as fieldbook sends it (src/transports/payload.ts), so only the engine differs.
  for (let i = 0; i < STEPS; i++) await execa('bash', ['-se'], { input: payload, reject: false, buffer: false, detached: true });
  return performance.now() - start;
}

/** The engine's own time: from the journal's run-started to run-finished (process start-up and exit excluded). */
function journalSpan(runId) {
  const events = readFileSync(join(dir, 'home', 'runs', runId, 'journal.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  return Date.parse(events.at(-1).at) - Date.parse(events[0].at);
}

const runs = [];
const engines = [];
const loops = [];
for (let r = 0; r < REPEATS; r++) {
  runs.push(time(() => execFileSync(process.execPath, [cli, 'run', 'runbook.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', `r${r}`], { cwd: dir, env, stdio: 'ignore' })));
  engines.push(journalSpan(`r${r}`));
  loops.push(await plainLoop());
}
rmSync(dir, { recursive: true, force: true });

const run = median(runs);
const engine = median(engines);
const loop = median(loops);
const overhead = (engine - loop) / STEPS;
console.log(`steps: ${STEPS}, repeats: ${REPEATS} (medians); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${fsNote}`);
console.log(`fieldbook run, whole process         ${run.toFixed(0)} ms  (start-up, plan, locks and exit included)`);
console.log(`engine: run-started to run-finished  ${engine.toFixed(0)} ms`);
console.log(`plain Node loop, same commands       ${loop.toFixed(0)} ms  (baseline)`);
console.log(`ratio engine / baseline              ${(engine / loop).toFixed(2)}`);
console.log(`engine overhead per step             ${overhead.toFixed(2)} ms  (target < 1.5 ms, fsyncs included)`);
