// A running lab, as the runbook meets it (without the runbook): the package faults asked for on the command line,
// the seed images, the MinIO pods told apart only by what their execs see (through the real kubectl), and violet
// logging in with the platform token.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { parse } from 'yaml';
import { tempDirForTest } from '../harness/tmp.js';
import { OPERATOR_IMAGES, SEED_IMAGES } from './catalogue.js';
import { compileLab, labUp, standInActions } from './lab-harness.js';
import { DECOY_MINIO_POD, MINIO_POD, PENDING_MINIO_POD } from './settings.js';

const run = promisify(execFile);

/** What an exec sees: minio.env, mc on PATH, mc anywhere under the lab's pod tools, its working directory. */
const PROBE = `[ -f /etc/config/minio.env ] && echo minio.env; command -v mc >/dev/null && echo mc; [ -e "$1/mc" ] && echo mc-by-path; echo "cwd=$(pwd)"`;

describe('a running lab', () => {
  beforeAll(() => compileLab(), 120_000);

  it('has the package faults it was started with, the MinIO pods apart by their execs, and violet with a token', { timeout: 120_000 }, async () => {
    const lab = await labUp({
      addresses: ['127.0.0.51', '127.0.0.52', '127.0.0.53'],
      missingPackages: ['logcenter@v3.16.4'],
      wrongPackageVersions: { 'logcenter@v3.18.2': 'v3.18.0' },
    });
    onTestFinished(() => lab.down());
    const { paths, registry } = lab;

    // The plugins directory: logcenter v3.16.4 missing, v3.18.2 there as v3.18.0; every other package as recorded.
    const plugins = join(paths.host('cp1'), 'installer', 'plugins');
    expect(readdirSync(plugins).sort()).toEqual(['argocd-v4.1.3.tgz', 'harbor-ce-operator-v2.12.2.tgz', 'logcenter-v3.18.0.tgz', 'minio-operator-v4.5.8.tgz', 'monitoring-v3.18.1.tgz']);
    const { stdout: env } = await run('tar', ['-xzOf', join(plugins, 'logcenter-v3.18.0.tgz'), 'package.env']);
    expect(env).toContain('VERSION=v3.18.0\n');
    // The registry holds every image of the installation all the same, the faulty packages' ones included.
    expect(await Promise.all(SEED_IMAGES.map((ref) => registry.manifestStatus(ref)))).toEqual(SEED_IMAGES.map(() => 200));

    // The secrets: registry password, platform password and platform token; the site names no platform user.
    expect(Object.keys(lab.secretEnv).sort()).toEqual(['FIELDBOOK_SECRET_PLATFORM_PASSWORD', 'FIELDBOOK_SECRET_PLATFORM_TOKEN', 'FIELDBOOK_SECRET_REGISTRY_PASSWORD']);
    const site = parse(readFileSync(paths.site, 'utf8')) as { params: Record<string, unknown> };
    expect(site.params).not.toHaveProperty('platformUser');

    // The MinIO pods, through the real kubectl with the lab's kubeconfig.
    const cache = tempDirForTest('fieldbook-lab-kubectl-');
    const kubectl = async (args: string[]) => {
      try {
        const { stdout, stderr } = await run('kubectl', ['--kubeconfig', paths.kubeconfig, '--cache-dir', cache, ...args]);
        return { code: 0, stdout, stderr };
      } catch (error) {
        const e = error as { code?: number; stdout?: string; stderr?: string };
        return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
      }
    };
    const probe = (pod: { namespace: string; name: string }) => kubectl(['exec', '-n', pod.namespace, pod.name, '-c', 'minio', '--', 'sh', '-c', PROBE, 'probe', paths.podBin]);
    expect(await probe(MINIO_POD)).toMatchObject({ code: 0, stdout: `minio.env\nmc\nmc-by-path\ncwd=${paths.minio('cp1')}\n` });
    const decoy = await probe(DECOY_MINIO_POD);
    expect(decoy).toMatchObject({ code: 0, stdout: expect.stringMatching(/^cwd=\/.*minio-tenant-0\n$/) });
    expect(await kubectl(['exec', '-n', DECOY_MINIO_POD.namespace, DECOY_MINIO_POD.name, '--', 'mc', '--version'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('exec: "mc": executable file not found in $PATH'),
    });
    expect(await probe(PENDING_MINIO_POD)).toMatchObject({ code: 1, stderr: expect.stringContaining(`pod ${PENDING_MINIO_POD.name} does not have a host assigned`) });
    expect(await kubectl(['exec', 'worker-7b9c4-a1b2c', '--', 'sh', '-c', PROBE, 'probe', paths.podBin])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^mc-by-path\ncwd=/) });
    // The vendor's wipe line works in the registry's pod up to the removal (the alias is set with the pod's keys).
    const alias = await kubectl(['exec', '-n', MINIO_POD.namespace, MINIO_POD.name, '-c', 'minio', '--', 'bash', '-c', 'source /etc/config/minio.env && mc --insecure alias set minio https://127.0.0.1:9000 $MINIO_ACCESS_KEY $MINIO_SECRET_KEY']);
    expect(alias).toMatchObject({ code: 0, stdout: 'Added `minio` successfully.\n' });

    // violet on cp1 with the platform token: a wrong one is refused, the right one pushes the Operator's image.
    const violet = (args: string[]) =>
      run(join(paths.hostBin, 'violet'), ['push', 'harbor-ce-operator-v2.12.2.tgz', '--platform-address', `https://${lab.state.settings.addresses[0]}:8443`, ...args], { cwd: plugins }).then(
        ({ stdout }) => ({ code: 0, out: stdout }),
        (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? -1, out: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
      );
    const mark = registry.logSize();
    expect(await violet(['--platform-token', 'not-the-token'])).toMatchObject({ code: 1, out: expect.stringContaining('401 Unauthorized') });
    expect(registry.writes(mark)).toBe(0);
    expect(await violet(['--platform-token', lab.secretEnv['FIELDBOOK_SECRET_PLATFORM_TOKEN']!])).toMatchObject({ code: 0, out: expect.stringContaining('package harbor-ce-operator v2.12.2 pushed') });
    expect([...registry.pushes(mark)]).toEqual([[OPERATOR_IMAGES[0], 1]]);
    expect(standInActions(paths).filter((a) => a.startsWith('violet '))).toEqual(['violet push harbor-ce-operator v2.12.2 (token)']);
  });
});
