import type { Runbook } from '../schema/runbook.js';
import type { Site } from '../schema/site.js';

/** What changed between the runbook and site a run started with and the ones on disk now, one line each. */
export function describeChanges(before: { runbook: Runbook; site: Site }, after: { runbook: Runbook; site: Site }): string[] {
  const changes: string[] = [];
  const oldSteps = new Map(before.runbook.steps.map((s) => [s.id, s]));
  const newSteps = new Map(after.runbook.steps.map((s) => [s.id, s]));
  for (const [id, step] of newSteps) {
    const old = oldSteps.get(id);
    if (!old) changes.push(`runbook: step ${id} added`);
    else if (JSON.stringify(old) !== JSON.stringify(step)) changes.push(`runbook: step ${id} changed (${changedKeys(old, step).join(', ')})`);
  }
  for (const id of oldSteps.keys()) if (!newSteps.has(id)) changes.push(`runbook: step ${id} removed`);
  const oldOrder = before.runbook.steps.map((s) => s.id).filter((id) => newSteps.has(id));
  const newOrder = after.runbook.steps.map((s) => s.id).filter((id) => oldSteps.has(id));
  if (oldOrder.join() !== newOrder.join()) changes.push('runbook: steps reordered');
  if (JSON.stringify(before.runbook.params) !== JSON.stringify(after.runbook.params)) changes.push('runbook: params changed');
  if (JSON.stringify(before.runbook.roles) !== JSON.stringify(after.runbook.roles)) changes.push('runbook: roles changed');
  for (const key of ['hosts', 'roles', 'ssh', 'kube', 'params'] as const) {
    if (JSON.stringify(before.site[key]) !== JSON.stringify(after.site[key])) changes.push(`site: ${key} changed`);
  }
  return changes;
}

function changedKeys(a: object, b: object): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => JSON.stringify((a as Record<string, unknown>)[k]) !== JSON.stringify((b as Record<string, unknown>)[k]));
}
