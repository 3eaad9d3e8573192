import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { readJournal } from '../../journal/journal-file.js';
import type { JournalEvent } from '../../journal/events.js';
import { readLock } from '../../journal/lock.js';
import { findRun } from '../../journal/run-dir.js';
import { exportRun } from '../../report/export-run.js';
import type { KnownSecret } from '../../report/secret-scan.js';
import { secretEnvName, secretFromEnv, secretsInEnv } from '../../secrets/sources.js';
import { fieldbookVersion } from '../../shipped/index.js';
import type { CommandSpec } from '../command.js';
import { println } from '../io.js';
import { currentActor } from '../run-session.js';
import { runsDirOf } from '../runs-dir.js';

const options = {
  output: { type: 'string', short: 'o' },
  force: { type: 'boolean' },
  'runs-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const exportCommand: CommandSpec<typeof options> = {
  name: 'export',
  summary: 'Pack a run (journal, runbook and site copies, logs, report) into one .tar.gz, checked for secrets.',
  usage: 'fieldbook export <run> [-o <file.tar.gz>] [--force] [--runs-dir <dir>]',
  help: [
    '<run>                  a run id or a run directory',
    '-o, --output <file>    the archive to write (default: <run-id>.tar.gz in the current directory)',
    '--force                overwrite an existing archive',
    '',
    'Secrets are never stored, so the check needs them again: set FIELDBOOK_SECRET_<NAME> for each of the',
    "run's secret params (as for resume). Every FIELDBOOK_SECRET_* variable set is checked for. The archive is",
    'refused (exit 4) when any file holds a secret in any form the masker hides (raw, base64, URL-, JSON- or',
    'shell-encoded: docs/security.md); a secret param whose value is',
    'not set is named in a warning and in the archive manifest as not checked.',
  ].join('\n'),
  options,
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, io) {
    const runsDir = runsDirOf(values['runs-dir'], io);
    const paths = await findRun(positionals[0]!, runsDir, io.cwd);
    const output = resolve(io.cwd, values.output ?? `${paths.id}.tar.gz`);
    if (!existsSync(dirname(output))) throw new UsageError(`-o ${values.output}: the directory ${dirname(output)} does not exist`);
    if (existsSync(output) && !values.force) throw new UsageError(`${relative(io.cwd, output) || output} already exists; choose another -o or add --force`);

    const { secrets, notChecked } = await secretsToCheck(paths.journal, io.env);
    for (const name of notChecked) println(io.stderr, `warning: secret param ${name}: ${secretEnvName(name)} is not set, so the archive is not checked for it`);
    const lock = await readLock(paths.lock);
    if (lock.state === 'held' && lock.alive !== 'no') println(io.stderr, `warning: run ${paths.id} is being driven right now (pid ${lock.holder.pid} on ${lock.holder.hostname}); the archive is a snapshot`);

    const result = await exportRun({ paths, output, secrets, notChecked, by: currentActor(), fieldbook: fieldbookVersion(), now: new Date() });
    const checked = secrets.map((s) => s.name);
    println(io.stdout, `wrote ${relative(io.cwd, output) || output}: ${result.files.length} files, ${(result.bytes / 1024).toFixed(1)} KiB; checked for ${checked.length ? checked.join(', ') : 'no secrets'}${notChecked.length ? ` (not for ${notChecked.join(', ')})` : ''}`);
    return 0;
  },
};

/** The run's secret params (by name, from run-started) with their values from the environment, and any other FIELDBOOK_SECRET_*. */
async function secretsToCheck(journal: string, env: NodeJS.ProcessEnv): Promise<{ secrets: KnownSecret[]; notChecked: string[] }> {
  const { events } = await readJournal(journal);
  const started = events[0] as JournalEvent | undefined;
  const names = started?.type === 'run-started' ? Object.entries(started.params).filter(([, p]) => p.secret).map(([name]) => name) : [];
  const secrets: KnownSecret[] = [];
  const notChecked: string[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    const value = secretFromEnv(name, env);
    if (value === undefined) notChecked.push(name);
    else {
      secrets.push({ name, value });
      seen.add(value);
    }
  }
  for (const { name, value } of secretsInEnv(env)) {
    if (seen.has(value)) continue;
    seen.add(value);
    secrets.push({ name, value });
  }
  return { secrets, notChecked };
}
