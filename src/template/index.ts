/** The `${{ }}` expression language: parse, check, evaluate and render templates. Nothing is evaluated as code. */
export type { BinaryOp, Expr, LiteralValue, PathRef, Scope, Segment, Value } from './ast.js';
export { OptionValueError, renderArgvWord } from './argv-word.js';
export { didYouMean } from './did-you-mean.js';
export { TemplateError } from './errors.js';
export { evaluate, isTruthy, looselyEqual, PLACEHOLDER_SCOPE } from './evaluate.js';
export { collectPaths, hasExpressions, parseTemplate } from './parse.js';
export { checkScriptTemplate, evaluateWhole, renderArg, renderScript, renderText } from './render.js';
export { shellQuote } from './shell-quote.js';
