import { UsageError } from '../errors.js';
import type { RunState } from '../journal/state.js';
import type { Runbook } from '../schema/runbook.js';
import { recordEnvName } from '../secrets/sources.js';
import type { Prompter } from '../ui/plain/prompts.js';
import { promptSecrets } from './run-session.js';

/** A manual step's secret `record`, keyed `step.name` as `--record` and the engine name it. */
interface SecretRecord {
  key: string;
  step: string;
  name: string;
  variable: string;
}

/** Every secret record of a runbook. */
export function secretRecords(runbook: Runbook): SecretRecord[] {
  return runbook.steps.flatMap((step) =>
    (step.manual?.record ?? []).filter((r) => r.secret).map((r) => ({ key: `${step.id}.${r.name}`, step: step.id, name: r.name, variable: recordEnvName(step.id, r.name) })),
  );
}

/** The secret records given in the environment (`FIELDBOOK_SECRET_<STEP>_<NAME>`), by `step.name`. */
export function secretRecordsFromEnv(runbook: Runbook, env: NodeJS.ProcessEnv): Map<string, string> {
  return new Map(secretRecords(runbook).flatMap((r) => (env[r.variable] ? [[r.key, env[r.variable]!] as const] : [])));
}

/**
 * Secret records of manual steps done before this resume, asked again (like secret params: they are never
 * stored, and later steps need the real value, not the journal's ****). From the environment, else a hidden
 * prompt; without a terminal, the variables to set. Steps about to run again (`--from`, `--only`) ask anyway.
 */
export async function askSecretRecordsAgain(runbook: Runbook, state: RunState, env: NodeJS.ProcessEnv, prompter: Prompter | undefined, rerun: readonly string[]): Promise<Map<string, string>> {
  const values = secretRecordsFromEnv(runbook, env);
  const done = (step: string) => !rerun.includes(step) && [...(state.steps.get(step)?.units.values() ?? [])].some((u) => u.status === 'succeeded');
  const missing = secretRecords(runbook)
    .filter((r) => done(r.step) && !values.has(r.key))
    .map((r) => ({ name: r.key, message: `resume needs the secret record "${r.key}" again (secrets are never stored): set ${r.variable} or resume on a terminal to be prompted` }));
  for (const [key, value] of Object.entries(await promptSecrets(missing, prompter))) values.set(key, value);
  return values;
}

/** `--record` never carries a secret record: it would be in the process list and the shell's history. */
export function refuseSecretRecordFlags(flags: readonly string[], runbook: Runbook): void {
  const secret = new Map(secretRecords(runbook).map((r) => [r.key, r]));
  for (const text of flags) {
    const record = secret.get(text.slice(0, Math.max(0, text.indexOf('='))));
    if (record) throw new UsageError(`--record ${record.key}: "${record.name}" is a secret record and would be visible in the process list and shell history; set ${record.variable} or leave it out to be prompted`);
  }
}
