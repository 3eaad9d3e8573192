/** Prefix of the environment variables that carry secret params. */
export const SECRET_ENV_PREFIX = 'FIELDBOOK_SECRET_';

/** The canonical variable for a secret param, for messages: `registryPassword` → `FIELDBOOK_SECRET_REGISTRY_PASSWORD`. */
export function secretEnvName(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2') // registryPassword → registry_Password
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2'); // apiURLToken → api_URL_Token
  return SECRET_ENV_PREFIX + normalise(words);
}

/**
 * The variable for a manual step's secret `record` (`--record` would put it in the process list):
 * step `rotate-key`, record `newKey` → `FIELDBOOK_SECRET_ROTATE_KEY_NEW_KEY`.
 */
export function recordEnvName(step: string, record: string): string {
  return secretEnvName(`${step}_${record}`);
}

/**
 * A secret param's value from the environment: the canonical name first, then the plain upper-case one
 * (`FIELDBOOK_SECRET_REGISTRYPASSWORD`). An empty value counts as unset (usually a forgotten `VAR=`), so the
 * caller prompts or reports it missing instead of running with an empty password.
 */
export function secretFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const variable of new Set([secretEnvName(name), SECRET_ENV_PREFIX + normalise(name)])) {
    const value = env[variable];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

/**
 * Every `FIELDBOOK_SECRET_*` variable that is set, by name: the masker hides each of them whether or not a step
 * uses it (an SSH password asked for only on a reconnect, a variable a script reads itself), and the export
 * check looks for each of them.
 */
export function secretsInEnv(env: NodeJS.ProcessEnv = process.env): { name: string; value: string }[] {
  return Object.entries(env).flatMap(([name, value]) => (name.startsWith(SECRET_ENV_PREFIX) && value ? [{ name, value }] : []));
}

function normalise(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}
