import { z } from 'zod';

/**
 * Every name and id is at most this long: step and host names become file names (`logs/<step>/<host>.log`, and
 * a file name has at most 255 bytes), and a run id holds the runbook's name.
 */
export const MAX_NAME_LENGTH = 64;

/** Run ids (`--run-id`, or the runbook's name with a time stamp): a directory name under the runs directory. */
export const MAX_RUN_ID_LENGTH = 128;

/**
 * Names every JavaScript object already has. As a key of a map built from a file, `constructor` would find
 * Object's own function where a lookup expects "not there", and `__proto__` is dropped without a word.
 */
const RESERVED = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Whether `name` is one of the names every JavaScript object has (`constructor`, `__proto__`, `toString`...). */
export const isReservedName = (name: string): boolean => RESERVED.has(name);

const notReserved = <T extends z.ZodString>(schema: T) =>
  schema.max(MAX_NAME_LENGTH, `expected at most ${MAX_NAME_LENGTH} characters`).refine((name) => !isReservedName(name), { error: (issue) => `"${String(issue.input)}" is a name JavaScript reserves for every object; choose another` });

/** Names of runbooks, steps, sites: lower-case words joined by hyphens, as in URLs and file names. */
export const Name = notReserved(z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'expected lower-case letters, digits and "-" (like "backup-minio")'));

/** Names of params, roles, hosts, outputs: usable as one segment of a `${{ }}` path. */
export const Identifier = notReserved(z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'expected a letter or "_" then letters, digits, "_" or "-"'));

const DURATION = /^(?:\d+(?:ms|s|m|h))+$/;

/** A duration such as `30s`, `5m`, `2h` or `1h30m`. */
const DURATION_EXPECTED = 'expected a duration such as "30s", "5m", "2h" or "1h30m"';
export const Duration = z.string({ error: DURATION_EXPECTED }).regex(DURATION, DURATION_EXPECTED);

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** Milliseconds of a duration already checked by `Duration`. */
export function durationMs(text: string): number {
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)(ms|s|m|h)/g)) {
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  return total;
}

/** A string that may hold `${{ }}` expressions; checked by the validator, not by the schema. */
export const Template = z.string();

/** A scalar or list a param or host var may hold. */
export const ParamValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))]);
export type ParamValue = z.infer<typeof ParamValue>;

/** A map's own value for a key from a file or the command line: never one every object inherits (`constructor`). */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
