import { UsageError } from '../../errors.js';
import { formatPlan } from '../../plan/format.js';
import type { CommandSpec } from '../command.js';
import { loadInputs, planFromFlags } from '../inputs.js';
import { println } from '../io.js';
import { visibleText } from '../../text/visible.js';

const options = {
  site: { type: 'string' },
  param: { type: 'string', multiple: true },
  'params-file': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const planCommand: CommandSpec<typeof options> = {
  name: 'plan',
  summary: 'Show every resolved command, per step and host, without connecting anywhere.',
  usage: 'fieldbook plan <runbook> --site <site> [--param name=value]... [--params-file f.yaml] [--json]',
  help: [
    '--site <file>            the site to plan for (required)',
    '--param name=value       a param value (repeatable); secrets come from FIELDBOOK_SECRET_<NAME>',
    '--params-file <file>     a YAML mapping of param values',
    '--json                   the plan as JSON, for other tools',
    '',
    'Secrets are shown as ****. Values only a run can know appear as ⟨steps.<id>.outputs.<name>⟩.',
  ].join('\n'),
  options,
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, io) {
    if (values.site === undefined) throw new UsageError('plan: --site <site> is required (a plan resolves hosts and params from it)');
    const inputs = await loadInputs(positionals[0]!, values.site, io.cwd);
    const plan = await planFromFlags({ ...inputs, site: inputs.site! }, values, io);
    // Titles, descriptions and param values in the plan are shown, never sent to the terminal as controls.
    println(io.stdout, values.json ? JSON.stringify(plan, (key, value: unknown) => (key === 'spec' ? undefined : value), 2) : visibleText(formatPlan(plan)));
    return 0;
  },
};
