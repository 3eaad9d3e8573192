import type { Review, UnitKey } from '../journal/events.js';
import { reviewDigest, shortDigest } from '../journal/review.js';
import { evaluateItems } from '../plan/plan.js';
import { displayCommand, renderCommand, renderManual } from '../plan/render-step.js';
import { renderText, TemplateError } from '../template/index.js';
import type { PlannedStep } from '../plan/types.js';
import { recordEnvName } from '../secrets/sources.js';
import type { EngineContext } from './context.js';
import type { Waiting } from './events.js';
import { finishStep, isDone, waitingFor, type StepEnd } from './step-state.js';
import { unitScope } from './unit-runner.js';

/**
 * The list a destructive step would be confirmed with, or why it cannot be confirmed at all (the list cannot be
 * made, holds a secret, or changed half-way): no decision about an interrupted unit changes that, so it comes first.
 */
export function listToConfirm(ctx: EngineContext, step: PlannedStep): { review?: Review } | { end: StepEnd } {
  let review: Review | undefined;
  try {
    review = reviewedList(ctx, step);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    const detail = `${step.id}: its reviewed list cannot be made: ${ctx.masker.mask(error.message)}`;
    return { end: { kind: 'stop', reason: 'step-failed', waiting: [waitingFor({ kind: 'failure', step: step.id, detail })] } };
  }
  const refused = review && refusedList(ctx, step, review);
  if (refused) return { end: { kind: 'stop', reason: 'step-failed', waiting: [refused] } };
  return review ? { review } : {};
}

/** A destructive step waits for its exact phrase; the confirmation records who, when and how. */
export async function confirm(ctx: EngineContext, step: PlannedStep): Promise<StepEnd | undefined> {
  const { phrase, message } = confirmation(ctx, step);
  const list = listToConfirm(ctx, step);
  if ('end' in list) return list.end;
  const { review } = list;
  const scope = step.targets.map((t) => `${t.name}: ${t.label}`);
  const first = shownCommand(ctx, step, review);
  if (first) scope.push(first);
  if (review) ctx.emit({ type: 'review', step: step.id, ...review, ...(first ? { command: first } : {}) });
  const answer = await ctx.operator.confirm({ step: step.id, title: step.title, phrase, ...(message ? { message } : {}), scope, ...(review ? { review: { items: review.items, digest: review.digest } } : {}) });
  if (answer === undefined) {
    const reviewed = review ? ` after reviewing the ${review.count} item${review.count === 1 ? '' : 's'} above (sha256 ${shortDigest(review.digest)})` : '';
    const detail = `destructive step ${step.id} needs the confirmation phrase "${phrase}"${reviewed}${message ? `: ${message}` : ''}`;
    return { kind: 'stop', reason: 'needs-operator', waiting: [waitingFor({ kind: 'confirmation', step: step.id, detail, ...(review ? { digest: review.digest } : {}) })] };
  }
  if (answer === 'refused' || answer.phrase !== phrase) return { kind: 'stop', reason: 'interrupted', waiting: [] };
  await ctx.record({ type: 'confirmation', step: step.id, by: ctx.actor, phrase: answer.phrase, via: answer.via, ...(review ? { review } : {}) });
  ctx.emit({ type: 'recorded', step: step.id, what: 'confirmation', text: `confirmed by ${ctx.actor.user}@${ctx.actor.host} (${answer.via})` });
  return undefined;
}

/**
 * The command as it will run, rendered now: the plan's rendering came before any step ran and shows placeholders
 * for earlier outputs and the reviewed list. Secrets masked; the plan's text when it cannot be rendered yet.
 */
function shownCommand(ctx: EngineContext, step: PlannedStep, review: Review | undefined): string | undefined {
  const first = step.invocations[0];
  if (!first || step.items !== undefined) return first?.display;
  try {
    const command = renderCommand(step.spec, ctx.site, unitScope(ctx, step, step.targets[0]!, undefined, true, review));
    return command ? ctx.masker.mask(displayCommand(command)) : first.display;
  } catch (error) {
    if (error instanceof TemplateError) return first.display;
    throw error;
  }
}

/**
 * A list that cannot be approved. An item that cannot be seen for what it is: the list is shown, journaled and
 * handed back to the step as shown. A list that changed half-way through the step: the units already run
 * acted on the old one, and a `foreach` would go on with the old items under the new approval; only starting the
 * step afresh can use it.
 */
function refusedList(ctx: EngineContext, step: PlannedStep, review: Review): Waiting | undefined {
  const unseen = review.items.findIndex((item) => unseeable(item, ctx) !== undefined);
  if (unseen >= 0) {
    const item = review.items[unseen]!;
    const detail = `${step.id}: item ${unseen + 1} of its reviewed list ${unseeable(item, ctx)}, so it cannot be reviewed: ${JSON.stringify(ctx.masker.mask(item))}`;
    return waitingFor({ kind: 'failure', step: step.id, detail });
  }
  const known = ctx.state.steps.get(step.id);
  if (known?.status !== 'running' || !known.review || known.review.digest === review.digest) return undefined;
  const detail = `${step.id} started on a reviewed list of ${counted(known.review)} and its list is now ${counted(review)}: it cannot go on with another list, only start afresh on the new one (reviewed again)`;
  return waitingFor({ kind: 'failure', step: step.id, detail, restart: true });
}

/**
 * Why an item cannot be seen for what it is: a secret (never shown or stored), nothing but blanks (it reads as no
 * item, and every such list looks alike), a line break (it shows, and acts, as two items).
 */
function unseeable(item: string, ctx: EngineContext): string | undefined {
  if (ctx.masker.mask(item) !== item) return 'holds a secret, which is never shown or stored';
  if (item.trim() === '') return 'is blank';
  if (/[\n\r]/.test(item)) return 'holds a line break (it would show, and act, as two items)';
  return undefined;
}

const counted = (review: Review) => `${review.count} item${review.count === 1 ? '' : 's'} (sha256 ${shortDigest(review.digest)})`;

/** The list a step with `confirm.review` acts on, as of now (items as `foreach` makes them), with its digest. */
function reviewedList(ctx: EngineContext, step: PlannedStep): Review | undefined {
  const expression = step.spec.confirm?.review;
  if (expression === undefined) return undefined;
  const items = evaluateItems(expression, unitScope(ctx, step, step.targets[0]!, undefined, false));
  return { count: items.length, digest: reviewDigest(items), items };
}

/**
 * The phrase and message as of now: the plan rendered them before any step ran, so a message naming earlier
 * outputs (the archives a wipe relies on) showed placeholders. Secrets stay masked.
 */
function confirmation(ctx: EngineContext, step: PlannedStep): { phrase: string; message?: string } {
  const spec = step.spec.confirm;
  const scope = unitScope(ctx, step, step.targets[0]!, undefined, true);
  // An output that is not there (its step was skipped): the planned text, placeholders and all, says so.
  const render = (text: string | undefined, planned: string | undefined) => {
    try {
      return text === undefined ? planned : ctx.masker.mask(renderText(text, scope));
    } catch (error) {
      if (error instanceof TemplateError) return planned;
      throw error;
    }
  };
  const phrase = render(spec?.phrase, step.confirm!.phrase)!;
  const message = render(spec?.message, step.confirm!.message);
  return { phrase, ...(message ? { message } : {}) };
}

/** A manual step: the operator ticks the checklist and records values, which become its outputs. */
export async function manualStep(ctx: EngineContext, step: PlannedStep, unit: UnitKey, started: number): Promise<StepEnd> {
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
    return { kind: 'stop', reason: 'needs-operator', waiting: [manualWaiting(step)] };
  }
  if (answer === 'refused') return { kind: 'stop', reason: 'interrupted', waiting: [] };
  for (const record of manual.record.filter((r) => r.secret)) {
    const value = answer.values[record.name] ?? '';
    ctx.masker.add(value);
    ctx.secretRecords.set(`${step.id}.${record.name}`, value);
  }
  const outputs = Object.fromEntries(Object.entries(answer.values).map(([name, value]) => [name, ctx.masker.mask(value)]));
  await ctx.record({ type: 'confirmation', step: step.id, by: ctx.actor, phrase: 'checklist done', via: answer.via === 'flag' ? 'flag' : 'checklist', checklist: shown.checklist });
  await ctx.record({ type: 'unit-started', unit, attempt: 1, command: 'manual' });
  await ctx.record({ type: 'unit-finished', unit, attempt: 1, outcome: 'succeeded', durationMs: Math.round(performance.now() - started), outputs });
  return finishStep(ctx, step, 'succeeded', started);
}

/** A manual step nobody can do here: its flag ticks the checklist and gives every value (`--record`). */
export function manualWaiting(step: PlannedStep): Waiting {
  const records = step.spec.manual!.record;
  const plain = records.filter((r) => !r.secret);
  const secret = records.filter((r) => r.secret);
  const values = plain.map((r) => `${r.name} (${r.prompt})`).join(', ');
  // A secret record never goes on the command line (ps, shell history): its variable is named instead.
  const secrets = secret.length === 0 ? '' : `${values ? ',' : ''} with its secret record${secret.length > 1 ? 's' : ''} in ${secret.map((r) => `${recordEnvName(step.id, r.name)} (${r.prompt})`).join(', ')}`;
  const detail = `manual step ${step.id} needs the operator to tick its checklist${values ? ` and record ${values}` : ''}${secrets}`;
  return waitingFor({ kind: 'manual', step: step.id, detail, ...(plain.length ? { records: plain.map((r) => r.name) } : {}) });
}
