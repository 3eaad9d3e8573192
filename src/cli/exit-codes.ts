import { FieldbookError, ValidationError, formatIssue, type Issue } from '../errors.js';

/** SPEC section 3. */
export const EXIT = {
  finished: 0,
  stepFailed: 1,
  usage: 2,
  needsOperator: 3,
  refused: 4,
  interrupted: 130,
} as const;

/** At most this many problems are printed at once, most important first. */
export const MAX_ISSUES_SHOWN = 5;

/** The exit code and one-line message (no stack) for any error; unexpected errors say so and keep the cause. */
export function describeError(error: unknown): { code: number; message: string } {
  if (error instanceof ValidationError) return { code: EXIT.usage, message: formatIssues(error.issues) };
  if (error instanceof FieldbookError) {
    switch (error.code) {
      case 'usage':
      case 'validation':
        return { code: EXIT.usage, message: `error: ${error.message}` };
      case 'lock-held':
      case 'changed-since-start':
      case 'refused':
        return { code: EXIT.refused, message: `refused: ${error.message}` };
      case 'needs-operator':
        return { code: EXIT.needsOperator, message: error.message };
      case 'step-failed':
        return { code: EXIT.stepFailed, message: error.message };
      case 'interrupted':
        return { code: EXIT.interrupted, message: error.message };
      case 'transport':
      case 'journal':
        return { code: EXIT.stepFailed, message: `error: ${error.message}` };
      case 'internal':
        return { code: EXIT.stepFailed, message: `internal error: ${error.message} (please report this)` };
    }
  }
  const system = systemError(error);
  if (system) return { code: EXIT.stepFailed, message: `error: ${system}` };
  const text = error instanceof Error ? error.message : String(error);
  return { code: EXIT.stepFailed, message: `internal error: ${text} (please report this, with FIELDBOOK_DEBUG=1 for the stack)` };
}

/** What the machine refused (a full disk, a read-only mount), said as such: not a fieldbook bug. */
const SYSTEM_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on the device; free some and try again (a run that started resumes, its completed steps kept)',
  EDQUOT: 'the disk quota is used up; free some and try again (a run that started resumes, its completed steps kept)',
  EROFS: 'the file system is read-only',
  EIO: 'the device reported an input/output error',
};

function systemError(error: unknown): string | undefined {
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  const what = code === undefined ? undefined : SYSTEM_ERRORS[code];
  if (what === undefined) return undefined;
  const { syscall, path } = error as NodeJS.ErrnoException;
  return `${syscall ?? 'writing'}${path ? ` ${path}` : ''}: ${what} (${code})`;
}

/** The first few issues, most important first, then how many more there are. */
export function formatIssues(issues: readonly Issue[]): string {
  const sorted = [...issues].sort((a, b) => (a.rank ?? 1) - (b.rank ?? 1) || a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
  const unique = sorted.filter((issue, i) => i === 0 || formatIssue(issue) !== formatIssue(sorted[i - 1]!));
  const shown = unique.slice(0, MAX_ISSUES_SHOWN).map(formatIssue);
  const more = unique.length - shown.length;
  if (more > 0) shown.push(`... and ${more} more problem${more > 1 ? 's' : ''}`);
  return shown.join('\n');
}
