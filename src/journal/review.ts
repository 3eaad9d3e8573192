import { createHash } from 'node:crypto';

/** How many hex digits of a reviewed list's digest an approval names (48 bits: no list is mistaken for another). */
export const DIGEST_PREFIX = 12;

/** The digest of a reviewed list: sha256 of its items as JSON, so order and every byte count. */
export function reviewDigest(items: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(items)).digest('hex');
}

/** The digest as people see and type it. */
export function shortDigest(digest: string): string {
  return digest.slice(0, DIGEST_PREFIX);
}
