import type { RunState } from '../../journal/state.js';
import type { Plan } from '../../plan/types.js';
import type { StepSeed } from './run-model.js';

/** What the TUI shows before any event: each step's description and resolved command, and on resume what is already done. */
export function seedFromPlan(plan: Plan, state: RunState | undefined): StepSeed[] {
  return plan.steps.map((step) => {
    const known = state?.steps.get(step.id);
    const first = step.invocations[0];
    return {
      id: step.id,
      ...(step.description ? { description: step.description } : {}),
      ...(first ? { planned: first.display } : {}),
      ...(known && known.status !== 'pending' ? { status: known.status } : {}),
      ...(known?.reason ? { reason: known.reason } : {}),
      ...(known?.items ? { items: known.items } : {}),
      ...(known
        ? {
            units: [...known.units.entries()].map(([id, u]) => ({
              id,
              key: u.key,
              status: u.status,
              ...(u.exitCode !== undefined ? { exitCode: u.exitCode } : {}),
              ...(u.reason !== undefined ? { reason: u.reason } : {}),
              ...(u.durationMs !== undefined ? { durationMs: u.durationMs } : {}),
              ...(u.outputs ? { outputs: u.outputs } : {}),
            })),
          }
        : {}),
    };
  });
}
