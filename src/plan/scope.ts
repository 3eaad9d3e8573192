import type { ParamValue } from '../schema/common.js';
import type { Site } from '../schema/site.js';
import { PLACEHOLDER_SCOPE, type Value } from '../template/index.js';
import type { Mode } from './types.js';

/** What one step has produced so far, as expressions see it under `steps.<id>`. */
export interface StepView {
  status: string;
  outputs: Record<string, Value>;
  hosts: Record<string, { outputs: Record<string, Value> }>;
  /** The list its confirmation reviewed (`confirm.review`). */
  review?: Value;
}

export interface ScopeInput {
  params: Record<string, ParamValue>;
  site: Site;
  run: { id: string; mode: Mode };
  host?: { name: string; address: string; port?: number; user?: string; vars: Record<string, ParamValue> };
  item?: Value;
  /** In a step with `confirm.review`: the list its confirmation reviewed. */
  review?: Value;
  steps: Record<string, StepView>;
  /** A plan's scope: paths into `⟨…⟩` placeholders give longer placeholders (see PLACEHOLDER_SCOPE). */
  placeholders?: boolean;
}

/** The object tree `${{ }}` paths are looked up in. */
export function buildScope(input: ScopeInput): Record<string, Value> {
  const scope: Record<string, Value> = {
    params: input.params,
    site: { name: input.site.metadata.name },
    run: { id: input.run.id, mode: input.run.mode },
    steps: input.steps as unknown as Value,
  };
  if (input.host) {
    const { name, address, port, user, vars } = input.host;
    scope['host'] = { name, address, port: port ?? 22, user: user ?? '', vars };
  }
  if (input.item !== undefined) scope['item'] = input.item;
  if (input.review !== undefined) scope['review'] = input.review;
  if (input.placeholders) Object.defineProperty(scope, PLACEHOLDER_SCOPE, { value: true });
  return scope;
}
