#!/usr/bin/env node
// A step printing 100 MB as fast as it can: the TUI (in tmux, 80×24) against --ui plain to a file.
// Reports the fieldbook process's CPU time and peak RSS, and the step's wall time (from the journal) per UI.
// Targets (issue 6): peak RSS under 200 MB; the step's wall time in the TUI within 1.3× of plain.
// Usage: npm run build && node bench/tui-output.mjs [megabytes=100] [repeats=3]   (needs tmux)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

const MB = Number(process.argv[2] ?? 100);
const REPEATS = Number(process.argv[3] ?? 3);
const cli = resolve(import.meta.dirname, '..', 'bin', 'fieldbook.js');
const hook = resolve(import.meta.dirname, 'rusage-hook.mjs');
const dir = mkdtempSync(join(tmpdir(), 'fieldbook-bench-tui-'));
const line = 'x'.repeat(99);
writeFileSync(join(dir, 'runbook.yaml'), `apiVersion: fieldbook/v1\nkind: Runbook\nmetadata: { name: flood, title: Flood }\nsteps:\n  - id: flood\n    run: yes ${line} | head -c ${MB * 1_000_000}\n`);
writeFileSync(join(dir, 'site.yaml'), 'apiVersion: fieldbook/v1\nkind: Site\nmetadata: { name: bench }\n');
const socket = `fieldbook-bench-${process.pid}`;
const tmux = (...args) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
const cleanEnv = { PATH: process.env.PATH, HOME: dir, FIELDBOOK_HOME: join(dir, 'home'), LANG: 'C.UTF-8' };

function stepWallMs(runId) {
  const events = readFileSync(join(dir, 'home', 'runs', runId, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  return events.find((e) => e.type === 'unit-finished' && e.unit.step === 'flood').durationMs;
}
function usage(file) {
  const u = JSON.parse(readFileSync(file, 'utf8'));
  return { cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, rssMB: u.maxRSS / 1024 };
}

async function tui(runId) {
  const rusage = join(dir, `${runId}.rusage.json`);
  const env = Object.entries({ ...cleanEnv, TERM: 'screen', FIELDBOOK_BENCH_RUSAGE: rusage }).map(([k, v]) => `${k}=${v}`);
  const command = ['env', '-i', ...env, process.execPath, '--import', hook, cli, 'run', 'runbook.yaml', '--site', 'site.yaml', '--run-id', runId].map((w) => `'${w}'`).join(' ');
  tmux('new-session', '-d', '-x', '80', '-y', '24', '-s', runId, '-c', dir, `${command}; echo EXIT=$? > ${runId}.exit; sleep 30`);
  const until = Date.now() + 300_000;
  while (!existsSync(join(dir, `${runId}.exit`))) {
    if (Date.now() > until) throw new Error('the TUI run did not finish');
    await delay(100);
  }
  const screen = tmux('capture-pane', '-p', '-t', runId);
  tmux('kill-session', '-t', runId);
  if (!screen.includes('✔ run finished')) throw new Error(`the TUI run did not finish cleanly:\n${screen}`);
  return { wallMs: stepWallMs(runId), ...usage(rusage) };
}

function plain(runId) {
  const rusage = join(dir, `${runId}.rusage.json`);
  const out = join(dir, `${runId}.out`);
  const result = spawnSync('sh', ['-c', `'${process.execPath}' --import '${hook}' '${cli}' run runbook.yaml --site site.yaml --ui plain --run-id ${runId} > '${out}'`], { cwd: dir, env: { ...cleanEnv, FIELDBOOK_BENCH_RUSAGE: rusage } });
  if (result.status !== 0) throw new Error(`plain run failed: ${result.stderr}`);
  return { wallMs: stepWallMs(runId), ...usage(rusage) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = { tui: [], plain: [] };
try {
  for (let r = 0; r < REPEATS; r++) {
    results.plain.push(plain(`plain-${r}`));
    results.tui.push(await tui(`tui-${r}`));
  }
} finally {
  try {
    tmux('kill-server');
  } catch {
    // no server left
  }
  rmSync(dir, { recursive: true, force: true });
}
const summary = Object.fromEntries(Object.entries(results).map(([ui, rs]) => [ui, { stepWallMs: median(rs.map((r) => r.wallMs)), cpuMs: median(rs.map((r) => r.cpuMs)), peakRssMB: Math.max(...rs.map((r) => r.rssMB)) }]));
const ratio = summary.tui.stepWallMs / summary.plain.stepWallMs;
console.log(`${MB} MB of output, ${REPEATS} runs each (median wall and CPU, max RSS):`);
for (const [ui, s] of Object.entries(summary)) console.log(`  ${ui.padEnd(5)}  step wall ${(s.stepWallMs / 1000).toFixed(2)} s   fieldbook CPU ${(s.cpuMs / 1000).toFixed(2)} s   peak RSS ${s.peakRssMB.toFixed(0)} MB`);
console.log(`  TUI / plain step wall time: ${ratio.toFixed(2)}× (target ≤ 1.3×); TUI peak RSS target < 200 MB`);
process.exitCode = ratio <= 1.3 && summary.tui.peakRssMB < 200 ? 0 : 1;
