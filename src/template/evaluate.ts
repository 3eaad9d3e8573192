import { assertNever } from '../errors.js';
import type { Expr, Scope, Value } from './ast.js';
import { didYouMean } from './did-you-mean.js';
import { TemplateError } from './errors.js';

/**
 * Evaluates an expression against a scope. Nothing is run: paths are looked up, literals are data.
 * `&&` and `||` short-circuit and yield an operand (`params.tag || 'latest'`); `!`, `==`, `!=` yield booleans.
 * An unknown path throws `TemplateError` naming the path and the nearest known key.
 */
export function evaluate(expr: Expr, scope: Scope): Value {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'path':
      return lookup(expr.segments, expr.offset, scope);
    case 'not':
      return !isTruthy(evaluate(expr.operand, scope));
    case 'binary': {
      const left = evaluate(expr.left, scope);
      switch (expr.op) {
        case '&&':
          return isTruthy(left) ? evaluate(expr.right, scope) : left;
        case '||':
          return isTruthy(left) ? left : evaluate(expr.right, scope);
        case '==':
          return looselyEqual(left, evaluate(expr.right, scope));
        case '!=':
          return !looselyEqual(left, evaluate(expr.right, scope));
        default:
          return assertNever(expr.op);
      }
    }
    default:
      return assertNever(expr);
  }
}

/** false, null, '', 0, 'false' and the empty list are false; everything else (even `{}` and '0') is true. */
export function isTruthy(value: Value): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return !(value === false || value === null || value === '' || value === 0 || value === 'false');
}

/**
 * Strict equality, except that a string compared with a number or boolean is compared with its string form
 * (`'5' == 5`, `'true' == true`), because params given on the command line arrive as strings.
 * `null` equals only `null`; lists and objects are equal when their items are.
 */
export function looselyEqual(a: Value, b: Value): boolean {
  if (typeof a === 'string' && (typeof b === 'number' || typeof b === 'boolean')) return a === String(b);
  if (typeof b === 'string' && (typeof a === 'number' || typeof a === 'boolean')) return b === String(a);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => looselyEqual(item, b[i] ?? null))
    );
  }
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => Object.hasOwn(b, key) && looselyEqual(a[key] ?? null, b[key] ?? null))
  );
}

/**
 * Marks a plan's scope, where run-time values are placeholders such as `⟨item⟩`: a path into a placeholder gives
 * the longer placeholder (`⟨item.namespace⟩`) instead of an error. Never set on a scope a command runs with.
 */
export const PLACEHOLDER_SCOPE: unique symbol = Symbol('fieldbook.placeholder-scope');

const PLACEHOLDER = /^⟨([^⟨⟩]+)⟩$/u;

// Walks the dotted path through own properties only (never the prototype) and list indexes.
function lookup(segments: string[], offset: number, scope: Scope): Value {
  const path = segments.join('.');
  let current: Value | Scope = scope;
  for (const [i, segment] of segments.entries()) {
    const parent = segments.slice(0, i).join('.');
    const placeholder = typeof current === 'string' && PLACEHOLDER_SCOPE in scope ? PLACEHOLDER.exec(current) : null;
    if (placeholder) return `⟨${[placeholder[1], ...segments.slice(i)].join('.')}⟩`;
    if (Array.isArray(current)) {
      const index = /^[0-9]+$/.test(segment) ? Number(segment) : -1;
      const item: Value | undefined = current[index];
      if (item === undefined) {
        const size = `it has ${current.length} item${current.length === 1 ? '' : 's'}`;
        throw new TemplateError(`unknown reference "${path}": ${parent} is a list and ${size}`, offset);
      }
      current = item;
    } else if (current !== null && typeof current === 'object') {
      const next: Value | undefined = Object.hasOwn(current, segment) ? current[segment] : undefined;
      if (next === undefined) throw unknown(path, parent, segment, Object.keys(current), offset);
      current = next;
    } else {
      const kind = current === null ? 'null' : `a ${typeof current}`;
      throw new TemplateError(`unknown reference "${path}": ${parent} is ${kind}, which has no "${segment}"`, offset);
    }
  }
  return current as Value;
}

function unknown(path: string, parent: string, segment: string, keys: string[], offset: number): TemplateError {
  const where = parent ? `${parent} has no "${segment}"` : `there is no "${segment}"`;
  const suggestion = didYouMean(segment, keys);
  const hint = suggestion ? ` (did you mean "${suggestion}"?)` : keys.length === 0 && parent ? ` (${parent} is empty)` : '';
  return new TemplateError(`unknown reference "${path}": ${where}${hint}`, offset);
}
