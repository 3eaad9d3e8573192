import { durationMs, own } from '../schema/common.js';
import type { Runbook, StepSpec } from '../schema/runbook.js';
import type { Site } from '../schema/site.js';
import { collectPaths, evaluateWhole, isTruthy, parseTemplate, renderText, TemplateError, type Value } from '../template/index.js';
import { queryColumns } from '../template/json-query.js';
import { itemValue } from '../template/record-item.js';
import { declaredOutputs } from '../validate/template-fields.js';
import type { ResolvedParam } from './params.js';
import { displayCommand, renderCommand, renderManual } from './render-step.js';
import { buildScope, type StepView } from './scope.js';
import { LOCAL_TARGET, OPERATOR_TARGET, plannedHost } from './targets.js';
import type { Deferred, Plan, PlannedInvocation, PlannedStep, PlannedTarget, StepKind } from './types.js';

/** kubectl verbs that only read; their steps are `readonly` unless the runbook says otherwise. */
export const READONLY_KUBECTL_VERBS = new Set(['get', 'describe', 'logs', 'top', 'explain', 'api-resources', 'api-versions', 'version', 'cluster-info', 'auth can-i', 'auth whoami', 'events', 'wait']);

export const MASK = '****';
const DEFAULT_MAX_PARALLEL = 10;

/** Resolve a runbook against a site and params into a plan. Pure: no I/O, and secrets appear only as ****. */
export function buildPlan(runbook: Runbook, site: Site, params: Record<string, ResolvedParam>): Plan {
  const shown = Object.fromEntries(Object.entries(params).map(([name, p]) => [name, { ...p, value: p.secret ? MASK : p.value }]));
  const scopeParams = Object.fromEntries(Object.entries(shown).map(([name, p]) => [name, p.value]));
  const steps = placeholderSteps(runbook, site);
  const base = { params: scopeParams, site, run: { id: '⟨run.id⟩', mode: 'live' as const }, steps, placeholders: true };
  return {
    runbook: { name: runbook.metadata.name, title: runbook.metadata.title, ...(runbook.metadata.description ? { description: runbook.metadata.description } : {}) },
    site: { name: site.metadata.name },
    params: shown,
    steps: runbook.steps.map((step, index) => namingStep(step.id, () => planStep(step, index, site, base))),
  };
}

// A value the plan already knows (a param) that cannot be used: the error says which step.
function namingStep<T>(id: string, plan: () => T): T {
  try {
    return plan();
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    throw new TemplateError(`step "${id}": ${error.message}`, error.offset, { cause: error });
  }
}

function planStep(step: StepSpec, index: number, site: Site, base: Omit<Parameters<typeof buildScope>[0], 'host' | 'item'>): PlannedStep {
  const kind: StepKind = step.run !== undefined ? 'run' : step.kubectl ? 'kubectl' : 'manual';
  const targets = stepTargets(step, kind, site);
  const stepScope = buildScope(base);
  const items = step.foreach === undefined ? undefined : planItems(step.foreach, stepScope);
  const invocations: PlannedInvocation[] = [];
  const itemValues: (string | undefined)[] = items === undefined ? [undefined] : items.kind === 'known' ? items.value : ['⟨item⟩'];
  for (const target of targets) {
    const host = target.transport.kind === 'host' && kind === 'run' ? hostView(site, target.name) : undefined;
    for (const item of itemValues) {
      const scope = buildScope({ ...base, ...(host ? { host } : {}), ...(item !== undefined ? { item: itemValue(item) } : {}), ...(step.confirm?.review ? { review: '⟨review⟩' } : {}) });
      const command = renderCommand(step, site, scope);
      const manual = renderManual(step, scope);
      const display = command ? displayCommand(command) : manual ? [manual.instructions.trim(), ...manual.checklist.map((c) => `[ ] ${c}`)].join('\n') : '';
      invocations.push({ target: target.name, ...(item !== undefined ? { item } : {}), display });
    }
  }
  const readonly = step.readonly ?? (kind === 'kubectl' && step.kubectl?.args !== undefined && READONLY_KUBECTL_VERBS.has(kubectlVerb(step.kubectl.args)));
  return {
    index,
    id: step.id,
    title: step.title ? renderText(step.title, stepScope) : step.id,
    ...(step.description ? { description: renderText(step.description, stepScope) } : {}),
    kind,
    spec: step,
    targets,
    strategy: step.strategy,
    maxParallel: step.strategy === 'serial' ? 1 : (step.maxParallel ?? DEFAULT_MAX_PARALLEL),
    readonly,
    destructive: step.destructive,
    idempotent: step.idempotent || readonly,
    detach: step.detach,
    ...(step.timeout ? { timeoutMs: durationMs(step.timeout) } : {}),
    retries: { count: step.retries?.count ?? 0, delayMs: durationMs(step.retries?.delay ?? '0s') },
    when: planWhen(step.when, stepScope),
    ...(items ? { items } : {}),
    ...(step.destructive ? { confirm: { phrase: renderText(step.confirm?.phrase ?? site.metadata.name, stepScope), ...(step.confirm?.message ? { message: renderText(step.confirm.message, stepScope) } : {}), ...(step.confirm?.review ? { review: step.confirm.review } : {}) } } : {}),
    captures: declaredOutputs(step),
    ...recordColumns(step),
    invocations,
  };
}

function recordColumns(step: StepSpec): { records?: Record<string, string[]> } {
  const records: Record<string, string[]> = {};
  for (const [name, capture] of Object.entries(step.capture)) {
    const columns = capture.query === undefined ? undefined : queryColumns(capture.query);
    if (columns) records[name] = columns;
  }
  return Object.keys(records).length ? { records } : {};
}

/** The hosts (or the local machine, or the operator) a step runs on. */
export function stepTargets(step: StepSpec, kind: StepKind, site: Site): PlannedTarget[] {
  switch (kind) {
    case 'manual':
      return [OPERATOR_TARGET];
    case 'kubectl': {
      const via = site.kube?.via ?? 'local';
      if (via === 'local') return [{ ...LOCAL_TARGET, label: 'kubectl on this machine' }];
      const host = plannedHost(site, via);
      return [{ ...host, label: `kubectl on ${via} (${host.label})` }];
    }
    case 'run':
      if (step.on === undefined || step.on === 'local') return [LOCAL_TARGET];
      return (own(site.roles, step.on) ?? []).map((name) => plannedHost(site, name));
  }
}

/** How `host` looks to expressions. */
export function hostView(site: Site, name: string) {
  const host = site.hosts[name]!;
  const user = host.user ?? site.ssh.user;
  const port = host.port ?? site.ssh.port;
  return { name, address: host.address, vars: host.vars, ...(user !== undefined ? { user } : {}), ...(port !== undefined ? { port } : {}) };
}

/** The verb of a kubectl argv (`auth` takes its subcommand: `auth can-i` reads, `auth reconcile` writes). */
function kubectlVerb(args: readonly string[]): string {
  const words = args.filter((arg) => !arg.startsWith('-'));
  return words[0] === 'auth' ? `auth ${words[1] ?? ''}` : (words[0] ?? '');
}

/** True when a template needs values only a run produces (earlier steps' outputs). */
export function dependsOnRun(template: string): boolean {
  return parseTemplate(template).some((segment) => segment.kind === 'expr' && collectPaths(segment.expr).some((ref) => ref.segments[0] === 'steps' || (ref.segments[0] === 'run' && ref.segments[1] === 'id')));
}

function planWhen(when: string | boolean | undefined, scope: Record<string, Value>): Deferred<boolean> {
  if (when === undefined) return { kind: 'known', value: true };
  if (typeof when === 'boolean') return { kind: 'known', value: when };
  if (dependsOnRun(when)) return { kind: 'runtime', expression: when };
  return { kind: 'known', value: evaluateCondition(when, scope) };
}

/** A `when` value: a whole expression is judged by truthiness, mixed text by the rendered string. */
export function evaluateCondition(when: string | boolean, scope: Record<string, Value>): boolean {
  if (typeof when === 'boolean') return when;
  const whole = evaluateWhole(when, scope);
  return isTruthy(whole === undefined ? renderText(when, scope) : whole);
}

function planItems(foreach: string | (string | number)[], scope: Record<string, Value>): Deferred<string[]> {
  if (Array.isArray(foreach)) return { kind: 'known', value: foreach.map(String) };
  if (dependsOnRun(foreach)) return { kind: 'runtime', expression: foreach };
  return { kind: 'known', value: evaluateItems(foreach, scope) };
}

/** A `foreach` value as a list of strings: a list stays a list, text is split into non-empty lines. */
export function evaluateItems(foreach: string | (string | number)[], scope: Record<string, Value>): string[] {
  if (Array.isArray(foreach)) return foreach.map(String);
  const whole = evaluateWhole(foreach, scope);
  const value = whole === undefined ? renderText(foreach, scope) : whole;
  // A record stays whole, as compact JSON: itemValue (template/record-item.ts) reads it back.
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  if (value === null || value === '') return [];
  return String(value).split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
}


/** Every step's outputs as ⟨steps.x.outputs.y⟩ placeholders, so a plan can show where run-time values go. */
function placeholderSteps(runbook: Runbook, site: Site): Record<string, StepView> {
  const steps: Record<string, StepView> = {};
  for (const step of runbook.steps) {
    const outputs = Object.fromEntries(declaredOutputs(step).map((name) => [name, `⟨steps.${step.id}.outputs.${name}⟩`]));
    const hostNames = step.on && step.on !== 'local' ? (own(site.roles, step.on) ?? []) : [];
    const hosts = Object.fromEntries(hostNames.map((h) => [h, { outputs: Object.fromEntries(declaredOutputs(step).map((name) => [name, `⟨steps.${step.id}.hosts.${h}.outputs.${name}⟩`])) }]));
    steps[step.id] = { status: `⟨steps.${step.id}.status⟩`, outputs, hosts, ...(step.confirm?.review ? { review: `⟨steps.${step.id}.review⟩` } : {}) };
  }
  return steps;
}
