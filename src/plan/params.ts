import type { ParamValue } from '../schema/common.js';
import { coerce } from '../schema/coerce.js';
import type { ParamSpec, Runbook } from '../schema/runbook.js';
import { secretEnvName } from '../secrets/sources.js';

/** Where a param's value came from, for the plan and the journal. */
export type ParamSource = 'param' | 'params-file' | 'like' | 'site' | 'default' | 'env' | 'prompt' | 'run' | 'not set';

export interface ResolvedParam {
  value: ParamValue;
  source: ParamSource;
  secret: boolean;
}

export interface ParamInputs {
  /** `--param name=value`, in order; values are strings to be typed. */
  cli: ReadonlyArray<readonly [string, string]>;
  /** `--params-file` contents. */
  file?: Readonly<Record<string, unknown>>;
  fileName?: string;
  /** Values reused from an earlier run (`run --like`): after the params file, before the site. */
  like?: Readonly<Record<string, ParamValue>>;
  /** site `params`. */
  site?: Readonly<Record<string, ParamValue>>;
  /** Secrets found so far (env or prompt), by param name. */
  secrets: Readonly<Record<string, { value: string; source: 'env' | 'prompt' }>>;
  /** Non-secret values the operator typed at a prompt (text, typed like `--param`). */
  prompted?: Readonly<Record<string, string>>;
}

export interface ParamProblem {
  name: string;
  message: string;
  /** Missing secrets can be prompted for; every other problem cannot. */
  missingSecret?: boolean;
  /** A required non-secret value nobody gave: a terminal can ask for it. */
  missingValue?: boolean;
}

/** Resolve every runbook param from its sources in precedence order; pure, so the CLI decides how to ask. */
export function resolveParams(runbook: Runbook, inputs: ParamInputs): { params: Record<string, ResolvedParam>; problems: ParamProblem[] } {
  const params: Record<string, ResolvedParam> = {};
  const problems: ParamProblem[] = [];
  const cli = new Map<string, string>();
  for (const [name, value] of inputs.cli) {
    if (!Object.hasOwn(runbook.params, name)) problems.push({ name, message: `--param ${name}: the runbook has no param "${name}"${known(runbook)}` });
    else cli.set(name, value);
  }
  for (const name of Object.keys(inputs.file ?? {})) {
    if (!Object.hasOwn(runbook.params, name)) problems.push({ name, message: `${inputs.fileName ?? 'params file'}: the runbook has no param "${name}"${known(runbook)}` });
  }
  for (const [name, spec] of Object.entries(runbook.params)) {
    const candidate = pick(name, spec, cli, inputs);
    if ('problem' in candidate) {
      problems.push({ name, message: candidate.problem });
      continue;
    }
    if (candidate.raw === undefined) {
      if (spec.required) problems.push(missing(name, spec));
      // An optional param nobody gave is empty, so a runbook can test it (`params.token && ...`).
      else params[name] = { value: emptyValue(spec), source: 'not set', secret: spec.secret };
      continue;
    }
    const typed = coerce(spec, candidate.raw, candidate.source === 'param' || candidate.source === 'env' || candidate.source === 'prompt');
    if (typeof typed === 'object' && typed !== null && 'problem' in typed) {
      problems.push({ name, message: `${describeSource(name, candidate.source, inputs.fileName)}: ${typed.problem}` });
      continue;
    }
    params[name] = { value: typed, source: candidate.source, secret: spec.secret };
  }
  return { params, problems };
}

/** The value of an optional param nobody gave: empty text, an empty list, or false. */
export function emptyValue(spec: ParamSpec): ParamValue {
  return spec.type === 'list' ? [] : spec.type === 'boolean' ? false : '';
}

type Candidate = { raw?: unknown; source: ParamSource } | { problem: string };

function pick(name: string, spec: ParamSpec, cli: Map<string, string>, inputs: ParamInputs): Candidate {
  if (spec.secret) {
    if (cli.has(name)) return { problem: `--param ${name}: "${name}" is a secret and would be visible in the process list and shell history; set ${secretEnvHint(name)} or leave it out to be prompted` };
    if (inputs.file && name in inputs.file) return { problem: `${inputs.fileName ?? 'params file'}: "${name}" is a secret and must not be stored in a file; set ${secretEnvHint(name)} or leave it out to be prompted` };
    const secret = inputs.secrets[name];
    return secret ? { raw: secret.value, source: secret.source } : { source: 'env' };
  }
  if (cli.has(name)) return { raw: cli.get(name), source: 'param' };
  if (inputs.prompted && name in inputs.prompted) return { raw: inputs.prompted[name], source: 'prompt' };
  if (inputs.file && name in inputs.file) return { raw: inputs.file[name], source: 'params-file' };
  if (inputs.like && name in inputs.like) return { raw: inputs.like[name], source: 'like' };
  if (inputs.site && name in inputs.site) return { raw: inputs.site[name], source: 'site' };
  if (spec.default !== undefined) return { raw: spec.default, source: 'default' };
  return { source: 'default' };
}

function missing(name: string, spec: ParamSpec): ParamProblem {
  const about = spec.description ? ` (${spec.description})` : '';
  if (spec.secret) return { name, missingSecret: true, message: `missing secret param "${name}"${about}: set ${secretEnvHint(name)} or run interactively to be prompted` };
  return { name, missingValue: true, message: `missing required param "${name}"${about}: pass --param ${name}=<value>, a --params-file, or set it in the site's params` };
}

/** `FIELDBOOK_SECRET_REGISTRY_PASSWORD` for `registryPassword`: the variable `secretFromEnv` reads first. */
export function secretEnvHint(name: string): string {
  return secretEnvName(name);
}

function describeSource(name: string, source: ParamSource, fileName?: string): string {
  switch (source) {
    case 'param':
      return `--param ${name}`;
    case 'params-file':
      return `${fileName ?? 'params file'}: ${name}`;
    case 'like':
      return `${name} (from the run given with --like)`;
    case 'site':
      return `site params.${name}`;
    case 'default':
      return `runbook default of ${name}`;
    case 'env':
      return secretEnvHint(name);
    case 'prompt':
    case 'run':
    case 'not set':
      return name;
  }
}

function known(runbook: Runbook): string {
  const names = Object.keys(runbook.params);
  return names.length ? `; it has ${names.join(', ')}` : '; it takes no params';
}
