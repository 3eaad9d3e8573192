import type { EngineEvent, StepOverview, Waiting } from '../engine/events.js';
import { unitId, unitLabel, type Actor, type JournalEvent, type UnitKey } from '../journal/events.js';
import { applyEvent, replay, type RunState } from '../journal/state.js';
import { attemptOutputs, journaledAttempts } from './log-sections.js';

/** An engine event at the moment (ms since the epoch) the journal says it happened. */
export interface TimedEvent {
  at: number;
  event: EngineEvent;
}

/** One fieldbook process driving the run (the first run, then each resume), as its operator saw it. */
export interface ReplaySession {
  kind: 'run' | 'resume';
  by: Actor;
  pid: number;
  startedAt: number;
  /** What the journal knew when this session began: a resume's UI starts from it (undefined for the first). */
  before?: RunState;
  /** In order, starting with the engine's run-started. */
  events: TimedEvent[];
  /** How the session ended: the run finished, paused (and said so), stopped without a word, or is still live. */
  end: 'finished' | 'paused' | 'crashed' | 'live';
  endedAt: number;
}

export interface ReplayInput {
  events: readonly JournalEvent[];
  /** The steps as the run's UI showed them (from the plan of the run's copies). */
  steps: readonly StepOverview[];
  logs: ReadonlyMap<string, string>;
  runDir: string;
  /** A live process drives the run right now: its last session has not ended. */
  live: boolean;
}

/** Output of an attempt is played as up to this many chunks spread over its duration. */
const OUTPUT_CHUNKS = 12;

/**
 * Rebuild the engine events of a run from its journal, session by session, with their times: what each
 * operator saw, so that a replay shows it again. Output comes from the logs (masked), spread over each attempt.
 * Pure.
 */
export function replaySessions(input: ReplayInput): ReplaySession[] {
  const first = input.events[0];
  if (!first || first.type !== 'run-started') throw new Error('journal does not begin with run-started');
  const outputs = attemptOutputs(input.logs, journaledAttempts(input.events));
  const outputSeen = new Map<string, number>();
  const overview = new Map(input.steps.map((s) => [s.id, s]));

  const sessions: ReplaySession[] = [];
  const state = replay([first]);
  let session: ReplaySession | undefined;
  let open = new Map<string, { unit: UnitKey; attempt: number; at: number; output: string[] }>();
  let lastFailed = new Map<string, { at: number; reason: string }>();
  const stepStarted = new Map<string, number>();
  const push = (at: number, event: EngineEvent) => session!.events.push({ at, event });

  const startSession = (kind: 'run' | 'resume', at: number, by: Actor, pid: number) => {
    session = { kind, by, pid, startedAt: at, ...(kind === 'resume' ? { before: cloneState(state) } : {}), events: [], end: 'crashed', endedAt: at };
    sessions.push(session);
    open = new Map();
    lastFailed = new Map();
    push(at, { type: 'run-started', runId: first.runId, runDir: input.runDir, mode: first.mode, title: first.runbook.title, runbook: first.runbook.name, site: first.site.name, steps: [...input.steps], resumed: kind === 'resume' });
  };
  /** A session that stopped without a word: whatever ran has no outcome. */
  const closeSession = (end: ReplaySession['end'], at: number) => {
    if (!session) return;
    session.end = end;
    session.endedAt = at;
    if (end === 'crashed') {
      for (const u of open.values()) {
        spreadOutput(u.output, u.unit, u.at, at);
        push(at, { type: 'unit-finished', unit: u.unit, attempt: u.attempt, outcome: 'unknown', reason: 'fieldbook stopped while it ran (no outcome was recorded)', durationMs: at - u.at });
      }
    }
    session.events.sort((a, b) => a.at - b.at);
  };
  const spreadOutput = (lines: string[], unit: UnitKey, from: number, to: number) => {
    if (lines.length === 0) return;
    const chunks = Math.min(OUTPUT_CHUNKS, lines.length);
    for (let i = 0; i < chunks; i++) {
      const part = lines.slice(Math.floor((i * lines.length) / chunks), Math.floor(((i + 1) * lines.length) / chunks));
      push(from + ((to - from) * (i + 1)) / (chunks + 1), { type: 'output', unit, stream: 'stdout', text: `${part.join('\n')}\n` });
    }
  };

  startSession('run', Date.parse(first.at), first.by, first.pid);
  let lastAt = Date.parse(first.at);
  for (const event of input.events.slice(1)) {
    const at = Date.parse(event.at);
    switch (event.type) {
      case 'run-started':
        break;
      case 'run-resumed':
        closeSession(session?.end === 'paused' || session?.end === 'finished' ? session.end : 'crashed', lastAt);
        startSession('resume', at, event.by, event.pid);
        if (event.changed?.length) push(at, { type: 'notice', text: `resumed with --force: changed ${event.changed.join(', ')}` });
        break;
      case 'lock-taken-over':
        push(at, { type: 'notice', text: `took over the stale ${event.lock} lock of pid ${event.from.pid} (${event.from.user}@${event.from.hostname}), which was no longer running` });
        break;
      case 'site-lock':
        push(at, { type: 'notice', text: `site lock: ${event.lock === 'local' ? 'this runs directory only' : event.where}${event.note ? ` (${event.note})` : ''}` });
        break;
      case 'site-lock-broken':
        push(at, { type: 'notice', text: `${event.by.user}@${event.by.host} broke the site lock ${event.where}` });
        break;
      case 'rerun-requested':
        push(at, { type: 'notice', text: `running again ${event.only ? `--only ${event.only}` : `--from ${event.from ?? '?'}`}: ${event.steps.join(', ')}` });
        lastFailed.clear();
        break;
      case 'step-started': {
        const targets = overview.get(event.step)?.targets.length ?? 1;
        stepStarted.set(event.step, at);
        push(at, { type: 'step-started', step: event.step, units: Math.max(1, targets) * (event.items?.length ?? 1), ...(event.items ? { items: event.items } : {}) });
        break;
      }
      case 'step-skipped':
        push(at, { type: 'step-skipped', step: event.step, reason: event.reason });
        break;
      case 'step-finished':
        push(at, { type: 'step-finished', step: event.step, status: event.status, durationMs: at - (stepStarted.get(event.step) ?? at) });
        break;
      case 'confirmation':
        push(at, { type: 'recorded', step: event.step, what: 'confirmation', text: `${event.phrase === 'checklist done' ? 'checklist done' : `"${event.phrase}"`} confirmed by ${event.by.user}@${event.by.host} (${event.via})` });
        break;
      case 'decision':
        push(at, { type: 'recorded', step: event.step, what: 'decision', text: `${event.unit ? `${unitLabel(event.unit)}: ` : ''}${event.decision} (${event.reason}) by ${event.by.user}@${event.by.host} (${event.via})`, ...(event.unit ? { unit: event.unit } : {}), decision: event.decision });
        break;
      case 'unit-started': {
        const id = unitId(event.unit);
        const key = `${unitLabel(event.unit)}#${event.attempt}`;
        const nth = outputSeen.get(key) ?? 0;
        outputSeen.set(key, nth + 1);
        const failed = lastFailed.get(id);
        if (failed && event.attempt > 1) push(failed.at, { type: 'retrying', unit: event.unit, attempt: event.attempt, delayMs: at - failed.at, reason: failed.reason });
        push(at, { type: 'unit-started', unit: event.unit, attempt: event.attempt, command: event.command });
        open.set(id, { unit: event.unit, attempt: event.attempt, at, output: outputs.get(key)?.[nth] ?? [] });
        break;
      }
      case 'unit-finished': {
        const id = unitId(event.unit);
        const started = open.get(id);
        open.delete(id);
        if (started) spreadOutput(started.output, event.unit, started.at, at);
        if (event.outcome === 'skipped') {
          push(at, { type: 'unit-skipped', unit: event.unit, reason: event.reason ?? 'skipped' });
          break;
        }
        if (event.outcome === 'failed') lastFailed.set(id, { at, reason: event.reason ?? 'failed' });
        else lastFailed.delete(id);
        push(at, { type: 'unit-finished', unit: event.unit, attempt: event.attempt, outcome: event.outcome, durationMs: event.durationMs, ...(event.exitCode !== undefined ? { exitCode: event.exitCode } : {}), ...(event.reason !== undefined ? { reason: event.reason } : {}), ...(event.outputs ? { outputs: event.outputs } : {}) });
        break;
      }
      case 'unit-skipped':
        open.delete(unitId(event.unit));
        push(at, { type: 'unit-skipped', unit: event.unit, reason: event.reason });
        break;
      case 'run-paused':
        push(at, { type: 'run-paused', reason: event.reason, waiting: (event.waiting ?? []).map(waitingOf), resumeCommand: `fieldbook resume ${first.runId}` });
        session!.end = 'paused';
        break;
      case 'run-finished':
        push(at, { type: 'run-finished', status: event.status, durationMs: at - Date.parse(first.at) });
        session!.end = 'finished';
        break;
    }
    applyEvent(state, event);
    lastAt = at;
  }
  closeSession(session!.end === 'paused' || session!.end === 'finished' ? session!.end : input.live ? 'live' : 'crashed', lastAt);
  return sessions;
}

/** A pause's waiting item as journaled (its detail); the flag that settled it is not in the journal. */
function waitingOf(detail: string): Waiting {
  const kind: Waiting['kind'] = /confirm/.test(detail) ? 'confirmation' : /manual/.test(detail) ? 'manual' : /unknown/.test(detail) ? 'decision' : 'failure';
  return { kind, step: /step ([a-z0-9-]+)/.exec(detail)?.[1] ?? '', detail, flag: '(the flag is not recorded in the journal)' };
}

function cloneState(state: RunState): RunState {
  return {
    ...state,
    steps: new Map([...state.steps].map(([id, step]) => [id, { ...step, units: new Map([...step.units].map(([uid, unit]) => [uid, { ...unit }])) }])),
    records: [...state.records],
  };
}
