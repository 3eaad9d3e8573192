import { describe, expect, it } from 'vitest';
import { CaptureSpec } from '../schema/runbook.js';
import { captureOutputs, jsonDeeperThan, MAX_JSON_DEPTH } from './capture.js';

const spec = (raw: object) => CaptureSpec.parse(raw);
const capture = (raw: object, stdout: string, budgetMs = 5_000, signal?: AbortSignal) =>
  captureOutputs({ v: spec(raw) }, { stdout, stderr: '' }, { budgetMs, ...(signal ? { signal } : {}) });

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
  ])('%j on %j', async (raw, stdout, value) => {
    await expect(capture(raw, stdout)).resolves.toEqual({ outputs: { v: value } });
  });

  it('shapes records with a query: quoted label keys, a default for a missing label, from_json, joins, filters', async () => {
    const query = `items[].{
      module: metadata.labels."cpaas.io/module-name",
      lifecycle: metadata.labels."cpaas.io/lifecycle-type" || 'agnostic',
      displayName: from_json(metadata.annotations."cpaas.io/display-name" || 'null').en || metadata.name,
      installed: status.installed[].join(':', [cluster, version])
    } | [?lifecycle != 'core']`;
    await expect(capture({ json: true, query }, PLUGIN_VIEWS)).resolves.toEqual({
      outputs: {
        v: [
          { module: 'logcenter', lifecycle: 'aligned', displayName: 'Log Center', installed: ['global:v3.18.2', 'business-1:v3.16.4'] },
          { module: 'monitoring', lifecycle: 'agnostic', displayName: 'monitoring', installed: ['global:v3.18.1'] },
        ],
      },
    });
  });

  it('flattens nested lists with let (one line per module and version)', async () => {
    const query = `(items[].let $m = metadata.labels."cpaas.io/module-name" in status.installed[].join(' ', [$m, version]))[]`;
    await expect(capture({ json: true, query }, PLUGIN_VIEWS)).resolves.toEqual({ outputs: { v: ['logcenter v3.18.2', 'logcenter v3.16.4', 'monitoring v3.18.1', 'base v4.2.0'] } });
  });

  it.each([
    [{ json: true, query: 'a.missing' }, '{"a":{}}', 'capture v: query a.missing found nothing (null)'],
    [{ json: true, query: 'abs(a)' }, '{"a":"x"}', expect.stringMatching(/^capture v: query abs\(a\): .*abs/)],
    [{ json: true, query: 'a' }, 'not json', expect.stringMatching(/^capture v: stdout is not JSON/)],
  ])('%j on %j fails the step: %s', async (raw, stdout, error) => {
    await expect(capture(raw, stdout)).resolves.toEqual({ error });
  });

  it('stops a backtracking regex when its budget runs out, and at once when the signal aborts', async () => {
    const evil = `${'a'.repeat(40)}!`;
    const started = Date.now();
    await expect(capture({ regex: '^(a+)+$' }, evil, 300)).resolves.toEqual({ error: "capture regex stopped after 0.3s (the time left of the step's timeout, or 10s without one)", stopped: 'timeout' });
    expect(Date.now() - started).toBeLessThan(3_000);
    const interrupt = new AbortController();
    setTimeout(() => interrupt.abort(), 200);
    await expect(capture({ regex: '^(a+)+$' }, evil, 60_000, interrupt.signal)).resolves.toMatchObject({ stopped: 'interrupted' });
    expect(Date.now() - started).toBeLessThan(6_000);
  });

  it('refuses JSON nested deeper than the limit before parsing it, and takes only own keys on a path', async () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    await expect(capture({ json: true }, deep)).resolves.toEqual({ error: `capture v: stdout is JSON nested more than ${MAX_JSON_DEPTH} levels deep; fieldbook reads at most ${MAX_JSON_DEPTH}` });
    expect(jsonDeeperThan(`${'{"a":'.repeat(MAX_JSON_DEPTH)}1${'}'.repeat(MAX_JSON_DEPTH)}`, MAX_JSON_DEPTH)).toBe(false);
    expect(jsonDeeperThan(`["[[[[", "\\"]`, 1)).toBe(false);
    await expect(capture({ json: true, path: 'constructor' }, '{}')).resolves.toEqual({ error: 'capture v: JSON has no "constructor" (stopped at "constructor")' });
    await expect(capture({ json: true, path: 'constructor' }, '{"constructor":1}')).resolves.toEqual({ outputs: { v: 1 } });
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
