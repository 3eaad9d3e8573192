import type { Actor, Decision, Review, UnitKey } from '../journal/events.js';
import type { Mode, StepKind } from '../plan/types.js';
import type { ParamValue } from '../schema/common.js';

/** The report format; bumped when a field changes meaning (adding fields does not bump it). */
export const REPORT_FORMAT = 'fieldbook-report/v1';

/**
 * Everything a report says about one run, built from the journal, the run's runbook and site copies and its
 * logs. Pure data: the Markdown, HTML and JSON renderers all draw from this, and it holds nothing that depends
 * on where the run directory is, so a run imported elsewhere gives the same report.
 */
export interface Report {
  format: typeof REPORT_FORMAT;
  /** The fieldbook that wrote the report (the one that drove the run is `run.fieldbook`). */
  generatedBy: string;
  run: ReportRun;
  runbook: ReportRunbook;
  site: ReportSite;
  params: ReportParam[];
  /** Runbook order; steps that never started are there too (`pending`). */
  steps: ReportStep[];
  /** Every confirmation and decision, in journal order. */
  records: ReportRecord[];
  /** Every attempt whose outcome was unknown (crash, lost connection), and what settled it. */
  unknowns: ReportUnknown[];
  /** Every attempt that acted on items nobody reviewed (`expect.withinReview`), whatever was decided after. */
  unreviewed: ReportUnreviewed[];
  /** Unit targets (hosts, `local`, `operator`, pods) in the order they first ran: the timeline's rows. */
  targets: string[];
  /** Things a reader should know that are not steps: lock take-overs, re-runs asked for, a torn journal tail. */
  notes: ReportNote[];
}

/** How the run stands: the journal's word, with `crashed` for a run that stopped without saying so. */
export type RunCondition = 'running' | 'paused' | 'crashed' | 'succeeded' | 'failed' | 'abandoned';

export interface ReportRun {
  id: string;
  mode: Mode;
  condition: RunCondition;
  pausedFor?: 'interrupted' | 'needs-operator' | 'step-failed';
  waiting?: string[];
  fieldbook: string;
  /** The operator who started the run (see `sessions` for who resumed it). */
  operator: Actor;
  startedAt: string;
  /** When the run finished; for a stopped run, the time of its last journal event. */
  endedAt: string;
  finished: boolean;
  /** endedAt - startedAt, wall clock (pauses included). */
  durationMs: number;
  /** The run whose params this run reused (`fieldbook run --like`). */
  like?: string;
  /** The first session (run) and every resume: who, when, which process. */
  sessions: ReportSession[];
  counts: Record<UnitStatus, number>;
}

export interface ReportSession {
  kind: 'run' | 'resume';
  at: string;
  by: Actor;
  pid: number;
  /** Resumed with --force although the runbook or site had changed: what changed. */
  changed?: string[];
}

export interface ReportRunbook {
  name: string;
  title: string;
  description?: string;
  /** Where the runbook was read from when the run started (`shipped:<name>` for a shipped one). */
  path: string;
  sha256: string;
}

/** The site copy: no secrets live in a site file (they come only from FIELDBOOK_SECRET_* or a prompt). */
export interface ReportSite {
  name: string;
  description?: string;
  path: string;
  sha256: string;
  hosts: { name: string; address: string; port?: number; user?: string; roles: string[] }[];
  roles: Record<string, string[]>;
  kube?: { via: string; context?: string; namespace?: string };
}

export interface ReportParam {
  name: string;
  /** Absent for secrets, which are recorded by name only. */
  value?: ParamValue;
  source: string;
  secret: boolean;
}

export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';
export type UnitStatus = 'running' | 'succeeded' | 'failed' | 'skipped' | 'unknown';
export type AttemptOutcome = 'running' | 'succeeded' | 'failed' | 'unknown';

export interface ReportStep {
  id: string;
  title: string;
  description?: string;
  kind?: StepKind;
  /** The role or `local` it ran on. */
  on?: string;
  destructive: boolean;
  readonly: boolean;
  status: StepStatus;
  /** Why it was skipped or failed. */
  reason?: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  /** Aggregated outputs, as later steps see them. */
  outputs: Record<string, unknown>;
  units: ReportUnit[];
  /** The step's confirmations and decisions. */
  records: ReportRecord[];
}

export interface ReportUnit {
  key: UnitKey;
  /** `wipe-bucket@cp1[2: pkg.tgz]`. */
  label: string;
  status: UnitStatus;
  exitCode?: number;
  reason?: string;
  /** Duration of the last attempt. */
  durationMs?: number;
  startedAt?: string;
  finishedAt?: string;
  outputs?: Record<string, unknown>;
  /** Every attempt in order: retries, re-runs after a crash, re-runs asked for. */
  attempts: ReportAttempt[];
  /** The full log, relative to the run directory. */
  log?: string;
}

export interface ReportAttempt {
  attempt: number;
  /** The command as shown to the operator (secrets masked). */
  command: string;
  startedAt: string;
  /** Absent while running, and when the outcome is unknown because fieldbook stopped. */
  finishedAt?: string;
  /** For an attempt that never reported: the last moment fieldbook was known to be alive. */
  lastSeenAt?: string;
  outcome: AttemptOutcome;
  exitCode?: number;
  reason?: string;
  durationMs?: number;
  /** The last lines of this attempt's output in the log (masked, like the log). */
  excerpt?: LogExcerpt;
}

export interface LogExcerpt {
  lines: string[];
  /** Output lines before the excerpt that are only in the full log. */
  omitted: number;
}

export interface ReportRecord {
  kind: 'confirmation' | 'decision';
  step: string;
  unit?: UnitKey;
  at: string;
  by: Actor;
  via: 'prompt' | 'flag' | 'checklist' | 'policy';
  /** Confirmation: the phrase typed. */
  phrase?: string;
  checklist?: string[];
  /** Confirmation of a step that acts on a reviewed list: the list as it was reviewed. */
  review?: Review;
  /** Decision: rerun, done, skip, retry, abort, reattach. */
  decision?: Decision;
  reason?: string;
}

export interface ReportUnknown {
  step: string;
  unit: UnitKey;
  label: string;
  attempt: number;
  startedAt: string;
  /** Why the outcome is unknown: the transport's reason, or fieldbook stopped while it ran. */
  reason: string;
  /** The decision that settled it (none yet: still open). */
  settled?: ReportRecord;
  /** What the unit ended as. */
  finalStatus: UnitStatus;
}

export interface ReportUnreviewed {
  label: string;
  attempt: number;
  at: string;
  items: string[];
  /** What the unit ended as (a person may have marked it done or skipped it since). */
  finalStatus: UnitStatus;
}

export interface ReportNote {
  at: string;
  text: string;
}
