import type { Scope, Segment, Value } from './ast.js';
import { valueToText } from './convert.js';
import { nulError } from './errors.js';
import { evaluate } from './evaluate.js';
import { parseTemplate } from './parse.js';

export { checkScriptTemplate, renderScript } from './render-script.js';

/** Renders a prose field: values as plain text, lists joined by ", ", objects as JSON, null as ''. */
export function renderText(template: string, scope: Scope): string {
  return renderSegments(parseTemplate(template), scope, (text) => text);
}

/**
 * Renders one argv element (e.g. `kubectl.args`): the same text conversion as `renderText`; the result is
 * passed to the process as it is, never through a shell. A NUL byte is refused: argv cannot carry it.
 */
export function renderArg(template: string, scope: Scope): string {
  return renderSegments(parseTemplate(template), scope, (text, segment) => {
    if (text.includes('\0')) throw nulError(segment);
    return text;
  });
}

/**
 * The raw value of a template that is exactly one expression (whitespace around it allowed), as
 * `foreach` and `when` need it; undefined when the template has any other text.
 */
export function evaluateWhole(template: string, scope: Scope): Value | undefined {
  const segments = parseTemplate(template).filter((segment) => segment.kind === 'expr' || segment.text.trim() !== '');
  const [only] = segments;
  if (segments.length !== 1 || only?.kind !== 'expr') return undefined;
  return evaluate(only.expr, scope);
}

function renderSegments(
  segments: Segment[],
  scope: Scope,
  check: (text: string, segment: Extract<Segment, { kind: 'expr' }>) => string,
): string {
  let out = '';
  for (const segment of segments) {
    if (segment.kind === 'text') out += segment.text;
    else out += check(valueToText(evaluate(segment.expr, scope), ', '), segment);
  }
  return out;
}
