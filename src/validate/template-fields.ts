import type { Runbook, StepSpec } from '../schema/runbook.js';
import type { PathSegment } from '../schema/yaml-doc.js';

/** How a template field is expanded: shell words, argv elements, or prose. */
export type FieldUse = 'script' | 'arg' | 'text' | 'condition' | 'list';

/** A `${{ }}`-bearing field of a step, with its YAML path for locating problems. */
export interface TemplateField {
  path: PathSegment[];
  text: string;
  use: FieldUse;
}

/** Every field of a step that may hold `${{ }}` expressions. */
export function templateFields(step: StepSpec, index: number): TemplateField[] {
  const at = (...rest: PathSegment[]): PathSegment[] => ['steps', index, ...rest];
  const fields: TemplateField[] = [];
  const add = (text: string | undefined, use: FieldUse, ...path: PathSegment[]) => {
    if (text !== undefined) fields.push({ path: at(...path), text, use });
  };
  add(step.title, 'text', 'title');
  add(step.description, 'text', 'description');
  if (typeof step.when === 'string') add(step.when, 'condition', 'when');
  if (typeof step.foreach === 'string') add(step.foreach, 'list', 'foreach');
  add(step.run, 'script', 'run');
  step.kubectl?.args?.forEach((arg, i) => add(arg, 'arg', 'kubectl', 'args', i));
  add(step.kubectl?.run, 'script', 'kubectl', 'run');
  const exec = step.kubectl?.exec;
  if (exec) for (const key of ['namespace', 'pod', 'selector', 'container'] as const) add(exec[key], 'arg', 'kubectl', 'exec', key);
  add(step.manual?.instructions, 'text', 'manual', 'instructions');
  step.manual?.checklist.forEach((item, i) => add(item, 'text', 'manual', 'checklist', i));
  add(step.confirm?.phrase, 'arg', 'confirm', 'phrase');
  add(step.confirm?.message, 'text', 'confirm', 'message');
  add(step.confirm?.review, 'list', 'confirm', 'review');
  add(step.check, 'text', 'check');
  return fields;
}

/** The outputs a step declares: its captures and, for manual steps, its recorded values. */
export function declaredOutputs(step: StepSpec): string[] {
  return [...Object.keys(step.capture), ...(step.manual?.record.map((r) => r.name) ?? [])];
}

/** Step index by id (first occurrence). */
export function stepIndex(runbook: Runbook): Map<string, number> {
  const index = new Map<string, number>();
  runbook.steps.forEach((step, i) => {
    if (!index.has(step.id)) index.set(step.id, i);
  });
  return index;
}
