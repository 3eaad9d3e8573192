import { unitId, unitLabel, type JournalEvent, type UnitKey } from '../journal/events.js';
import { replay, type RunState } from '../journal/state.js';
import type { Runbook, StepSpec } from '../schema/runbook.js';
import type { Site } from '../schema/site.js';
import { attemptOutputs, excerptOf, journaledAttempts, type JournaledAttempt } from './log-sections.js';
import { REPORT_FORMAT, type Report, type ReportAttempt, type ReportNote, type ReportRecord, type ReportSession, type ReportSite, type ReportStep, type ReportUnit, type ReportUnknown, type RunCondition, type UnitStatus } from './model.js';

/** What a report is built from; read from a run directory by `loadReportInputs`. */
export interface ReportInputs {
  events: readonly JournalEvent[];
  /** The run's runbook copy, when it parses (a report of a run whose copy is damaged still shows the journal). */
  runbook?: Runbook;
  site?: Site;
  /** Log texts by path relative to the run directory (`logs/<step>/<target>.log`). */
  logs: ReadonlyMap<string, string>;
  /** A live process drives the run right now (its lock is held). */
  live: boolean;
  /** The journal's last line was torn by a crash mid-write. */
  tornTail?: boolean;
  /** The fieldbook version writing the report. */
  generatedBy: string;
}

interface UnitHistory {
  key: UnitKey;
  attempts: ReportAttempt[];
}

/** Build the report of a run. Pure: the same inputs give the same report. */
export function buildReport(inputs: ReportInputs): Report {
  const state = replay(inputs.events);
  const started = inputs.events[0] as Extract<JournalEvent, { type: 'run-started' }>;
  const condition = conditionOf(state, inputs.live);
  const { histories, records, unknowns, sessions, notes, targets } = walk(inputs.events, condition);
  if (inputs.tornTail) notes.push({ at: state.lastEventAt, text: "the journal's last line was torn by a crash mid-write and is not part of this report" });

  const specs = new Map((inputs.runbook?.steps ?? []).map((s) => [s.id, s]));
  const ids = [...specs.keys(), ...[...state.steps.keys()].filter((id) => !specs.has(id))];
  const attempts = journaledAttempts(inputs.events);
  const steps = ids.map((id) => stepOf(id, specs.get(id), state, histories, records, inputs.logs, attempts, condition));
  const counts: Record<UnitStatus, number> = { running: 0, succeeded: 0, failed: 0, skipped: 0, unknown: 0 };
  for (const unit of steps.flatMap((s) => s.units)) counts[unit.status]++;
  for (const unknown of unknowns) unknown.finalStatus = steps.find((s) => s.id === unknown.step)?.units.find((u) => unitId(u.key) === unitId(unknown.unit))?.status ?? 'unknown';

  const endedAt = state.endedAt ?? state.lastEventAt;
  return {
    format: REPORT_FORMAT,
    generatedBy: inputs.generatedBy,
    run: {
      id: state.runId,
      mode: state.mode,
      condition,
      ...(state.status === 'paused' && state.pausedFor ? { pausedFor: state.pausedFor } : {}),
      ...(state.status === 'paused' && state.waiting?.length ? { waiting: state.waiting } : {}),
      fieldbook: state.fieldbook,
      operator: state.startedBy,
      startedAt: state.startedAt,
      endedAt,
      finished: state.endedAt !== undefined,
      durationMs: Date.parse(endedAt) - Date.parse(state.startedAt),
      ...(started.like ? { like: started.like } : {}),
      sessions,
      counts,
    },
    runbook: {
      name: state.runbook.name,
      title: state.runbook.title,
      ...(inputs.runbook?.metadata.description ? { description: inputs.runbook.metadata.description } : {}),
      path: state.runbook.path,
      sha256: state.runbook.sha256,
    },
    site: siteOf(state, inputs.site),
    params: Object.entries(state.params).map(([name, p]) => (p.secret ? { name, source: p.source, secret: true } : { name, value: p.value!, source: p.source, secret: false })),
    steps,
    records,
    unknowns,
    unreviewed: state.unreviewed.map((act) => ({
      label: unitLabel(act.unit),
      attempt: act.attempt,
      at: act.at,
      items: act.items,
      finalStatus: steps.find((s) => s.id === act.unit.step)?.units.find((u) => unitId(u.key) === unitId(act.unit))?.status ?? 'unknown',
    })),
    targets,
    notes,
  };
}

function conditionOf(state: RunState, live: boolean): RunCondition {
  if (state.status === 'succeeded' || state.status === 'failed' || state.status === 'abandoned') return state.status;
  if (live) return 'running';
  return state.status === 'paused' ? 'paused' : 'crashed';
}

/** One pass over the journal for what replayed state folds away: every attempt, every record, every session. */
function walk(events: readonly JournalEvent[], condition: RunCondition) {
  const histories = new Map<string, UnitHistory>();
  const records: ReportRecord[] = [];
  const unknowns: ReportUnknown[] = [];
  const sessions: ReportSession[] = [];
  const notes: ReportNote[] = [];
  const targets: string[] = [];
  let lastAt = events[0]?.at ?? '';
  // Attempts that have started and not finished in the current session.
  const open = new Map<string, ReportAttempt>();
  const closeSession = (why: string) => {
    for (const [id, attempt] of open) {
      attempt.outcome = 'unknown';
      attempt.lastSeenAt = lastAt;
      attempt.reason = why;
      unknowns.push({ step: histories.get(id)!.key.step, unit: histories.get(id)!.key, label: unitLabel(histories.get(id)!.key), attempt: attempt.attempt, startedAt: attempt.startedAt, reason: why, finalStatus: 'unknown' });
    }
    open.clear();
  };

  for (const event of events) {
    switch (event.type) {
      case 'run-started':
        sessions.push({ kind: 'run', at: event.at, by: event.by, pid: event.pid });
        break;
      case 'run-resumed':
        closeSession('fieldbook stopped while it ran (no outcome was recorded)');
        sessions.push({ kind: 'resume', at: event.at, by: event.by, pid: event.pid, ...(event.changed?.length ? { changed: event.changed } : {}) });
        if (event.force) notes.push({ at: event.at, text: `resumed with --force by ${event.by.user}@${event.by.host}${event.changed?.length ? `; changed: ${event.changed.join(', ')}` : ''}` });
        break;
      case 'lock-taken-over':
        notes.push({ at: event.at, text: `took over the ${event.lock} lock of pid ${event.from.pid} (${event.from.user}@${event.from.hostname}), which was no longer running` });
        break;
      case 'site-lock':
        notes.push({ at: event.at, text: `site lock: ${event.lock === 'local' ? 'this runs directory only' : event.where}${event.note ? ` (${event.note})` : ''}${event.from ? `; took it back from run ${event.from.runId} (${event.from.user}@${event.from.host}, ${event.from.state})` : ''}` });
        break;
      case 'site-lock-broken':
        notes.push({ at: event.at, text: `${event.by.user}@${event.by.host} broke the site lock ${event.where} (fieldbook unlock --remote)` });
        break;
      case 'rerun-requested':
        notes.push({ at: event.at, text: `${event.by.user}@${event.by.host} asked to run again ${event.only ? `--only ${event.only}` : `--from ${event.from ?? '?'}`}: ${event.steps.join(', ')}` });
        break;
      case 'unit-started': {
        const id = unitId(event.unit);
        let history = histories.get(id);
        if (!history) histories.set(id, (history = { key: event.unit, attempts: [] }));
        if (!targets.includes(event.unit.target)) targets.push(event.unit.target);
        const attempt: ReportAttempt = { attempt: event.attempt, command: event.command, startedAt: event.at, outcome: 'running' };
        history.attempts.push(attempt);
        open.set(id, attempt);
        break;
      }
      case 'unit-finished': {
        const id = unitId(event.unit);
        const attempt = open.get(id) ?? histories.get(id)?.attempts.at(-1);
        open.delete(id);
        if (!attempt) break;
        attempt.outcome = event.outcome === 'skipped' ? 'succeeded' : event.outcome;
        attempt.finishedAt = event.at;
        attempt.durationMs = event.durationMs;
        if (event.exitCode !== undefined) attempt.exitCode = event.exitCode;
        if (event.reason !== undefined) attempt.reason = event.reason;
        if (event.outcome === 'unknown') unknowns.push({ step: event.unit.step, unit: event.unit, label: unitLabel(event.unit), attempt: event.attempt, startedAt: attempt.startedAt, reason: event.reason ?? 'no outcome', finalStatus: 'unknown' });
        break;
      }
      case 'confirmation':
        records.push({ kind: 'confirmation', step: event.step, at: event.at, by: event.by, via: event.via, phrase: event.phrase, ...(event.checklist ? { checklist: event.checklist } : {}), ...(event.review ? { review: event.review } : {}) });
        break;
      case 'decision': {
        const record: ReportRecord = { kind: 'decision', step: event.step, ...(event.unit ? { unit: event.unit } : {}), at: event.at, by: event.by, via: event.via, decision: event.decision, reason: event.reason };
        records.push(record);
        if (event.unit) {
          const id = unitId(event.unit);
          const unsettled = unknowns.find((u) => !u.settled && unitId(u.unit) === id);
          if (unsettled) unsettled.settled = record;
        }
        break;
      }
      case 'run-paused':
      case 'run-finished':
      case 'step-started':
      case 'step-skipped':
      case 'step-finished':
      case 'unit-skipped':
        break;
    }
    lastAt = event.at;
  }
  // Still open at the end of the journal: running if a live process drives the run, else unknown.
  if (condition !== 'running') closeSession('fieldbook stopped while it ran (no outcome was recorded)');
  return { histories, records, unknowns, sessions, notes, targets };
}

function stepOf(id: string, spec: StepSpec | undefined, state: RunState, histories: Map<string, UnitHistory>, records: ReportRecord[], logs: ReadonlyMap<string, string>, attempts: readonly JournaledAttempt[], condition: RunCondition): ReportStep {
  const stepState = state.steps.get(id);
  const units: ReportUnit[] = [...(stepState?.units.values() ?? [])].map((unit) => {
    const history = histories.get(unitId(unit.key));
    const status: UnitStatus = unit.status === 'started' ? (condition === 'running' ? 'running' : 'unknown') : unit.status;
    const log = `logs/${unit.key.step}/${unit.key.target}.log`;
    return {
      key: unit.key,
      label: unitLabel(unit.key),
      status,
      ...(unit.exitCode !== undefined ? { exitCode: unit.exitCode } : {}),
      ...(unit.reason !== undefined ? { reason: unit.reason } : {}),
      ...(unit.durationMs !== undefined ? { durationMs: unit.durationMs } : {}),
      ...(unit.startedAt ? { startedAt: unit.startedAt } : {}),
      ...(unit.finishedAt ? { finishedAt: unit.finishedAt } : {}),
      ...(unit.outputs ? { outputs: unit.outputs } : {}),
      attempts: history?.attempts ?? [],
      ...(logs.has(log) ? { log } : {}),
    };
  });
  attachExcerpts(units, logs, attempts);
  const kind = spec ? (spec.manual ? 'manual' : spec.kubectl ? 'kubectl' : 'run') : undefined;
  const step: ReportStep = {
    id,
    title: spec?.title ?? id,
    ...(spec?.description ? { description: spec.description } : {}),
    ...(kind ? { kind } : {}),
    ...(spec && kind !== 'manual' ? { on: spec.on ?? (kind === 'kubectl' ? 'kubectl' : 'local') } : {}),
    destructive: spec?.destructive ?? false,
    readonly: spec?.readonly ?? false,
    status: stepState?.status ?? 'pending',
    ...(stepState?.reason ? { reason: stepState.reason } : {}),
    ...(stepState?.startedAt ? { startedAt: stepState.startedAt } : {}),
    ...(stepState?.finishedAt ? { finishedAt: stepState.finishedAt } : {}),
    outputs: stepState?.outputs ?? {},
    units,
    records: records.filter((r) => r.step === id),
  };
  if (step.startedAt && step.finishedAt) step.durationMs = Date.parse(step.finishedAt) - Date.parse(step.startedAt);
  if (step.status === 'failed' && !step.reason) {
    const failed = units.find((u) => u.status === 'failed');
    if (failed?.reason) step.reason = `${failed.label}: ${failed.reason}`;
  }
  return step;
}

/** Give every attempt the tail of its own output, read from the unit's log (items and retries share a log). */
function attachExcerpts(units: ReportUnit[], logs: ReadonlyMap<string, string>, attempts: readonly JournaledAttempt[]): void {
  const mine = new Map([...logs].filter(([path]) => units.some((u) => u.log === path)));
  const outputs = attemptOutputs(mine, attempts);
  for (const unit of units) {
    const seen = new Map<number, number>();
    for (const attempt of unit.attempts) {
      const nth = seen.get(attempt.attempt) ?? 0;
      seen.set(attempt.attempt, nth + 1);
      const lines = outputs.get(`${unit.label}#${attempt.attempt}`)?.[nth];
      if (lines) attempt.excerpt = excerptOf(lines);
    }
  }
}

function siteOf(state: RunState, site: Site | undefined): ReportSite {
  const roles = site?.roles ?? {};
  return {
    name: state.site.name,
    ...(site?.metadata.description ? { description: site.metadata.description } : {}),
    path: state.site.path,
    sha256: state.site.sha256,
    hosts: Object.entries(site?.hosts ?? {}).map(([name, host]) => ({
      name,
      address: host.address,
      ...(host.port ?? site?.ssh.port ? { port: host.port ?? site!.ssh.port! } : {}),
      ...(host.user ?? site?.ssh.user ? { user: host.user ?? site!.ssh.user! } : {}),
      roles: Object.entries(roles).filter(([, members]) => members.includes(name)).map(([role]) => role),
    })),
    roles,
    ...(site?.kube ? { kube: { via: site.kube.via, ...(site.kube.context ? { context: site.kube.context } : {}), ...(site.kube.namespace ? { namespace: site.kube.namespace } : {}) } } : {}),
  };
}
