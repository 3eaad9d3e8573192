import { unitId, type UnitKey } from '../journal/events.js';
import type { UnitState } from '../journal/state.js';
import { evaluateCondition, evaluateItems } from '../plan/plan.js';
import { displayCommand, renderCommand } from '../plan/render-step.js';
import type { PlannedStep, PlannedTarget } from '../plan/types.js';
import { referencedSteps } from '../plan/references.js';
import { OptionValueError, TemplateError, type Value } from '../template/index.js';
import type { EngineContext } from './context.js';
import { confirm, listToConfirm, manualStep } from './operator-steps.js';
import { runPool } from './pool.js';
import { secretItem } from './secret-guards.js';
import { handleFailure, settleUnfinished } from './settle.js';
import { CONTINUE, finishStep, isDone, unitState, waitingFor, type StepEnd } from './step-state.js';
import { runUnit, unitScope } from './unit-runner.js';

export type { StepEnd } from './step-state.js';

/** Run one step: condition, mode, confirmation, units (with checkpoints), failure handling, outputs. */
export async function runStep(ctx: EngineContext, step: PlannedStep): Promise<StepEnd> {
  const gate = modeGate(ctx, step);
  if (gate) {
    showWouldRun(ctx, step, gate.why);
    return skipStep(ctx, step, gate.reason);
  }
  // A role the site leaves empty (`min: 0`): nothing to run on, said as the reason.
  if (step.targets.length === 0) return skipStep(ctx, step, `no hosts: the site gives role "${step.spec.on}" none`);
  const scope = unitScope(ctx, step, step.targets[0]!, undefined, false);
  const known = ctx.state.steps.get(step.id);
  let fanOut: { items?: string[] } | { refused: string };
  try {
    if (step.spec.when !== undefined && !evaluateCondition(step.spec.when, scope)) {
      return skipStep(ctx, step, `condition is false: ${String(step.spec.when)}`);
    }
    // Items are fixed when the step first starts (journaled), so checkpoints keep their meaning on resume.
    fanOut = known?.items ? { items: known.items } : await itemsOf(ctx, step, scope);
  } catch (error) {
    // A condition or list over an earlier step's output that is not there (that step was skipped, say).
    if (!(error instanceof TemplateError)) throw error;
    fanOut = { refused: ctx.masker.mask(error.message) };
  }
  if ('refused' in fanOut) return cannotStart(ctx, step, fanOut.refused);
  const { items } = fanOut;
  const units = unitsOf(step, items);
  const optionFromValue = valueMadeOption(ctx, step, units);
  if (optionFromValue) return cannotStart(ctx, step, optionFromValue);

  const settling = { rerunByPolicy: new Set<string>(), reattach: new Set<string>() };
  const keys = units.map((u) => u.key);
  let presettled = false;
  if (step.destructive && !units.every((u) => isDone(ctx, u.key))) {
    const list = listToConfirm(ctx, step);
    if ('end' in list) return list.end;
    // Every empty list has the same digest, and a step approved on one could only act on what nobody reviewed.
    if (list.review?.count === 0 && known?.status !== 'running') return skipStep(ctx, step, 'its reviewed list is empty: nothing reviewed to act on');
    // Doubt before the phrase: an interrupted unit marked done or skipped runs nothing, so it needs none.
    const settled = await settleUnfinished(ctx, step, keys, { ...settling, firstPass: true });
    if (settled) return settled;
    presettled = true;
    if (!units.every((u) => isDone(ctx, u.key))) {
      const end = await confirm(ctx, step);
      if (end) return end;
    }
  }
  if (known?.status !== 'running') {
    await ctx.record({ type: 'step-started', step: step.id, ...(items ? { items } : {}) });
    ctx.emit({ type: 'step-started', step: step.id, units: units.length, ...(items ? { items } : {}) });
  }
  const started = performance.now();
  if (step.kind === 'manual') return manualStep(ctx, step, units[0]!.key, started);

  for (let pass = 0; ; pass++) {
    // Settled already before the phrase: a unit to rerun stays unknown until it runs, and must not be asked twice.
    const settled = pass === 0 && presettled ? undefined : await settleUnfinished(ctx, step, keys, { ...settling, firstPass: pass === 0 });
    if (settled) return settled;
    const pending = units.filter((u) => !isDone(ctx, u.key));
    const byTarget = new Map<string, typeof pending>();
    for (const unit of pending) byTarget.set(unit.target.name, [...(byTarget.get(unit.target.name) ?? []), unit]);
    // Hosts run in parallel (up to maxParallel); a host's foreach items run one after another, in order.
    await runPool([...byTarget.values()], step.maxParallel, async (hostUnits) => {
      for (const unit of hostUnits) {
        if (ctx.signal.aborted) return;
        const result = await runUnit(ctx, step, unit.target, unit.key, settling.reattach.delete(unitId(unit.key)));
        if (result.outcome !== 'succeeded') return;
      }
    });
    if (ctx.signal.aborted) return { kind: 'stop', reason: 'interrupted', waiting: [] };
    const failed = units.map((u) => unitState(ctx, u.key)).filter((u): u is UnitState => u !== undefined && (u.status === 'failed' || u.status === 'unknown'));
    const notRun = units.filter((u) => unitState(ctx, u.key) === undefined);
    if (failed.length === 0 && notRun.length === 0) {
      const allSkipped = units.every((u) => unitState(ctx, u.key)?.status === 'skipped');
      return finishStep(ctx, step, allSkipped ? 'skipped' : 'succeeded', started);
    }
    if (failed.some((u) => u.status === 'unknown')) continue; // settled (or stopped) at the top of the loop
    const end = await handleFailure(ctx, step, failed, started);
    if (end !== 'retry') return end;
  }
}

/** What a step fans out over besides its hosts: `foreach` items, or the pods of `pods: all`. */
async function itemsOf(ctx: EngineContext, step: PlannedStep, scope: Record<string, Value>): Promise<{ items?: string[] } | { refused: string }> {
  if (step.spec.foreach !== undefined) {
    const items = evaluateItems(step.spec.foreach, scope);
    const secret = secretItem(items, ctx.masker, 'item');
    return secret ? { refused: secret } : { items };
  }
  if (step.spec.kubectl?.exec?.pods !== 'all') return {};
  const target = step.targets[0]!;
  const command = renderCommand(step.spec, ctx.site, scope)!;
  const found = await ctx.transports.listPods({ target: target.transport, command, signal: ctx.signal, onStdout: () => {}, onStderr: () => {} });
  if ('refused' in found) return { refused: ctx.masker.mask(found.refused) };
  const secret = secretItem(found.pods, ctx.masker, 'pod');
  return secret ? { refused: secret } : { items: found.pods };
}

/**
 * Why the step must not start: one of its commands would have a value as an option (`kubectl delete pod --all`
 * from a captured line). Checked for every unit still to run, before the confirmation and before any unit runs.
 */
function valueMadeOption(ctx: EngineContext, step: PlannedStep, units: { target: PlannedTarget; key: UnitKey }[]): string | undefined {
  if (step.kind !== 'kubectl') return undefined;
  for (const unit of units) {
    if (isDone(ctx, unit.key)) continue;
    try {
      renderCommand(step.spec, ctx.site, unitScope(ctx, step, unit.target, unit.key.item?.value, false));
    } catch (error) {
      // Other template errors (a reviewed list not confirmed yet) are the unit's to report when it runs.
      if (error instanceof OptionValueError) return ctx.masker.mask(error.message);
    }
  }
  return undefined;
}

/**
 * A step that cannot start (`pods: all` found no pod, `when` or `foreach` cannot be evaluated): it fails,
 * resumable, with the reason on a unit for the record.
 */
async function cannotStart(ctx: EngineContext, step: PlannedStep, reason: string): Promise<StepEnd> {
  const unit: UnitKey = { step: step.id, target: step.targets[0]!.name };
  const selector = step.spec.kubectl?.exec?.selector;
  await ctx.record({ type: 'step-started', step: step.id });
  await ctx.record({ type: 'unit-started', unit, attempt: (unitState(ctx, unit)?.attempt ?? 0) + 1, command: selector && step.spec.kubectl?.exec?.pods === 'all' ? `kubectl get pods -l ${selector}` : '(not started)' });
  await ctx.record({ type: 'unit-finished', unit, attempt: unitState(ctx, unit)!.attempt, outcome: 'failed', reason, durationMs: 0 });
  ctx.emit({ type: 'unit-finished', unit, attempt: unitState(ctx, unit)!.attempt, outcome: 'failed', reason, durationMs: 0 });
  if (step.spec.onFailure === 'continue') return finishStep(ctx, step, 'failed', performance.now());
  return { kind: 'stop', reason: 'step-failed', waiting: [waitingFor({ kind: 'failure', step: step.id, detail: `${step.id}: ${reason}` })] };
}

function unitsOf(step: PlannedStep, items: string[] | undefined): { target: PlannedTarget; key: UnitKey }[] {
  return step.targets.flatMap((target) =>
    items === undefined
      ? [{ target, key: { step: step.id, target: target.name } }]
      : items.map((value, index) => ({ target, key: { step: step.id, target: target.name, item: { index, value } } })),
  );
}

/** Why the mode keeps a step from running: a dry run runs nothing, a rehearsal only readonly steps it can feed. */
function modeGate(ctx: EngineContext, step: PlannedStep): { why: 'dry-run' | 'rehearsal'; reason: string } | undefined {
  if (ctx.mode === 'dry-run') return { why: 'dry-run', reason: 'dry run: nothing runs' };
  if (ctx.mode !== 'rehearse') return undefined;
  if (!step.readonly || step.kind === 'manual') return { why: 'rehearsal', reason: 'rehearsal: only readonly steps run' };
  const missing = referencedSteps(step.spec, step.index).filter((id) => ctx.state.steps.get(id)?.status !== 'succeeded');
  if (missing.length > 0) return { why: 'rehearsal', reason: `rehearsal: needs what ${missing.join(', ')} produce${missing.length === 1 ? 's' : ''}, which this rehearsal did not run` };
  return undefined;
}

function showWouldRun(ctx: EngineContext, step: PlannedStep, why: 'dry-run' | 'rehearsal'): void {
  const invocations = step.invocations.map((inv) => {
    const target = step.targets.find((t) => t.name === inv.target)!;
    let command = inv.display;
    try {
      // Earlier steps may have run (rehearsal): show the command with what is known now.
      const rendered = renderCommand(step.spec, ctx.site, unitScope(ctx, step, target, inv.item, true));
      if (rendered && !inv.item?.startsWith('⟨')) command = displayCommand(rendered);
    } catch {
      // Keep the plan's rendering, placeholders and all.
    }
    return { target: inv.target, ...(inv.item !== undefined ? { item: inv.item } : {}), command: ctx.masker.mask(command) };
  });
  ctx.emit({ type: 'would-run', step: step.id, why, invocations, ...(step.confirm ? { confirm: step.confirm.phrase } : {}), captures: step.captures });
}

async function skipStep(ctx: EngineContext, step: PlannedStep, reason: string): Promise<StepEnd> {
  await ctx.record({ type: 'step-skipped', step: step.id, reason });
  ctx.emit({ type: 'step-skipped', step: step.id, reason });
  return CONTINUE;
}
