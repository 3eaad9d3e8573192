/** A value an expression can produce or a scope can hold: plain JSON data, nothing callable. */
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

/** What expressions are evaluated against: `{ params, host, site, run, item, steps }`. */
export type Scope = Readonly<Record<string, Value | undefined>>;

/** The literal kinds an expression can spell out. */
export type LiteralValue = string | number | boolean | null;

/** A binary operator; `==`/`!=` compare, `&&`/`||` pick an operand. */
export type BinaryOp = '==' | '!=' | '&&' | '||';

/** The parsed form of one `${{ }}` expression; every `offset` is an index in the template text. */
export type Expr =
  | { kind: 'literal'; value: LiteralValue; offset: number }
  | { kind: 'path'; segments: string[]; offset: number }
  | { kind: 'not'; operand: Expr; offset: number }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; offset: number };

/** A template is text with expressions in it. */
export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'expr'; expr: Expr; source: string; offset: number };

/** One dotted reference in an expression, for the validator to check. */
export interface PathRef {
  segments: string[];
  offset: number;
}
