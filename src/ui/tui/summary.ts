import { assertNever } from '../../errors.js';
import { unitLabel } from '../../journal/events.js';
import { stepSummary } from './format.js';
import type { Dialog, StaticEntry, StepView } from './types.js';

/** A settled step as the one line (and details) printed above the live area. */
export function summaryEntry(step: StepView, seq: number, note?: string): StaticEntry {
  const detail: string[] = [];
  if (step.wouldRun) {
    for (const inv of step.wouldRun.invocations) {
      detail.push(`on ${inv.target}${inv.item !== undefined ? ` for ${inv.item}` : ''}:`);
      for (const line of inv.command.split('\n')) detail.push(`  │ ${line}`);
    }
    if (step.wouldRun.confirm !== undefined) detail.push(`asks the operator to type "${step.wouldRun.confirm}"`);
    if (step.wouldRun.captures.length) detail.push(`would capture: ${step.wouldRun.captures.join(', ')}`);
  }
  for (const host of step.hosts.values()) {
    if (host.status === 'failed' || host.status === 'unknown') detail.push(`${unitLabel({ step: step.id, target: host.name, ...(host.item ? { item: host.item } : {}) })}: ${host.reason ?? host.status}`);
  }
  return { key: `step-${step.id}-${seq}`, kind: 'step', status: step.status, text: stepSummary(step, note), ...(detail.length ? { detail } : {}) };
}

/** The step a question is about, if it is about one. */
export function dialogStep(dialog: Dialog): string | undefined {
  switch (dialog.kind) {
    case 'confirm':
    case 'manual':
    case 'failure':
    case 'unknown':
      return dialog.request.step;
    case 'host-key':
    case 'secret':
    case 'pause':
      return undefined;
    default:
      return assertNever(dialog);
  }
}
