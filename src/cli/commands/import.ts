import { resolve } from 'node:path';
import { importRun } from '../../report/import-run.js';
import type { CommandSpec } from '../command.js';
import { shellWord } from '../../template/shell-quote.js';
import { println } from '../io.js';
import { runsDirOf } from '../runs-dir.js';

const options = { 'runs-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

export const importCommand: CommandSpec<typeof options> = {
  name: 'import',
  summary: 'Unpack a run archive (from fieldbook export) into the runs directory, for show, report and replay.',
  usage: 'fieldbook import <file.tar.gz> [--runs-dir <dir>]',
  help: [
    '<file.tar.gz>          an archive written by fieldbook export',
    '--runs-dir <dir>       where to unpack it (default $FIELDBOOK_HOME/runs)',
    '',
    'Refused (exit 4): an entry that would land outside the run directory, a link or device, a file that does',
    'not match the archive manifest, and a run id that already exists in the runs directory.',
  ].join('\n'),
  options,
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, io) {
    const runsDir = runsDirOf(values['runs-dir'], io);
    const result = await importRun(resolve(io.cwd, positionals[0]!), runsDir);
    const from = result.manifest ? `, exported ${result.manifest.exportedAt} by ${result.manifest.exportedBy.user}@${result.manifest.exportedBy.host}` : '';
    println(io.stdout, `imported run ${result.paths.id} (${result.files} files${from}) into ${result.paths.dir}`);
    println(io.stdout, `see it with: fieldbook show ${result.paths.id}${values['runs-dir'] ? ` --runs-dir ${shellWord(values['runs-dir'])}` : ''}`);
    return 0;
  },
};
