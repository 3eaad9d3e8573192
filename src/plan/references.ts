import type { StepSpec } from '../schema/runbook.js';
import { collectPaths, parseTemplate } from '../template/index.js';
import { templateFields } from '../validate/template-fields.js';

/** The ids of the earlier steps whose outputs or status a step's templates use. */
export function referencedSteps(step: StepSpec, index: number): string[] {
  const ids = new Set<string>();
  for (const field of templateFields(step, index)) {
    for (const segment of parseTemplate(field.text)) {
      if (segment.kind !== 'expr') continue;
      for (const ref of collectPaths(segment.expr)) if (ref.segments[0] === 'steps' && ref.segments[1]) ids.add(ref.segments[1]);
    }
  }
  return [...ids];
}
