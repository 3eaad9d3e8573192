import { UsageError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import { didYouMean } from '../template/did-you-mean.js';

/** Check a --from/--only step id against the plan. */
export function stepIndexOf(plan: Plan, id: string, flag: string): number {
  const index = plan.steps.findIndex((s) => s.id === id);
  if (index < 0) {
    const hint = didYouMean(id, plan.steps.map((s) => s.id));
    throw new UsageError(`${flag} ${id}: the runbook has no step "${id}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
  }
  return index;
}

/** Steps a new run leaves out because of --from or --only, with the reason recorded for each. */
export function selectSteps(plan: Plan, flags: { from?: string; only?: string }): { id: string; reason: string }[] {
  if (flags.from !== undefined && flags.only !== undefined) throw new UsageError('--from and --only exclude each other');
  if (flags.from !== undefined) {
    const start = stepIndexOf(plan, flags.from, '--from');
    return plan.steps.slice(0, start).map((s) => ({ id: s.id, reason: `not selected (--from ${flags.from})` }));
  }
  if (flags.only !== undefined) {
    stepIndexOf(plan, flags.only, '--only');
    return plan.steps.filter((s) => s.id !== flags.only).map((s) => ({ id: s.id, reason: `not selected (--only ${flags.only})` }));
  }
  return [];
}
