import { readFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type { TransportSet } from '../schema/transport.js';
import { runEngine, type RunResult } from '../engine/engine.js';
import type { EngineEvent } from '../engine/events.js';
import { nobody, withPresets, type Operator, type Presets } from '../engine/operator.js';
import { FieldbookError, UsageError } from '../errors.js';
import type { Actor, JournalEvent, NewJournalEvent } from '../journal/events.js';
import { openJournal, type JournalWriter } from '../journal/journal-file.js';
import { acquireLock, currentHolder, type LockHandle } from '../journal/lock.js';
import { defaultRunsDir, makeLocksDir, type RunPaths } from '../journal/run-dir.js';
import { applyEvent, type RunState } from '../journal/state.js';
import type { ResolvedParam } from '../plan/params.js';
import type { Mode, Plan } from '../plan/types.js';
import type { ParamValue } from '../schema/common.js';
import { coerce } from '../schema/coerce.js';
import type { Runbook } from '../schema/runbook.js';
import type { Site } from '../schema/site.js';
import { createMasker, type Masker } from '../secrets/masker.js';
import { shellWord } from '../template/shell-quote.js';
import { secretsInEnv } from '../secrets/sources.js';
import type { SecretRequest } from '../transports/ssh/index.js';
import { createTransportSet } from '../transports/transport-set.js';
import { createJsonUi, createPlainUi } from '../ui/plain/plain-ui.js';
import type { Prompter } from '../ui/plain/prompts.js';
import type { RunUi } from '../ui/run-ui.js';
import { tuiCanRender } from '../ui/tui/can-render.js';
import { EXIT } from './exit-codes.js';
import type { CliIO } from './io.js';
import type { UiKind } from './run-options.js';
import { isRemote, letGo, siteLockEvent, siteLockText, type HeldSiteLock } from './remote-lock.js';

/** Who is at the keyboard, for every confirmation and decision. */
export function currentActor(): Actor {
  return { user: userInfo().username, host: hostname() };
}

/** Everything a run or resume has prepared before the engine takes over. */
export interface DriveSetup {
  paths: RunPaths;
  plan: Plan;
  runbook: Runbook;
  site: Site;
  params: Record<string, ResolvedParam>;
  /** Real values of secret records of manual steps done before a resume (asked again), by `step.name`. */
  secretRecords?: ReadonlyMap<string, string>;
  mode: Mode;
  state: RunState;
  journal: JournalWriter;
  locks: LockHandle[];
  presets: Presets;
  ui: UiKind;
  interactive: boolean;
  resumed: boolean;
  notices: string[];
  runsDir: string;
  acceptHostKeys: Record<string, string>;
  /** Resumed with --force (the runbook or site changed since the start): the resume command says it again. */
  force?: boolean;
  /** The site lock of a live run (a Lease, a lock directory, or local only), journaled once the run starts. */
  siteLock?: HeldSiteLock;
}

/** Take the site lock and the run lock (stale ones from dead processes on this host are taken over). */
export async function takeLocks(paths: RunPaths, runsDir: string, siteName: string, command: string, withSiteLock: boolean): Promise<LockHandle[]> {
  const site = withSiteLock ? [await takeSiteLock(runsDir, siteName, command)] : [];
  return [...site, await takeRunLock(paths, runsDir, command, site)];
}

/** The lock that lets one process at a time drive a run on a site (from this runs directory). */
export async function takeSiteLock(runsDir: string, siteName: string, command: string): Promise<LockHandle> {
  const locks = await makeLocksDir(runsDir);
  return acquireLock(join(locks, `${siteName}.lock`), currentHolder(command), { takeOverStale: true, unlockCommand: `fieldbook unlock --site ${shellWord(siteName)} --runs-dir ${shellWord(runsDir)}` });
}

/** The run's own lock, after the locks already held; on failure those are released too. */
export async function takeRunLock(paths: RunPaths, runsDir: string, command: string, held: LockHandle[]): Promise<LockHandle> {
  try {
    return await acquireLock(paths.lock, currentHolder(command), { takeOverStale: true, unlockCommand: `fieldbook unlock ${shellWord(paths.id)} --runs-dir ${shellWord(runsDir)}` });
  } catch (error) {
    await Promise.all(held.map((l) => l.release()));
    throw error;
  }
}

/**
 * Events that announce no action: the next durable event (which announces one: a unit starting, a pause, the
 * end) syncs them, one fsync where there were two. Lost only in an OS crash, and then safely: a lost
 * `step-started` is implied by the `unit-started` after it, a lost `step-finished` is written again on resume,
 * and a lost `unit-finished` leaves its unit *unknown*, which resume puts to the operator (or reruns when the
 * step is idempotent); it is never taken for done.
 */
const DEFERRED_SYNC = new Set<JournalEvent['type']>(['step-started', 'step-finished', 'unit-finished']);

/** A journal writer whose every append is also applied to the live state (run, resume and the engine use it). */
export function recorder(journal: JournalWriter, state: RunState) {
  return async (event: NewJournalEvent): Promise<void> => {
    const full = { ...event, at: new Date().toISOString() } as JournalEvent;
    await journal.append(full, { durable: !DEFERRED_SYNC.has(full.type) });
    applyEvent(state, full);
  };
}

/**
 * Before each journal line, check that this process still holds its locks. One broken (`fieldbook unlock --force`)
 * means another process may drive the run now: this one writes nothing more to the journal, so no unit starts.
 */
function whileHolding(locks: Pick<LockHandle, 'path' | 'stillHeld'>[], record: ReturnType<typeof recorder>): ReturnType<typeof recorder> {
  let lost: FieldbookError | undefined;
  return async (event) => {
    const broken = lost ? undefined : locks.find((lock) => !lock.stillHeld());
    if (broken) lost = new FieldbookError('lock-held', `${broken.path} was broken while this process drove the run: it stopped${stepOf(event) ? ` at step ${stepOf(event)}` : ''} and writes nothing more to the journal; no step acts after that`);
    if (lost) throw lost;
    return record(event);
  };
}

const stepOf = (event: NewJournalEvent): string | undefined => ('step' in event ? event.step : 'unit' in event ? event.unit?.step : undefined);

/** Ask for missing secrets on a terminal; without one, name the environment variable to set. */
export async function promptSecrets(missing: { name: string; message: string }[], prompter: Prompter | undefined): Promise<Record<string, string>> {
  if (missing.length === 0) return {};
  if (!prompter) throw new UsageError(missing.map((m) => m.message).join('\n'));
  const values: Record<string, string> = {};
  for (const { name } of missing) {
    for (;;) {
      const value = await prompter.askHidden(`secret ${name}: `);
      if (value !== '') {
        values[name] = value;
        break;
      }
    }
  }
  return values;
}

/**
 * Ask for required params nobody gave (a start form on a terminal: description, type and pattern shown, answers
 * checked as `--param` values are); without a terminal, name how to give them.
 */
export async function promptValues(missing: { name: string; message: string }[], runbook: Runbook, prompter: Prompter | undefined): Promise<Record<string, string>> {
  if (missing.length === 0) return {};
  if (!prompter) throw new UsageError(missing.map((m) => m.message).join('\n'));
  const values: Record<string, string> = {};
  for (const { name } of missing) {
    const spec = runbook.params[name]!;
    const hints = [spec.type !== 'string' ? spec.type : '', spec.type === 'list' ? 'comma-separated' : '', spec.pattern ? `matching ${spec.pattern}` : ''].filter(Boolean).join(', ');
    for (;;) {
      const value = (await prompter.ask(`${name}${spec.description ? ` (${spec.description})` : ''}${hints ? ` [${hints}]` : ''}: `)).trim();
      const problem = value === '' ? 'a value is required' : checkPromptedValue(spec, value);
      if (!problem) {
        values[name] = value;
        break;
      }
      prompter.say(`  ${problem}\n`);
    }
  }
  return values;
}

function checkPromptedValue(spec: Runbook['params'][string], value: string): string | undefined {
  const typed = coerce(spec, value, true);
  return typeof typed === 'object' && typed !== null && 'problem' in typed ? typed.problem : undefined;
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** After a hang-up: writes to the terminal are dropped, and a write error on it is nobody's concern any more. */
function muteTerminal(io: CliIO): void {
  // Reading a closed terminal fails too: nobody is there to answer.
  process.stdin.destroy();
  for (const stream of new Set<NodeJS.WritableStream>([io.stdout, io.stderr, process.stdout, process.stderr])) {
    stream.on('error', () => undefined);
    stream.write = ((_chunk: unknown, encoding?: unknown, callback?: unknown) => {
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    }) as typeof stream.write;
  }
}

/** Run the engine with the chosen UI, Ctrl-C handling and locks; returns the exit code. */
export async function drive(setup: DriveSetup, io: CliIO): Promise<number> {
  // Every FIELDBOOK_SECRET_* too: one a step does not use (yet) may still show up in an output.
  const secretRecords = new Map(setup.secretRecords);
  const secrets = [...Object.values(setup.params).filter((p) => p.secret).map((p) => String(p.value)), ...secretsInEnv(io.env).map((s) => s.value), ...secretRecords.values()];
  const masker: Masker = createMasker(secrets);
  const controller = new AbortController();
  const remote = setup.siteLock && isRemote(setup.siteLock.choice) ? setup.siteLock.choice : undefined;
  const held = [...setup.locks, ...(remote ? [{ path: `the site lock (${remote.where})`, stillHeld: () => remote.stillHeld() }] : [])];
  const record = whileHolding(held, recorder(setup.journal, setup.state));
  // Pasted into a shell: every part quoted; --force again when the files still differ from the run's start.
  const runsDirFlag = resolve(setup.runsDir) === resolve(defaultRunsDir(io.env)) ? '' : ` --runs-dir ${shellWord(setup.runsDir)}`;
  const resumeCommand = `fieldbook resume ${shellWord(setup.paths.id)}${runsDirFlag}${setup.force ? ' --force' : ''}`;

  // Ctrl-C (a signal, or the key in the TUI's raw mode): the first pauses, a second within 3 s exits at once.
  let lastInterrupt = 0;
  const shown: { ui?: RunUi } = {}; // set once the UI exists; a signal may come before
  const interrupt = () => {
    const now = Date.now();
    if (controller.signal.aborted && now - lastInterrupt < 3_000) {
      shown.ui?.abandon();
      io.stderr.write('\ninterrupted twice: exiting now; the run is resumable\n');
      process.exit(EXIT.interrupted);
    }
    lastInterrupt = now;
    controller.abort();
    shown.ui?.interrupted('pausing: cancelling the running step (Ctrl-C again within 3 s exits at once)');
  };
  // SIGHUP: the operator's terminal or SSH session closed. Pause as for Ctrl-C, so the running step is cut off and
  // judged (what it printed is checked) instead of fieldbook dying and leaving it running unjudged; nothing is
  // written to the terminal any more (every write to a closed one fails, and that can bring Node down).
  let hungUp = false;
  const hangUp = () => {
    hungUp = true;
    muteTerminal(io);
    interrupt();
  };
  const handlers = { SIGINT: interrupt, SIGTERM: interrupt, SIGHUP: hangUp };
  for (const signal of STOP_SIGNALS) process.on(signal, handlers[signal]);
  let kind = setup.ui;
  if (kind === 'tui' && !tuiCanRender(io.stdout)) {
    setup.notices.push(io.stdout.isTTY ? 'the terminal UI needs a live terminal and this looks like CI: showing plain lines instead' : '--ui tui needs a terminal on stdout: showing plain lines instead');
    kind = 'plain';
  }
  const ui: RunUi =
    kind === 'tui'
      ? // Loaded only when used: ink and React add ~100 ms to the start of a plain or JSON run.
        (await import('../ui/tui/create-tui.js')).createTui({ stdin: io.stdin, stdout: io.stdout, stderr: io.stderr, env: io.env, interactive: setup.interactive, plan: setup.plan, state: setup.state, resumeCommand, interrupt })
      : kind === 'json'
        ? createJsonUi(io)
        : createPlainUi({ ...io, interactive: setup.interactive });
  shown.ui = ui;
  const operator: Operator = withPresets(setup.presets, ui.operator ?? nobody);
  const emit = (event: EngineEvent) => ui.render(event);

  const transports = createTransportSet({
    mode: setup.mode,
    kubeCacheDir: join(setup.runsDir, '..', 'cache', 'kubectl'),
    ssh: async () =>
      (await import('../transports/ssh/index.js')).createSshTransport({
        ...(setup.site.ssh.knownHosts ? { knownHostsPath: expandHome(setup.site.ssh.knownHosts, io.env) } : {}),
        acceptedHostKeys: setup.acceptHostKeys,
        ...(operator.acceptHostKey ? { acceptHostKey: async (key) => (await operator.acceptHostKey!(key)) === 'accept' } : {}),
        askSecret: async (request) => {
          const value = sshSecretFromEnv(request, io.env) ?? (ui.askSecret ? await ui.askSecret(request.prompt) : undefined);
          if (value) masker.add(value);
          return value;
        },
      }),
  });
  const values: Record<string, ParamValue> = Object.fromEntries(Object.entries(setup.params).map(([name, p]) => [name, p.value]));
  let result: RunResult;
  let finished: RunResult['status'] | undefined;
  try {
    for (const lock of setup.locks) if (lock.tookOverFrom) {
      const from = lock.tookOverFrom;
      await record({ type: 'lock-taken-over', lock: lock.path.endsWith(`${setup.paths.id}/lock`) ? 'run' : 'site', from: { pid: from.pid, hostname: from.hostname, user: from.user, startedAt: from.startedAt } });
      setup.notices.push(`took over the stale lock ${lock.path} of pid ${from.pid} (${from.user}@${from.hostname}, since ${from.startedAt}), which is no longer running`);
    }
    if (setup.siteLock) {
      await record(siteLockEvent(setup.siteLock.choice));
      setup.notices.push(siteLockText(setup.siteLock.choice));
      remote?.startRenewing();
    }
    emit({
      type: 'run-started',
      runId: setup.paths.id,
      runDir: setup.paths.dir,
      mode: setup.mode,
      title: setup.plan.runbook.title,
      runbook: setup.plan.runbook.name,
      site: setup.plan.site.name,
      steps: setup.plan.steps.map((s) => ({ id: s.id, title: s.title, kind: s.kind, destructive: s.destructive, readonly: s.readonly, targets: s.targets.map((t) => t.name) })),
      resumed: setup.resumed,
    });
    for (const text of setup.notices) emit({ type: 'notice', text });
    result = await runEngine({
      plan: setup.plan,
      runbook: setup.runbook,
      site: setup.site,
      params: values,
      mode: setup.mode,
      paths: setup.paths,
      state: setup.state,
      record,
      transports,
      masker,
      secretRecords,
      operator,
      actor: currentActor(),
      emit,
      signal: controller.signal,
      sleep: (ms, signal) => sleep(ms, signal),
      resumeCommand,
      unattended: !setup.interactive,
    });
    if (result.status !== 'paused') finished = result.status;
  } finally {
    await ui.close();
    for (const signal of STOP_SIGNALS) process.off(signal, handlers[signal]);
    // The site lock outlives this process while the run is open (marked paused), so no other machine starts there.
    await Promise.all([closeRun(transports, setup.journal, setup.locks), letGo(setup.siteLock, finished === undefined)]);
  }
  // Everything is journaled and closed. Node's normal exit resets the terminal and aborts when it is gone: end as a
  // hung-up process does.
  if (hungUp) process.kill(process.pid, 'SIGHUP');
  // Stopped by the operator while a question was open (a decision not taken is "waiting"): still an interrupt.
  if (controller.signal.aborted && result.status === 'paused') return EXIT.interrupted;
  return exitCodeOf(result);
}

/** Connections close (each server answers the disconnect) while the journal closes and then the locks go. */
async function closeRun(transports: TransportSet, journal: JournalWriter, locks: LockHandle[]): Promise<void> {
  const closed = await Promise.allSettled([transports.closeAll(), journal.close().then(() => Promise.all(locks.map((l) => l.release())))]);
  for (const outcome of closed) if (outcome.status === 'rejected') throw outcome.reason;
}

function exitCodeOf(result: RunResult): number {
  switch (result.status) {
    case 'succeeded':
      return EXIT.finished;
    case 'failed':
      return EXIT.stepFailed;
    case 'paused':
      return result.reason === 'interrupted' ? EXIT.interrupted : result.reason === 'needs-operator' ? EXIT.needsOperator : EXIT.stepFailed;
  }
}

/**
 * SSH secrets from the environment: FIELDBOOK_SECRET_SSH_PASSWORD, FIELDBOOK_SECRET_SSH_PASSPHRASE,
 * FIELDBOOK_SECRET_SUDO_PASSWORD, each also per host with a _<HOST> suffix (which wins).
 */
export function sshSecretFromEnv(request: SecretRequest, env: NodeJS.ProcessEnv): string | undefined {
  const base = { password: 'FIELDBOOK_SECRET_SSH_PASSWORD', passphrase: 'FIELDBOOK_SECRET_SSH_PASSPHRASE', 'sudo-password': 'FIELDBOOK_SECRET_SUDO_PASSWORD' }[request.kind];
  const host = request.host.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  return env[`${base}_${host}`] || env[base] || undefined;
}

export function expandHome(path: string, env: NodeJS.ProcessEnv): string {
  return path.startsWith('~/') ? join(env['HOME'] ?? '', path.slice(2)) : path;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal.aborted || ms <= 0) return done();
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      done();
    }
    signal.addEventListener('abort', finish, { once: true });
  });
}

/** Open the journal for appending, noting a torn last line cut off after a crash. */
export async function openRunJournal(paths: RunPaths, notices: string[]): Promise<JournalWriter> {
  const journal = await openJournal(paths.journal);
  if (journal.truncated) notices.push(`the journal's last line ${journal.truncated.line} was torn by a crash mid-write and was dropped`);
  return journal;
}

/** Read a file the run refers to, with a clear error. */
export async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new FieldbookError('journal', `cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}
