import type { ParamValue } from '../schema/common.js';
import type { Mode } from '../plan/types.js';

import { itemLabel } from '../template/record-item.js';
import type { RemoteHolder } from './remote-holder.js';
/** The journal format; a newer fieldbook reads older versions or refuses them clearly. */
export const JOURNAL_VERSION = 1;

/** The list a destructive step acts on, as the operator reviewed it before confirming. */
export interface Review {
  count: number;
  /** sha256 of the items as JSON: an approval names it, so a list that changed needs a new review. */
  digest: string;
  items: string[];
}

/** Who did something: recorded with every confirmation and decision. */
export interface Actor {
  user: string;
  host: string;
}

/** One (step, target, item): the unit that is checkpointed. `item` is the foreach index and value. */
export interface UnitKey {
  step: string;
  target: string;
  item?: { index: number; value: string };
}

export type UnitOutcome = 'succeeded' | 'failed' | 'skipped' | 'unknown';

/** What a decision about a step or unit settles. */
export type Decision = 'rerun' | 'done' | 'skip' | 'retry' | 'abort' | 'reattach';

interface Base {
  /** Time of writing, ISO 8601. */
  at: string;
}

/** Every line of journal.jsonl. Written and fsynced before the action it announces. */
export type JournalEvent = Base &
  (
    | {
        type: 'run-started';
        v: typeof JOURNAL_VERSION;
        runId: string;
        fieldbook: string;
        mode: Mode;
        runbook: { name: string; title: string; path: string; sha256: string };
        site: { name: string; path: string; sha256: string };
        /** Non-secret values; secrets appear by name only, with `secret: true`. */
        params: Record<string, { value?: ParamValue; source: string; secret: boolean }>;
        by: Actor;
        pid: number;
        /** `fieldbook run --like <run>`: the run whose non-secret params this one reused. */
        like?: string;
      }
    | { type: 'run-resumed'; by: Actor; pid: number; force: boolean; changed?: string[] }
    | { type: 'lock-taken-over'; lock: 'run' | 'site'; from: { pid: number; hostname: string; user: string; startedAt: string } }
    /** Which site lock this process holds: a Lease, a lock directory over SSH, or the runs directory's only (why, in `note`). */
    | { type: 'site-lock'; lock: 'lease' | 'ssh' | 'local'; where: string; note?: string; from?: RemoteHolder }
    /** `fieldbook unlock --remote`: a person broke the site's remote lock this run held. */
    | { type: 'site-lock-broken'; by: Actor; where: string; holder: RemoteHolder }
    | { type: 'rerun-requested'; by: Actor; from?: string; only?: string; steps: string[] }
    | { type: 'step-started'; step: string; items?: string[] }
    | { type: 'step-skipped'; step: string; reason: string }
    | { type: 'step-finished'; step: string; status: 'succeeded' | 'failed' | 'skipped'; outputs: Record<string, unknown> }
    | { type: 'confirmation'; step: string; by: Actor; phrase: string; via: 'prompt' | 'flag' | 'checklist'; checklist?: string[]; review?: Review }
    | { type: 'decision'; unit?: UnitKey; step: string; decision: Decision; reason: string; by: Actor; via: 'prompt' | 'flag' | 'policy' }
    // logMark: the mark of this attempt's section in the unit's log (src/journal/log-framing.ts); older runs have none.
    | { type: 'unit-started'; unit: UnitKey; attempt: number; command: string; logMark?: string }
    | { type: 'unit-finished'; unit: UnitKey; attempt: number; outcome: UnitOutcome; exitCode?: number; reason?: string; durationMs: number; outputs?: Record<string, unknown>; unreviewed?: string[] }
    | { type: 'unit-skipped'; unit: UnitKey; reason: string }
    | { type: 'run-paused'; reason: 'interrupted' | 'needs-operator' | 'step-failed'; waiting?: string[] }
    | { type: 'run-finished'; status: 'succeeded' | 'failed' }
    /** `fieldbook abandon`: a person ends an unfinished run for good; it can never be resumed. */
    | { type: 'run-abandoned'; by: Actor; reason: string }
  );

export type JournalEventType = JournalEvent['type'];
/** An event before its timestamp is added. */
export type NewJournalEvent = JournalEvent extends infer E ? (E extends Base ? Omit<E, 'at'> : never) : never;

/** `cp1`, `cp1 item 3 (pkg.tgz)`: how a unit is named in messages. */
export function unitLabel(unit: UnitKey): string {
  return `${unit.step}${unit.target === 'local' || unit.target === 'operator' ? '' : `@${unit.target}`}${unit.item ? `[${unit.item.index}: ${itemLabel(unit.item.value)}]` : ''}`;
}

/** A stable map key for a unit. */
export function unitId(unit: UnitKey): string {
  return `${unit.step}\u0000${unit.target}\u0000${unit.item?.index ?? ''}`;
}
