import { unitLabel } from '../journal/events.js';
import { shortDigest } from '../journal/review.js';
import type { RunState } from '../journal/state.js';
import type { Mode, Plan, PlannedStep } from '../plan/types.js';
import type { Waiting } from './events.js';
import { manualWaiting } from './operator-steps.js';
import { waitingFor } from './step-state.js';

/**
 * What the steps not yet complete will ask for, each with the flag that answers it without a prompt: a run that
 * stops with nobody to ask prints them all in its resume command, so one more command goes on to the end. A
 * step whose `when` turns out false leaves its flag unused, which harms nothing.
 */
export function askedAhead(plan: Plan, state: RunState, mode: Mode): Waiting[] {
  // A dry run asks nothing; a rehearsal runs no manual step and no destructive one that changes anything.
  if (mode !== 'live') return [];
  return plan.steps.flatMap((step) => {
    const status = state.steps.get(step.id)?.status;
    if (status === 'succeeded' || status === 'skipped' || status === 'failed') return [];
    if (step.kind === 'manual') return [manualWaiting(step)];
    return [...doubts(step, state), ...(step.destructive ? [approval(step, state)] : [])];
  });
}

/**
 * Units still unknown that a person decides on: also one decided `rerun` whose phrase was then missing (a rerun
 * does not settle it until it runs), so the command that brings the phrase brings the decision again.
 */
function doubts(step: PlannedStep, state: RunState): Waiting[] {
  if (step.idempotent) return []; // rerun by policy
  return [...(state.steps.get(step.id)?.units.values() ?? [])]
    .filter((unit) => unit.status === 'unknown' || (unit.status === 'started' && !(step.detach && onHost(step, unit.key.target))))
    .map((unit) => waitingFor({ kind: 'decision', step: step.id, unit: unit.key, detail: `${unitLabel(unit.key)}: outcome unknown; decide whether to rerun it, mark it done, or skip it` }));
}

/** A detached unit on a host is followed again on resume (reattached), not put to a person. */
const onHost = (step: PlannedStep, target: string) => step.targets.find((t) => t.name === target)?.transport.kind === 'host';

/** The approval a destructive step will need if it runs (again); a reviewed list is approved by the digest it shows. */
function approval(step: PlannedStep, state: RunState): Waiting {
  const detail = `${step.id} is destructive: running it (again) needs its phrase`;
  if (step.spec.confirm?.review === undefined) return waitingFor({ kind: 'confirmation', step: step.id, detail });
  // The list it was confirmed with, unless the preview runs again; a list not made yet has no digest to name.
  const digest = state.steps.get(step.id)?.review?.digest;
  if (digest) return waitingFor({ kind: 'confirmation', step: step.id, detail: `${detail} and the list it reviewed (sha256 ${shortDigest(digest)})`, digest });
  return { kind: 'confirmation', step: step.id, detail: `${step.id} is destructive and reviews its list first: the run stops there to show it`, flag: `--approve ${step.id}=<digest> (shown with its list)` };
}
