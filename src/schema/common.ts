import { z } from 'zod';

/** Names of runbooks, steps, sites: lower-case words joined by hyphens, as in URLs and file names. */
export const Name = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'expected lower-case letters, digits and "-" (like "backup-minio")');

/** Names of params, roles, hosts, outputs: usable as one segment of a `${{ }}` path. */
export const Identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'expected a letter or "_" then letters, digits, "_" or "-"');

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
