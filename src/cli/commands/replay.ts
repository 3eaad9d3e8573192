import { setTimeout as delay } from 'node:timers/promises';
import type { StepOverview } from '../../engine/events.js';
import { UsageError } from '../../errors.js';
import { findRun } from '../../journal/run-dir.js';
import { replay } from '../../journal/state.js';
import type { ResolvedParam } from '../../plan/params.js';
import { buildPlan } from '../../plan/plan.js';
import type { Plan } from '../../plan/types.js';
import { formatClock, formatDuration } from '../../report/format.js';
import { loadReportInputs } from '../../report/load-run.js';
import { replaySessions, type ReplaySession } from '../../report/replay-events.js';
import { nextSpeed, playSession, type ReplayControls } from '../../report/replay-player.js';
import { fieldbookVersion } from '../../shipped/index.js';
import { createJsonUi, createPlainUi } from '../../ui/plain/plain-ui.js';
import type { RunUi } from '../../ui/run-ui.js';
import { tuiCanRender } from '../../ui/tui/can-render.js';
import { createTui } from '../../ui/tui/create-tui.js';
import type { CommandSpec } from '../command.js';
import type { CliIO } from '../io.js';
import { println } from '../io.js';
import { visibleText } from '../../text/visible.js';
import { uiKind } from '../run-options.js';
import { runsDirOf } from '../runs-dir.js';

const options = {
  speed: { type: 'string' },
  'max-gap': { type: 'string' },
  ui: { type: 'string' },
  'runs-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const REPLAY_KEYS: [string, string][] = [
  ['space', 'pause'],
  ['+/-', 'speed'],
  ['e', 'to the end'],
  ['q', 'quit'],
];
const KEYS_HELP = REPLAY_KEYS.map(([key, what]) => `${key} ${what}`).join(' · ');

export const replayCommand: CommandSpec<typeof options> = {
  name: 'replay',
  summary: 'Play a run back in the terminal UI, read-only, following its journal: for support staff who were not there.',
  usage: 'fieldbook replay <run> [--speed N] [--max-gap <seconds>] [--ui tui|plain|json] [--runs-dir <dir>]',
  help: [
    '<run>                  a run id or a run directory (an imported one too)',
    '--speed N              N times as fast as it happened (default 1; 0.25 to 128)',
    '--max-gap <seconds>    idle stretches longer than this are cut to it (default 3)',
    '--ui tui|plain|json    default: tui on a terminal; plain and json print every event at once unless --speed is given',
    '',
    `Keys (tui): ${KEYS_HELP}.`,
    'Each fieldbook process that drove the run (the first run, then each resume) is played as its operator saw',
    'it; output comes from the masked logs. Nothing is run and the run directory is not changed.',
  ].join('\n'),
  options,
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, io) {
    const speed = values.speed === undefined ? undefined : Number(values.speed);
    if (speed !== undefined && !(speed >= 0.25 && speed <= 128)) throw new UsageError(`--speed ${values.speed}: expected a number from 0.25 to 128`);
    const maxGap = values['max-gap'] === undefined ? 3 : Number(values['max-gap']);
    if (!(maxGap >= 0)) throw new UsageError(`--max-gap ${values['max-gap']}: expected seconds (a number, 0 or more)`);
    let kind = uiKind(values.ui, io.stdout.isTTY === true);
    if (kind === 'tui' && !tuiCanRender(io.stdout, io.env)) kind = 'plain';

    const runsDir = runsDirOf(values['runs-dir'], io);
    const paths = await findRun(positionals[0]!, runsDir, io.cwd);
    const inputs = await loadReportInputs(paths, fieldbookVersion());
    if (!inputs.runbook || !inputs.site) throw new UsageError(`${paths.dir}: the run's runbook.yaml or site.yaml copy is missing or damaged; a replay needs both (fieldbook report still works)`);
    const state = replay(inputs.events);
    const params: Record<string, ResolvedParam> = Object.fromEntries(
      Object.entries(state.params).map(([name, p]) => [name, p.secret ? { value: '', source: 'not set', secret: true } : { value: p.value!, source: 'run', secret: false }]),
    );
    const plan = buildPlan(inputs.runbook, inputs.site, params);
    const steps: StepOverview[] = plan.steps.map((s) => ({ id: s.id, title: s.title, kind: s.kind, destructive: s.destructive, readonly: s.readonly, targets: s.targets.map((t) => t.name) }));
    const sessions = replaySessions({ events: inputs.events, steps, logs: inputs.logs, runDir: paths.dir, live: inputs.live });

    const controls: ReplayControls = { speed: speed ?? 1, paused: false, toEnd: kind !== 'tui' && speed === undefined, quit: false };
    const keys = kind === 'tui' ? listenForKeys(io, controls) : undefined;
    // JSON lines stay pure: the words go to stderr.
    const say = kind === 'json' ? io.stderr : io.stdout;
    println(say, `Replay of run ${state.runId}, read-only: nothing runs, nothing is written${kind === 'tui' ? ` (${KEYS_HELP})` : ''}`);
    try {
      for (const [i, session] of sessions.entries()) {
        if (controls.quit) break;
        if (i > 0) println(say, visibleText(between(sessions[i - 1]!, session)));
        await playOne(session, i, sessions.length, kind, plan, controls, maxGap * 1000, io);
      }
      const last = sessions[sessions.length - 1]!;
      println(say, controls.quit ? `replay of run ${state.runId} stopped by the viewer` : `replay of run ${state.runId} reached the end of its journal (${endText(last)})`);
    } finally {
      keys?.stop();
    }
    return 0;
  },
};

async function playOne(session: ReplaySession, index: number, count: number, kind: 'tui' | 'plain' | 'json', plan: Plan, controls: ReplayControls, maxGapMs: number, io: CliIO): Promise<void> {
  const ui: RunUi & { model?: { setStatus(text: string | undefined): void } } =
    kind === 'tui'
      ? createTui({ stdin: io.stdin, stdout: io.stdout, stderr: io.stderr, env: io.env, interactive: io.stdin.isTTY === true, plan, ...(session.before ? { state: session.before } : {}), resumeCommand: `fieldbook resume ${session.events[0]?.event.type === 'run-started' ? session.events[0].event.runId : ''}`, interrupt: () => (controls.quit = true), replay: { keys: REPLAY_KEYS } })
      : kind === 'json'
        ? createJsonUi(io)
        : createPlainUi({ ...io, interactive: false });
  const label = `replay ${count > 1 ? `session ${index + 1}/${count} (${session.kind === 'run' ? 'run' : 'resume'} by ${session.by.user}@${session.by.host})` : `by ${session.by.user}@${session.by.host}`}`;
  try {
    await playSession(session.events, controls, {
      maxGapMs,
      deliver: (event) => ui.render(event),
      progress: (at) => ui.model?.setStatus(`${visibleText(label)} · ${formatClock(new Date(at).toISOString())} UTC · ${controls.paused ? 'PAUSED' : `×${controls.speed}`} · ${KEYS_HELP}`),
      now: () => performance.now(),
      sleep: (ms) => delay(ms),
    });
    ui.model?.setStatus(undefined);
  } finally {
    await ui.close();
  }
  const say = kind === 'json' ? io.stderr : io.stdout;
  if (session.end === 'crashed') println(say, `✘ fieldbook stopped here without finishing (killed, crashed or lost power) at ${formatClock(new Date(session.endedAt).toISOString())} UTC`);
  if (session.end === 'live') println(say, '▶ the run is still being driven right now: this is as far as its journal goes');
}

/** The line between two sessions: how the first ended and who resumed, how much later. */
function between(previous: ReplaySession, next: ReplaySession): string {
  const how = previous.end === 'crashed' ? 'stopped without finishing' : previous.end === 'paused' ? 'paused' : 'ended';
  return `\n── ${how} at ${formatClock(new Date(previous.endedAt).toISOString())} UTC; ${formatDuration(next.startedAt - previous.endedAt)} later resumed by ${next.by.user}@${next.by.host} (pid ${next.pid}) ──\n`;
}

function endText(session: ReplaySession): string {
  switch (session.end) {
    case 'finished':
      return 'the run finished';
    case 'paused':
      return 'the run is paused';
    case 'crashed':
      return 'fieldbook stopped without finishing';
    case 'live':
      return 'the run is still going on';
  }
}

/** Keys on a terminal (raw mode): space, +, -, e, q and Ctrl-C. */
function listenForKeys(io: CliIO, controls: ReplayControls): { stop(): void } | undefined {
  const stdin = io.stdin;
  if (!stdin.isTTY || !stdin.setRawMode) return undefined;
  stdin.setRawMode(true);
  const onData = (chunk: Buffer | string) => {
    for (const key of chunk.toString()) {
      if (key === ' ' || key === 'p') controls.paused = !controls.paused;
      else if (key === '+' || key === '=') controls.speed = nextSpeed(controls.speed, 1);
      else if (key === '-' || key === '_') controls.speed = nextSpeed(controls.speed, -1);
      else if (key === 'e') controls.toEnd = true;
      else if (key === 'q' || key === '\u0003') controls.quit = true;
    }
  };
  stdin.on('data', onData);
  stdin.resume();
  return {
    stop() {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
    },
  };
}
