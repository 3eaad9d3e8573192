import { unitId, unitLabel, type UnitKey } from '../journal/events.js';
import type { UnitState } from '../journal/state.js';
import type { PlannedStep } from '../plan/types.js';
import type { EngineContext } from './context.js';
import type { Waiting } from './events.js';
import { settleFlag } from './operator.js';
import { aggregateOutputs } from './outputs.js';

/** How a step ended for the run: go on, or stop (and why). */
export type StepEnd = { kind: 'continue' } | { kind: 'stop'; reason: 'interrupted' | 'needs-operator' | 'step-failed'; waiting: Waiting[] };

/** Go on with the next step. */
export const CONTINUE: StepEnd = { kind: 'continue' };

/** A waiting item with the flag that settles it. */
export const waitingFor = (w: Omit<Waiting, 'flag'>): Waiting => ({ ...w, flag: settleFlag(w) });

/** A unit as the journal knows it now (undefined: never started). */
export function unitState(ctx: EngineContext, key: UnitKey): UnitState | undefined {
  return ctx.state.steps.get(key.step)?.units.get(unitId(key));
}

/** Succeeded or skipped: never runs again. */
export function isDone(ctx: EngineContext, key: UnitKey): boolean {
  const status = unitState(ctx, key)?.status;
  return status === 'succeeded' || status === 'skipped';
}

/** Record a step's end with its aggregated outputs. */
export async function finishStep(ctx: EngineContext, step: PlannedStep, status: 'succeeded' | 'failed' | 'skipped', started: number): Promise<StepEnd> {
  const units = [...(ctx.state.steps.get(step.id)?.units.values() ?? [])];
  await ctx.record({ type: 'step-finished', step: step.id, status, outputs: aggregateOutputs(step, units) });
  ctx.emit({ type: 'step-finished', step: step.id, status, durationMs: Math.round(performance.now() - started) });
  return CONTINUE;
}

/** Record a decision about a unit (a skip also records the unit as skipped). */
export async function decide(ctx: EngineContext, unit: UnitKey, decision: 'rerun' | 'done' | 'skip', reason: string, via: 'prompt' | 'flag' | 'policy'): Promise<void> {
  await ctx.record({ type: 'decision', step: unit.step, unit, decision, reason, by: ctx.actor, via });
  if (decision === 'skip') await ctx.record({ type: 'unit-skipped', unit, reason });
  ctx.emit({ type: 'recorded', step: unit.step, what: 'decision', text: `${unitLabel(unit)}: ${decision} (${reason})`, unit, decision });
  if (decision === 'skip') ctx.emit({ type: 'unit-skipped', unit, reason });
}
