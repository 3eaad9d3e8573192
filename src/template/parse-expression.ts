import { assertNever } from '../errors.js';
import type { Expr } from './ast.js';
import { TemplateError } from './errors.js';
import type { Token } from './lexer.js';

const NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/**
 * Nesting deeper than this (parentheses, `!`, or `&&`/`||` in a row) is refused: nobody writes it, and the parser,
 * the evaluator and `validate` all recurse over the tree (5,000 parentheses overflowed the stack).
 */
export const MAX_EXPRESSION_DEPTH = 32;

const tooDeep = (at: number) => new TemplateError(`expression nested more than ${MAX_EXPRESSION_DEPTH} levels deep (parentheses, "!", "&&" or "||" in a row); split it up`, at);

/** Parses the tokens of one expression (ending with the `end` token) into an AST. */
export function parseTokens(tokens: Token[]): Expr {
  let index = 0;
  const peek = (): Token => tokens[index] ?? { type: 'end', at: -1 };
  const next = (): Token => {
    const token = peek();
    if (index < tokens.length - 1) index++;
    return token;
  };
  let nesting = 0;
  const nested = (at: number, parse: () => Expr): Expr => {
    if (++nesting > MAX_EXPRESSION_DEPTH) throw tooDeep(at);
    try {
      return parse();
    } finally {
      nesting--;
    }
  };
  const isOp = (value: string): boolean => {
    const token = peek();
    return token.type === 'op' && token.value === value;
  };

  // or := and ('||' and)*
  const parseOr = (after: string): Expr => {
    let left = parseAnd(after);
    for (let chain = 1; isOp('||'); chain++) {
      const at = next().at;
      if (chain > MAX_EXPRESSION_DEPTH) throw tooDeep(at);
      left = { kind: 'binary', op: '||', left, right: parseAnd('after "||"'), offset: at };
    }
    return left;
  };
  // and := eq ('&&' eq)*
  const parseAnd = (after: string): Expr => {
    let left = parseEq(after);
    for (let chain = 1; isOp('&&'); chain++) {
      const at = next().at;
      if (chain > MAX_EXPRESSION_DEPTH) throw tooDeep(at);
      left = { kind: 'binary', op: '&&', left, right: parseEq('after "&&"'), offset: at };
    }
    return left;
  };
  // eq := unary (('==' | '!=') unary)?   (not chainable: `a == b == c` is an error)
  const parseEq = (after: string): Expr => {
    const left = parseUnary(after);
    const token = peek();
    if (token.type === 'op' && (token.value === '==' || token.value === '!=')) {
      next();
      const right = parseUnary(`after "${token.value}"`);
      return { kind: 'binary', op: token.value, left, right, offset: token.at };
    }
    return left;
  };
  // unary := '!' unary | primary
  const parseUnary = (after: string): Expr => {
    if (isOp('!')) {
      const at = next().at;
      return { kind: 'not', operand: nested(at, () => parseUnary('after "!"')), offset: at };
    }
    return parsePrimary(after);
  };
  const parsePrimary = (after: string): Expr => {
    const token = next();
    switch (token.type) {
      case 'string':
        return { kind: 'literal', value: token.value, offset: token.at };
      case 'word':
        return parseWord(token.value, token.at, describe(peek()));
      case 'op':
        if (token.value === '(') {
          const inner = nested(token.at, () => parseOr('after "("'));
          const close = next();
          if (close.type !== 'op' || close.value !== ')') {
            throw new TemplateError(`expected ")" to close the "(" but found ${describe(close)}`, close.at);
          }
          return inner;
        }
        break;
      case 'end':
        break;
    }
    const where = after ? ` ${after}` : '';
    throw new TemplateError(`expected a value${where} but found ${describe(token)}`, token.at);
  };

  const expr = parseOr('');
  const rest = peek();
  if (rest.type !== 'end') {
    throw new TemplateError(`expected an operator or "}}" but found ${describe(rest)}`, rest.at);
  }
  return expr;
}

// A bare word is a number, true, false, null or a dotted path.
function parseWord(word: string, at: number, following: string): Expr {
  if (NUMBER.test(word)) return { kind: 'literal', value: Number(word), offset: at };
  if (word === 'true' || word === 'false') return { kind: 'literal', value: word === 'true', offset: at };
  if (word === 'null') return { kind: 'literal', value: null, offset: at };
  const segments = word.split('.');
  let position = at;
  for (const [i, segment] of segments.entries()) {
    if (!SEGMENT.test(segment)) {
      const found = position < at + word.length ? '"."' : following;
      const expected = i === 0 ? 'a name' : 'a name after "."';
      throw new TemplateError(`expected ${expected} but found ${found}`, position);
    }
    position += segment.length + 1;
  }
  return { kind: 'path', segments, offset: at };
}

/** How a token reads in an error message. */
export function describe(token: Token): string {
  switch (token.type) {
    case 'end':
      return 'end of expression';
    case 'string':
      return `the string ${JSON.stringify(token.value)}`;
    case 'word':
    case 'op':
      return `"${token.value}"`;
    default:
      return assertNever(token);
  }
}
