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

function normalise(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}
