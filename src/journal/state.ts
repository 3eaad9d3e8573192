import type { ParamValue } from '../schema/common.js';
import type { Mode } from '../plan/types.js';
import { unitId, type Actor, type JournalEvent, type Review, type UnitKey } from './events.js';
import { shortDigest } from './review.js';

/** A unit as the journal knows it. `started` with no outcome after a crash means the outcome is unknown. */
export interface UnitState {
  key: UnitKey;
  status: 'started' | 'succeeded' | 'failed' | 'skipped' | 'unknown';
  attempt: number;
  exitCode?: number;
  reason?: string;
  durationMs?: number;
  outputs?: Record<string, unknown>;
  /** Items it acted on that were not on the reviewed list (`expect.withinReview`): the run stops. */
  unreviewed?: string[];
  startedAt?: string;
  finishedAt?: string;
  /** The mark of its latest attempt's section in the unit log (src/journal/log-framing.ts); older runs have none. */
  logMark?: string;
}

export interface StepState {
  id: string;
  status: 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';
  items?: string[];
  /** The list the step's last confirmation reviewed (`confirm.review`). */
  review?: Review;
  /** A destructive step someone confirmed with its phrase: once a unit has started, it may have acted. */
  confirmed?: boolean;
  outputs: Record<string, unknown>;
  units: Map<string, UnitState>;
  reason?: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface RunRecord {
  kind: 'confirmation' | 'decision';
  step: string;
  unit?: UnitKey;
  by: Actor;
  at: string;
  text: string;
}

/** Everything the journal says about a run, rebuilt by replaying it. */
export interface RunState {
  runId: string;
  mode: Mode;
  fieldbook: string;
  runbook: Extract<JournalEvent, { type: 'run-started' }>['runbook'];
  site: Extract<JournalEvent, { type: 'run-started' }>['site'];
  params: Record<string, { value?: ParamValue; source: string; secret: boolean }>;
  startedAt: string;
  startedBy: Actor;
  status: 'running' | 'paused' | 'succeeded' | 'failed' | 'abandoned';
  /** Every time a unit acted on items nobody reviewed (`expect.withinReview`): kept whatever was decided after. */
  unreviewed: { unit: UnitKey; attempt: number; at: string; items: string[] }[];
  /** Destructive steps that may have acted (confirmed with their phrase, then a unit started), in order. */
  actedDestructively: string[];
  /** Who ended the unfinished run for good (`fieldbook abandon`), and why. */
  abandoned?: { by: Actor; at: string; reason: string };
  pausedFor?: Extract<JournalEvent, { type: 'run-paused' }>['reason'];
  waiting?: string[];
  endedAt?: string;
  steps: Map<string, StepState>;
  records: RunRecord[];
  lastEventAt: string;
  /** The run whose params this one reused (`run --like`). */
  like?: string;
}

/** Fold journal events into state. Pure; the first event must be `run-started`. */
export function replay(events: readonly JournalEvent[]): RunState {
  const first = events[0];
  if (!first || first.type !== 'run-started') throw new Error('journal does not begin with run-started');
  const state: RunState = {
    runId: first.runId,
    mode: first.mode,
    fieldbook: first.fieldbook,
    runbook: first.runbook,
    site: first.site,
    params: first.params,
    startedAt: first.at,
    startedBy: first.by,
    status: 'running',
    steps: new Map(),
    records: [],
    unreviewed: [],
    actedDestructively: [],
    lastEventAt: first.at,
    ...(first.like ? { like: first.like } : {}),
  };
  for (const event of events.slice(1)) applyEvent(state, event);
  return state;
}

function stepOf(state: RunState, id: string): StepState {
  let step = state.steps.get(id);
  if (!step) {
    step = { id, status: 'pending', outputs: {}, units: new Map() };
    state.steps.set(id, step);
  }
  return step;
}

/** Apply one event to state; the engine uses this too, so live state and replayed state cannot differ. */
export function applyEvent(state: RunState, event: JournalEvent): void {
  state.lastEventAt = event.at;
  switch (event.type) {
    case 'run-started':
      return;
    case 'run-resumed':
      state.status = 'running';
      delete state.pausedFor;
      delete state.waiting;
      return;
    case 'lock-taken-over':
    case 'site-lock':
    case 'site-lock-broken':
      return;
    case 'rerun-requested':
      for (const id of event.steps) state.steps.set(id, { id, status: 'pending', outputs: {}, units: new Map() });
      return;
    case 'step-started': {
      const step = stepOf(state, event.step);
      step.status = 'running';
      step.startedAt ??= event.at;
      if (event.items) step.items = event.items;
      return;
    }
    case 'step-skipped': {
      const step = stepOf(state, event.step);
      Object.assign(step, { status: 'skipped', reason: event.reason, finishedAt: event.at });
      return;
    }
    case 'step-finished': {
      const step = stepOf(state, event.step);
      Object.assign(step, { status: event.status, outputs: event.outputs, finishedAt: event.at });
      return;
    }
    case 'unit-started': {
      const step = stepOf(state, event.unit.step);
      if (step.confirmed && !state.actedDestructively.includes(step.id)) state.actedDestructively.push(step.id);
      const units = step.units;
      units.set(unitId(event.unit), { key: event.unit, status: 'started', attempt: event.attempt, startedAt: event.at, ...(event.logMark ? { logMark: event.logMark } : {}) });
      return;
    }
    case 'unit-finished': {
      const units = stepOf(state, event.unit.step).units;
      const unit: UnitState = { key: event.unit, status: event.outcome, attempt: event.attempt, durationMs: event.durationMs, finishedAt: event.at };
      const previous = units.get(unitId(event.unit));
      if (previous?.startedAt) unit.startedAt = previous.startedAt;
      if (previous?.logMark) unit.logMark = previous.logMark;
      if (event.exitCode !== undefined) unit.exitCode = event.exitCode;
      if (event.reason !== undefined) unit.reason = event.reason;
      if (event.outputs !== undefined) unit.outputs = event.outputs;
      if (event.unreviewed !== undefined) {
        unit.unreviewed = event.unreviewed;
        state.unreviewed.push({ unit: event.unit, attempt: event.attempt, at: event.at, items: event.unreviewed });
      }
      units.set(unitId(event.unit), unit);
      return;
    }
    case 'unit-skipped': {
      const units = stepOf(state, event.unit.step).units;
      units.set(unitId(event.unit), { key: event.unit, status: 'skipped', attempt: units.get(unitId(event.unit))?.attempt ?? 0, reason: event.reason, finishedAt: event.at });
      return;
    }
    case 'confirmation': {
      const reviewed = event.review ? `; reviewed ${event.review.count} item${event.review.count === 1 ? '' : 's'} (sha256 ${shortDigest(event.review.digest)})` : '';
      state.records.push({ kind: 'confirmation', step: event.step, by: event.by, at: event.at, text: `typed "${event.phrase}" (${event.via})${reviewed}` });
      if (event.review) stepOf(state, event.step).review = event.review;
      if (event.via !== 'checklist') stepOf(state, event.step).confirmed = true;
      return;
    }
    case 'decision': {
      const record: RunRecord = { kind: 'decision', step: event.step, by: event.by, at: event.at, text: `${event.decision}: ${event.reason} (${event.via})` };
      if (event.unit) record.unit = event.unit;
      state.records.push(record);
      if (!event.unit) return;
      const units = stepOf(state, event.step).units;
      const unit = units.get(unitId(event.unit));
      if (!unit) return;
      if (event.decision === 'done') Object.assign(unit, { status: 'succeeded', reason: `marked done: ${event.reason}` });
      if (event.decision === 'skip') Object.assign(unit, { status: 'skipped', reason: `skipped: ${event.reason}` });
      return;
    }
    case 'run-paused':
      state.status = 'paused';
      state.pausedFor = event.reason;
      if (event.waiting) state.waiting = event.waiting;
      return;
    case 'run-finished':
      state.status = event.status;
      state.endedAt = event.at;
      return;
    case 'run-abandoned':
      state.status = 'abandoned';
      state.abandoned = { by: event.by, at: event.at, reason: event.reason };
      state.endedAt = event.at;
      return;
  }
}

/** Units started but never finished: after a crash their outcome is unknown. */
export function unknownUnits(state: RunState): UnitState[] {
  return [...state.steps.values()].flatMap((step) => [...step.units.values()].filter((unit) => unit.status === 'started' || unit.status === 'unknown'));
}
