import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { JOURNAL_VERSION, type JournalEvent } from '../../journal/events.js';
import type { JournalWriter } from '../../journal/journal-file.js';
import type { LockHandle } from '../../journal/lock.js';
import type { Mode } from '../../plan/types.js';
import { checkRunId, createRunDir, newRunId, sha256, type RunPaths } from '../../journal/run-dir.js';
import { replay } from '../../journal/state.js';
import { buildPlan } from '../../plan/plan.js';
import { preloadTransports } from '../../transports/preload.js';
import type { CommandSpec } from '../command.js';
import { collectParams, loadInputs } from '../inputs.js';
import { fieldbookVersion as version, SHIPPED_PREFIX } from '../../shipped/index.js';
import { currentActor, drive, promptSecrets, promptValues, recorder, takeRunLock, takeSiteLock } from '../run-session.js';
import { openRunRefusal, openRunsOn } from '../open-runs.js';
import { shellWord } from '../../template/shell-quote.js';
import { letGo, type HeldSiteLock } from '../remote-lock.js';
import { holdSite } from '../site-lock.js';
import { acceptedHostKeys, modeOf, presetsOf, RUN_OPTIONS, RUN_OPTIONS_HELP, uiKind } from '../run-options.js';
import { secretRecordsFromEnv } from '../secret-records.js';
import { createPrompter } from '../../ui/plain/prompts.js';
import { selectSteps } from '../select-steps.js';
import { likeParams } from '../like-run.js';
import { runsDirOf } from '../runs-dir.js';

const options = {
  ...RUN_OPTIONS,
  site: { type: 'string' },
  param: { type: 'string', multiple: true },
  'params-file': { type: 'string' },
  'run-id': { type: 'string' },
  like: { type: 'string' },
} as const;

export const runCommand: CommandSpec<typeof options> = {
  name: 'run',
  summary: 'Start a run: walk the runbook step by step on the site, with checkpoints after every step.',
  usage: 'fieldbook run <runbook> --site <site> [--param name=value]... [options]',
  help: [
    '--site <file>            the site to run on (required)',
    '--param name=value       a param value (repeatable); secrets come from FIELDBOOK_SECRET_<NAME> or a prompt',
    '--params-file <file>     a YAML mapping of param values',
    '--run-id <id>            name the run (default: time, runbook and a random suffix)',
    '--like <run>             reuse the non-secret params given to an earlier run (--param still wins)',
    RUN_OPTIONS_HELP,
    '',
    'Exit status: 0 finished, 1 a step failed (resumable), 2 usage or validation error,',
    '3 waiting for an approval or decision, 4 refused (lock held), 130 interrupted (resumable).',
  ].join('\n'),
  options,
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, io) {
    if (values.site === undefined) throw new UsageError('run: --site <site> is required');
    if (values.force) throw new UsageError('run: --force applies to resume');
    if (values['run-id'] !== undefined) checkRunId(values['run-id']);
    const mode = modeOf(values);
    const ui = uiKind(values.ui, io.stdout.isTTY === true);
    const inputs = await loadInputs(positionals[0]!, values.site, io.cwd);
    const site = inputs.site!;
    const runbook = inputs.runbook;
    const presets = presetsOf(values, runbook.value, secretRecordsFromEnv(runbook.value, io.env));
    const interactive = io.stdin.isTTY === true && ui !== 'json';
    const prompter = interactive ? createPrompter(io.stdin, io.stdout) : undefined;

    const runsDir = runsDirOf(values['runs-dir'], io);
    const like = values.like === undefined ? undefined : await likeParams(values.like, runsDir, io.cwd, runbook.value);
    const first = await collectParams(runbook.value, site.value, values, io.env, io.cwd, {}, like?.values);
    let params = first.params;
    if (first.missingSecrets.length > 0 || first.missingValues.length > 0) {
      // Asked on a terminal (values shown, secrets hidden); a dry run shows secrets as **** and needs none of them.
      const asked = await promptValues(first.missingValues, runbook.value, prompter);
      const secrets = mode === 'dry-run' ? Object.fromEntries(first.missingSecrets.map((m) => [m.name, '(not needed for a dry run)'])) : await promptSecrets(first.missingSecrets, prompter);
      params = (await collectParams(runbook.value, site.value, values, io.env, io.cwd, { ...asked, ...secrets }, like?.values)).params;
    }
    const plan = buildPlan(runbook.value, site.value, params);
    if (mode !== 'dry-run') preloadTransports(plan);
    const skipped = selectSteps(plan, values);

    const id = values['run-id'] ?? newRunId(runbook.value.metadata.name, new Date());
    const command = `fieldbook run ${positionals[0]} (run ${id})`;
    const started: JournalEvent = {
      type: 'run-started',
      v: JOURNAL_VERSION,
      at: new Date().toISOString(),
      runId: id,
      fieldbook: version(),
      mode,
      runbook: { name: runbook.value.metadata.name, title: runbook.value.metadata.title, path: runbook.source.file.startsWith(SHIPPED_PREFIX) ? runbook.source.file : resolve(io.cwd, runbook.source.file), sha256: sha256(runbook.source.text) },
      site: { name: site.value.metadata.name, path: resolve(io.cwd, site.source.file), sha256: sha256(site.source.text) },
      params: Object.fromEntries(Object.entries(params).map(([name, p]) => [name, p.secret ? { source: p.source, secret: true } : { value: p.value, source: p.source, secret: false }])),
      by: currentActor(),
      pid: process.pid,
      ...(like ? { like: like.runId } : {}),
    };
    const notices: string[] = [...(like?.notes ?? [])];
    const runsDirFlag = values['runs-dir'] === undefined ? '' : ` --runs-dir ${shellWord(values['runs-dir'])}`;
    const holdRemote = () => holdSite({ site: site.value, env: io.env, runsDir, acceptHostKeys: acceptedHostKeys(values) }, id, `fieldbook unlock --remote --site ${shellWord(values.site!)}${runsDirFlag}`);
    const { paths, journal, locks, siteLock } = await claimSite(runsDir, runsDirFlag, site.value.metadata.name, mode, command, notices, holdRemote, () => createRunDir(runsDir, id, runbook.source.text, site.source.text, started));
    if (like) {
      const reused = Object.entries(params).filter(([, p]) => p.source === 'like');
      notices.push(`--like ${like.runId}: reused ${reused.length ? reused.map(([name, p]) => `${name}=${JSON.stringify(p.value)}`).join(', ') : 'no params (that run was given none, or --param overrode them)'}`);
    }
    const state = replay([started]);
    const record = recorder(journal, state);
    for (const step of skipped) await record({ type: 'step-skipped', step: step.id, reason: step.reason });
    return drive({ paths, plan, runbook: runbook.value, site: site.value, params, mode, state, journal, locks, presets, ui, interactive, resumed: false, notices, runsDir, acceptHostKeys: acceptedHostKeys(values), ...(siteLock ? { siteLock } : {}) }, io);
  },
};

/**
 * Take the site lock, refuse a live run while the site has an open one, take the site's remote lock (a live run
 * only: every machine sees it), then create the run under the locks (so two starts cannot both pass the check) and
 * take its own lock. A dry run takes no site lock and is never refused.
 */
async function claimSite(
  runsDir: string,
  runsDirFlag: string,
  site: string,
  mode: Mode,
  command: string,
  notices: string[],
  holdRemote: () => Promise<HeldSiteLock | undefined>,
  create: () => Promise<{ paths: RunPaths; journal: JournalWriter }>,
): Promise<{ paths: RunPaths; journal: JournalWriter; locks: LockHandle[]; siteLock?: HeldSiteLock }> {
  const held = mode === 'dry-run' ? [] : [await takeSiteLock(runsDir, site, command)];
  let siteLock: HeldSiteLock | undefined;
  try {
    const open = await openRunsOn(runsDir, site);
    if (open.length > 0 && mode === 'live') throw openRunRefusal(site, open, runsDirFlag);
    for (const run of open) notices.push(`site ${site} has an open run, ${run.paths.id}: a ${mode === 'dry-run' ? 'dry run' : 'rehearsal'} leaves it as it is`);
    if (mode === 'live') siteLock = await holdRemote();
    const created = await create();
    return { ...created, locks: [...held, await takeRunLock(created.paths, runsDir, command, [])], ...(siteLock ? { siteLock } : {}) };
  } catch (error) {
    await Promise.all([...held.map((l) => l.release()), letGo(siteLock, false)]);
    throw error;
  }
}
