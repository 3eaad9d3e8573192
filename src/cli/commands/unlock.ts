import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FieldbookError, UsageError } from '../../errors.js';
import { openJournal } from '../../journal/journal-file.js';
import { breakLock, readLock } from '../../journal/lock.js';
import { describeHolder } from '../../journal/remote-holder.js';
import { findRun, runPaths } from '../../journal/run-dir.js';
import { parseText } from '../../schema/load.js';
import type { CommandSpec } from '../command.js';
import { println } from '../io.js';
import { releaseRemote, remoteStores } from '../remote-lock.js';
import { currentActor, readText } from '../run-session.js';
import { runsDirOf } from '../runs-dir.js';
import { Name } from '../../schema/common.js';
import { lockTransport } from '../site-lock.js';

const options = { site: { type: 'string' }, remote: { type: 'boolean' }, 'runs-dir': { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

export const unlockCommand: CommandSpec<typeof options> = {
  name: 'unlock',
  summary: 'Break a run lock or a site lock explicitly (when its holder is gone for good).',
  usage: 'fieldbook unlock <run> | --site <site-name> | --remote --site <site-file> [--runs-dir <dir>] [--force]',
  help: [
    'Locks of dead processes on this host are taken over by run/resume by themselves; this is for the rest',
    '(a holder on another machine, an unreadable lock). Make sure no fieldbook process still drives the run.',
    '--remote           break the site lock every machine sees (its Lease, or its lock directory on the',
    '                   first host), named by the site file; journaled in the run that held it, when that',
    '                   run is in this runs directory',
    '--force            break a lock held by a process still running on this host (or still renewing the',
    '                   remote lock); that process stops before its next step acts, and writes nothing more',
  ].join('\n'),
  options,
  positionals: { min: 0, max: 1 },
  async run({ values, positionals }, io) {
    const runsDir = runsDirOf(values['runs-dir'], io);
    if (values.remote) {
      if (positionals[0] !== undefined || values.site === undefined) throw new UsageError('unlock --remote: give the site file with --site <site-file>');
      return unlockRemote(values.site, runsDir, values.force === true, io);
    }
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

/** `unlock --remote`: release the site's remote lock whoever holds it, and journal that in the holder's run. */
async function unlockRemote(siteFile: string, runsDir: string, force: boolean, io: Parameters<CommandSpec<typeof options>['run']>[1]): Promise<number> {
  const path = resolve(io.cwd, siteFile);
  const site = parseText(path, await readText(path, 'the site file'), 'Site').value;
  const transport = lockTransport({ site, env: io.env, runsDir, acceptHostKeys: {} });
  const leaseSeconds = site.lock?.leaseSeconds ?? 60;
  try {
    const stores = remoteStores({ site, transport, kubeCacheDir: join(runsDir, '..', 'cache', 'kubectl') });
    if (stores.length === 0) throw new UsageError(`site ${site.metadata.name} has no remote lock (lock.remote is ${site.lock?.remote ?? 'off'}${site.lock?.remote === 'auto' ? ', and it has neither kube nor hosts' : ''})`);
    const outcomes = await releaseRemote(stores, undefined, leaseSeconds, force);
    let refused: string | undefined;
    for (const outcome of outcomes) {
      const where = outcome.store.where;
      switch (outcome.result) {
        case 'free':
          println(io.stdout, `${where}: not locked`);
          break;
        case 'unavailable':
          println(io.stdout, `${where}: cannot be read or changed: ${outcome.reason ?? 'unknown'}`);
          break;
        case 'not-ours':
          break;
        case 'driven':
          refused = `${where} is held by ${describeHolder(outcome.holder, outcome.ageSeconds, leaseSeconds)}, renewed ${Math.round(outcome.ageSeconds)} s ago: a process on ${outcome.holder.host} drives that run; stop it, or break the lock anyway with --force (that process then stops before its next step acts)`;
          break;
        case 'released': {
          const holder = outcome.holder;
          println(io.stdout, `broke ${where}${holder ? ` (held by ${describeHolder(holder)})` : ''}`);
          if (holder && existsSync(join(runsDir, holder.runId, 'journal.jsonl'))) {
            const journal = await openJournal(runPaths(join(runsDir, holder.runId)).journal);
            await journal.append({ type: 'site-lock-broken', at: new Date().toISOString(), by: currentActor(), where, holder });
            await journal.close();
            println(io.stdout, `  journaled in run ${holder.runId}`);
          }
          break;
        }
      }
    }
    if (refused) throw new FieldbookError('refused', refused);
    return 0;
  } finally {
    await transport.close();
  }
}
