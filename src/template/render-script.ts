import type { Scope, Segment } from './ast.js';
import { valueToText } from './convert.js';
import { FieldbookError } from '../errors.js';
import { nulError, TemplateError } from './errors.js';
import { evaluate } from './evaluate.js';
import { parseTemplate } from './parse.js';
import type { Item } from './script-items.js';
import { type HoleContext, scanScript } from './shell-scan.js';
import { spellWord } from './shell-word.js';

type ExprSegment = Extract<Segment, { kind: 'expr' }>;

/**
 * Renders a `run` script so that every expansion is exactly one shell word whatever its value: single-quoted
 * where unquoted, closed and reopened inside "...", '...' and $'...', re-escaped inside backticks. Lists become
 * one word with items joined by newlines, objects JSON. `shell` is the step's (bash unless the runbook says sh):
 * it decides how a newline in a value is written (see `spellWord`). Throws `TemplateError` where no quoting is
 * safe (here-document bodies, arithmetic, right after a backslash) and for values holding a NUL byte.
 */
export function renderScript(template: string, scope: Scope, shell: 'bash' | 'sh' = 'bash'): string {
  const { segments, contexts } = analyse(template);
  const [problem] = problems(segments, contexts);
  if (problem) throw problem;
  let out = '';
  let hole = 0;
  for (const segment of segments) {
    if (segment.kind === 'text') {
      out += segment.text;
      continue;
    }
    const context = contexts.get(hole++);
    const text = valueToText(evaluate(segment.expr, scope), '\n');
    if (text.includes('\0')) throw nulError(segment);
    if (!context || 'error' in context) throw new FieldbookError('internal', `no quoting context for ${segment.source}`);
    out += spellWord(text, context, shell);
  }
  return out;
}

/** Every problem `renderScript` would refuse regardless of values (parse errors, unsafe places), for `validate`. */
export function checkScriptTemplate(template: string): TemplateError[] {
  try {
    const { segments, contexts } = analyse(template);
    return problems(segments, contexts);
  } catch (error) {
    if (error instanceof TemplateError) return [error];
    throw error;
  }
}

function analyse(template: string): { segments: Segment[]; contexts: Map<number, HoleContext> } {
  const segments = parseTemplate(template);
  const items: Item[] = [];
  let hole = 0;
  for (const segment of segments) {
    // One character at a time: spreading a 300 KB line into push's arguments overflowed the stack.
    if (segment.kind === 'text') for (const char of segment.text) items.push(char);
    else items.push({ hole: hole++ });
  }
  return { segments, contexts: scanScript(items) };
}

function problems(segments: Segment[], contexts: Map<number, HoleContext>): TemplateError[] {
  const exprs = segments.filter((segment): segment is ExprSegment => segment.kind === 'expr');
  const found: TemplateError[] = [];
  for (const [index, segment] of exprs.entries()) {
    const context = contexts.get(index);
    if (context && 'error' in context) found.push(new TemplateError(context.error, segment.offset));
  }
  return found;
}
