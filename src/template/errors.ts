import { FieldbookError } from '../errors.js';

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
