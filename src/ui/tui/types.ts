import type { ConfirmRequest, FailureRequest, HostKeyRequest, ManualRequest, UnknownRequest } from '../../engine/operator.js';
import type { PauseReason, Waiting } from '../../engine/events.js';
import type { Mode, StepKind } from '../../plan/types.js';
import type { LineRing } from './line-ring.js';

/** What the step list shows for a step. */
export type StepStatus = 'pending' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped' | 'unknown';

/** One target (host, `local`, `operator`) of a step: its latest unit and its output tail. */
export interface HostView {
  name: string;
  status: 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'unknown';
  attempt: number;
  item?: { index: number; value: string };
  exitCode?: number;
  durationMs?: number;
  reason?: string;
  outputs?: Record<string, unknown>;
  /** The command it ran last (secrets masked). */
  command?: string;
  output: LineRing;
}

/** A step as the TUI shows it; mutated by the model as events arrive, read by the components. */
export interface StepView {
  index: number;
  id: string;
  title: string;
  description?: string;
  kind: StepKind;
  destructive: boolean;
  readonly: boolean;
  targets: string[];
  /** The plan's resolved command (secrets masked), before the step runs. */
  planned?: string;
  status: StepStatus;
  reason?: string;
  items?: string[];
  units: number;
  /** Units that succeeded or were skipped, failed, or ended unknown, by unit id. */
  unitStatus: Map<string, 'running' | 'succeeded' | 'failed' | 'skipped' | 'unknown'>;
  startedAt?: number;
  durationMs?: number;
  /** The last command started (secrets masked). */
  command?: string;
  wouldRun?: { why: 'dry-run' | 'rehearsal'; invocations: { target: string; item?: string; command: string }[]; confirm?: string; captures: string[] };
  hosts: Map<string, HostView>;
  /** The target that printed last: the output tail follows it unless the operator picked one. */
  lastOutputHost?: string;
  /** Printed above the live area (in `<Static>`) once it ended. */
  settled: boolean;
}

/** A line (or block) printed once above the live area: finished steps, notes, records, the end. */
export interface StaticEntry {
  key: string;
  kind: 'step' | 'note' | 'record' | 'end';
  status?: StepStatus;
  text: string;
  /** Indented lines under it (would-run commands, waiting items). */
  detail?: string[];
}

export interface RunHeader {
  runId: string;
  runDir: string;
  mode: Mode;
  title: string;
  runbook: string;
  site: string;
  resumed: boolean;
  startedAt: number;
}

export type RunPhase =
  | { kind: 'starting' }
  | { kind: 'running' }
  | { kind: 'paused'; reason: PauseReason; waiting: Waiting[]; resumeCommand: string }
  | { kind: 'finished'; status: 'succeeded' | 'failed'; durationMs: number };

/** A question on screen; `answer` settles the engine's promise. */
export type Dialog =
  | { kind: 'confirm'; request: ConfirmRequest; answer(value: { phrase: string; via: 'prompt' } | 'refused'): void }
  | { kind: 'manual'; request: ManualRequest; answer(value: { values: Record<string, string>; via: 'prompt' } | 'refused'): void }
  | { kind: 'failure'; request: FailureRequest; answer(value: { decision: 'retry' | 'skip' | 'abort'; reason: string; via: 'prompt' } | undefined): void }
  | { kind: 'unknown'; request: UnknownRequest; answer(value: { decision: 'rerun' | 'done' | 'skip'; reason: string; via: 'prompt' } | undefined): void }
  | { kind: 'host-key'; request: HostKeyRequest; answer(value: 'accept' | 'refuse'): void }
  /** A password or key passphrase the SSH transport needs, typed hidden. */
  | { kind: 'secret'; prompt: string; answer(value: string | undefined): void }
  /** Asked by the TUI itself: pause (q), or stop a running destructive step (Ctrl-C). */
  | { kind: 'pause'; destructive?: string; answer(value: boolean): void };

export type DialogKind = Dialog['kind'];
