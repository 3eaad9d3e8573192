import type { Actor, NewJournalEvent } from '../journal/events.js';
import type { RunPaths } from '../journal/run-dir.js';
import type { RunState } from '../journal/state.js';
import type { Plan, Mode } from '../plan/types.js';
import type { ParamValue } from '../schema/common.js';
import type { Runbook } from '../schema/runbook.js';
import type { Site } from '../schema/site.js';
import type { Masker } from '../secrets/masker.js';
import type { TransportSet } from '../schema/transport.js';
import type { EngineEvent } from './events.js';
import type { Operator } from './operator.js';


/** Everything the engine needs, passed in: it opens no file, socket or process by itself. */
export interface EngineContext {
  plan: Plan;
  runbook: Runbook;
  site: Site;
  /** Real values, secrets included: used only to render the commands that run. */
  params: Record<string, ParamValue>;
  mode: Mode;
  paths: RunPaths;
  /** Live state; every journal write is applied to it. */
  state: RunState;
  /** Append to the journal (fsynced) and apply to `state`, before the action it announces. */
  record(event: NewJournalEvent): Promise<void>;
  transports: TransportSet;
  masker: Masker;
  /**
   * Real values of manual steps' secret records, by `step.name`: the journal holds them as ****, so they live
   * here only (typed in this process, or asked again on resume) and replace the **** in commands that run.
   */
  secretRecords: Map<string, string>;
  operator: Operator;
  actor: Actor;
  emit(event: EngineEvent): void;
  /** Aborted when the operator interrupts (Ctrl-C): running steps are cancelled, the run pauses. */
  signal: AbortSignal;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** `fieldbook resume <run>`, for messages. */
  resumeCommand: string;
  /**
   * Nobody can be asked (no terminal): a stop's resume command then carries the flags of every later question.
   * @default false
   */
  unattended?: boolean;
}
