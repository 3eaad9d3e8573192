import { describe, expect, it, onTestFinished } from 'vitest';
import { startKubeApi } from './api-server.js';
import { runKubectl } from './run-kubectl.js';

const lease = (name: string, holder: string, resourceVersion?: string) =>
  JSON.stringify({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, ...(resourceVersion ? { resourceVersion } : {}) }, spec: { holderIdentity: holder, leaseDurationSeconds: 60 } });

/** The test API server's Leases, through the real kubectl: optimistic concurrency as the API server does it. */
describe('Leases on the test API server', () => {
  it('creates once, replaces only at the current resourceVersion, and honours RBAC on writes', async () => {
    const api = await startKubeApi();
    onTestFinished(() => api.stop());
    const create = await runKubectl(api, ['create', '--validate=false', '-f', '-', '-o', 'json'], { input: lease('site-a', 'one') });
    expect(create.code, create.stderr).toBe(0);
    const version = (JSON.parse(create.stdout) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const again = await runKubectl(api, ['create', '--validate=false', '-f', '-'], { input: lease('site-a', 'two') });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('(AlreadyExists)');
    const replaced = await runKubectl(api, ['replace', '--validate=false', '-f', '-', '-o', 'json'], { input: lease('site-a', 'two', version) });
    expect(replaced.code, replaced.stderr).toBe(0);
    const stale = await runKubectl(api, ['replace', '--validate=false', '-f', '-'], { input: lease('site-a', 'three', version) });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('(Conflict)');
    const got = await runKubectl(api, ['get', 'lease', 'site-a', '-o', 'json']);
    expect((JSON.parse(got.stdout) as { spec: { holderIdentity: string } }).spec.holderIdentity).toBe('two');
    api.forbid({ verb: 'create', resource: 'leases' });
    const denied = await runKubectl(api, ['create', '--validate=false', '-f', '-'], { input: lease('site-b', 'one') });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/leases.coordination.k8s.io is forbidden: User ".*" cannot create resource "leases"/);
    const deleted = await runKubectl(api, ['delete', 'lease', 'site-a', '--wait=false']);
    expect(deleted.code, deleted.stderr).toBe(0);
    const gone = await runKubectl(api, ['get', 'lease', 'site-a']);
    expect(gone.stderr).toContain('(NotFound)');
  });
});
