import { describe, expect, test } from 'vitest';
import { evaluateWhole, renderArg, renderText, shellQuote, TemplateError, type Scope } from '../../../src/template/index.js';

const scope: Scope = {
  params: { registry: 'reg:5000', keep: 5, dry: false, none: null, files: ['a b', 'c'], nested: [['x'], { k: 1 }], obj: { a: [1, 'two'] } },
  host: { name: 'cp1' },
};

describe('renderText', () => {
  test('converts values to plain text', () => {
    expect(renderText('Push to ${{ params.registry }} keeping ${{ params.keep }} tags (dry: ${{ params.dry }})', scope)).toBe(
      'Push to reg:5000 keeping 5 tags (dry: false)',
    );
  });

  test('null is empty, lists are joined by ", ", objects and nested lists are JSON', () => {
    expect(renderText('[${{ params.none }}]', scope)).toBe('[]');
    expect(renderText('${{ params.files }}', scope)).toBe('a b, c');
    expect(renderText('${{ params.nested }}', scope)).toBe('["x"], {"k":1}');
    expect(renderText('${{ params.obj }}', scope)).toBe('{"a":[1,"two"]}');
  });

  test('prose is never shell-quoted and $${{ stays literal', () => {
    expect(renderText("it's ${{ host.name }}; use $${{ params.x }}", scope)).toBe("it's cp1; use ${{ params.x }}");
  });

  test('an unknown reference throws a TemplateError at its offset', () => {
    expect(() => renderText('Host ${{ host.nmae }}', scope)).toThrow(
      new TemplateError('unknown reference "host.nmae": host has no "nmae" (did you mean "name"?)', 9),
    );
  });
});

describe('renderArg', () => {
  test('is one argv element with the text conversion, spaces and quotes untouched', () => {
    expect(renderArg('--registry=${{ params.registry }}', scope)).toBe('--registry=reg:5000');
    expect(renderArg('${{ params.files }}', scope)).toBe('a b, c');
    expect(renderArg("${{ 'it''s $(x)' }}", scope)).toBe("it's $(x)");
  });

  test('refuses a NUL byte, naming the expression but not the value', () => {
    let caught: unknown;
    try {
      renderArg('x${{ params.secret }}', { params: { secret: 'hunter2\0' } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TemplateError);
    expect((caught as TemplateError).message).toBe('value of params.secret contains a NUL byte, which a shell cannot carry');
    expect((caught as TemplateError).message).not.toContain('hunter2');
    expect((caught as TemplateError).offset).toBe(1);
  });
});

describe('evaluateWhole', () => {
  test('returns the raw value of a template that is exactly one expression', () => {
    expect(evaluateWhole('${{ params.files }}', scope)).toEqual(['a b', 'c']);
    expect(evaluateWhole('  ${{ params.dry }}\n', scope)).toBe(false);
    expect(evaluateWhole("${{ host.name == 'cp1' }}", scope)).toBe(true);
    expect(evaluateWhole('${{ params.none }}', scope)).toBeNull();
  });

  test('is undefined when there is other text, more than one expression, or none', () => {
    expect(evaluateWhole('x ${{ params.files }}', scope)).toBeUndefined();
    expect(evaluateWhole('${{ params.keep }}${{ params.keep }}', scope)).toBeUndefined();
    expect(evaluateWhole('true', scope)).toBeUndefined();
    expect(evaluateWhole('$${{ params.files }}', scope)).toBeUndefined();
  });
});

describe('shellQuote', () => {
  test.each([
    ['', "''"],
    ['plain', "'plain'"],
    ["it's", "'it'\\''s'"],
    ["''", "''\\'''\\'''"],
    ['$(id) `id` "x" \\ \n', "'$(id) `id` \"x\" \\ \n'"],
    ['-rf', "'-rf'"],
  ])('%j becomes %s', (value, quoted) => {
    expect(shellQuote(value)).toBe(quoted);
  });
});
