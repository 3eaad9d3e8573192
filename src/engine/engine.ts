import type { EngineContext } from './context.js';
import type { PauseReason, Waiting } from './events.js';
import { askedAhead } from './flags-ahead.js';
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

/**
 * Stop, saying how to go on. With nobody to ask, the resume command carries every flag the rest of the run needs
 * (a flag with words in parentheses needs a person first and is only printed); on a terminal it is bare, since
 * the questions are asked there and an `--approve` pasted from here would skip a phrase.
 */
async function pause(ctx: EngineContext, reason: PauseReason, waiting: Waiting[]): Promise<RunResult> {
  const ahead = ctx.unattended ? askedAhead(ctx.plan, ctx.state, ctx.mode).filter((a) => !waiting.some((w) => w.flag === a.flag)) : [];
  const flags = [...new Set([...waiting, ...ahead].map((w) => w.flag).filter((f) => !f.includes(' (')))];
  const resumeCommand = [ctx.resumeCommand, ...flags].join(' ');
  await ctx.record({ type: 'run-paused', reason, ...(waiting.length ? { waiting: waiting.map((w) => w.detail) } : {}) });
  ctx.emit({ type: 'run-paused', reason, waiting, ...(ahead.length ? { ahead } : {}), resumeCommand });
  return { status: 'paused', reason, waiting };
}
