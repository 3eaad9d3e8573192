import type { Issue } from '../errors.js';
import { coerce } from '../schema/coerce.js';
import { own } from '../schema/common.js';
import type { Runbook, StepSpec } from '../schema/runbook.js';
import type { Site } from '../schema/site.js';
import type { YamlSource } from '../schema/yaml-doc.js';
import { collectPaths, parseTemplate, checkScriptTemplate, TemplateError, type PathRef } from '../template/index.js';
import { didYouMean } from '../template/did-you-mean.js';
import { capturePathProblem } from './capture-paths.js';
import { pathIssue, templateIssue } from './locate-template.js';
import { secretUseProblem } from './secret-uses.js';
import { declaredOutputs, stepIndex, templateFields, type TemplateField } from './template-fields.js';

const ROOTS = ['params', 'host', 'site', 'run', 'item', 'review', 'steps'];
const HOST_KEYS = ['name', 'address', 'port', 'user', 'vars'];
const SITE_KEYS = ['name'];
const RUN_KEYS = ['id', 'mode'];
const STEP_KEYS = ['outputs', 'hosts', 'status', 'review'];

const hint = (word: string, candidates: Iterable<string>) => {
  const match = didYouMean(word, [...candidates]);
  return match ? ` (did you mean "${match}"?)` : '';
};

/** Every problem of a runbook that its schema cannot see: duplicate ids, unknown roles, bad `${{ }}` references. */
export function checkRunbook(runbook: Runbook, source: YamlSource, site?: Site): Issue[] {
  const issues: Issue[] = [];
  for (const [name, spec] of Object.entries(runbook.params)) {
    if (spec.default === undefined) continue;
    // A default that does not fit its own param would only fail later, at plan or run time.
    const typed = coerce(spec, spec.default, false);
    if (typeof typed === 'object' && typed !== null && 'problem' in typed) issues.push(pathIssue(source, ['params', name, 'default'], typed.problem, 1));
  }
  const seen = new Map<string, number>();
  // Built once: looking it up per reference made a 2,000-step runbook quadratic.
  const ids = stepIndex(runbook);
  runbook.steps.forEach((step, i) => {
    const first = seen.get(step.id);
    if (first !== undefined) {
      issues.push(pathIssue(source, ['steps', i, 'id'], `duplicate step id "${step.id}" (first used by steps[${first}])`, 1));
    } else seen.set(step.id, i);
    if (step.on !== undefined && step.on !== 'local' && !Object.hasOwn(runbook.roles, step.on)) {
      issues.push(pathIssue(source, ['steps', i, 'on'], `unknown role "${step.on}"${hint(step.on, Object.keys(runbook.roles))}; declare it under roles or use "local"`));
    }
    for (const field of templateFields(step, i)) issues.push(...checkField(runbook, ids, source, step, i, field, site));
    const reviewed = step.expect.withinReview?.step;
    if (reviewed !== undefined) {
      const at = ids.get(reviewed);
      const problem =
        at === undefined ? `unknown step "${reviewed}"${hint(reviewed, ids.keys())}`
        : at > i ? `step "${reviewed}" runs after this one`
        : runbook.steps[at]!.confirm?.review === undefined ? `step "${reviewed}" has no \`confirm.review\``
        : undefined;
      if (problem) issues.push(pathIssue(source, ['steps', i, 'expect', 'withinReview', 'step'], problem));
    }
  });
  return issues;
}

function checkField(runbook: Runbook, ids: ReadonlyMap<string, number>, source: YamlSource, step: StepSpec, index: number, field: TemplateField, site?: Site): Issue[] {
  const issues: Issue[] = [];
  const report = (offset: number, message: string) => issues.push(templateIssue(source, field.path, field.text, offset, message));
  let segments;
  try {
    segments = parseTemplate(field.text);
  } catch (error) {
    if (error instanceof TemplateError) return [templateIssue(source, field.path, field.text, error.offset, error.message)];
    throw error;
  }
  if (field.use === 'script') for (const error of checkScriptTemplate(field.text)) report(error.offset, error.message);
  for (const segment of segments) {
    if (segment.kind !== 'expr') continue;
    for (const ref of collectPaths(segment.expr)) {
      const problem = checkReference(runbook, ids, step, index, field, ref, site) ?? secretUseProblem(runbook, ids, field, ref);
      if (problem) report(segment.offset, problem);
    }
  }
  return issues;
}

function checkReference(runbook: Runbook, ids: ReadonlyMap<string, number>, step: StepSpec, index: number, field: TemplateField, ref: PathRef, site?: Site): string | undefined {
  const [root = '', first, ...rest] = ref.segments;
  const name = ref.segments.join('.');
  switch (root) {
    case 'params':
      if (first === undefined) return '"params" needs a param name, like params.registry';
      if (!Object.hasOwn(runbook.params, first)) return `unknown param "${first}"${hint(first, Object.keys(runbook.params))}`;
      return rest.length ? `params.${first} has no fields; use params.${first}` : undefined;
    case 'host':
      // One list for the whole step, approved once: it cannot differ from host to host.
      if (isReviewList(field)) return '"host" cannot be used in `confirm.review`: the step reviews one list for all its hosts';
      return checkHostRef(runbook, step, first, rest, site);
    case 'site':
      return first !== undefined && SITE_KEYS.includes(first) && rest.length === 0 ? undefined : `unknown "${name}"; the site offers ${SITE_KEYS.map((k) => `site.${k}`).join(', ')}`;
    case 'run':
      return first !== undefined && RUN_KEYS.includes(first) && rest.length === 0 ? undefined : `unknown "${name}"; the run offers ${RUN_KEYS.map((k) => `run.${k}`).join(', ')}`;
    case 'item':
      if (step.foreach === undefined) return '"item" is only defined in a step with `foreach`';
      if (isReviewList(field)) return '"item" cannot be used in `confirm.review`: the step reviews one list for all its items';
      if (field.use === 'list') return '"item" cannot be used in `foreach` itself';
      return undefined;
    case 'review':
      if (step.confirm?.review === undefined) return '"review" is only defined in a step with `confirm.review`';
      if (isReviewList(field)) return '"review" cannot be used in `confirm.review` itself';
      // The list exists once the step is confirmed: after its condition and its items are decided.
      if (field.use === 'list' || field.use === 'condition') return '"review" is known only once the step is confirmed: not in `foreach` or `when`';
      return undefined;
    case 'steps':
      return checkStepRef(runbook, ids, index, ref.segments.slice(1), site);
    default:
      return `unknown name "${root}"${hint(root, ROOTS)}; expressions start with ${ROOTS.join(', ')}`;
  }
}

const isReviewList = (field: TemplateField) => field.path.includes('confirm') && field.path.includes('review');

function checkHostRef(runbook: Runbook, step: StepSpec, key: string | undefined, rest: string[], site?: Site): string | undefined {
  if (step.on === undefined || step.on === 'local') return '"host" is only defined in steps that run `on` a role';
  if (key === undefined || !HOST_KEYS.includes(key)) return `unknown "host.${key ?? ''}"${hint(key ?? '', HOST_KEYS)}; a host offers ${HOST_KEYS.map((k) => `host.${k}`).join(', ')}`;
  if (key !== 'vars') return rest.length ? `host.${key} has no fields` : undefined;
  const variable = rest[0];
  if (variable === undefined || rest.length > 1) return 'use host.vars.<name>';
  if (!site) return undefined;
  const hosts = own(site.roles, step.on) ?? [];
  const lacking = hosts.filter((h) => site.hosts[h] && !Object.hasOwn(site.hosts[h].vars, variable));
  if (lacking.length === 0) return undefined;
  const known = new Set(hosts.flatMap((h) => Object.keys(site.hosts[h]?.vars ?? {})));
  return `host.vars.${variable} is not set for host${lacking.length > 1 ? 's' : ''} ${lacking.map((h) => `"${h}"`).join(', ')} of role "${step.on}"${hint(variable, known)}`;
}

function checkStepRef(runbook: Runbook, ids: ReadonlyMap<string, number>, index: number, segments: string[], site?: Site): string | undefined {
  const [id, section, ...rest] = segments;
  if (id === undefined) return '"steps" needs a step id, like steps.backup-minio.outputs.size';
  const target = ids.get(id);
  if (target === undefined) return `unknown step "${id}"${hint(id, ids.keys())}`;
  if (target === index) return `step "${id}" cannot use its own outputs`;
  if (target > index) return `steps.${id} is used before it runs (step "${id}" is steps[${target}], this is steps[${index}])`;
  const producer = runbook.steps[target]!;
  const outputs = declaredOutputs(producer);
  if (section === undefined || !STEP_KEYS.includes(section)) return `unknown "steps.${id}.${section ?? ''}"${hint(section ?? '', STEP_KEYS)}; use steps.${id}.outputs.<name>`;
  if (section === 'status') return rest.length ? `steps.${id}.status has no fields` : undefined;
  if (section === 'review') return producer.confirm?.review === undefined ? `step "${id}" has no \`confirm.review\`` : undefined;
  let output = rest[0];
  let deeper = rest.slice(1);
  if (section === 'hosts') {
    const host = rest[0];
    if (producer.on === undefined || producer.on === 'local') return `step "${id}" does not run on a role's hosts; use steps.${id}.outputs.<name>`;
    const roleHosts = site ? own(site.roles, producer.on) : undefined;
    if (host !== undefined && roleHosts && !roleHosts.includes(host)) return `host "${host}" is not in role "${producer.on}"${hint(host, roleHosts)}`;
    if (rest[1] !== 'outputs') return `use steps.${id}.hosts.<host>.outputs.<name>`;
    output = rest[2];
    deeper = rest.slice(3);
  }
  if (output === undefined) return `steps.${id}.outputs needs an output name${outputs.length ? `: ${outputs.join(', ')}` : ''}`;
  if (!outputs.includes(output)) {
    return outputs.length === 0
      ? `step "${id}" has no outputs; add a \`capture\` to it`
      : `step "${id}" has no output "${output}"${hint(output, outputs)}; it has ${outputs.join(', ')}`;
  }
  const written = section === 'hosts' ? `steps.${id}.hosts.${rest[0]}.outputs.${output}` : `steps.${id}.outputs.${output}`;
  return capturePathProblem(producer, output, written, deeper, section === 'hosts');
}
