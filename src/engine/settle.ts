import { unitId, unitLabel, type UnitKey } from '../journal/events.js';
import { logPath } from '../journal/run-dir.js';
import type { UnitState } from '../journal/state.js';
import type { PlannedStep } from '../plan/types.js';
import { renderText, TemplateError } from '../template/index.js';
import type { EngineContext } from './context.js';
import type { Waiting } from './events.js';
import { lastOutputLines } from './log-tail.js';
import type { UnknownRequest } from './operator.js';
import { decide, finishStep, unitState, waitingFor, type StepEnd } from './step-state.js';
import { unitScope } from './unit-runner.js';

/**
 * Units started before and never finished (a crash), or whose outcome is unknown: rerun, or ask. On the first
 * pass, units that failed before this process started follow --decide when it names them.
 */
export async function settleUnfinished(
  ctx: EngineContext,
  step: PlannedStep,
  keys: UnitKey[],
  { rerunByPolicy, reattach, firstPass }: { rerunByPolicy: Set<string>; reattach: Set<string>; firstPass: boolean },
): Promise<StepEnd | undefined> {
  const waiting: Waiting[] = [];
  for (const key of keys) {
    const unit = unitState(ctx, key);
    if (unit?.status === 'failed' && firstPass) {
      // Failed before this resume: rerun by default (the operator fixed the cause), unless --decide says otherwise.
      const preset = ctx.operator.presetDecision?.(key);
      if (preset && preset !== 'rerun') await decide(ctx, key, preset, `--decide ${key.step}=${preset}`, 'flag');
      // It acted on items nobody reviewed: never again by default; a person decides, naming the step.
      else if (unit.unreviewed?.length && preset !== 'rerun') {
        waiting.push(waitingFor({ kind: 'failure', step: step.id, unit: key, detail: `UNREVIEWED: ${unitLabel(key)}: ${unit.reason ?? 'acted on items that were not reviewed'}`, unreviewed: true }));
      }
      continue;
    }
    if (!unit || (unit.status !== 'started' && unit.status !== 'unknown')) continue;
    const why = unit.status === 'started' ? 'it was running when fieldbook stopped (crash or lost connection)' : (unit.reason ?? 'outcome unknown');
    // A detached unit keeps running on its host: follow it again rather than start it twice.
    const onHost = step.targets.find((t) => t.name === key.target)?.transport.kind === 'host';
    if (step.detach && onHost && unit.status === 'started' && !reattach.has(unitId(key)) && firstPass) {
      reattach.add(unitId(key));
      await ctx.record({ type: 'decision', step: key.step, unit: key, decision: 'reattach', reason: 'detached step: still running on its host', by: ctx.actor, via: 'policy' });
      ctx.emit({ type: 'recorded', step: key.step, what: 'decision', text: `${unitLabel(key)}: reattach (detached step)`, unit: key, decision: 'reattach' });
      continue;
    }
    // Safe steps are rerun by themselves, once per process: a unit that keeps ending unknown goes to the operator.
    if (step.idempotent && !rerunByPolicy.has(unitId(key))) {
      rerunByPolicy.add(unitId(key));
      await decide(ctx, key, 'rerun', `${step.readonly ? 'readonly' : 'idempotent'} step: safe to run again`, 'policy');
      continue;
    }
    const request = unknownRequest(ctx, step, key, why);
    const answer = await ctx.operator.decideUnknown(request);
    if (answer === undefined) {
      const detail = `${unitLabel(key)}: outcome unknown (${why}); decide whether to rerun it, mark it done, or skip it`;
      waiting.push(waitingFor({ kind: 'decision', step: step.id, unit: key, detail, notes: unknownNotes(request) }));
      continue;
    }
    await decide(ctx, key, answer.decision, answer.reason, answer.via);
  }
  return waiting.length > 0 ? { kind: 'stop', reason: 'needs-operator', waiting } : undefined;
}

/** How many lines of what an unknown unit printed last are offered (a dialog shows what fits; a stop prints 5). */
const LAST_LINES = 12;

/** What the operator needs to settle an unknown unit: where it had got to, its log, and how to check the target. */
function unknownRequest(ctx: EngineContext, step: PlannedStep, key: UnitKey, reason: string): UnknownRequest {
  const path = logPath(ctx.paths, step.id, key.target);
  const check = checkHint(ctx, step, key);
  return {
    step: step.id,
    title: step.title,
    unit: key,
    reason,
    destructive: step.destructive,
    lastLines: lastOutputLines(path, key, LAST_LINES, unitState(ctx, key)?.logMark).map((line) => ctx.masker.mask(line)),
    logPath: path,
    ...(check ? { check } : {}),
  };
}

/** The step's `check:` for this unit (its host, its item), secrets masked; as written when it cannot be rendered now. */
function checkHint(ctx: EngineContext, step: PlannedStep, key: UnitKey): string | undefined {
  const text = step.spec.check;
  const target = step.targets.find((t) => t.name === key.target);
  if (text === undefined || !target) return text;
  try {
    return ctx.masker.mask(renderText(text, unitScope(ctx, step, target, key.item?.value, true)).trim());
  } catch (error) {
    if (error instanceof TemplateError) return ctx.masker.mask(text.trim());
    throw error;
  }
}

/** The same, as lines under a waiting item when nobody can be asked. */
function unknownNotes(request: UnknownRequest): string[] {
  return [
    ...(request.lastLines.length > 0 ? ['it printed last:', ...request.lastLines.slice(-5).map((line) => `│ ${line}`)] : ['it printed nothing']),
    `log: ${request.logPath}`,
    ...(request.check ? request.check.split('\n').map((line, i) => (i === 0 ? `check: ${line}` : `  ${line}`)) : []),
  ];
}

/** A step with failed units: continue, abort, or ask the operator (retry, skip with a reason, abort). */
export async function handleFailure(ctx: EngineContext, step: PlannedStep, failed: UnitState[], started: number): Promise<StepEnd | 'retry'> {
  const summary = failed.map((u) => `${unitLabel(u.key)}: ${u.reason ?? 'failed'}`);
  // It acted on what nobody reviewed: no retry, no skip, no going on; the run stops for a person to look.
  if (failed.some((u) => u.unreviewed?.length)) {
    return { kind: 'stop', reason: 'step-failed', waiting: [waitingFor({ kind: 'failure', step: step.id, detail: `UNREVIEWED: ${summary.join('; ')}`, unreviewed: true })] };
  }
  switch (step.spec.onFailure) {
    case 'continue':
      return finishStep(ctx, step, 'failed', started);
    case 'abort':
      return { kind: 'stop', reason: 'step-failed', waiting: [waitingFor({ kind: 'failure', step: step.id, detail: summary.join('; ') })] };
    case 'ask': {
      const answer = await ctx.operator.onFailure({
        step: step.id,
        title: step.title,
        failed: failed.map((u) => ({ unit: u.key, reason: u.reason ?? 'failed' })),
        logPaths: [...new Set(failed.map((u) => logPath(ctx.paths, step.id, u.key.target)))],
      });
      if (answer === undefined || answer.decision === 'abort') {
        if (answer) await ctx.record({ type: 'decision', step: step.id, decision: 'abort', reason: answer.reason, by: ctx.actor, via: answer.via });
        return { kind: 'stop', reason: 'step-failed', waiting: [waitingFor({ kind: 'failure', step: step.id, detail: summary.join('; ') })] };
      }
      if (answer.decision === 'retry') {
        await ctx.record({ type: 'decision', step: step.id, decision: 'retry', reason: answer.reason, by: ctx.actor, via: answer.via });
        return 'retry';
      }
      for (const unit of failed) await decide(ctx, unit.key, 'skip', answer.reason, answer.via);
      return 'retry'; // the units not yet run (later items of a failed host) still run

    }
  }
}
