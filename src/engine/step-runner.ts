import { unitId, unitLabel, type UnitKey } from '../journal/events.js';
import { logPath } from '../journal/run-dir.js';
import type { UnitState } from '../journal/state.js';
import { evaluateCondition, evaluateItems } from '../plan/plan.js';
import { displayCommand, renderCommand, renderManual } from '../plan/render-step.js';
import type { PlannedStep, PlannedTarget } from '../plan/types.js';
import { renderText, type Value } from '../template/index.js';
import type { EngineContext } from './context.js';
import type { Waiting } from './events.js';
import { settleFlag } from './operator.js';
import { aggregateOutputs } from './outputs.js';
import { runPool } from './pool.js';
import { runUnit, unitScope } from './unit-runner.js';

/** How a step ended for the run: go on, or stop (and why). */
export type StepEnd = { kind: 'continue' } | { kind: 'stop'; reason: 'interrupted' | 'needs-operator' | 'step-failed'; waiting: Waiting[] };

const CONTINUE: StepEnd = { kind: 'continue' };
const waitingFor = (w: Omit<Waiting, 'flag'>): Waiting => ({ ...w, flag: settleFlag(w) });

/** Run one step: condition, mode, confirmation, units (with checkpoints), failure handling, outputs. */
export async function runStep(ctx: EngineContext, step: PlannedStep): Promise<StepEnd> {
  const scope = unitScope(ctx, step, step.targets[0]!, undefined, false);
  if (typeof step.spec.when !== 'undefined' && !evaluateCondition(step.spec.when, scope)) {
    return skipStep(ctx, step, `condition is false: ${String(step.spec.when)}`);
  }
  const gate = modeGate(ctx, step);
  if (gate) {
    showWouldRun(ctx, step, gate);
    return skipStep(ctx, step, gate === 'dry-run' ? 'dry run: nothing runs' : 'rehearsal: only readonly steps run');
  }

  const known = ctx.state.steps.get(step.id);
  // Items are fixed when the step first starts (journaled), so checkpoints keep their meaning on resume.
  const fanOut = known?.items ? { items: known.items } : await itemsOf(ctx, step, scope);
  if ('refused' in fanOut) return cannotFanOut(ctx, step, fanOut.refused);
  const { items } = fanOut;
  const units = unitsOf(step, items);

  if (step.destructive && !units.every((u) => isDone(ctx, u.key))) {
    const end = await confirm(ctx, step);
    if (end) return end;
  }
  if (known?.status !== 'running') {
    await ctx.record({ type: 'step-started', step: step.id, ...(items ? { items } : {}) });
    ctx.emit({ type: 'step-started', step: step.id, units: units.length, ...(items ? { items } : {}) });
  }
  const started = performance.now();
  if (step.kind === 'manual') return manualStep(ctx, step, units[0]!.key, started);

  const rerunByPolicy = new Set<string>();
  const reattach = new Set<string>();
  for (let pass = 0; ; pass++) {
    const settled = await settleUnfinished(ctx, step, units.map((u) => u.key), { rerunByPolicy, reattach, firstPass: pass === 0 });
    if (settled) return settled;
    const pending = units.filter((u) => !isDone(ctx, u.key));
    const byTarget = new Map<string, typeof pending>();
    for (const unit of pending) byTarget.set(unit.target.name, [...(byTarget.get(unit.target.name) ?? []), unit]);
    // Hosts run in parallel (up to maxParallel); a host's foreach items run one after another, in order.
    await runPool([...byTarget.values()], step.maxParallel, async (hostUnits) => {
      for (const unit of hostUnits) {
        if (ctx.signal.aborted) return;
        const result = await runUnit(ctx, step, unit.target, unit.key, reattach.delete(unitId(unit.key)));
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
  if (step.spec.foreach !== undefined) return { items: evaluateItems(step.spec.foreach, scope) };
  if (step.spec.kubectl?.exec?.pods !== 'all') return {};
  const target = step.targets[0]!;
  const command = renderCommand(step.spec, ctx.site, scope)!;
  const found = await ctx.transports.listPods({ target: target.transport, command, signal: ctx.signal, onStdout: () => {}, onStderr: () => {} });
  return 'refused' in found ? { refused: ctx.masker.mask(found.refused) } : { items: found.pods };
}

/** `pods: all` found nothing to run on: the step fails (resumable), with the reason on a unit for the record. */
async function cannotFanOut(ctx: EngineContext, step: PlannedStep, reason: string): Promise<StepEnd> {
  const unit: UnitKey = { step: step.id, target: step.targets[0]!.name };
  const selector = step.spec.kubectl?.exec?.selector ?? '';
  await ctx.record({ type: 'step-started', step: step.id });
  await ctx.record({ type: 'unit-started', unit, attempt: (unitState(ctx, unit)?.attempt ?? 0) + 1, command: `kubectl get pods -l ${selector}` });
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

function unitState(ctx: EngineContext, key: UnitKey): UnitState | undefined {
  return ctx.state.steps.get(key.step)?.units.get(unitId(key));
}

function isDone(ctx: EngineContext, key: UnitKey): boolean {
  const status = unitState(ctx, key)?.status;
  return status === 'succeeded' || status === 'skipped';
}

function modeGate(ctx: EngineContext, step: PlannedStep): 'dry-run' | 'rehearsal' | undefined {
  if (ctx.mode === 'dry-run') return 'dry-run';
  if (ctx.mode === 'rehearse' && (!step.readonly || step.kind === 'manual')) return 'rehearsal';
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

async function finishStep(ctx: EngineContext, step: PlannedStep, status: 'succeeded' | 'failed' | 'skipped', started: number): Promise<StepEnd> {
  const units = [...(ctx.state.steps.get(step.id)?.units.values() ?? [])];
  await ctx.record({ type: 'step-finished', step: step.id, status, outputs: aggregateOutputs(step, units) });
  ctx.emit({ type: 'step-finished', step: step.id, status, durationMs: Math.round(performance.now() - started) });
  return CONTINUE;
}

async function confirm(ctx: EngineContext, step: PlannedStep): Promise<StepEnd | undefined> {
  const phrase = step.confirm!.phrase;
  const scope = step.targets.map((t) => `${t.name}: ${t.label}`);
  const first = step.invocations[0];
  if (first) scope.push(first.display);
  const answer = await ctx.operator.confirm({ step: step.id, title: step.title, phrase, ...(step.confirm!.message ? { message: step.confirm!.message } : {}), scope });
  if (answer === undefined) {
    return { kind: 'stop', reason: 'needs-operator', waiting: [waitingFor({ kind: 'confirmation', step: step.id, detail: `destructive step ${step.id} needs the confirmation phrase "${phrase}"` })] };
  }
  if (answer === 'refused' || answer.phrase !== phrase) return { kind: 'stop', reason: 'interrupted', waiting: [] };
  await ctx.record({ type: 'confirmation', step: step.id, by: ctx.actor, phrase: answer.phrase, via: answer.via });
  ctx.emit({ type: 'recorded', step: step.id, what: 'confirmation', text: `confirmed by ${ctx.actor.user}@${ctx.actor.host} (${answer.via})` });
  return undefined;
}

async function manualStep(ctx: EngineContext, step: PlannedStep, unit: UnitKey, started: number): Promise<StepEnd> {
  if (isDone(ctx, unit)) return finishStep(ctx, step, 'succeeded', started);
  const manual = step.spec.manual!;
  const shown = renderManual(step.spec, unitScope(ctx, step, step.targets[0]!, undefined, true))!;
  const answer = await ctx.operator.manual({
    step: step.id,
    title: step.title,
    instructions: shown.instructions,
    checklist: shown.checklist,
    record: manual.record.map((r) => ({ name: r.name, prompt: r.prompt, secret: r.secret, ...(r.pattern ? { pattern: r.pattern } : {}) })),
  });
  if (answer === undefined) {
    const values = manual.record.map((r) => `--record ${step.id}.${r.name}=<${r.prompt}>`).join(' ');
    return { kind: 'stop', reason: 'needs-operator', waiting: [waitingFor({ kind: 'manual', step: step.id, detail: `manual step ${step.id} needs the operator to tick its checklist${values ? ` and record ${values}` : ''}` })] };
  }
  if (answer === 'refused') return { kind: 'stop', reason: 'interrupted', waiting: [] };
  for (const record of manual.record.filter((r) => r.secret)) ctx.masker.add(answer.values[record.name] ?? '');
  const outputs = Object.fromEntries(Object.entries(answer.values).map(([name, value]) => [name, ctx.masker.mask(value)]));
  await ctx.record({ type: 'confirmation', step: step.id, by: ctx.actor, phrase: 'checklist done', via: answer.via === 'flag' ? 'flag' : 'checklist', checklist: shown.checklist });
  await ctx.record({ type: 'unit-started', unit, attempt: 1, command: 'manual' });
  await ctx.record({ type: 'unit-finished', unit, attempt: 1, outcome: 'succeeded', durationMs: Math.round(performance.now() - started), outputs });
  return finishStep(ctx, step, 'succeeded', started);
}

/**
 * Units started before and never finished (a crash), or whose outcome is unknown: rerun, or ask. On the first
 * pass, units that failed before this process started follow --decide when it names them.
 */
async function settleUnfinished(
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
      continue;
    }
    if (!unit || (unit.status !== 'started' && unit.status !== 'unknown')) continue;
    const why = unit.status === 'started' ? 'it was running when fieldbook stopped (crash or lost connection)' : (unit.reason ?? 'outcome unknown');
    // A detached unit keeps running on its host: follow it again rather than start it twice.
    const onHost = step.targets.find((t) => t.name === key.target)?.transport.kind === 'host';
    if (step.detach && onHost && unit.status === 'started' && !reattach.has(unitId(key)) && firstPass) {
      reattach.add(unitId(key));
      await ctx.record({ type: 'decision', step: key.step, unit: key, decision: 'reattach', reason: 'detached step: still running on its host', by: ctx.actor, via: 'policy' });
      ctx.emit({ type: 'recorded', step: key.step, what: 'decision', text: `${unitLabel(key)}: reattach (detached step)` });
      continue;
    }
    // Safe steps are rerun by themselves, once per process: a unit that keeps ending unknown goes to the operator.
    if (step.idempotent && !rerunByPolicy.has(unitId(key))) {
      rerunByPolicy.add(unitId(key));
      await decide(ctx, key, 'rerun', `${step.readonly ? 'readonly' : 'idempotent'} step: safe to run again`, 'policy');
      continue;
    }
    const answer = await ctx.operator.decideUnknown({ step: step.id, unit: key, reason: why });
    if (answer === undefined) {
      waiting.push(waitingFor({ kind: 'decision', step: step.id, unit: key, detail: `${unitLabel(key)}: outcome unknown (${why}); decide whether to rerun it, mark it done, or skip it` }));
      continue;
    }
    await decide(ctx, key, answer.decision, answer.reason, answer.via);
  }
  return waiting.length > 0 ? { kind: 'stop', reason: 'needs-operator', waiting } : undefined;
}

async function decide(ctx: EngineContext, unit: UnitKey, decision: 'rerun' | 'done' | 'skip', reason: string, via: 'prompt' | 'flag' | 'policy'): Promise<void> {
  await ctx.record({ type: 'decision', step: unit.step, unit, decision, reason, by: ctx.actor, via });
  if (decision === 'skip') await ctx.record({ type: 'unit-skipped', unit, reason });
  ctx.emit({ type: 'recorded', step: unit.step, what: 'decision', text: `${unitLabel(unit)}: ${decision} (${reason})` });
  if (decision === 'skip') ctx.emit({ type: 'unit-skipped', unit, reason });
}

async function handleFailure(ctx: EngineContext, step: PlannedStep, failed: UnitState[], started: number): Promise<StepEnd | 'retry'> {
  const summary = failed.map((u) => `${unitLabel(u.key)}: ${u.reason ?? 'failed'}`);
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

/** Text of a step's title with values filled in; used by renderers that only have the plan. */
export function stepTitle(ctx: EngineContext, step: PlannedStep): string {
  return step.spec.title ? renderText(step.spec.title, unitScope(ctx, step, step.targets[0]!, undefined, true)) : step.id;
}
