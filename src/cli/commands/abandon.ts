import { join } from 'node:path';
import { FieldbookError, UsageError } from '../../errors.js';
import { parseText } from '../../schema/load.js';
import { releaseRemote, remoteStores } from '../remote-lock.js';
import { lockTransport } from '../site-lock.js';
import { openJournal } from '../../journal/journal-file.js';
import { findRun } from '../../journal/run-dir.js';
import type { CommandSpec } from '../command.js';
import { println } from '../io.js';
import { openRunsOn } from '../open-runs.js';
import { currentActor, readText, takeRunLock } from '../run-session.js';
import { summarizeRun } from '../run-summary.js';
import { runsDirOf } from '../runs-dir.js';

const options = { reason: { type: 'string' }, 'runs-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

export const abandonCommand: CommandSpec<typeof options> = {
  name: 'abandon',
  summary: 'End an unfinished run for good (journaled with who and why), so a new run may start on its site.',
  usage: 'fieldbook abandon <run> --reason <why> [--runs-dir <dir>]',
  help: [
    '<run>              a run id (see fieldbook runs) or a run directory',
    '--reason <why>     why it is abandoned, for whoever reads the run later (required)',
    '',
    'An abandoned run can never be resumed. Check first what its destructive steps did: fieldbook show <run>.',
  ].join('\n'),
  options,
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, io) {
    const reason = values.reason?.trim();
    if (!reason) throw new UsageError('abandon: --reason <why> is required (it is journaled with who abandoned the run)');
    const runsDir = runsDirOf(values['runs-dir'], io);
    const paths = await findRun(positionals[0]!, runsDir, io.cwd);
    // The run's lock: a process still driving it is refused (exit 4); a dead one's lock is taken over.
    const lock = await takeRunLock(paths, runsDir, `fieldbook abandon ${paths.id}`, []);
    try {
      // Read under the lock we hold: no process drives it, so `running` in the journal means it crashed.
      const { state } = await summarizeRun(paths);
      if (state.mode !== 'live' || (state.status !== 'running' && state.status !== 'paused')) {
        throw new UsageError(`run ${paths.id} is ${state.mode === 'live' ? state.status : `a ${state.mode} run`}: only an unfinished live run can be abandoned`);
      }
      // The site's remote lock, when this run holds it: refused while another machine still drives the run.
      const site = parseText(paths.site, await readText(paths.site, 'the run\'s copy of the site'), 'Site').value;
      const transport = lockTransport({ site, env: io.env, runsDir, acceptHostKeys: {} });
      let released: Awaited<ReturnType<typeof releaseRemote>>;
      try {
        const stores = remoteStores({ site, transport, kubeCacheDir: join(runsDir, '..', 'cache', 'kubectl') });
        // Read first, release only after the journal says abandoned: a run is never left open without its lock.
        const check = await Promise.all(stores.map(async (store) => ({ store, found: await store.read().catch(() => undefined) })));
        const active = check.find(({ found }) => found?.state === 'held' && found.holder.runId === paths.id && found.holder.state === 'active' && found.ageSeconds <= (site.lock?.leaseSeconds ?? 60));
        if (active && active.found?.state === 'held') throw new FieldbookError('refused', `run ${paths.id} is being driven on ${active.found.holder.host} (${active.store.where} renewed ${Math.round(active.found.ageSeconds)} s ago): stop it there first`);
        const journal = await openJournal(paths.journal);
        await journal.append({ type: 'run-abandoned', at: new Date().toISOString(), by: currentActor(), reason });
        await journal.close();
        released = await releaseRemote(stores, paths.id, site.lock?.leaseSeconds ?? 60, true);
      } finally {
        await transport.close();
      }
      const acted = state.actedDestructively;
      println(io.stdout, `abandoned run ${paths.id}: ${reason}`);
      if (acted.length) println(io.stdout, `  its destructive step${acted.length > 1 ? 's' : ''} ${acted.join(', ')} may have acted on site ${state.site.name}: check the site before a new run`);
      for (const outcome of released) {
        if (outcome.result === 'released') println(io.stdout, `  released the site lock ${outcome.store.where}`);
        if (outcome.result === 'unavailable') println(io.stdout, `  could not release the site lock ${outcome.store.where} (${outcome.reason ?? 'unknown'}): break it with fieldbook unlock --remote --site ${state.site.path}`);
      }
      const still = await openRunsOn(runsDir, state.site.name);
      println(io.stdout, still.length ? `  site ${state.site.name} still has open runs: ${still.map((r) => r.paths.id).join(', ')}` : `  site ${state.site.name} has no open run now`);
      return 0;
    } finally {
      await lock.release();
    }
  },
};
