import { describe, expect, test } from 'vitest';
import { didYouMean, evaluate, isTruthy, looselyEqual, parseTemplate, TemplateError, type Scope, type Value } from '../../../src/template/index.js';
import { editDistance } from '../../../src/template/did-you-mean.js';

const scope: Scope = {
  params: { registry: '192.168.3.10:11440', keepTags: 5, dry: false, tag: '', empty: [], flag: 'false' },
  host: { name: 'cp1', address: '192.168.3.10', vars: { minioDir: '/cpaas/minio' } },
  site: { name: 'acme-prod' },
  steps: {
    'list-plugin-packages': { outputs: { files: ['a.tgz', 'b.tgz'] } },
    backup: { hosts: { cp1: { outputs: { size: '42' } } } },
  },
};

// Evaluates the single expression of a template.
function run(template: string, within: Scope = scope): Value {
  const segment = parseTemplate(template).find((s) => s.kind === 'expr');
  if (segment?.kind !== 'expr') throw new Error('no expression');
  return evaluate(segment.expr, within);
}

function failure(template: string, within: Scope = scope): TemplateError {
  try {
    run(template, within);
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error(`expected ${template} to fail`);
}

describe('paths', () => {
  test('look up nested values, hyphenated step ids, host outputs and list items', () => {
    expect(run('${{ params.registry }}')).toBe('192.168.3.10:11440');
    expect(run('${{ host.vars.minioDir }}')).toBe('/cpaas/minio');
    expect(run('${{ steps.list-plugin-packages.outputs.files }}')).toEqual(['a.tgz', 'b.tgz']);
    expect(run('${{ steps.list-plugin-packages.outputs.files.1 }}')).toBe('b.tgz');
    expect(run('${{ steps.backup.hosts.cp1.outputs.size }}')).toBe('42');
    expect(run('${{ site }}')).toEqual({ name: 'acme-prod' });
  });

  test('an unknown key names the path and the nearest known key', () => {
    const error = failure('echo ${{ params.regstry }}');
    expect(error.message).toBe('unknown reference "params.regstry": params has no "regstry" (did you mean "registry"?)');
    expect(error.offset).toBe(9);
    expect(error.code).toBe('validation');
  });

  test('an unknown root suggests the nearest root', () => {
    expect(failure('${{ parms.registry }}').message).toBe('unknown reference "parms.registry": there is no "parms" (did you mean "params"?)');
    expect(failure('${{ item }}').message).toBe('unknown reference "item": there is no "item"');
  });

  test('no suggestion when nothing is close, and a hint when the parent is empty', () => {
    expect(failure('${{ params.zzzzzz }}').message).toBe('unknown reference "params.zzzzzz": params has no "zzzzzz"');
    expect(failure('${{ params.x }}', { params: {} }).message).toBe('unknown reference "params.x": params has no "x" (params is empty)');
  });

  test('descending into a string, null or a list by name is an error that says why', () => {
    expect(failure('${{ params.registry.port }}').message).toBe(
      'unknown reference "params.registry.port": params.registry is a string, which has no "port"',
    );
    expect(failure('${{ a.b }}', { a: null }).message).toBe('unknown reference "a.b": a is null, which has no "b"');
    expect(failure('${{ steps.list-plugin-packages.outputs.files.2 }}').message).toBe(
      'unknown reference "steps.list-plugin-packages.outputs.files.2": steps.list-plugin-packages.outputs.files is a list and it has 2 items',
    );
    expect(failure('${{ params.empty.length }}').message).toContain('params.empty is a list and it has 0 items');
  });

  test('only own keys are visible: nothing from the prototype chain', () => {
    for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(failure(`\${{ params.${key} }}`).message).toMatch(/^unknown reference/);
    }
  });
});

describe('operators', () => {
  test.each([
    ["${{ '5' == 5 }}", true],
    ["${{ 5 == '5' }}", true],
    ["${{ params.keepTags == '5' }}", true],
    ["${{ '5.0' == 5 }}", false],
    ["${{ 'true' == true }}", true],
    ['${{ 1 == true }}', false],
    ["${{ null == '' }}", false],
    ['${{ null == null }}', true],
    ["${{ 'a' == 'A' }}", false],
    ["${{ 'a' != 'b' }}", true],
    ["${{ host.name == 'cp1' }}", true],
    ["${{ params.registry != '192.168.3.10:11440' }}", false],
    ['${{ !params.dry }}', true],
    ['${{ !!params.keepTags }}', true],
    ['${{ !params.flag }}', true],
  ])('%s is %s', (template, expected) => {
    expect(run(template)).toBe(expected);
  });

  test('&& and || yield an operand, so || gives a default', () => {
    expect(run("${{ params.tag || 'latest' }}")).toBe('latest');
    expect(run("${{ host.name || 'none' }}")).toBe('cp1');
    expect(run("${{ params.dry && 'yes' }}")).toBe(false);
    expect(run("${{ params.keepTags && 'keep' }}")).toBe('keep');
  });

  test('&& and || short-circuit: the other side is not looked up', () => {
    expect(run('${{ params.dry && steps.missing.outputs.x }}')).toBe(false);
    expect(run('${{ host.name || steps.missing.outputs.x }}')).toBe('cp1');
    expect(() => run('${{ host.name && steps.missing.outputs.x }}')).toThrow(/unknown reference "steps.missing.outputs.x"/);
  });

  test('lists and objects compare by content', () => {
    expect(looselyEqual(['a', 1], ['a', '1'])).toBe(true);
    expect(looselyEqual(['a'], ['a', 'b'])).toBe(false);
    expect(looselyEqual({ a: 1 }, { a: 1 })).toBe(true);
    expect(looselyEqual({ a: 1 }, { b: 1 })).toBe(false);
    expect(looselyEqual([], {})).toBe(false);
  });
});

describe('truthiness', () => {
  test.each<[Value, boolean]>([
    [false, false],
    [null, false],
    ['', false],
    [0, false],
    ['false', false],
    [[], false],
    [true, true],
    ['0', true],
    ['no', true],
    [1, true],
    [-1, true],
    [' ', true],
    [[0], true],
    [{}, true],
  ])('%j is %s', (value, expected) => {
    expect(isTruthy(value)).toBe(expected);
  });
});

describe('didYouMean', () => {
  test('suggests the closest candidate within a third of the length', () => {
    expect(didYouMean('cp4', ['cp1', 'cp2', 'cp3'])).toBe('cp1');
    expect(didYouMean('regstry', ['registry', 'registryUser'])).toBe('registry');
    expect(didYouMean('registryuser', ['registry', 'registryUser'])).toBe('registryUser');
    expect(didYouMean('controlplane', ['controlPlane', 'installer'])).toBe('controlPlane');
    expect(didYouMean('instaler', new Set(['controlPlane', 'installer']))).toBe('installer');
  });

  test('says nothing when no candidate is close, or the word itself is known', () => {
    expect(didYouMean('zzz', ['registry'])).toBeUndefined();
    expect(didYouMean('registry', ['registry'])).toBeUndefined();
    expect(didYouMean('x', [])).toBeUndefined();
  });

  test('editDistance counts single-character edits and adjacent swaps', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('nmae', 'name')).toBe(1);
    expect(editDistance('ca', 'abc')).toBe(3);
  });

  test('catches a swapped pair of letters', () => {
    expect(didYouMean('nmae', ['name', 'address'])).toBe('name');
  });
});
