import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { FieldbookError, UsageError, ValidationError } from '../../errors.js';
import { JOURNAL_VERSION, type JournalEvent } from '../../journal/events.js';
import { readJournal } from '../../journal/journal-file.js';
import { findRun, sha256, type RunPaths } from '../../journal/run-dir.js';
import { replay, type RunState } from '../../journal/state.js';
import { describeChanges } from '../../plan/diff.js';
import { buildPlan } from '../../plan/plan.js';
import { preloadTransports } from '../../transports/preload.js';
import type { ResolvedParam } from '../../plan/params.js';
import { parseText } from '../../schema/load.js';
import type { Runbook } from '../../schema/runbook.js';
import type { Site } from '../../schema/site.js';
import { secretFromEnv } from '../../secrets/sources.js';
import { createPrompter } from '../../ui/plain/prompts.js';
import { checkRunbook } from '../../validate/runbook-refs.js';
import { SHIPPED_PREFIX, shippedRunbook } from '../../shipped/index.js';
import { checkPair, checkSite } from '../../validate/site-refs.js';
import type { CommandSpec } from '../command.js';
import { emptyValue, secretEnvHint } from '../../plan/params.js';
import { currentActor, drive, openRunJournal, promptSecrets, readText, recorder, takeLocks } from '../run-session.js';
import { acceptedHostKeys, modeOf, presetsOf, RUN_OPTIONS, RUN_OPTIONS_HELP, uiKind } from '../run-options.js';
import { askSecretRecordsAgain } from '../secret-records.js';
import { stepIndexOf } from '../select-steps.js';
import { runsDirOf } from '../runs-dir.js';
import { openRunRefusal, openRunsOn } from '../open-runs.js';
import { shellWord } from '../../template/shell-quote.js';
import { letGo, type HeldSiteLock } from '../remote-lock.js';
import { holdSite } from '../site-lock.js';

export const resumeCommand: CommandSpec<typeof RUN_OPTIONS> = {
  name: 'resume',
  summary: 'Continue a stopped or crashed run; completed steps never run again.',
  usage: 'fieldbook resume <run> [options]',
  help: [
    '<run>                    a run id (see fieldbook runs) or a run directory',
    RUN_OPTIONS_HELP,
    '',
    'A step that was running when fieldbook stopped has an unknown outcome: it is run again only when it is',
    'idempotent or readonly; otherwise you decide (prompt, or --decide). Secrets are asked again.',
  ].join('\n'),
  options: RUN_OPTIONS,
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, io) {
    if (values['dry-run'] || values.rehearse) throw new UsageError('resume: a run keeps the mode it started with; start a new run for a dry run or rehearsal');
    const runsDir = runsDirOf(values['runs-dir'], io);
    const paths = await findRun(positionals[0]!, runsDir, io.cwd);
    const { events } = await readJournal(paths.journal);
    const state = replayChecked(paths, events as JournalEvent[]);
    const mode = state.mode;
    modeOf(values);
    if (state.status === 'abandoned' && state.abandoned) {
      const { by, at, reason } = state.abandoned;
      throw new FieldbookError('refused', `run ${paths.id} was abandoned by ${by.user}@${by.host} at ${at} (${reason}); it cannot be resumed: start a new run`);
    }
    if ((state.status === 'succeeded' || state.status === 'failed') && values.from === undefined && values.only === undefined) {
      io.stdout.write(`run ${paths.id} already finished (${state.status}); nothing to resume. Use --from or --only to run steps again.\n`);
      return 0;
    }
    const files = await currentFiles(paths, state, values.force === true);
    const ui = uiKind(values.ui, io.stdout.isTTY === true);
    const interactive = io.stdin.isTTY === true && ui !== 'json';
    const prompter = interactive ? createPrompter(io.stdin, io.stdout) : undefined;
    const params = await resumeParams(files.runbook, state, io.env, prompter, mode === 'dry-run');
    const plan = buildPlan(files.runbook, files.site, params);
    if (mode !== 'dry-run') preloadTransports(plan);
    const rerun = rerunSteps(plan, values);
    const records = mode === 'dry-run' ? new Map<string, string>() : await askSecretRecordsAgain(files.runbook, state, io.env, prompter, rerun);
    const presets = presetsOf(values, files.runbook, records);
    const locks = await takeLocks(paths, runsDir, files.site.metadata.name, `fieldbook resume ${paths.id}`, mode !== 'dry-run');
    const notices = [...files.notices];
    const runsDirFlag = values['runs-dir'] === undefined ? '' : ` --runs-dir ${shellWord(values['runs-dir'])}`;
    let siteLock: HeldSiteLock | undefined;
    const journal = await (async () => {
      await otherOpenRuns(paths, runsDir, state, files.site.metadata.name, values['runs-dir']);
      // The site's remote lock: this run's own, taken back when it is paused or stale, from any machine.
      if (mode === 'live') siteLock = await holdSite({ site: files.site, env: io.env, runsDir, acceptHostKeys: acceptedHostKeys(values) }, paths.id, `fieldbook unlock --remote --site ${shellWord(state.site.path)}${runsDirFlag}`);
      return openRunJournal(paths, notices);
    })().catch(async (error: unknown) => {
      await Promise.all([...locks.map((l) => l.release()), letGo(siteLock, true)]);
      throw error;
    });
    const record = recorder(journal, state);
    const by = currentActor();
    await record({ type: 'run-resumed', by, pid: process.pid, force: values.force === true, ...(files.changes.length ? { changed: files.changes } : {}) });
    if (rerun.length > 0) await record({ type: 'rerun-requested', by, ...(values.from ? { from: values.from } : {}), ...(values.only ? { only: values.only } : {}), steps: rerun });
    return drive({ paths, plan, runbook: files.runbook, site: files.site, params, secretRecords: records, mode, state, journal, locks, presets, ui, interactive, resumed: true, notices, runsDir, acceptHostKeys: acceptedHostKeys(values), force: values.force === true, ...(siteLock ? { siteLock } : {}) }, io);
  },
};

/**
 * A live run goes on only while no other run holds its site: resuming a finished run `--from` a step, an imported
 * run, or the extracted copy of an export is refused, as a new run is, while another run is open there.
 */
async function otherOpenRuns(paths: RunPaths, runsDir: string, state: RunState, site: string, runsDirFlag: string | undefined): Promise<void> {
  if (state.mode !== 'live') return;
  const others = (await openRunsOn(runsDir, site)).filter((run) => resolve(run.paths.dir) !== resolve(paths.dir));
  if (others.length > 0) throw openRunRefusal(site, others, runsDirFlag === undefined ? '' : ` --runs-dir ${shellWord(runsDirFlag)}`, `resuming run ${paths.id}`);
}

function replayChecked(paths: RunPaths, events: JournalEvent[]): RunState {
  const first = events[0];
  if (!first || first.type !== 'run-started') throw new FieldbookError('journal', `${paths.journal}: does not begin with run-started; not a fieldbook run journal`);
  if (first.v !== JOURNAL_VERSION) {
    throw new FieldbookError('refused', `${paths.journal}: journal format ${String(first.v)} is ${Number(first.v) > JOURNAL_VERSION ? 'newer than this fieldbook understands; upgrade fieldbook' : 'no longer supported'} (this fieldbook reads format ${JOURNAL_VERSION})`);
  }
  return replay(events);
}

/** The runbook and site to resume with: the run's copies, unless the originals changed and --force says use them. */
async function currentFiles(paths: RunPaths, state: RunState, force: boolean): Promise<{ runbook: Runbook; site: Site; changes: string[]; notices: string[] }> {
  const copies = {
    runbook: parseText(paths.runbook, await readText(paths.runbook, 'the run\'s copy of the runbook'), 'Runbook'),
    site: parseText(paths.site, await readText(paths.site, 'the run\'s copy of the site'), 'Site'),
  };
  const notices: string[] = [];
  const original = async (path: string, sha: string, what: string) => {
    if (path.startsWith(SHIPPED_PREFIX)) {
      const text = shippedRunbook(path.slice(SHIPPED_PREFIX.length));
      if (text === undefined) notices.push(`${what} ${path} is no longer shipped with this fieldbook; resuming with the run's copy`);
      return text === undefined || sha256(text) === sha ? undefined : text;
    }
    if (!existsSync(path)) {
      notices.push(`${what} ${path} is gone; resuming with the run's copy`);
      return undefined;
    }
    const text = await readText(path, what);
    return sha256(text) === sha ? undefined : text;
  };
  const runbookText = await original(state.runbook.path, state.runbook.sha256, 'the runbook');
  const siteText = await original(state.site.path, state.site.sha256, 'the site file');
  if (runbookText === undefined && siteText === undefined) return { runbook: copies.runbook.value, site: copies.site.value, changes: [], notices };
  const now = {
    runbook: runbookText === undefined ? copies.runbook : parseText(state.runbook.path, runbookText, 'Runbook'),
    site: siteText === undefined ? copies.site : parseText(state.site.path, siteText, 'Site'),
  };
  const changes = describeChanges({ runbook: copies.runbook.value, site: copies.site.value }, { runbook: now.runbook.value, site: now.site.value });
  const summary = changes.length ? changes : ['formatting or comments only'];
  if (!force) {
    throw new FieldbookError('changed-since-start', `${[runbookText !== undefined ? state.runbook.path : undefined, siteText !== undefined ? state.site.path : undefined].filter(Boolean).join(' and ')} changed since run ${paths.id} started:\n${summary.map((c) => `  - ${c}`).join('\n')}\nresume with --force to continue with the new files, or start a new run`);
  }
  const issues = [...checkSite(now.site.value, now.site.source), ...checkRunbook(now.runbook.value, now.runbook.source, now.site.value), ...checkPair(now.runbook.value, now.site.value, now.site.source)];
  if (issues.length > 0) throw new ValidationError(issues);
  notices.push(`resuming with the changed files (--force): ${summary.join('; ')}`);
  return { runbook: now.runbook.value, site: now.site.value, changes: summary, notices };
}

/** Params as the run started with them; secrets are never stored, so they are asked again. */
async function resumeParams(runbook: Runbook, state: RunState, env: NodeJS.ProcessEnv, prompter: ReturnType<typeof createPrompter> | undefined, dryRun: boolean): Promise<Record<string, ResolvedParam>> {
  const params: Record<string, ResolvedParam> = {};
  const missing: { name: string; message: string }[] = [];
  for (const [name, spec] of Object.entries(runbook.params)) {
    const recorded = state.params[name];
    if (recorded?.source === 'not set' || (!recorded && !spec.required && spec.default === undefined && !spec.secret)) {
      // Nobody gave this optional param when the run started: it stays empty, and is not asked for now.
      params[name] = { value: emptyValue(spec), source: 'not set', secret: spec.secret };
      continue;
    }
    if (spec.secret) {
      const value = secretFromEnv(name, env);
      if (value !== undefined) params[name] = { value, source: 'env', secret: true };
      else if (dryRun) params[name] = { value: '', source: 'env', secret: true };
      else if (recorded || spec.required) missing.push({ name, message: `resume needs the secret "${name}" again (secrets are never stored): set ${secretEnvHint(name)} or resume on a terminal to be prompted` });
      continue;
    }
    if (recorded?.value !== undefined) params[name] = { value: recorded.value, source: 'run', secret: false };
    else if (spec.default !== undefined) params[name] = { value: spec.default, source: 'default', secret: false };
  }
  const prompted = await promptSecrets(missing, prompter);
  for (const [name, value] of Object.entries(prompted)) params[name] = { value, source: 'prompt', secret: true };
  return params;
}

/** Steps --from / --only ask to run again. */
function rerunSteps(plan: ReturnType<typeof buildPlan>, flags: { from?: string; only?: string }): string[] {
  if (flags.from !== undefined && flags.only !== undefined) throw new UsageError('--from and --only exclude each other');
  if (flags.from !== undefined) return plan.steps.slice(stepIndexOf(plan, flags.from, '--from')).map((s) => s.id);
  if (flags.only !== undefined) return [plan.steps[stepIndexOf(plan, flags.only, '--only')]!.id];
  return [];
}
