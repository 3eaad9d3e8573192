import { describe, expect, it } from 'vitest';
import { outputViews, type UnitOutputs } from './output-views.js';
import { recordTable } from './record-table.js';

const PLUGINS = [
  { module: 'logcenter', lifecycle: 'aligned', displayName: 'Log Center', installed: ['global:v3.18.2', 'business-1:v3.16.4'] },
  { module: 'harbor', lifecycle: 'agnostic', displayName: 'Harbor', installed: ['global:v2.12.2'] },
];

describe('recordTable', () => {
  it('a list of records: one column per key, lists of scalars joined with ", "', () => {
    expect(recordTable(PLUGINS)).toEqual({
      columns: ['module', 'lifecycle', 'displayName', 'installed'],
      rows: [
        ['logcenter', 'aligned', 'Log Center', 'global:v3.18.2, business-1:v3.16.4'],
        ['harbor', 'agnostic', 'Harbor', 'global:v2.12.2'],
      ],
    });
  });

  it('columns are the union of the keys in the order first seen; a missing key is an empty cell', () => {
    expect(recordTable([{ name: 'a', size: 1 }, { size: 2, owner: 'ops', name: 'b' }, { owner: 'dev' }])).toEqual({
      columns: ['name', 'size', 'owner'],
      rows: [
        ['a', '1', ''],
        ['b', '2', 'ops'],
        ['', '', 'dev'],
      ],
    });
  });

  it('scalars as text: numbers, booleans, null, the empty string', () => {
    expect(recordTable([{ n: 0, ok: false, csv: null, empty: '', list: [] }])?.rows).toEqual([['0', 'false', 'null', '', '']]);
    expect(recordTable([{ mixed: [1, null, true, 'x'] }])?.rows).toEqual([['1, null, true, x']]);
  });

  it.each([
    ['an empty list', []],
    ['a scalar', 'logcenter'],
    ['a record, not a list of them', { module: 'logcenter' }],
    ['a list of scalars', ['a', 'b']],
    ['records without keys', [{}, {}]],
    ['a list mixing records and scalars', [{ a: 1 }, 2]],
    ['a list with null', [{ a: 1 }, null]],
    ['a list of lists', [[1, 2]]],
    ['a nested object in a cell', [{ a: { b: 1 } }]],
    ['a list of records in a cell', [{ a: [{ b: 1 }] }]],
    ['a list of lists in a cell', [{ a: [[1]] }]],
  ])('not a table: %s', (_, value) => {
    expect(recordTable(value)).toBeUndefined();
  });

  it('an object with a prototype of its own is not a record', () => {
    expect(recordTable([new Date(0)])).toBeUndefined();
    expect(recordTable([Object.assign(Object.create(null) as object, { a: 1 })])).toEqual({ columns: ['a'], rows: [['1']] });
  });
});

describe('outputViews', () => {
  const hosts = (values: Record<string, Record<string, unknown> | undefined>): UnitOutputs[] => Object.entries(values).map(([host, outputs]) => ({ host, ...(outputs ? { outputs } : {}) }));

  it('one unit: a list of records is a table, anything else a value, in output order', () => {
    expect(outputViews({ count: 2, plugins: PLUGINS, names: ['a', 'b'] })).toEqual([
      { kind: 'value', name: 'count', value: 2 },
      { kind: 'records', name: 'plugins', table: recordTable(PLUGINS) },
      { kind: 'value', name: 'names', value: ['a', 'b'] },
    ]);
  });

  it('several hosts: one row per host, a column per output each host captured as a scalar', () => {
    const units = hosts({
      cp1: { archive: '/backup/cp1-minio.tar', tarBytes: 1048576, sha256: 'aa11' },
      cp2: { archive: '/backup/cp2-minio.tar', tarBytes: 1048577, sha256: 'bb22' },
      cp3: { archive: '/backup/cp3-minio.tar', tarBytes: 1048576, sha256: 'cc33' },
    });
    const aggregated = { archive: ['/backup/cp1-minio.tar', '/backup/cp2-minio.tar', '/backup/cp3-minio.tar'], tarBytes: [1048576, 1048577, 1048576], sha256: ['aa11', 'bb22', 'cc33'] };
    expect(outputViews(aggregated, units)).toEqual([
      {
        kind: 'per-host',
        table: {
          columns: ['host', 'archive', 'tarBytes', 'sha256'],
          rows: [
            ['cp1', '/backup/cp1-minio.tar', '1048576', 'aa11'],
            ['cp2', '/backup/cp2-minio.tar', '1048577', 'bb22'],
            ['cp3', '/backup/cp3-minio.tar', '1048576', 'cc33'],
          ],
        },
      },
    ]);
  });

  it('a host that captured nothing (failed) has no row; a host without one output has an empty cell', () => {
    const [view] = outputViews({ size: ['1', '3'] }, hosts({ cp1: { size: '1' }, cp2: undefined, cp3: { size: '3', extra: 'x' } }));
    expect(view).toEqual({ kind: 'per-host', table: { columns: ['host', 'size', 'extra'], rows: [['cp1', '1', ''], ['cp3', '3', 'x']] } });
  });

  it('records on each host: a table per host; other values stay values', () => {
    const units = hosts({ cp1: { disks: [{ dev: 'sda', free: 10 }], conf: { a: 1 } }, cp2: { disks: [{ dev: 'sdb', free: 20 }], conf: { a: 2 } } });
    expect(outputViews({ disks: [[{ dev: 'sda', free: 10 }], [{ dev: 'sdb', free: 20 }]], conf: [{ a: 1 }, { a: 2 }] }, units)).toEqual([
      { kind: 'records', name: 'disks', unit: 'cp1', table: { columns: ['dev', 'free'], rows: [['sda', '10']] } },
      { kind: 'records', name: 'disks', unit: 'cp2', table: { columns: ['dev', 'free'], rows: [['sdb', '20']] } },
      { kind: 'value', name: 'conf', value: [{ a: 1 }, { a: 2 }] },
    ]);
  });

  it('foreach items on one host: an item column instead of the host', () => {
    const units: UnitOutputs[] = [
      { host: 'local', item: 'a.tgz', outputs: { digest: 'sha256:1' } },
      { host: 'local', item: 'b.tgz', outputs: { digest: 'sha256:2' } },
    ];
    expect(outputViews({ digest: ['sha256:1', 'sha256:2'] }, units)).toEqual([{ kind: 'per-host', table: { columns: ['item', 'digest'], rows: [['a.tgz', 'sha256:1'], ['b.tgz', 'sha256:2']] } }]);
  });
});
