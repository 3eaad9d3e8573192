import { z } from 'zod';
import { queryProblem } from '../template/json-query.js';
import { Duration, Identifier, Name, ParamValue, Template } from './common.js';

export const PARAM_TYPES = ['string', 'integer', 'boolean', 'list'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

/** One runbook parameter: a value the operator supplies (or a default) that steps reference. */
/** A `pattern` or `regex` that JavaScript can compile (with the `u` flag every use of it sets). */
const validRegex = (pattern: string, path: string[], ctx: z.RefinementCtx) => {
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    ctx.addIssue({ code: 'custom', path, message: `not a valid regular expression: ${(error as Error).message}` });
  }
};

export const ParamSpec = z
  .strictObject({
    description: z.string().optional(),
    type: z.enum(PARAM_TYPES).default('string').describe('string (default) | integer | boolean | list'),
    required: z.boolean().default(false),
    secret: z.boolean().default(false).describe('never written anywhere; masked as **** in every output'),
    default: ParamValue.optional(),
    pattern: z.string().optional().describe('regular expression a string value (or each list item) must match'),
    values: z.array(z.union([z.string(), z.number()])).optional().describe('the only values allowed'),
  })
  .superRefine((param, ctx) => {
    if (param.pattern !== undefined) validRegex(param.pattern, ['pattern'], ctx);
    if (param.secret && param.default !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['default'], message: 'a secret param cannot have a default (it would be written in the runbook)' });
    }
  });
export type ParamSpec = z.infer<typeof ParamSpec>;

/** A role the site must fill with hosts. */
export const RoleSpec = z.strictObject({
  description: z.string().optional(),
  min: z.number().int().min(0).optional().describe('at least this many hosts'),
  max: z.number().int().min(1).optional().describe('at most this many hosts'),
  count: z.number().int().min(1).optional().describe('exactly this many hosts'),
});
export type RoleSpec = z.infer<typeof RoleSpec>;

/** How a value is taken from a step's output into `steps.<id>.outputs.<name>`. */
export const CaptureSpec = z
  .strictObject({
    from: z.enum(['stdout', 'stderr']).default('stdout'),
    regex: z.string().optional().describe('first match; `group` picks a capture group (default 1, or 0 when none)'),
    group: z.union([z.number().int().min(0), z.string()]).optional(),
    all: z.boolean().optional().describe('with `regex`: the list of every match (each line once), not the first; none is an empty list'),
    lines: z.boolean().optional().describe('a list of the non-empty lines'),
    json: z.boolean().optional().describe('parsed JSON; `path` picks a dotted path inside it, or `query` shapes it'),
    path: z.string().optional(),
    query: z.string().optional().describe('JMESPath query on the parsed JSON (jmespath.site), e.g. items[].metadata.name'),
  })
  .superRefine((capture, ctx) => {
    const modes = (['regex', 'lines', 'json'] as const).filter((mode) => capture[mode] !== undefined && capture[mode] !== false);
    if (modes.length > 1) {
      ctx.addIssue({ code: 'custom', message: `choose one of regex, lines, json (found ${modes.join(' and ')})` });
    }
    if (capture.regex !== undefined) validRegex(capture.regex, ['regex'], ctx);
    if (capture.path !== undefined && !capture.json) ctx.addIssue({ code: 'custom', path: ['path'], message: '`path` needs `json: true`' });
    if (capture.query !== undefined) {
      if (!capture.json) ctx.addIssue({ code: 'custom', path: ['query'], message: '`query` needs `json: true`' });
      else if (capture.path !== undefined) ctx.addIssue({ code: 'custom', path: ['query'], message: 'give `path` or `query`, not both (a query starts from the whole JSON)' });
      else {
        const problem = queryProblem(capture.query);
        if (problem) ctx.addIssue({ code: 'custom', path: ['query'], message: problem });
      }
    }
    if (capture.group !== undefined && capture.regex === undefined) ctx.addIssue({ code: 'custom', path: ['group'], message: '`group` needs `regex`' });
    if (capture.all !== undefined && capture.regex === undefined) ctx.addIssue({ code: 'custom', path: ['all'], message: '`all` needs `regex`' });
  });
export type CaptureSpec = z.infer<typeof CaptureSpec>;

export const KubectlExec = z
  .strictObject({
    namespace: Template.optional().describe('defaults to the site kube.namespace'),
    pod: Template.optional(),
    selector: Template.optional().describe('label selector resolving to one Running pod (or every match with pods: all)'),
    container: Template.optional(),
    pods: z.enum(['one', 'all']).default('one'),
    shell: z.enum(['sh', 'bash']).default('sh'),
  })
  .superRefine((exec, ctx) => {
    if ((exec.pod === undefined) === (exec.selector === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of `pod` or `selector`' });
    }
    if (exec.pods === 'all' && exec.selector === undefined) {
      ctx.addIssue({ code: 'custom', path: ['pods'], message: '`pods: all` fans out over the pods a `selector` matches; add a selector' });
    }
  });

/** A kubectl step: plain argv (`args`) or a script run inside a pod (`exec` + `run`). */
export const KubectlSpec = z
  .strictObject({
    args: z.array(Template).min(1).optional().describe('kubectl argv without "kubectl"; no shell. A value may not start an argument with "-": write an option and its value as one argument, --selector=${{ x }}'),
    exec: KubectlExec.optional(),
    run: Template.optional().describe('script sent on stdin to the container shell (with exec)'),
  })
  .superRefine((kubectl, ctx) => {
    if ((kubectl.args === undefined) === (kubectl.exec === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of `args` or `exec`' });
    }
    if (kubectl.exec !== undefined && kubectl.run === undefined) ctx.addIssue({ code: 'custom', path: ['run'], message: '`exec` needs a `run` script' });
    if (kubectl.args !== undefined && kubectl.run !== undefined) ctx.addIssue({ code: 'custom', path: ['run'], message: '`run` goes with `exec`, not with `args`' });
  });
export type KubectlSpec = z.infer<typeof KubectlSpec>;

export const RecordSpec = z
  .strictObject({
    name: Identifier,
    prompt: z.string(),
    pattern: z.string().optional(),
    secret: z.boolean().default(false),
  })
  // Matched against what the operator types: an invalid one failed only then, mid-run.
  .superRefine((record, ctx) => {
    if (record.pattern !== undefined) validRegex(record.pattern, ['pattern'], ctx);
  });

/** A step a person performs: instructions, a checklist to tick, values to record. */
export const ManualSpec = z.strictObject({
  instructions: Template,
  checklist: z.array(Template).default([]),
  record: z.array(RecordSpec).default([]),
});
export type ManualSpec = z.infer<typeof ManualSpec>;

export const STEP_KINDS = ['run', 'kubectl', 'manual'] as const;

/** One step of a runbook. Exactly one of `run`, `kubectl`, `manual`. */
export const StepSpec = z
  .strictObject({
    id: Name,
    title: z.string().optional(),
    description: z.string().optional(),
    on: z.string().optional().describe('a role (fan-out over its hosts) or `local`'),
    strategy: z.enum(['parallel', 'serial']).default('parallel'),
    maxParallel: z.number().int().min(1).optional(),
    timeout: Duration.optional(),
    retries: z.strictObject({ count: z.number().int().min(0).max(100), delay: Duration.default('0s') }).optional(),
    detach: z.boolean().default(false),
    readonly: z.boolean().optional().describe('changes nothing; runs during a rehearsal. kubectl get-like verbs default to true'),
    idempotent: z.boolean().default(false),
    destructive: z.boolean().default(false),
    confirm: z
      .strictObject({
        phrase: Template.optional(),
        message: Template.optional(),
        review: Template.optional().describe('the list this step acts on, from an earlier step (e.g. ${{ steps.preview.outputs.candidates }}): shown in full, approved by its digest, and ${{ review }} in this step'),
      })
      .optional(),
    check: Template.optional().describe(
      'how a person sees whether this step acted (prose, may use ${{ }}; a read-only command to type, say): shown when its outcome is unknown, never run by fieldbook',
    ),
    when: z.union([Template, z.boolean()]).optional(),
    foreach: z.union([Template, z.array(z.union([z.string(), z.number()]))]).optional(),
    run: Template.optional(),
    shell: z.enum(['bash', 'sh']).default('bash'),
    kubectl: KubectlSpec.optional(),
    manual: ManualSpec.optional(),
    capture: z.record(Identifier, CaptureSpec).default({}),
    expect: z
      .strictObject({
        exitCodes: z.array(z.number().int().min(0).max(255)).min(1).default([0]),
        withinReview: z
          .strictObject({
            output: Identifier.describe("this step's capture listing what was actually acted on (deleted)"),
            step: Name.optional().describe('the step whose reviewed list it must stay within (default: this step)'),
          })
          .optional()
          .describe('fail the run, naming them, when the output holds an item that was not on the reviewed list'),
      })
      .default({ exitCodes: [0] }),
    onFailure: z.enum(['ask', 'abort', 'continue']).default('ask'),
  })
  .superRefine((step, ctx) => {
    const kinds = STEP_KINDS.filter((kind) => step[kind] !== undefined);
    if (kinds.length === 0) ctx.addIssue({ code: 'custom', message: 'a step needs exactly one of `run`, `kubectl` or `manual` (found none)' });
    if (kinds.length > 1) ctx.addIssue({ code: 'custom', path: [kinds[1]!], message: `a step has exactly one of \`run\`, \`kubectl\` or \`manual\` (found ${kinds.map((k) => `\`${k}\``).join(' and ')})` });
    if (step.manual !== undefined && step.on !== undefined && step.on !== 'local') {
      ctx.addIssue({ code: 'custom', path: ['on'], message: 'a manual step is done by the operator; it has no `on`' });
    }
    if (step.kubectl !== undefined && step.on !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['on'], message: 'kubectl steps run where the site\'s `kube.via` says; remove `on`' });
    }
    if (step.confirm?.review !== undefined && !step.destructive) {
      ctx.addIssue({ code: 'custom', path: ['confirm', 'review'], message: 'a reviewed list is confirmed before a destructive step; add `destructive: true`' });
    }
    // Units over other items (repositories holding the reviewed tags, say) run under the list's approval, which
    // shows the list, not them: what they act on must then be checked against it.
    const overReview = typeof step.foreach === 'string' && step.foreach.trim() === step.confirm?.review?.trim();
    if (step.confirm?.review !== undefined && step.foreach !== undefined && !overReview && step.expect.withinReview === undefined) {
      ctx.addIssue({ code: 'custom', path: ['foreach'], message: 'a step that reviews a list and goes over other items must check what it acted on: add `expect.withinReview`, or make `foreach` the same expression as `confirm.review`' });
    }
    const within = step.expect.withinReview;
    const acted = within === undefined ? undefined : step.capture[within.output];
    if (within !== undefined && acted === undefined) {
      ctx.addIssue({ code: 'custom', path: ['expect', 'withinReview', 'output'], message: `"${within.output}" is not a capture of this step` });
    } else if (acted !== undefined && !(acted.all || acted.lines || acted.json)) {
      // A first match would let every later line through unchecked.
      ctx.addIssue({ code: 'custom', path: ['expect', 'withinReview', 'output'], message: `"${within!.output}" must capture every item acted on: use \`regex\` with \`all: true\`, \`lines\` or \`json\`` });
    }
    if (within !== undefined && within.step === undefined && step.confirm?.review === undefined) {
      ctx.addIssue({ code: 'custom', path: ['expect', 'withinReview'], message: 'this step has no `confirm.review`; name the reviewed step with `step`' });
    }
    if (step.confirm !== undefined && !step.destructive && step.manual === undefined) {
      ctx.addIssue({ code: 'custom', path: ['confirm'], message: '`confirm` applies to destructive steps; add `destructive: true`' });
    }
    if (step.check !== undefined && step.manual !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['check'], message: '`check` says how to see whether a command acted; a manual step runs none' });
    }
    if (step.foreach !== undefined && step.kubectl?.exec?.pods === 'all') {
      ctx.addIssue({ code: 'custom', path: ['foreach'], message: 'a step fans out over `foreach` items or over `pods: all`, not both' });
    }
    if (step.maxParallel !== undefined && step.strategy === 'serial') {
      ctx.addIssue({ code: 'custom', path: ['maxParallel'], message: '`maxParallel` applies to `strategy: parallel`' });
    }
  });
export type StepSpec = z.infer<typeof StepSpec>;

/** A runbook file: what to do, step by step. */
export const RunbookSchema = z.strictObject({
  apiVersion: z.literal('fieldbook/v1'),
  kind: z.literal('Runbook'),
  metadata: z.strictObject({
    name: Name,
    title: z.string().min(1),
    description: z.string().optional(),
    version: z.string().optional(),
    source: z.string().optional().describe('where the procedure comes from'),
  }),
  params: z.record(Identifier, ParamSpec).default({}),
  roles: z.record(Identifier, RoleSpec).default({}),
  steps: z.array(StepSpec).min(1),
});
export type Runbook = z.infer<typeof RunbookSchema>;
