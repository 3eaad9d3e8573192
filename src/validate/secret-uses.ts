import type { Runbook } from '../schema/runbook.js';
import type { PathRef } from '../template/index.js';
import type { TemplateField } from './template-fields.js';

/**
 * A secret where no secret may go, found before anything runs (the engine refuses it again at run time, for the
 * values it alone knows: a FIELDBOOK_SECRET_* variable, a secret that happens to equal a pod's name).
 * - kubectl's argv (`kubectl.args`, the exec's namespace, pod, selector, container): every user of the machine
 *   reads it in `ps` and /proc; a `run` script gets its values on stdin.
 * - a `foreach` or `confirm.review` list: its items are journaled, name their units in logs, reports and the
 *   UI, and a reviewed list is shown in full; a secret can be none of these.
 */
export function secretUseProblem(runbook: Runbook, ids: ReadonlyMap<string, number>, field: TemplateField, ref: PathRef): string | undefined {
  // kubectl's argv: `args` and the exec's target; `kubectl.run` is a script, sent on stdin.
  const kubectl = field.path[2] === 'kubectl' && (field.path[3] === 'args' || field.path[3] === 'exec');
  if (!kubectl && field.use !== 'list') return undefined;
  const name = secretName(runbook, ids, ref);
  if (name === undefined) return undefined;
  if (kubectl && field.path[3] === 'args') return `${name} is a secret, and kubectl's argv is visible to every user of the machine (ps); use a \`run\` step that hands it to kubectl on stdin (\`printf '%s' \${{ ${name} }} | kubectl ... --from-file=key=/dev/stdin\`)`;
  if (kubectl) return `${name} is a secret, and kubectl's argv is visible to every user of the machine (ps); name the pod with values that are not secret`;
  if (field.path.includes('review')) return `${name} is a secret, and a reviewed list is shown in full and journaled`;
  return `${name} is a secret, and \`foreach\` items are journaled and name their units in logs, reports and the UI; loop over it inside the step's script instead`;
}

/** `params.token` or `steps.get.outputs.token` when the reference names a secret param or a secret record. */
function secretName(runbook: Runbook, ids: ReadonlyMap<string, number>, ref: PathRef): string | undefined {
  const [root, first, section, name] = ref.segments;
  if (root === 'params' && first !== undefined && runbook.params[first]?.secret) return `params.${first}`;
  if (root !== 'steps' || first === undefined || section !== 'outputs' || name === undefined) return undefined;
  const at = ids.get(first);
  const record = at === undefined ? undefined : runbook.steps[at]?.manual?.record.find((r) => r.name === name);
  return record?.secret ? `steps.${first}.outputs.${name}` : undefined;
}
