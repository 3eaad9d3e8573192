import { resolve } from 'node:path';
import { listRunIds, runPaths } from '../../journal/run-dir.js';
import type { CommandSpec } from '../command.js';
import { println } from '../io.js';
import { isOpen, summarizeRun } from '../run-summary.js';
import { runsDirOf } from '../runs-dir.js';

const options = { 'runs-dir': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

export const runsCommand: CommandSpec<typeof options> = {
  name: 'runs',
  summary: 'List runs: id, runbook, site, mode, state (open: it holds its site), started.',
  usage: 'fieldbook runs [--runs-dir <dir>] [--json]',
  help: '--runs-dir <dir>   where runs live (default $FIELDBOOK_HOME/runs)\n--json             one object per run',
  options,
  positionals: { min: 0, max: 0 },
  async run({ values }, io) {
    const runsDir = runsDirOf(values['runs-dir'], io);
    const rows = [];
    for (const id of await listRunIds(runsDir)) {
      try {
        const summary = await summarizeRun(runPaths(resolve(runsDir, id)));
        // An open run holds its site: a new live run there is refused until it is resumed to its end or abandoned.
        rows.push({ id, runbook: summary.state.runbook.name, site: summary.state.site.name, mode: summary.state.mode, state: isOpen(summary) ? `${summary.condition} (open)` : summary.condition, started: summary.state.startedAt, open: isOpen(summary) });
      } catch (error) {
        rows.push({ id, runbook: '?', site: '?', mode: '?', state: `unreadable: ${(error as Error).message}`, started: '', open: false });
      }
    }
    if (values.json) {
      println(io.stdout, JSON.stringify(rows, null, 2));
      return 0;
    }
    if (rows.length === 0) {
      println(io.stdout, `no runs in ${runsDir}`);
      return 0;
    }
    const header = { id: 'RUN', runbook: 'RUNBOOK', site: 'SITE', mode: 'MODE', state: 'STATE', started: 'STARTED' };
    const all = [header, ...rows];
    const keys = Object.keys(header) as (keyof typeof header)[];
    const widths = keys.map((k) => Math.max(...all.map((r) => r[k].length)));
    for (const row of all) println(io.stdout, keys.map((k, i) => row[k].padEnd(widths[i]!)).join('  ').trimEnd());
    return 0;
  },
};
