import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYamlText } from 'yaml';
import { UsageError, ValidationError, type Issue } from '../errors.js';
import { buildPlan } from '../plan/plan.js';
import { resolveParams, type ParamProblem, type ResolvedParam } from '../plan/params.js';
import type { Plan } from '../plan/types.js';
import type { ParamValue } from '../schema/common.js';
import { readInputFile } from '../schema/input-file.js';
import { loadRunbook, loadSite, parseText, type Loaded } from '../schema/load.js';
import { MAX_FILE_BYTES } from '../schema/source.js';
import { SHIPPED_PREFIX, shippedRunbook } from '../shipped/index.js';
import type { Runbook } from '../schema/runbook.js';
import type { Site } from '../schema/site.js';
import { secretFromEnv } from '../secrets/sources.js';
import { checkRunbook } from '../validate/runbook-refs.js';
import { checkPair, checkSite } from '../validate/site-refs.js';

/** A runbook argument: a path, or the name of a runbook shipped with fieldbook (`shipped:<name>` in records). */
async function loadRunbookArg(arg: string, cwd: string): Promise<Loaded<Runbook>> {
  const path = resolve(cwd, arg);
  const text = existsSync(path) ? undefined : shippedRunbook(arg);
  if (text !== undefined) return parseText(`${SHIPPED_PREFIX}${arg}`, text, 'Runbook');
  return loadRunbook(displayPath(path, cwd));
}

/** A runbook and (optionally) a site, each checked alone and then against each other. */
export interface Inputs {
  runbook: Loaded<Runbook>;
  site?: Loaded<Site>;
}

/** Load and cross-check; every problem of both files is reported together. */
export async function loadInputs(runbookArg: string, siteArg: string | undefined, cwd: string): Promise<Inputs> {
  const issues: Issue[] = [];
  const attempt = async <T>(load: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await load();
    } catch (error) {
      if (error instanceof ValidationError) {
        issues.push(...error.issues);
        return undefined;
      }
      throw error;
    }
  };
  const runbook = await attempt(() => loadRunbookArg(runbookArg, cwd));
  const site = siteArg === undefined ? undefined : await attempt(() => loadSite(displayPath(resolve(cwd, siteArg), cwd)));
  if (site) issues.push(...checkSite(site.value, site.source));
  if (runbook) issues.push(...checkRunbook(runbook.value, runbook.source, site?.value));
  if (runbook && site) issues.push(...checkPair(runbook.value, site.value, site.source));
  if (issues.length > 0 || !runbook) throw new ValidationError(issues);
  return site ? { runbook, site } : { runbook };
}

function displayPath(path: string, cwd: string): string {
  return path.startsWith(`${cwd}/`) ? path.slice(cwd.length + 1) : path;
}

/** `--param name=value` strings split at the first `=`. */
export function parseParamFlags(flags: readonly string[] | undefined): Array<[string, string]> {
  return (flags ?? []).map((flag) => {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param ${flag}: expected name=value`);
    return [flag.slice(0, eq), flag.slice(eq + 1)];
  });
}

/** Read a `--params-file` (YAML mapping of name: value). */
export async function readParamsFile(file: string | undefined, cwd: string): Promise<Record<string, unknown> | undefined> {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = (await readInputFile(resolve(cwd, file), { maxBytes: MAX_FILE_BYTES, what: 'a params file', expected: 'a YAML file' })).toString('utf8');
  } catch (error) {
    throw new UsageError(`--params-file ${file}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = parseYamlText(text);
  } catch (error) {
    throw new UsageError(`--params-file ${file}: not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new UsageError(`--params-file ${file}: expected a mapping of param names to values`);
  return data as Record<string, unknown>;
}

export interface ParamFlags {
  param?: string[];
  'params-file'?: string;
}

/** Resolve params from flags, file, site, defaults and FIELDBOOK_SECRET_* ; missing secrets are returned, not thrown. */
export async function collectParams(
  runbook: Runbook,
  site: Site | undefined,
  flags: ParamFlags,
  env: NodeJS.ProcessEnv,
  cwd: string,
  prompted: Record<string, string> = {},
  like?: Readonly<Record<string, ParamValue>>,
): Promise<{ params: Record<string, ResolvedParam>; missingSecrets: ParamProblem[]; missingValues: ParamProblem[] }> {
  const secrets: Record<string, { value: string; source: 'env' | 'prompt' }> = {};
  const values: Record<string, string> = {};
  for (const [name, spec] of Object.entries(runbook.params)) {
    if (!spec.secret) {
      if (prompted[name] !== undefined) values[name] = prompted[name];
      continue;
    }
    const value = prompted[name] ?? secretFromEnv(name, env);
    if (value !== undefined) secrets[name] = { value, source: prompted[name] !== undefined ? 'prompt' : 'env' };
  }
  const file = await readParamsFile(flags['params-file'], cwd);
  const { params, problems } = resolveParams(runbook, {
    cli: parseParamFlags(flags.param),
    ...(file ? { file, fileName: flags['params-file'] } : {}),
    ...(like ? { like } : {}),
    ...(site ? { site: site.params } : {}),
    secrets,
    prompted: values,
  });
  const hard = problems.filter((p) => !p.missingSecret && !p.missingValue);
  if (hard.length > 0) throw new UsageError(hard.map((p) => p.message).join('\n'));
  return { params, missingSecrets: problems.filter((p) => p.missingSecret), missingValues: problems.filter((p) => p.missingValue) };
}

/** Plan with every param resolved, refusing when a secret is still missing (plan never prompts). */
export async function planFromFlags(inputs: Inputs & { site: Loaded<Site> }, flags: ParamFlags, io: { env: NodeJS.ProcessEnv; cwd: string }): Promise<Plan> {
  const { params, missingSecrets, missingValues } = await collectParams(inputs.runbook.value, inputs.site.value, flags, io.env, io.cwd);
  if (missingValues.length > 0) throw new UsageError(missingValues.map((p) => p.message).join('\n'));
  // A plan shows secrets as **** anyway, so a missing one is shown as such rather than refused.
  for (const problem of missingSecrets) params[problem.name] = { value: '', source: 'not set', secret: true };
  return buildPlan(inputs.runbook.value, inputs.site.value, params);
}
