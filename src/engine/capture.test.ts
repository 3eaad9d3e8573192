import { describe, expect, it } from 'vitest';
import { CaptureSpec } from '../schema/runbook.js';
import { captureOutputs } from './capture.js';

const spec = (raw: object) => CaptureSpec.parse(raw);
const capture = (raw: object, stdout: string) => captureOutputs({ v: spec(raw) }, { stdout, stderr: '' });

// A ModulePluginView list as `kubectl get modulepluginview -o json` prints it (fields as the vendor documents).
const PLUGIN_VIEWS = JSON.stringify({
  items: [
    {
      metadata: {
        name: 'logcenter',
        labels: { 'cpaas.io/module-name': 'logcenter', 'cpaas.io/lifecycle-type': 'aligned' },
        annotations: { 'cpaas.io/display-name': '{"en":"Log Center","zh":"日志中心"}' },
      },
      status: { installed: [{ cluster: 'global', version: 'v3.18.2' }, { cluster: 'business-1', version: 'v3.16.4' }] },
    },
    { metadata: { name: 'monitoring', labels: { 'cpaas.io/module-name': 'monitoring' } }, status: { installed: [{ cluster: 'global', version: 'v3.18.1' }] } },
    { metadata: { name: 'base', labels: { 'cpaas.io/module-name': 'base', 'cpaas.io/lifecycle-type': 'core' } }, status: { installed: [{ cluster: 'global', version: 'v4.2.0' }] } },
  ],
});

describe('captures', () => {
  it.each([
    [{ regex: 'n=(\\d+)' }, 'a n=42 b', '42'],
    [{ regex: '^DRY RUN: Would delete (\\S+)$', all: true }, 'DRY RUN: Would delete a/b:1\nx\nDRY RUN: Would delete a/c:2\nCandidates for pruning: 2\n', ['a/b:1', 'a/c:2']],
    [{ regex: '^deleted (\\S+)$', all: true }, 'nothing\n', []],
    [{ lines: true }, ' a \n\n b\n', ['a', 'b']],
    [{ json: true, path: 'a.b' }, '{"a":{"b":[1,2]}}', [1, 2]],
    [{ json: true, query: 'a.b[1]' }, '{"a":{"b":[1,2]}}', 2],
    [{ json: true, query: 'items[?x > `1`].x' }, '{"items":[{"x":1},{"x":2},{"x":3}]}', [2, 3]],
    [{ json: true, query: 'items[]' }, '{"items":[]}', []],
  ])('%j on %j', (raw, stdout, value) => {
    expect(capture(raw, stdout)).toEqual({ outputs: { v: value } });
  });

  it('shapes records with a query: quoted label keys, a default for a missing label, from_json, joins, filters', () => {
    const query = `items[].{
      module: metadata.labels."cpaas.io/module-name",
      lifecycle: metadata.labels."cpaas.io/lifecycle-type" || 'agnostic',
      displayName: from_json(metadata.annotations."cpaas.io/display-name" || 'null').en || metadata.name,
      installed: status.installed[].join(':', [cluster, version])
    } | [?lifecycle != 'core']`;
    expect(capture({ json: true, query }, PLUGIN_VIEWS)).toEqual({
      outputs: {
        v: [
          { module: 'logcenter', lifecycle: 'aligned', displayName: 'Log Center', installed: ['global:v3.18.2', 'business-1:v3.16.4'] },
          { module: 'monitoring', lifecycle: 'agnostic', displayName: 'monitoring', installed: ['global:v3.18.1'] },
        ],
      },
    });
  });

  it('flattens nested lists with let (one line per module and version)', () => {
    const query = `(items[].let $m = metadata.labels."cpaas.io/module-name" in status.installed[].join(' ', [$m, version]))[]`;
    expect(capture({ json: true, query }, PLUGIN_VIEWS)).toEqual({ outputs: { v: ['logcenter v3.18.2', 'logcenter v3.16.4', 'monitoring v3.18.1', 'base v4.2.0'] } });
  });

  it.each([
    [{ json: true, query: 'a.missing' }, '{"a":{}}', 'capture v: query a.missing found nothing (null)'],
    [{ json: true, query: 'abs(a)' }, '{"a":"x"}', expect.stringMatching(/^capture v: query abs\(a\): .*abs/)],
    [{ json: true, query: 'a' }, 'not json', expect.stringMatching(/^capture v: stdout is not JSON/)],
  ])('%j on %j fails the step: %s', (raw, stdout, error) => {
    expect(capture(raw, stdout)).toEqual({ error });
  });

  it.each([
    [{ json: true, query: 'items[?' }, /query: not a valid JMESPath query/],
    [{ query: 'a' }, /`query` needs `json: true`/],
    [{ json: true, path: 'items', query: 'a' }, /give `path` or `query`, not both/],
  ])('the schema refuses %j', (raw, message) => {
    const result = CaptureSpec.safeParse(raw);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')).toMatch(message);
  });
});
