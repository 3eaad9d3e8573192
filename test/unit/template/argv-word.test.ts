import { describe, expect, test } from 'vitest';
import { OptionValueError, renderArgvWord, type Scope } from '../../../src/template/index.js';

const scope: Scope = {
  params: { force: true, quiet: false, empty: '', dashed: '--all', name: 'minio-0', lines: ['-x', 'y'], negative: -1 },
  item: '--context=other',
};

describe('renderArgvWord', () => {
  // Elements whose leading `-` the runbook wrote, or that do not start with `-`: rendered as they are.
  test.each([
    ['plain value', '${{ params.name }}', 'minio-0'],
    ['option written as text, value after it', '--selector=${{ params.dashed }}', '--selector=--all'],
    ['short option with =', '-l=${{ item }}', '-l=--context=other'],
    ['value after other text', 'pod/${{ params.dashed }}', 'pod/--all'],
    ['literal picked by &&', "${{ params.force && '--force' || '' }}", '--force'],
    ['literal picked by ||', "${{ params.quiet || '--verbose' }}", '--verbose'],
    ['empty value, then the runbook’s own dash', '${{ params.empty }}-suffix', '-suffix'],
    ['a boolean', '${{ !params.force }}', 'false'],
  ])('%s', (_, template, expected) => {
    expect(renderArgvWord(template, scope, 'kubectl.args[0]')).toBe(expected);
  });

  // Elements a value would open with `-`: refused, naming the element, the expression and the value.
  test.each([
    ['a param', '${{ params.dashed }}', '${{ params.dashed }} is "--all"'],
    ['an item', '${{ item }}', '${{ item }} is "--context=other"'],
    ['a value picked by ||', "${{ params.quiet || params.dashed }}", '${{ params.quiet || params.dashed }} is "--all"'],
    ['a list whose first item starts with -', '${{ params.lines }}', '${{ params.lines }} is "-x, y"'],
    ['a negative number', '${{ params.negative }}', '${{ params.negative }} is "-1"'],
    ['after an empty value', '${{ params.empty }}${{ params.dashed }}', '${{ params.dashed }} is "--all"'],
  ])('%s', (_, template, shown) => {
    expect(() => renderArgvWord(template, scope, 'kubectl.args[3]')).toThrow(OptionValueError);
    expect(() => renderArgvWord(template, scope, 'kubectl.args[3]')).toThrow(`kubectl.args[3]: ${shown}, which would be read as an option`);
  });

  test('a long value is cut in the message', () => {
    const long = { item: `-${'x'.repeat(200)}` };
    expect(() => renderArgvWord('${{ item }}', long, 'kubectl.exec.pod')).toThrow(`is "-${'x'.repeat(59)}…"`);
  });
});
