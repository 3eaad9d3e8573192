/** The script as the scanner sees it: one entry per character, with each `${{ }}` as a hole. */
export type Item = string | Hole;

/** Where the expression with this index (counting expressions only) sits in the script. */
export interface Hole {
  hole: number;
}

/** The character at `i`, or undefined for a hole or past the end. */
export function charAt(items: readonly Item[], i: number): string | undefined {
  const item = items[i];
  return typeof item === 'string' ? item : undefined;
}

/** The hole at `i`, if there is one. */
export function holeAt(items: readonly Item[], i: number): Hole | undefined {
  const item = items[i];
  return typeof item === 'object' ? item : undefined;
}
