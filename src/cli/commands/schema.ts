import { UsageError } from '../../errors.js';
import { jsonSchemaFor } from '../../schema/json-schema.js';
import type { CommandSpec } from '../command.js';
import { println } from '../io.js';

export const schemaCommand: CommandSpec<{ help: { type: 'boolean'; short: 'h' } }> = {
  name: 'schema',
  summary: 'Print the JSON Schema of runbook or site files (for editors and other tools).',
  usage: 'fieldbook schema [runbook|site]',
  help: 'The schema is generated from the same definitions fieldbook validates with.\nDefault: runbook.',
  options: { help: { type: 'boolean', short: 'h' } },
  positionals: { min: 0, max: 1 },
  async run({ positionals }, io) {
    const kind = positionals[0] ?? 'runbook';
    if (kind !== 'runbook' && kind !== 'site') throw new UsageError(`schema: expected "runbook" or "site", found "${kind}"`);
    println(io.stdout, JSON.stringify(jsonSchemaFor(kind), null, 2));
    return 0;
  },
};
