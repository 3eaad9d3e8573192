import type { Plan, PlannedInvocation, PlannedStep } from './types.js';

/** The plan as text for a person: each step, where it runs, what it needs, and every resolved command. */
export function formatPlan(plan: Plan): string {
  const lines = [`Plan: ${plan.runbook.title} [${plan.runbook.name}]`, `Site: ${plan.site.name}`, ''];
  const params = Object.entries(plan.params);
  if (params.length > 0) {
    lines.push('Params:');
    const width = Math.max(...params.map(([name]) => name.length));
    for (const [name, p] of params) lines.push(`  ${name.padEnd(width)} = ${Array.isArray(p.value) ? p.value.join(', ') : String(p.value)}  (${p.source})`);
    lines.push('');
  }
  for (const step of plan.steps) lines.push(...formatStep(step), '');
  const destructive = plan.steps.filter((s) => s.destructive).map((s) => s.id);
  lines.push(`${plan.steps.length} steps${destructive.length ? `; destructive: ${destructive.join(', ')}` : ''}.`);
  return lines.join('\n');
}

function formatStep(step: PlannedStep): string[] {
  const number = `${step.index + 1}.`;
  const lines = [`${number} ${step.id}${step.destructive ? '  [DESTRUCTIVE]' : ''}${step.title !== step.id ? ` — ${step.title}` : ''}`];
  const pad = ' '.repeat(number.length + 1);
  lines.push(`${pad}${stepFacts(step).join(' · ')}`);
  if (step.confirm) lines.push(`${pad}confirm: type "${step.confirm.phrase}"${step.confirm.message ? ` — ${step.confirm.message}` : ''}`);
  if (step.confirm?.review) lines.push(`${pad}review: every item of ${step.confirm.review}, shown before the confirmation; --approve ${step.id}=<its digest>`);
  if (step.spec.expect.withinReview) lines.push(`${pad}checks: every item of its ${step.spec.expect.withinReview.output} is on the list reviewed at ${step.spec.expect.withinReview.step ?? step.id}, else the run stops`);
  for (const [name, columns] of Object.entries(step.records ?? {})) lines.push(`${pad}records ${name}: ${columns.join(' | ')}`);
  for (const group of groupInvocations(step)) {
    lines.push(`${pad}${group.header}`);
    for (const line of group.display.split('\n')) lines.push(`${pad}  │ ${line}`);
  }
  return lines;
}

function stepFacts(step: PlannedStep): string[] {
  const facts: string[] = [step.kind];
  const hosts = step.targets.map((t) => t.name);
  if (step.kind === 'run') facts.push(step.spec.on && step.spec.on !== 'local' ? `on ${step.spec.on}: ${hosts.join(', ') || '(no hosts: skipped)'} (${step.strategy}${step.strategy === 'parallel' && hosts.length > 1 ? `, max ${step.maxParallel}` : ''})` : 'on this machine');
  else if (step.kind === 'kubectl') facts.push(step.targets[0]?.label ?? 'kubectl');
  else facts.push('by the operator');
  if (step.readonly) facts.push('readonly');
  if (step.idempotent && !step.readonly) facts.push('idempotent');
  if (step.detach) facts.push('detached');
  if (step.timeoutMs !== undefined) facts.push(`timeout ${step.spec.timeout}`);
  if (step.retries.count > 0) facts.push(`retries ${step.retries.count}`);
  if (step.when.kind === 'runtime') facts.push(`when ${step.when.expression}`);
  else if (!step.when.value) facts.push('SKIPPED (when is false)');
  if (step.items?.kind === 'known') facts.push(`foreach: ${step.items.value.length} item(s)`);
  if (step.items?.kind === 'runtime') facts.push(`foreach ${step.items.expression}`);
  if (step.captures.length) facts.push(`captures ${step.captures.join(', ')}`);
  return facts;
}

/** Invocations with the same command on several hosts are shown once, naming the hosts. */
function groupInvocations(step: PlannedStep): { header: string; display: string }[] {
  const labels = new Map(step.targets.map((t) => [t.name, t.label]));
  const groups = new Map<string, PlannedInvocation[]>();
  for (const invocation of step.invocations) {
    const key = `${invocation.item ?? ''}\u0000${invocation.display}`;
    groups.set(key, [...(groups.get(key) ?? []), invocation]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    const where = group.map((i) => (step.kind === 'run' && i.target !== 'local' ? `${i.target} (${labels.get(i.target)})` : labels.get(i.target) ?? i.target)).join(', ');
    return { header: `${step.kind === 'manual' ? 'asks' : 'runs'} ${step.kind === 'manual' ? where : `on ${where}`}${first.item !== undefined ? ` for item ${first.item}` : ''}:`, display: first.display };
  });
}
