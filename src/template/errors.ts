import { FieldbookError } from '../errors.js';
import type { Expr } from './ast.js';

/** A bad `${{ }}` template or a reference it cannot resolve; `offset` is the index in the template text. */
export class TemplateError extends FieldbookError {
  constructor(
    message: string,
    readonly offset: number,
    options?: { cause?: unknown },
  ) {
    super('validation', message, options);
  }
}

/** The error for a value holding a NUL byte; it names the expression, never the value (it may be a secret). */
export function nulError(segment: { expr: Expr; source: string; offset: number }): TemplateError {
  const name = segment.expr.kind === 'path' ? segment.expr.segments.join('.') : segment.source.slice(3, -2).trim();
  return new TemplateError(`value of ${name} contains a NUL byte, which a shell cannot carry`, segment.offset);
}
