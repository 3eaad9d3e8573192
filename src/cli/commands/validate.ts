import type { CommandSpec } from '../command.js';
import { loadInputs } from '../inputs.js';
import { println } from '../io.js';

const options = {
  site: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const validateCommand: CommandSpec<typeof options> = {
  name: 'validate',
  summary: 'Check a runbook (and a site) without connecting anywhere: schema, every ${{ }} reference, roles and hosts.',
  usage: 'fieldbook validate <runbook> [--site <site>]',
  help: [
    '<runbook>          a runbook file, or the name of a runbook shipped with fieldbook',
    '--site <file>      also check the site file and that it fits the runbook (roles, params, host vars)',
    '',
    'Problems are printed as file:line:col: path: message, at most five, most important first.',
    'Exit status: 0 valid, 2 problems found.',
  ].join('\n'),
  options,
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, io) {
    const inputs = await loadInputs(positionals[0]!, values.site, io.cwd);
    const steps = inputs.runbook.value.steps.length;
    const what = inputs.site ? `${inputs.runbook.source.file} with site ${inputs.site.source.file}` : inputs.runbook.source.file;
    println(io.stdout, `ok: ${what} (${steps} step${steps === 1 ? '' : 's'})`);
    return 0;
  },
};
