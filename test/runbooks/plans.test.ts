import { describe, expect, it } from 'vitest';
import { REPO, runCli } from '../harness/cli.js';

// What a field engineer reads before the window. `plan` of the full wipe names the vendor's recording commands,
// this run's own archive per node, and the platform token as the alternative to a user and password.

describe('plan acp-registry-full-wipe --site examples/acme-prod.yaml', () => {
  it('shows operatorviews and modulepluginview, the per-run archive names, and the token alternative', async () => {
    const planned = await runCli(['plan', 'acp-registry-full-wipe', '--site', 'examples/acme-prod.yaml'], { cwd: REPO });
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('get operatorviews,modulepluginview --all-namespaces -o json');
    expect(planned.stdout).toContain('records operators: cluster | phase | name | displayName | artifact | installedCSV | version');
    expect(planned.stdout).toContain('records plugins: module | lifecycle | displayName | installed');
    for (const host of ['cp1', 'cp2', 'cp3']) expect(planned.stdout).toContain(`archive=$dir/'${host}'-minio.tar`);
    expect(planned.stdout).toContain(`dir='/cpaas/backup'/'⟨run.id⟩'`);
    expect(planned.stdout).toContain('auth=(--platform-token "$token"); else auth=(--platform-username');
  });
});

describe('plan docker-registry-gc --site examples/registry-host.yaml', () => {
  it('shows the version guard and the reviewed list of manifests to delete', async () => {
    const planned = await runCli(['plan', 'docker-registry-gc', '--site', 'examples/registry-host.yaml'], { cwd: REPO });
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain("this is Harbor's registry: its storage is garbage-collected by Harbor (use harbor-gc)");
    expect(planned.stdout).toContain('review: every item of ${{ steps.inventory.outputs.candidates }}, shown before the confirmation; --approve delete-manifests=<its digest>');
    expect(planned.stdout).toContain('checks: every item of its deletedManifests is on the list reviewed at delete-manifests');
  });
});
