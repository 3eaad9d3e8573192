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

/**
 * The command inside old-style backticks starting at `i`: it ends at the first unescaped backtick, and
 * \$ \` \\ (and \" within "...") lose their backslash before the shell parses it. A backslash-newline is a line
 * continuation, removed when the outer command is read (even where the inner command has single quotes).
 */
export function decodeBackticks(items: readonly Item[], i: number, inDouble: boolean): { decoded: Item[]; next: number } {
  const decoded: Item[] = [];
  let j = i + 1;
  while (j < items.length && charAt(items, j) !== '`') {
    const next = charAt(items, j + 1);
    if (charAt(items, j) === '\\' && next === '\n') {
      j += 2;
      continue;
    }
    if (charAt(items, j) === '\\' && next !== undefined && ('$`\\'.includes(next) || (inDouble && next === '"'))) {
      decoded.push(next);
      j += 2;
      continue;
    }
    const item = items[j];
    if (item !== undefined) decoded.push(item);
    j++;
  }
  return { decoded, next: j + 1 };
}
