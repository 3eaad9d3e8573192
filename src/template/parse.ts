import { assertNever } from '../errors.js';
import type { Expr, PathRef, Segment } from './ast.js';
import { tokenize } from './lexer.js';
import { parseTokens } from './parse-expression.js';

/**
 * Splits a template into text and `${{ expr }}` segments. `$${{` is a literal `${{`. Throws
 * `TemplateError` (with the offset in `text`) for an unterminated `${{` or a bad expression.
 */
export function parseTemplate(text: string): Segment[] {
  const segments: Segment[] = [];
  let literal = '';
  let i = 0;
  for (;;) {
    const open = text.indexOf('${{', i);
    if (open < 0) break;
    if (open > i && text[open - 1] === '$') {
      literal += `${text.slice(i, open - 1)}\${{`;
      i = open + 3;
      continue;
    }
    literal += text.slice(i, open);
    if (literal) segments.push({ kind: 'text', text: literal });
    literal = '';
    const { tokens, end } = tokenize(text, open + 3);
    segments.push({ kind: 'expr', expr: parseTokens(tokens), source: text.slice(open, end), offset: open });
    i = end;
  }
  literal += text.slice(i);
  if (literal) segments.push({ kind: 'text', text: literal });
  return segments;
}

/** Every dotted reference in `expr`, in source order, so the validator can check each one. */
export function collectPaths(expr: Expr): PathRef[] {
  switch (expr.kind) {
    case 'literal':
      return [];
    case 'path':
      return [{ segments: expr.segments, offset: expr.offset }];
    case 'not':
      return collectPaths(expr.operand);
    case 'binary':
      return [...collectPaths(expr.left), ...collectPaths(expr.right)];
    default:
      return assertNever(expr);
  }
}

/** Whether `text` contains any `${{ }}` expression (a literal `$${{` does not count). */
export function hasExpressions(text: string): boolean {
  return parseTemplate(text).some((segment) => segment.kind === 'expr');
}
