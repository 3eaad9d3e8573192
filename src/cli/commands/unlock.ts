import { join } from 'node:path';
import { FieldbookError, UsageError } from '../../errors.js';
import { breakLock, readLock } from '../../journal/lock.js';
import { findRun } from '../../journal/run-dir.js';
import type { CommandSpec } from '../command.js';
import { println } from '../io.js';
import { runsDirOf } from '../runs-dir.js';
import { Name } from '../../schema/common.js';

const options = { site: { type: 'string' }, 'runs-dir': { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

export const unlockCommand: CommandSpec<typeof options> = {
  name: 'unlock',
  summary: 'Break a run lock or a site lock explicitly (when its holder is gone for good).',
  usage: 'fieldbook unlock <run> | --site <site-name> [--runs-dir <dir>] [--force]',
  help: [
    'Locks of dead processes on this host are taken over by run/resume by themselves; this is for the rest',
    '(a holder on another machine, an unreadable lock). Make sure no fieldbook process still drives the run.',
    '--force            break a lock held by a process still running on this host; that process stops',
    '                   before its next step acts, and writes nothing more to the journal',
  ].join('\n'),
  options,
  positionals: { min: 0, max: 1 },
  async run({ values, positionals }, io) {
    const runsDir = runsDirOf(values['runs-dir'], io);
    if ((positionals[0] === undefined) === (values.site === undefined)) throw new UsageError('unlock: give a run, or --site <site-name>');
    // A site name, never a path: `--site ../../x` must not name a file outside the runs directory's locks.
    if (values.site !== undefined && !Name.safeParse(values.site).success) throw new UsageError(`unlock: --site ${values.site}: not a site name (lower-case letters, digits and "-", as in the site file's metadata.name)`);
    const path = values.site !== undefined ? join(runsDir, '.locks', `${values.site}.lock`) : (await findRun(positionals[0]!, runsDir, io.cwd)).lock;
    const before = await readLock(path);
    if (before.state === 'free') {
      println(io.stdout, `${path}: not locked`);
      return 0;
    }
    if (before.state === 'held' && before.alive === 'yes' && !values.force) {
      const { pid, user, hostname, startedAt, command } = before.holder;
      throw new FieldbookError('refused', `${path} is held by pid ${pid} (${user}@${hostname}) since ${startedAt}, running \`${command}\`, which is still running: stop it, or break the lock anyway with --force (that process then stops before its next step acts)`);
    }
    const holder = await breakLock(path);
    println(io.stdout, `broke ${path}${holder ? ` (held by pid ${holder.pid}, ${holder.user}@${holder.hostname} since ${holder.startedAt})` : ''}`);
    return 0;
  },
};
