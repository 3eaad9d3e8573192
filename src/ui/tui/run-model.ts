import type { EngineEvent, StepOverview } from '../../engine/events.js';
import { assertNever } from '../../errors.js';
import { unitId, type UnitKey } from '../../journal/events.js';
import { itemLabel } from '../../template/record-item.js';
import { LineRing } from './line-ring.js';
import { dialogStep, summaryEntry } from './summary.js';
import type { Dialog, HostView, RunHeader, RunPhase, StaticEntry, StepView } from './types.js';

/** What the journal already knew about a step before this process started (resume), and plan-only text. */
export interface StepSeed {
  id: string;
  description?: string;
  planned?: string;
  status?: 'running' | 'succeeded' | 'failed' | 'skipped';
  reason?: string;
  items?: string[];
  units?: { id: string; key: UnitKey; status: 'started' | 'succeeded' | 'failed' | 'skipped' | 'unknown'; exitCode?: number; reason?: string; durationMs?: number; outputs?: Record<string, unknown> }[];
}

export interface RunModelOptions {
  /**
   * Shortest time between two repaints for a change of state (a step or host starting or ending, a notice).
   * @default 80 (12.5 repaints a second)
   */
  repaintMs?: number;
  /**
   * Shortest time between two repaints for new output alone. A flood of output cannot be read line by line
   * anyway, and each repaint (layout, line widths, the terminal write) takes the event loop from the step for
   * 10-20 ms: at 12.5 a second a step printing 100 MB took 1.35 times as long as with `--ui plain`, at 5 about
   * as long. Output after a quiet moment still shows at once.
   * @default 2.5 × repaintMs (200: 5 repaints a second)
   */
  outputRepaintMs?: number;
  /** Lines of output kept per target. @default 200 */
  ringLines?: number;
  /** A replay of a recorded run: the header says so and the footer shows these keys instead of pause. */
  replay?: { keys: [string, string][] };
  now?: () => number;
}

/**
 * The run as the TUI shows it, fed by engine events outside React. Components read it; subscribers are told
 * of changes at most every `repaintMs` (`outputRepaintMs` when only output is new), so a flood of output costs
 * a few repaints a second, not one per line.
 */
export class RunModel {
  header: RunHeader | undefined;
  steps: StepView[] = [];
  readonly statics: StaticEntry[] = [];
  phase: RunPhase = { kind: 'starting' };
  /** One line about what an interrupt is doing (`pausing: ...`). */
  status: string | undefined;
  /** Questions waiting for the operator; the first is on screen. */
  readonly dialogs: Dialog[] = [];
  /** Bumped on every change; components re-read the model when it moves. */
  version = 0;

  private readonly byId = new Map<string, StepView>();
  private readonly seeds = new Map<string, StepSeed>();
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  /** When the pending repaint is due. */
  private dueAt = 0;
  private lastNotify = 0;
  private readonly repaintMs: number;
  private readonly outputRepaintMs: number;
  private readonly ringLines: number;
  readonly now: () => number;

  readonly replay: RunModelOptions['replay'];

  constructor(options: RunModelOptions = {}) {
    this.repaintMs = options.repaintMs ?? 80;
    this.outputRepaintMs = Math.max(this.repaintMs, options.outputRepaintMs ?? this.repaintMs * 2.5);
    this.replay = options.replay;
    this.ringLines = options.ringLines ?? 200;
    this.now = options.now ?? Date.now;
  }

  /** Plan text and journal state known before the run-started event. */
  seed(seeds: StepSeed[]): void {
    for (const seed of seeds) this.seeds.set(seed.id, seed);
  }

  step(id: string): StepView | undefined {
    return this.byId.get(id);
  }

  /** Apply one engine event. */
  apply(event: EngineEvent): void {
    switch (event.type) {
      case 'run-started':
        this.header = { runId: event.runId, runDir: event.runDir, mode: event.mode, title: event.title, runbook: event.runbook, site: event.site, resumed: event.resumed, startedAt: this.now() };
        this.steps = event.steps.map((s, i) => this.newStep(s, i + 1));
        for (const step of this.steps) this.byId.set(step.id, step);
        this.phase = { kind: 'running' };
        for (const step of this.steps) if (step.settled) this.statics.push(summaryEntry(step, this.statics.length, event.resumed && step.status !== 'skipped' ? '(before this resume)' : undefined));
        break;
      case 'notice':
        this.statics.push({ key: `note-${this.statics.length}`, kind: 'note', text: `note: ${event.text}` });
        break;
      case 'step-started': {
        const step = this.byId.get(event.step);
        if (!step) break;
        step.status = 'running';
        step.units = event.units;
        if (event.items) step.items = event.items;
        step.startedAt = this.now();
        break;
      }
      case 'step-skipped': {
        const step = this.byId.get(event.step);
        if (!step) break;
        step.status = 'skipped';
        step.reason = event.reason;
        this.settle(step);
        break;
      }
      case 'step-finished': {
        const step = this.byId.get(event.step);
        if (!step) break;
        step.status = event.status;
        step.durationMs = event.durationMs;
        this.settle(step);
        break;
      }
      case 'would-run': {
        const step = this.byId.get(event.step);
        if (step) step.wouldRun = { why: event.why, invocations: event.invocations, ...(event.confirm !== undefined ? { confirm: event.confirm } : {}), captures: event.captures };
        break;
      }
      case 'unit-started': {
        const step = this.byId.get(event.unit.step);
        if (!step) break;
        const host = this.host(step, event.unit.target);
        host.status = 'running';
        host.attempt = event.attempt;
        delete host.exitCode;
        delete host.reason;
        if (event.unit.item) {
          host.item = event.unit.item;
          host.output.mark(`── item ${event.unit.item.index + 1}/${step.items?.length ?? '?'}: ${itemLabel(event.unit.item.value)}${event.attempt > 1 ? `, attempt ${event.attempt}` : ''} ──`);
        } else if (event.attempt > 1) host.output.mark(`── attempt ${event.attempt} ──`);
        step.command = event.command;
        host.command = event.command;
        step.unitStatus.set(unitId(event.unit), 'running');
        if (step.status !== 'running') {
          step.status = 'running';
          step.startedAt ??= this.now();
        }
        step.lastOutputHost ??= host.name;
        break;
      }
      case 'output': {
        const step = this.byId.get(event.unit.step);
        if (!step) break;
        this.host(step, event.unit.target).output.push(event.text);
        step.lastOutputHost = event.unit.target;
        break;
      }
      case 'unit-finished': {
        const step = this.byId.get(event.unit.step);
        if (!step) break;
        const host = this.host(step, event.unit.target);
        host.output.flushPartial();
        host.status = event.outcome;
        host.durationMs = event.durationMs;
        if (event.exitCode !== undefined) host.exitCode = event.exitCode;
        if (event.reason !== undefined) host.reason = event.reason;
        if (event.outputs) host.outputs = event.outputs;
        step.unitStatus.set(unitId(event.unit), event.outcome);
        this.derive(step);
        break;
      }
      case 'unit-skipped': {
        const step = this.byId.get(event.unit.step);
        if (!step) break;
        const host = this.host(step, event.unit.target);
        host.status = 'skipped';
        host.reason = event.reason;
        step.unitStatus.set(unitId(event.unit), 'skipped');
        this.derive(step);
        break;
      }
      case 'retrying': {
        const step = this.byId.get(event.unit.step);
        if (step) this.host(step, event.unit.target).output.mark(`↻ retrying in ${Math.round(event.delayMs / 1000)}s: ${event.reason}`);
        break;
      }
      case 'recorded': {
        this.statics.push({ key: `record-${this.statics.length}`, kind: 'record', text: `● ${event.step}: ${event.what} ${event.text}` });
        // A unit marked done is settled as succeeded; one to be rerun (or reattached) is pending again.
        const step = event.unit && this.byId.get(event.unit.step);
        if (!step || !event.unit || (event.decision !== 'done' && event.decision !== 'rerun' && event.decision !== 'reattach')) break;
        const host = this.host(step, event.unit.target);
        if (event.decision === 'done') {
          host.status = 'succeeded';
          host.reason = 'marked done';
          step.unitStatus.set(unitId(event.unit), 'succeeded');
        } else {
          host.status = 'pending';
          delete host.reason;
          step.unitStatus.delete(unitId(event.unit));
        }
        this.derive(step);
        break;
      }
      case 'run-paused':
        this.phase = { kind: 'paused', reason: event.reason, waiting: event.waiting, resumeCommand: event.resumeCommand };
        for (const step of this.steps) {
          if (step.settled || step.unitStatus.size === 0) continue;
          for (const [id, status] of step.unitStatus) if (status === 'running') step.unitStatus.set(id, 'unknown');
          for (const host of step.hosts.values()) if (host.status === 'running') host.status = 'unknown';
          this.derive(step);
          this.settle(step);
        }
        break;
      case 'run-finished':
        this.phase = { kind: 'finished', status: event.status, durationMs: event.durationMs };
        break;
      case 'review':
        // The confirmation dialog that follows shows the list (from the operator's request).
        break;
      default:
        assertNever(event);
    }
    this.changed(event.type === 'output' ? 'output' : 'state');
  }

  /** The step the operator most likely wants to see: the one asking, else the one running, else the next. */
  activeStep(): StepView | undefined {
    const asking = this.dialogs[0];
    const asked = asking ? dialogStep(asking) : undefined;
    if (asked !== undefined) return this.byId.get(asked);
    return this.steps.find((s) => s.status === 'running' || s.status === 'waiting') ?? this.steps.find((s) => !s.settled) ?? this.steps.at(-1);
  }

  /** Put a question on screen; the engine's promise settles when `answer` is called. */
  ask(dialog: Dialog): void {
    this.dialogs.push(dialog);
    this.refreshWaiting();
    this.changed('urgent');
  }

  /** The on-screen question was answered. */
  answered(dialog: Dialog): void {
    const at = this.dialogs.indexOf(dialog);
    if (at !== -1) this.dialogs.splice(at, 1);
    this.refreshWaiting();
    this.changed('urgent');
  }

  setStatus(text: string | undefined): void {
    this.status = text;
    this.changed('urgent');
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Tell subscribers now (`urgent`: a key was pressed, a dialog opened), within `repaintMs` of the last repaint
   * (`state`) or within `outputRepaintMs` (`output`); a repaint already due sooner stays.
   */
  changed(kind: 'urgent' | 'state' | 'output' = 'state'): void {
    this.version++;
    const now = this.now();
    const due = kind === 'urgent' ? now : Math.max(now, this.lastNotify + (kind === 'output' ? this.outputRepaintMs : this.repaintMs));
    if (this.timer) {
      if (this.dueAt <= due) return;
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (due <= now) return this.notify();
    this.dueAt = due;
    this.timer = setTimeout(() => this.notify(), due - now);
    this.timer.unref?.();
  }

  /** Notify at once and stop the pending timer (the run ended). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.notify();
  }

  private notify(): void {
    this.timer = undefined;
    this.lastNotify = this.now();
    for (const listener of this.listeners) listener();
  }

  private newStep(overview: StepOverview, index: number): StepView {
    const seed = this.seeds.get(overview.id);
    const step: StepView = {
      index,
      id: overview.id,
      title: overview.title,
      ...(seed?.description ? { description: seed.description } : {}),
      kind: overview.kind,
      destructive: overview.destructive,
      readonly: overview.readonly,
      targets: overview.targets,
      ...(seed?.planned ? { planned: seed.planned } : {}),
      status: 'pending',
      units: Math.max(1, overview.targets.length) * (seed?.items?.length ?? 1),
      unitStatus: new Map(),
      hosts: new Map(),
      settled: false,
      ...(seed?.items ? { items: seed.items } : {}),
    };
    for (const unit of seed?.units ?? []) {
      const status = unit.status === 'started' ? 'unknown' : unit.status;
      step.unitStatus.set(unit.id, status);
      const host = this.host(step, unit.key.target);
      host.status = status;
      if (unit.key.item) host.item = unit.key.item;
      if (unit.exitCode !== undefined) host.exitCode = unit.exitCode;
      if (unit.reason !== undefined) host.reason = unit.reason;
      if (unit.durationMs !== undefined) host.durationMs = unit.durationMs;
      if (unit.outputs) host.outputs = unit.outputs;
    }
    if (seed?.status && seed.status !== 'running') {
      step.status = seed.status;
      if (seed.reason) step.reason = seed.reason;
      step.settled = true;
    } else if (seed?.status === 'running') this.derive(step);
    return step;
  }

  private host(step: StepView, name: string): HostView {
    let host = step.hosts.get(name);
    if (!host) {
      host = { name, status: 'pending', attempt: 0, output: new LineRing(this.ringLines) };
      step.hosts.set(name, host);
    }
    return host;
  }

  /** A step's status from its units while it is under way. */
  private derive(step: StepView): void {
    if (step.settled) return;
    const statuses = [...step.unitStatus.values()];
    if (this.dialogs.some((d) => dialogStep(d) === step.id)) step.status = 'waiting';
    else if (statuses.includes('running')) step.status = 'running';
    else if (statuses.includes('unknown')) step.status = 'unknown';
    else if (statuses.includes('failed')) step.status = 'failed';
  }

  private refreshWaiting(): void {
    for (const step of this.steps) {
      if (step.settled) continue;
      if (step.status === 'waiting') step.status = step.unitStatus.size === 0 ? 'pending' : 'running';
      this.derive(step);
    }
  }

  private settle(step: StepView): void {
    if (step.settled) return;
    step.settled = true;
    this.statics.push(summaryEntry(step, this.statics.length));
  }
}
