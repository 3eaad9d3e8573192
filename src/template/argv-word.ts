// An argv element that starts with `-` is an option to the program that reads it (`kubectl delete pod --all`).
// Only the runbook may write one: a value (a param, a capture, an item) that would make the `-` is refused.
import { assertNever } from '../errors.js';
import type { Expr, Scope, Segment } from './ast.js';
import { valueToText } from './convert.js';
import { nulError, TemplateError } from './errors.js';
import { evaluate, isTruthy } from './evaluate.js';
import { parseTemplate } from './parse.js';

/** A value that would have turned an argv element into an option (`kubectl delete pod --all`). */
export class OptionValueError extends TemplateError {}

const SHOWN_CHARS = 60;

/**
 * Renders one argv element, as `renderArg` does, and refuses it when its leading `-` would come from a value.
 * The runbook marks an element as an option by writing the `-` itself: as text (`--selector=${{ x }}`, `-l`) or
 * as a quoted literal the expression picks (`${{ params.dryRun && '--dry-run=server' || '--dry-run=none' }}`).
 */
export function renderArgvWord(template: string, scope: Scope, field: string): string {
  let out = '';
  for (const segment of parseTemplate(template)) {
    if (segment.kind === 'text') {
      out += segment.text;
      continue;
    }
    const text = valueToText(evaluate(segment.expr, scope), ', ');
    if (text.includes('\0')) throw nulError(segment);
    if (out === '' && text.startsWith('-') && !writtenByRunbook(segment.expr, scope)) throw optionValueError(field, segment, text);
    out += text;
  }
  return out;
}

// Whether the value of `expr` is a literal of the runbook's own text; `&&` and `||` yield the operand they pick.
function writtenByRunbook(expr: Expr, scope: Scope): boolean {
  switch (expr.kind) {
    case 'literal':
      return true;
    case 'binary':
      if (expr.op === '&&' || expr.op === '||') {
        const left = isTruthy(evaluate(expr.left, scope));
        const picked = (expr.op === '&&') === left ? expr.right : expr.left;
        return writtenByRunbook(picked, scope);
      }
      return true; // a boolean: `true` or `false`
    case 'not':
      return true;
    case 'path':
      return false;
    default:
      return assertNever(expr);
  }
}

function optionValueError(field: string, segment: Extract<Segment, { kind: 'expr' }>, text: string): OptionValueError {
  const shown = JSON.stringify(text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text);
  const message =
    `${field}: ${segment.source} is ${shown}, which would be read as an option; a value may not start an argument` +
    ` with "-" (write an option and its value as one argument: --name=${segment.source})`;
  return new OptionValueError(message, segment.offset);
}
