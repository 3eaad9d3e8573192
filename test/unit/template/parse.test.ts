import { describe, expect, test } from 'vitest';
import { FieldbookError } from '../../../src/errors.js';
import { collectPaths, hasExpressions, parseTemplate, TemplateError, type Expr } from '../../../src/template/index.js';

// The single expression of a template, for AST assertions.
function exprOf(template: string): Expr {
  const segment = parseTemplate(template).find((s) => s.kind === 'expr');
  if (segment?.kind !== 'expr') throw new Error('no expression');
  return segment.expr;
}

// A compact rendering of an AST: paths dotted, literals JSON, operators infix in parentheses.
function show(expr: Expr): string {
  switch (expr.kind) {
    case 'literal':
      return JSON.stringify(expr.value);
    case 'path':
      return expr.segments.join('.');
    case 'not':
      return `!${show(expr.operand)}`;
    case 'binary':
      return `(${show(expr.left)} ${expr.op} ${show(expr.right)})`;
  }
}

function parseError(template: string): TemplateError {
  try {
    parseTemplate(template);
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(template)} to be rejected`);
}

describe('parseTemplate segments', () => {
  test('text without expressions is one text segment, and the empty template has none', () => {
    expect(parseTemplate('plain text')).toEqual([{ kind: 'text', text: 'plain text' }]);
    expect(parseTemplate('')).toEqual([]);
  });

  test('an expression keeps its exact source and offset', () => {
    const segments = parseTemplate('tar -cf ${{ params.dir }}/x.tar');
    expect(segments).toEqual([
      { kind: 'text', text: 'tar -cf ' },
      { kind: 'expr', source: '${{ params.dir }}', offset: 8, expr: { kind: 'path', segments: ['params', 'dir'], offset: 12 } },
      { kind: 'text', text: '/x.tar' },
    ]);
  });

  test('adjacent expressions and expressions without spaces', () => {
    const segments = parseTemplate('${{a}}${{ b }}');
    expect(segments.map((s) => (s.kind === 'expr' ? s.source : s.text))).toEqual(['${{a}}', '${{ b }}']);
  });

  test('$${{ is a literal ${{ and merges with the surrounding text', () => {
    expect(parseTemplate('echo $${{ not.an.expr }} and ${{ params.x }}')).toEqual([
      { kind: 'text', text: 'echo ${{ not.an.expr }} and ' },
      expect.objectContaining({ kind: 'expr', offset: 29 }),
    ]);
    expect(hasExpressions('$${{ x }}')).toBe(false);
    expect(hasExpressions('${{ x }}')).toBe(true);
  });

  test('paths with hyphens, digits and host names', () => {
    expect(exprOf('${{ steps.list-plugin-packages.outputs.files }}')).toEqual({
      kind: 'path',
      segments: ['steps', 'list-plugin-packages', 'outputs', 'files'],
      offset: 4,
    });
    expect(show(exprOf('${{ steps.backup.hosts.cp1.outputs.size }}'))).toBe('steps.backup.hosts.cp1.outputs.size');
  });

  test('literals: strings in both quotes with doubled quotes, numbers, booleans, null', () => {
    expect(show(exprOf(`\${{ 'it''s' }}`))).toBe('"it\'s"');
    expect(show(exprOf('${{ "say ""hi""" }}'))).toBe('"say \\"hi\\""');
    expect(show(exprOf("${{ 'C:\\dir' }}"))).toBe(JSON.stringify('C:\\dir'));
    expect(show(exprOf('${{ 42 }}'))).toBe('42');
    expect(show(exprOf('${{ -1.5 }}'))).toBe('-1.5');
    expect(show(exprOf('${{ true }}'))).toBe('true');
    expect(show(exprOf('${{ false }}'))).toBe('false');
    expect(show(exprOf('${{ null }}'))).toBe('null');
  });

  test('a "}}" inside a string literal does not end the expression', () => {
    const [segment] = parseTemplate("${{ params.x == '}}' }}");
    expect(segment).toMatchObject({ kind: 'expr', source: "${{ params.x == '}}' }}" });
  });
});

describe('precedence', () => {
  test.each([
    ['a || b && c', '(a || (b && c))'],
    ['a && b || c', '((a && b) || c)'],
    ['a == b && c != d', '((a == b) && (c != d))'],
    ['!a == b', '(!a == b)'],
    ['!!a', '!!a'],
    ['!(a == b)', '!(a == b)'],
    ['(a || b) && c', '((a || b) && c)'],
    ['a || b || c', '((a || b) || c)'],
    ["params.mode == 'full' || !params.dry", '((params.mode == "full") || !params.dry)'],
  ])('%s parses as %s', (source, expected) => {
    expect(show(exprOf(`\${{ ${source} }}`))).toBe(expected);
  });
});

describe('parse errors say what was expected, what was found, and where', () => {
  test.each([
    ['${{ params.x == }}', 'expected a value after "==" but found end of expression', 16],
    ['${{ params.x && }}', 'expected a value after "&&" but found end of expression', 16],
    ['${{ ! }}', 'expected a value after "!" but found end of expression', 6],
    ['${{ }}', 'expected a value but found end of expression', 4],
    ['${{ a = b }}', 'expected "==" but found "="', 6],
    ['${{ a & b }}', 'expected "&&" but found "&"', 6],
    ['${{ a | b }}', 'expected "||" but found "|"', 6],
    ['${{ a b }}', 'expected an operator or "}}" but found "b"', 6],
    ['${{ a == b == c }}', 'expected an operator or "}}" but found "=="', 11],
    ['${{ (a }}', 'expected ")" to close the "(" but found end of expression', 7],
    ['${{ a) }}', 'expected an operator or "}}" but found ")"', 5],
    ['${{ params..x }}', 'expected a name after "." but found "."', 11],
    ['${{ params. }}', 'expected a name after "." but found end of expression', 11],
    ['${{ .x }}', 'expected a name but found "."', 4],
    ["${{ 'abc }}", "expected a closing ' for the string but found end of text", 4],
    ['${{ a @ b }}', 'expected a value or an operator but found "@"', 6],
    ['${{ a } }}', 'expected a value or an operator but found "}"', 6],
    ['${{ == a }}', 'expected a value but found "=="', 4],
    ["${{ 'x' 'y' }}", 'expected an operator or "}}" but found the string "y"', 8],
  ])('%s', (template, message, offset) => {
    const error = parseError(template);
    expect(error.message).toBe(message);
    expect(error.offset).toBe(offset);
  });

  test('an unterminated ${{ points at the ${{', () => {
    const error = parseError('echo ${{ params.x');
    expect(error.message).toBe('expected "}}" to close "${{" but found end of text');
    expect(error.offset).toBe(5);
  });

  test('offsets count from the start of the whole template', () => {
    expect(parseError('line one\n${{ a }} ${{ b == }}').offset).toBe(27);
  });

  test('a TemplateError is a validation error the CLI can report', () => {
    const error = parseError('${{ }}');
    expect(error).toBeInstanceOf(FieldbookError);
    expect(error.code).toBe('validation');
    expect(error.name).toBe('TemplateError');
  });
});

describe('collectPaths', () => {
  test('finds every path with its offset, in source order', () => {
    const template = "${{ params.a == 'x' && !(steps.s-1.outputs.o || host.name) }}";
    expect(collectPaths(exprOf(template))).toEqual([
      { segments: ['params', 'a'], offset: 4 },
      { segments: ['steps', 's-1', 'outputs', 'o'], offset: 25 },
      { segments: ['host', 'name'], offset: 48 },
    ]);
    expect(template.slice(25, 25 + 'steps'.length)).toBe('steps');
  });

  test('literals have no paths', () => {
    expect(collectPaths(exprOf("${{ 'a' == 1 }}"))).toEqual([]);
  });
});
