import type { Decision, UnitKey } from '../journal/events.js';
import type { Mode, StepKind } from '../plan/types.js';

/** One (step, target, item) as the UIs see it. */
export type UnitRef = UnitKey;

/** What a UI may show for a step before it runs. */
export interface StepOverview {
  id: string;
  title: string;
  kind: StepKind;
  destructive: boolean;
  readonly: boolean;
  targets: string[];
}

/** Why the run stopped before its end. */
export type PauseReason = 'interrupted' | 'needs-operator' | 'step-failed';

/** A step (or unit) that stopped the run until someone answers it. */
export interface Waiting {
  kind: 'confirmation' | 'manual' | 'decision' | 'failure';
  step: string;
  unit?: UnitRef;
  /** One line for a person: what is needed and why. */
  detail: string;
  /** The flag that settles it non-interactively, e.g. `--approve wipe-bucket`. */
  flag: string;
  /** A confirmation of a reviewed list: the list's digest, which its approval must name. */
  digest?: string;
  /** A failure that acted on items nobody reviewed: only a person's decision goes on. */
  unreviewed?: boolean;
  /** A step that must start afresh (its reviewed list changed half-way): only `--from <step>` goes on. */
  restart?: boolean;
  /** A manual step's recorded values: its flag names each (`--record <step>.<name>=<name>`). */
  records?: string[];
  /** More for a person, a line each: an unknown unit's last output, its log, how to check the target. */
  notes?: string[];
}

/**
 * Everything the engine tells its UIs, in order. The engine knows no UI: the TUI, the plain and the JSON
 * renderers all consume these.
 */
export type EngineEvent =
  | { type: 'run-started'; runId: string; runDir: string; mode: Mode; title: string; runbook: string; site: string; steps: StepOverview[]; resumed: boolean }
  | { type: 'notice'; text: string }
  | { type: 'step-started'; step: string; units: number; items?: string[] }
  | { type: 'step-skipped'; step: string; reason: string }
  | { type: 'step-finished'; step: string; status: 'succeeded' | 'failed' | 'skipped'; durationMs: number }
  | { type: 'would-run'; step: string; why: 'dry-run' | 'rehearsal'; invocations: { target: string; item?: string; command: string }[]; confirm?: string; captures: string[] }
  | { type: 'unit-started'; unit: UnitRef; attempt: number; command: string }
  | { type: 'output'; unit: UnitRef; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'unit-finished'; unit: UnitRef; attempt: number; outcome: 'succeeded' | 'failed' | 'unknown'; exitCode?: number; reason?: string; durationMs: number; outputs?: Record<string, unknown> }
  | { type: 'unit-skipped'; unit: UnitRef; reason: string }
  | { type: 'retrying'; unit: UnitRef; attempt: number; delayMs: number; reason: string }
  | { type: 'recorded'; step: string; what: 'confirmation' | 'decision'; text: string; unit?: UnitRef; decision?: Decision }
  /** The list a destructive step will act on, in full, shown before its confirmation is asked. */
  | { type: 'review'; step: string; count: number; digest: string; items: string[]; command?: string }
  /**
   * `ahead`: without anyone to ask, what the later steps will ask for too; `resumeCommand` then carries every flag
   * (placeholders where a person chooses), so one more command goes on to the end.
   */
  | { type: 'run-paused'; reason: PauseReason; waiting: Waiting[]; ahead?: Waiting[]; resumeCommand: string }
  | { type: 'run-finished'; status: 'succeeded' | 'failed'; durationMs: number };

export type EngineEventType = EngineEvent['type'];
