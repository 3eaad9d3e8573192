import { parseText } from '../../schema/load.js';
import { shippedRunbook, shippedRunbookNames } from '../../shipped/index.js';
import type { CommandSpec } from '../command.js';
import { println } from '../io.js';

const options = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

export const runbooksCommand: CommandSpec<typeof options> = {
  name: 'runbooks',
  summary: 'List the runbooks shipped with fieldbook (usable by name wherever a runbook is expected).',
  usage: 'fieldbook runbooks [--json]',
  help: '--json   name, title and step count of each',
  options,
  positionals: { min: 0, max: 0 },
  async run({ values }, io) {
    const rows = shippedRunbookNames().map((name) => {
      const runbook = parseText(`shipped:${name}`, shippedRunbook(name)!, 'Runbook').value;
      return { name, title: runbook.metadata.title, steps: runbook.steps.length };
    });
    if (values.json) println(io.stdout, JSON.stringify(rows, null, 2));
    else {
      const width = Math.max(0, ...rows.map((r) => r.name.length));
      for (const row of rows) println(io.stdout, `${row.name.padEnd(width)}  ${row.title} (${row.steps} steps)`);
    }
    return 0;
  },
};
