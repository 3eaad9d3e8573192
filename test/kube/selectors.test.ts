import { describe, expect, it } from 'vitest';
import { fieldValue, matchesFields, matchesLabels, parseSelector } from './selectors.js';

describe('label selectors', () => {
  const labels = { app: 'minio', tier: 'storage' };
  it.each([
    ['app=minio', true],
    ['app==minio', true],
    ['app=registry', false],
    ['app!=registry', true],
    ['app, tier=storage', true],
    ['!release', true],
    ['release', false],
    ['app in (minio, registry)', true],
    ['app notin (minio)', false],
    ['missing notin (x)', true],
    ['app=minio,tier in (web)', false],
    ['', true],
  ])('%s → %s', (selector, expected) => {
    expect(matchesLabels(selector, labels)).toBe(expected);
  });

  it('rejects what the API server rejects', () => {
    expect(() => parseSelector('app=(x')).toThrow('unable to parse requirement');
  });
});

describe('field selectors', () => {
  const pod = { metadata: { name: 'minio-0', namespace: 'cpaas-system' }, status: { phase: 'Running', ready: true } };
  it('reads dotted paths and compares strings', () => {
    expect(fieldValue(pod, '.status.phase')).toBe('Running');
    expect(fieldValue(pod, 'status.ready')).toBe('true');
    expect(fieldValue(pod, 'spec.nodeName')).toBeUndefined();
    expect(matchesFields('metadata.name=minio-0,status.phase!=Failed', pod)).toBe(true);
    expect(matchesFields('metadata.namespace=default', pod)).toBe(false);
  });

  it('reads a quoted key with dots and slashes, as in a printer column on a label', () => {
    const view = { metadata: { labels: { 'cpaas.io/module-name': 'logcenter' } } };
    expect(fieldValue(view, ".metadata.labels['cpaas.io/module-name']")).toBe('logcenter');
    expect(fieldValue(view, ".metadata.labels['cpaas.io/lifecycle-type']")).toBeUndefined();
  });
});
