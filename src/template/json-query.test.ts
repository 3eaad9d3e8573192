import { describe, expect, it } from 'vitest';
import { queryColumns, queryProblem, runQuery } from './json-query.js';

describe('JMESPath queries', () => {
  it.each([
    ['items[].{a: x, b: y}', ['a', 'b']],
    ["items[].{a: x, life: y || 'z'} | [?life != 'core']", ['a', 'life']],
    ['[(items[].let $m = m in xs[].{name: $m, v: v})[], items[].{name: n, v: w}][]', ['name', 'v']],
    ['items[?k].{c: metadata.namespace}', ['c']],
    ['items[].metadata.name', undefined],
    ['items[', undefined],
  ])('the records of %s have the fields %j', (query, columns) => {
    expect(queryColumns(query)).toEqual(columns);
  });

  it('from_json reads JSON held in a string, and null when it does not parse', () => {
    expect(runQuery({ a: '{"en":"Log Center"}', b: 'not json' }, '[from_json(a).en, from_json(b)]')).toEqual(['Log Center', null]);
  });

  it('names a syntax error', () => {
    expect(queryProblem('items[?')).toMatch(/^not a valid JMESPath query: /);
    expect(queryProblem('items[?a]')).toBeUndefined();
  });
});
