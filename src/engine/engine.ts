import type { EngineContext } from './context.js';
import type { PauseReason, Waiting } from './events.js';
import { runStep } from './step-runner.js';

/** How a run (or this stretch of it) ended. */
export type RunResult = { status: 'succeeded' | 'failed' } | { status: 'paused'; reason: PauseReason; waiting: Waiting[] };

/**
 * Walk the plan from the first step not yet complete. A completed step is never run again: its outputs come
 * from the journal. Returns when the run ends or must stop (interrupt, a question nobody can answer, a failure).
 */
export async function runEngine(ctx: EngineContext): Promise<RunResult> {
  const started = performance.now();
  for (const step of ctx.plan.steps) {
    if (ctx.signal.aborted) return pause(ctx, 'interrupted', []);
    const status = ctx.state.steps.get(step.id)?.status;
    if (status === 'succeeded' || status === 'skipped' || status === 'failed') continue;
    const end = await runStep(ctx, step);
    if (end.kind === 'stop') return pause(ctx, end.reason, end.waiting);
  }
  const failed = [...ctx.state.steps.values()].some((s) => s.status === 'failed');
  const status = failed ? 'failed' : 'succeeded';
  await ctx.record({ type: 'run-finished', status });
  ctx.emit({ type: 'run-finished', status, durationMs: Math.round(performance.now() - started) });
  return { status };
}

async function pause(ctx: EngineContext, reason: PauseReason, waiting: Waiting[]): Promise<RunResult> {
  const flags = [...new Set(waiting.map((w) => w.flag).filter((f) => !f.includes(' (')))];
  const resumeCommand = [ctx.resumeCommand, ...flags].join(' ');
  await ctx.record({ type: 'run-paused', reason, ...(waiting.length ? { waiting: waiting.map((w) => w.detail) } : {}) });
  ctx.emit({ type: 'run-paused', reason, waiting, resumeCommand });
  return { status: 'paused', reason, waiting };
}
