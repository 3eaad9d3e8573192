import { createHash } from 'node:crypto';

/**
 * How many hex digits of a reviewed list's digest an approval names. The list comes from a host that may be
 * hostile, so it must resist a collision made on purpose (two lists sharing the prefix): 128 bits take about 2^64
 * tries; 48 bits took a minute of one core.
 */
export const DIGEST_PREFIX = 32;

/** The digest of a reviewed list: sha256 of its items as JSON, so order and every byte count. */
export function reviewDigest(items: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(items)).digest('hex');
}

/** The digest as people see and type it. */
export function shortDigest(digest: string): string {
  return digest.slice(0, DIGEST_PREFIX);
}
