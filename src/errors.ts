/** Every error a user can act on. Only `cli/` turns these into exit codes and one-line messages. */
export type ErrorCode =
  | 'usage'
  | 'validation'
  | 'transport'
  | 'lock-held'
  | 'changed-since-start'
  | 'refused'
  | 'needs-operator'
  | 'step-failed'
  | 'interrupted'
  | 'journal'
  | 'internal';

export class FieldbookError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad command line: unknown flag, missing argument, bad --param. */
export class UsageError extends FieldbookError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('usage', message, options);
  }
}

/** One problem in an input file, located at file:line:col. */
export interface Issue {
  file: string;
  line: number;
  col: number;
  /** Dotted path inside the document, e.g. `steps[3].timeout`; empty for the whole file. */
  path: string;
  message: string;
  /** Lower is more important: syntax (0) before structure (1) before references (2). */
  rank?: number;
}

/** One or more problems in the runbook, site or params; the CLI prints the first few. */
export class ValidationError extends FieldbookError {
  constructor(readonly issues: Issue[]) {
    super('validation', issues.map(formatIssue).join('\n'));
  }
}

/** `file:line:col: path: message`, the one format every problem is reported in. */
export function formatIssue(issue: Issue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.col}` : issue.file;
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

/** A transport could not do what was asked; says host, address, phase and what to try. */
export class TransportError extends FieldbookError {
  constructor(
    message: string,
    readonly details: { host?: string; address?: string; phase?: string; hint?: string } = {},
    options?: { cause?: unknown },
  ) {
    super('transport', message, options);
  }
}

/**
 * A transport's module (execa, ssh2) that cannot be loaded: nothing ran, so the unit is a refusal (phase
 * `start`), not an unknown outcome.
 */
export function moduleLoadFailure(what: string, cause: unknown): TransportError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new TransportError(`cannot load ${what}: ${reason}`, { phase: 'start', hint: 'reinstall fieldbook (npm ci)' }, { cause });
}

/** For exhaustive switches over string unions. */
export function assertNever(value: never): never {
  throw new FieldbookError('internal', `unexpected value: ${JSON.stringify(value)}`);
}
