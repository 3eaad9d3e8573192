import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { JournalEvent } from '../../src/journal/events.js';
import { REPO, runCli, writeFixture, type CliResult } from '../harness/cli.js';
import { startSshd, type SshdLab } from '../harness/sshd.js';
import { makeTempDir } from '../harness/tmp.js';
import { blobBytes, blobFiles } from './blob-files.js';
import { startHarborApi, startHarborLab, type HarborApi, type HarborLab } from './harbor-lab.js';
import { deleteManifest, pulls, treeDigest, type TestImage } from './registry-fixture.js';

// runbooks/harbor-gc.yaml end to end through the CLI, against the Harbor API stand-in in front of a real
// docker-registry whose storage its GC jobs really collect (harbor-lab.ts). The 2.x route runs on this machine
// with curl; the 1.x route's first host step runs over SSH on a real sshd. Each scenario has its own lab on its
// own loopback address (127.0.0.110-114).

const RUNBOOK = join(REPO, 'runbooks', 'harbor-gc.yaml');
const SIZE = 300_000;
const IMAGES: TestImage[] = [
  ...['v1', 'v2', 'v3'].map((tag, i) => ({ repository: 'library/app', tags: [tag], created: `2024-0${i + 1}-01T00:00:00Z`, size: SIZE })),
  { repository: 'library/tool', tags: ['t1'], created: '2024-01-01T00:00:00Z', size: SIZE },
  { repository: 'team/svc', tags: ['s1'], created: '2024-01-01T00:00:00Z', size: SIZE },
];
/** Artifacts "deleted in the UI" before the run. */
const DELETED = ['library/app:v1', 'library/tool:t1'];
const KEPT = ['library/app:v2', 'library/app:v3', 'team/svc:s1'];
const API_STEPS = ['api-preflight', 'api-prepare', 'api-dry-run', 'api-gc', 'api-verify'];
const OFFLINE_STEPS = ['offline-preflight-host', 'offline-measure-before', 'offline-prepare', 'offline-stop-harbor', 'offline-dry-run', 'offline-gc', 'offline-start-harbor', 'offline-measure-after', 'offline-verify-harbor'];
const PREPARE = ['--approve', 'api-prepare', '--record', 'api-prepare.ticket=CHG-2207', '--record', 'api-prepare.deleted=library/app:v1, library/tool:t1'];
const PULLED = ['--approve', 'verify-pull', '--record', 'verify-pull.pulledImage=library/app:v3'];

interface GcJob {
  id: number;
  job_status: string;
  job_parameters: string;
}

/** One scenario's directory: a site for `api` (and, for the 1.x route, the SSH host), and the CLI run there. */
class Scenario {
  readonly dir: string;
  readonly remove: () => void;

  constructor(
    readonly api: HarborApi,
    harborHost?: SshdLab,
  ) {
    ({ path: this.dir, remove: this.remove } = makeTempDir('fieldbook-harbor-gc-'));
    // The 2.x route never logs in to the Harbor host: an address where nothing listens shows it.
    const host = harborHost
      ? `{ address: ${harborHost.host}, port: ${harborHost.port}, identityFile: ${harborHost.identityFile} }`
      : '{ address: 127.0.0.114, port: 1 }';
    if (harborHost) writeFixture(this.dir, 'known_hosts', `${harborHost.knownHostsLine}\n`);
    writeFixture(
      this.dir,
      'site.yaml',
      `apiVersion: fieldbook/v1
kind: Site
metadata: { name: harbor-lab }
ssh: { user: ${harborHost?.user ?? 'root'}, knownHosts: ${join(this.dir, 'known_hosts')} }
hosts:
  harbor1: ${host}
roles:
  harbor: [harbor1]
params:
  harborUrl: ${api.url}
  harborUser: ${api.username}
`,
    );
  }

  run(args: string[]): Promise<CliResult> {
    return runCli(['run', RUNBOOK, '--site', 'site.yaml', '--ui', 'plain', ...args], { cwd: this.dir, env: { FIELDBOOK_SECRET_HARBOR_PASSWORD: this.api.password } });
  }

  resume(runId: string, args: string[]): Promise<CliResult> {
    return runCli(['resume', runId, '--ui', 'plain', ...args], { cwd: this.dir, env: { FIELDBOOK_SECRET_HARBOR_PASSWORD: this.api.password } });
  }

  journal(runId: string): JournalEvent[] {
    const text = readFileSync(join(this.dir, '.fieldbook', 'runs', runId, 'journal.jsonl'), 'utf8');
    return text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as JournalEvent);
  }
}

function outputs(events: JournalEvent[], step: string): Record<string, unknown> {
  const done = events.findLast((e) => e.type === 'step-finished' && e.step === step);
  return (done as { outputs?: Record<string, unknown> } | undefined)?.outputs ?? {};
}

function skipped(events: JournalEvent[]): Map<string, string> {
  return new Map(events.flatMap((e) => (e.type === 'step-skipped' ? [[e.step, e.reason] as const] : [])));
}

function started(events: JournalEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'unit-started' ? [e.unit.step] : []));
}

/** The reviewed list a paused run printed, and the digest it must be approved with. */
function reviewIn(stdout: string, step: string): { items: string[]; digest: string } {
  const header = /review (\d+) items? \(sha256 ([0-9a-f]{32})\)/.exec(stdout);
  expect(header, stdout).not.toBeNull();
  expect(stdout).toContain(`--approve ${step}=${header![2]}`);
  const items = [...stdout.matchAll(/^ {6}(sha256:[0-9a-f]{64})$/gm)].map((m) => m[1]!);
  expect(items).toHaveLength(Number(header![1]));
  return { items, digest: header![2]! };
}

async function gcJobs(api: HarborApi): Promise<GcJob[]> {
  return (await (await api.call('/api/v2.0/system/gc?page_size=100')).json()) as GcJob[];
}

const dryRun = (job: GcJob) => (JSON.parse(job.job_parameters) as { dry_run: boolean }).dry_run;

async function deleteInUi(lab: HarborLab, refs: readonly string[]): Promise<void> {
  for (const ref of refs) await deleteManifest(lab.registry, ref.split(':')[0]!, lab.pushed.digests.get(ref)!);
}

const sha = (hex: string) => `sha256:${hex}`;

/** Watches every process's command line (/proc/<pid>/cmdline) until stopped: the curl ones seen, and any holding `secret`. */
function watchArgv(secret: string): { stop: () => { curls: number; leaks: string[] } } {
  const curls = new Set<string>();
  const leaks: string[] = [];
  const timer = setInterval(() => {
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      let argv: string;
      try {
        argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      } catch {
        continue;
      }
      if (argv.includes(secret)) leaks.push(argv);
      if (/^curl .*--fail-with-body/.test(argv)) curls.add(pid);
    }
  }, 2);
  return {
    stop: () => {
      clearInterval(timer);
      return { curls: curls.size, leaks };
    },
  };
}

/** Files under `dir` whose content holds `text`. */
function filesHolding(dir: string, text: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && readFileSync(join(entry.parentPath, entry.name), 'utf8').includes(text))
    .map((entry) => join(entry.parentPath, entry.name));
}

test('plan shows the version guard on every step of both routes, and the reviews', async () => {
  const planned = await runCli(['plan', RUNBOOK, '--site', join(REPO, 'examples', 'harbor-host.yaml')], { cwd: REPO });
  expect(planned.stderr).toBe('');
  expect(planned.code).toBe(0);
  const facts = (id: string) => new RegExp(`\\. ${id}(?:  \\[DESTRUCTIVE\\])? — .*\\n +(.*)`).exec(planned.stdout)?.[1] ?? '';
  expect(facts('detect-version')).toMatch(/^run · on this machine · readonly · timeout 2m · captures version, major$/);
  for (const id of API_STEPS) expect(facts(id), id).toContain('when ${{ steps.detect-version.outputs.major == 2 }}');
  for (const id of OFFLINE_STEPS) expect(facts(id), id).toContain('when ${{ steps.detect-version.outputs.major == 1 }}');
  expect(planned.stdout).toContain('review: every item of ${{ steps.api-dry-run.outputs.candidates }}, shown before the confirmation; --approve api-gc=<its digest>');
  expect(planned.stdout).toContain('checks: every item of its deleted is on the list reviewed at api-gc, else the run stops');
  expect(planned.stdout).toContain('review: every item of ${{ steps.offline-dry-run.outputs.candidates }}, shown before the confirmation; --approve offline-gc=<its digest>');
  expect(planned.stdout).toMatch(/confirm: type "harbor-prod" — Runs Harbor's real garbage collection at https:\/\/127\.0\.5\.10 .*goharbor\/harbor#15332/);
  // The password never reaches curl's argv: it goes to curl as a config on its stdin.
  expect(planned.stdout).toContain("printf '%s\\n' \"$auth\" | curl -sS --fail-with-body");
  expect(planned.stdout).toContain("pass='****'");
});

describe('harbor-gc on Harbor 2.11 through its API', () => {
  let lab: HarborLab;
  let scenario: Scenario;
  const runId = 'gc';

  beforeAll(async () => {
    lab = await startHarborLab(IMAGES, { address: '127.0.0.110' });
    scenario = new Scenario(lab.api);
    await deleteInUi(lab, DELETED);
  }, 120_000);

  afterAll(async () => {
    scenario?.remove();
    await lab?.stop();
  });

  test('--rehearse runs the detection, the preflight, the dry run and the check, and changes nothing', async () => {
    const storage = await treeDigest(lab.registry.storage);
    const result = await scenario.run(['--rehearse', '--run-id', 'rehearsal']);
    expect(result.stderr).toBe('');
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).not.toContain(lab.api.password);
    const events = scenario.journal('rehearsal');
    // Readonly steps ran for real: the version, the access check, Harbor's dry run; the real GC did not.
    expect(outputs(events, 'detect-version')).toEqual({ version: 'v2.11.1-6b7ecba1', major: '2' });
    expect((outputs(events, 'api-dry-run')['candidates'] as string[]).length).toBe(6);
    expect(started(events)).toEqual(['detect-version', 'api-preflight', 'api-dry-run', 'api-verify']);
    expect(result.stdout).toContain('would run api-gc after the operator types "harbor-lab"');
    expect(result.stdout).toContain('api-gc skipped: rehearsal: only readonly steps run');
    expect(await treeDigest(lab.registry.storage)).toBe(storage);
    // The only GC it started in Harbor was a dry run.
    const jobs = await gcJobs(lab.api);
    expect(jobs.map((j) => [j.job_status, dryRun(j)])).toEqual([['Success', true]]);
  }, 120_000);

  test('dry run, review approved by its digest, real GC: exactly the reviewed blobs go, the storage shrinks by what Harbor freed', async () => {
    const blobsBefore = await blobFiles(lab.registry.storage);
    const bytesBefore = await blobBytes(lab.registry.storage);
    const earlier = (await gcJobs(lab.api)).length;

    const paused = await scenario.run(['--run-id', runId, ...PREPARE]);
    expect(paused.stderr).toBe('');
    expect(paused.code, paused.stdout).toBe(3);
    expect(paused.stdout).not.toContain(lab.api.password);
    const { items, digest } = reviewIn(paused.stdout, 'api-gc');
    // The list is the dry run's: each deleted image's manifest, config and own layer (the base layer is shared).
    expect(items).toHaveLength(6);
    for (const ref of DELETED) expect(items).toContain(lab.pushed.digests.get(ref));
    expect(await blobFiles(lab.registry.storage)).toEqual(blobsBefore);

    // A bare --approve does not confirm a reviewed step.
    const bare = await scenario.resume(runId, ['--approve', 'api-gc']);
    expect(bare.code).toBe(3);
    expect(await blobFiles(lab.registry.storage)).toEqual(blobsBefore);

    const argv = watchArgv(lab.api.password);
    const done = await scenario.resume(runId, ['--approve', `api-gc=${digest}`, ...PULLED]);
    const seen = argv.stop();
    // curl ran many times meanwhile, and no process ever had the password in its command line.
    expect(seen.curls).toBeGreaterThan(0);
    expect(seen.leaks).toEqual([]);
    expect(filesHolding(join(scenario.dir, '.fieldbook'), lab.api.password)).toEqual([]);
    expect(done.stderr).toBe('');
    expect(done.code, done.stdout).toBe(0);
    expect(done.stdout).not.toContain(lab.api.password);
    const events = scenario.journal(runId);

    // What left the storage is exactly what was reviewed, and what the step says it deleted.
    const blobsAfter = await blobFiles(lab.registry.storage);
    const gone = blobsBefore.filter((b) => !blobsAfter.includes(b)).map(sha);
    expect(gone.sort()).toEqual([...items].sort());
    expect((outputs(events, 'api-gc')['deleted'] as string[]).sort()).toEqual([...items].sort());
    const confirmation = events.find((e) => e.type === 'confirmation' && e.step === 'api-gc');
    expect(confirmation).toMatchObject({ via: 'flag', review: { count: 6, items } });
    for (const ref of KEPT) expect(await pulls(lab.registry, ref, lab.dir), `${ref} pulls`).toBe(true);

    // Storage before and after from Harbor's statistics, and Harbor's freed space, agree with the disk.
    const freed = bytesBefore - (await blobBytes(lab.registry.storage));
    expect(freed).toBeGreaterThan(2 * SIZE);
    expect(outputs(events, 'api-preflight')).toEqual({ storageBytes: String(bytesBefore) });
    expect(outputs(events, 'api-gc')['freedBytes']).toBe(String(freed));
    expect(outputs(events, 'api-verify')).toEqual({ storageBytes: String(bytesBefore - freed), freedBytes: String(freed) });

    // In Harbor: this run's dry run, the check's dry run just before the GC, the GC.
    const jobs = (await gcJobs(lab.api)).filter((j) => j.id > earlier);
    expect(jobs.map((j) => [j.id - earlier, j.job_status, dryRun(j)])).toEqual([[3, 'Success', false], [2, 'Success', true], [1, 'Success', true]]);
    expect(outputs(events, 'api-dry-run')['jobId']).toBe(String(earlier + 1));
    expect(outputs(events, 'api-gc')['gcJob']).toBe(String(earlier + 3));

    // The offline route never ran, and the version step said why it is not for 2.x.
    const skips = skipped(events);
    for (const id of OFFLINE_STEPS) expect(skips.get(id), id).toBe('condition is false: ${{ steps.detect-version.outputs.major == 1 }}');
    expect(paused.stdout).toContain('not the offline route: registry garbage-collect is not for Harbor 2.x');
    expect(paused.stdout).toContain('goharbor/harbor#12300');

    const shown = await runCli(['show', runId], { cwd: scenario.dir });
    expect(shown.stdout).toMatch(new RegExp(`reviewed list: 6 items \\(sha256 ${digest}[0-9a-f]{32}\\)`));
    expect(shown.stdout).toContain('CHG-2207');
  }, 180_000);

  test('the offline route is refused on 2.x, with the reason, before anything starts', async () => {
    const jobs = (await gcJobs(lab.api)).length;
    const storage = await treeDigest(lab.registry.storage);
    const result = await scenario.run(['--run-id', 'offline-on-2', '--param', 'route=offline']);
    expect(result.code, result.stdout).toBe(1);
    const said = result.stdout + result.stderr;
    expect(said).toContain('refused: the offline route on Harbor v2.11.1-6b7ecba1: registry garbage-collect is not for Harbor 2.x');
    expect(said).toContain('registry_DO_NOT_USE_GC');
    expect(said).toContain('goharbor/harbor#12300');
    expect(started(scenario.journal('offline-on-2'))).toEqual(['detect-version']);
    expect(await gcJobs(lab.api)).toHaveLength(jobs);
    expect(await treeDigest(lab.registry.storage)).toBe(storage);
  }, 60_000);

  describe.each([
    { version: 'v2.0.6-8bba1e4f', untagged: false, refused: 'Harbor v2.0.6-8bba1e4f (2.0.x): its GC API has no dry run' },
    { version: 'v2.3.0-3a7ba1e3', untagged: true, refused: 'deleteUntagged on Harbor v2.3.0-3a7ba1e3: from 2.1.0 to 2.3.x' },
    { version: 'v2.2.1-c5df5f5c', untagged: true, refused: 'deleteUntagged on Harbor v2.2.1-c5df5f5c: from 2.1.0 to 2.3.x' },
    { version: 'v2.3.5-9fb7b3f0', untagged: true, refused: 'deleteUntagged on Harbor v2.3.5-9fb7b3f0: from 2.1.0 to 2.3.x' },
    { version: 'v3.0.0-00000000', untagged: false, refused: 'Harbor v3.0.0-00000000: this runbook knows Harbor 1.x (offline route) and 2.1 and later (API route), not 3.x' },
    { version: 'v2.3.0-3a7ba1e3', untagged: false, refused: undefined },
    { version: 'v2.4.0-d4affc2e', untagged: true, refused: undefined },
  ])('Harbor $version with deleteUntagged $untagged', ({ version, untagged, refused }) => {
    test(refused ? 'is refused in the first step, no GC started' : 'rehearses its dry run', async () => {
      const api = await startHarborApi(lab.registry, { harborVersion: version, address: '127.0.0.110' });
      const other = new Scenario(api);
      try {
        const storage = await treeDigest(lab.registry.storage);
        const result = await other.run(['--rehearse', '--run-id', 'r', '--param', `deleteUntagged=${untagged}`]);
        const events = other.journal('r');
        if (refused) {
          expect(result.code, result.stdout).toBe(1);
          expect(result.stdout + result.stderr).toContain(`refused: ${refused}`);
          expect(started(events)).toEqual(['detect-version']);
          expect(await gcJobs(api)).toEqual([]);
        } else {
          expect(result.code, result.stdout + result.stderr).toBe(0);
          expect(result.stdout).toContain(`Garbage Collection parameters: [delete_untagged: ${untagged}, dry_run: true`);
          expect((await gcJobs(api)).map(dryRun)).toEqual([true]);
        }
        expect(await treeDigest(lab.registry.storage)).toBe(storage);
      } finally {
        other.remove();
        await api.stop();
      }
    }, 60_000);
  });
});

describe('harbor-gc when Harbor deletes more than was reviewed', () => {
  test('a real GC that deletes a blob the dry run did not list stops the run, naming it', async () => {
    const lab = await startHarborLab(IMAGES, { address: '127.0.0.112' });
    // Once the images are pushed: an API whose real GC also deletes the manifest of a kept image.
    const victim = lab.pushed.digests.get('library/app:v2')!;
    await lab.api.stop();
    const api = await startHarborApi(lab.registry, { address: '127.0.0.112', extraDeleteOnRealRun: victim });
    const scenario = new Scenario(api);
    try {
      await deleteInUi(lab, DELETED);
      const paused = await scenario.run(['--run-id', 'extra', ...PREPARE]);
      expect(paused.code, paused.stdout).toBe(3);
      const { items, digest } = reviewIn(paused.stdout, 'api-gc');
      expect(items).not.toContain(victim);

      const result = await scenario.resume('extra', ['--approve', `api-gc=${digest}`, ...PULLED]);
      expect(result.code, result.stdout).toBe(1);
      expect(result.stdout + result.stderr).toContain(`1 item acted on that was not on the list reviewed at api-gc: ${victim}`);
      const events = scenario.journal('extra');
      const failed = events.findLast((e) => e.type === 'unit-finished' && e.unit.step === 'api-gc');
      expect(failed).toMatchObject({ outcome: 'failed', unreviewed: [victim] });
      // The blob is really gone (the stand-in deleted it), and the run went no further.
      expect(await blobFiles(lab.registry.storage)).not.toContain(victim.slice('sha256:'.length));
      expect(started(events)).not.toContain('api-verify');
      // A resume does not pass over it: someone must decide.
      const again = await scenario.resume('extra', []);
      expect(again.code).not.toBe(0);
      expect(started(scenario.journal('extra')).filter((s) => s === 'api-gc')).toHaveLength(1);
    } finally {
      scenario.remove();
      await api.stop();
      await lab.stop();
    }
  }, 180_000);

  test('something deleted after the review is caught by the check before the real GC: nothing is collected, and a new review goes on', async () => {
    const lab = await startHarborLab(IMAGES, { address: '127.0.0.113' });
    const scenario = new Scenario(lab.api);
    try {
      await deleteInUi(lab, DELETED);
      const paused = await scenario.run(['--run-id', 'late', ...PREPARE]);
      expect(paused.code, paused.stdout).toBe(3);
      const first = reviewIn(paused.stdout, 'api-gc');

      // Someone deletes another artifact while the list waits for its review.
      await deleteInUi(lab, ['team/svc:s1']);
      const storage = await treeDigest(lab.registry.storage);
      const refused = await scenario.resume('late', ['--approve', `api-gc=${first.digest}`]);
      expect(refused.code, refused.stdout).toBe(1);
      const said = refused.stdout + refused.stderr;
      expect(said).toContain('refused, nothing was collected: the dry run just now');
      expect(said).toContain(`not reviewed: ${lab.pushed.digests.get('team/svc:s1')}`);
      expect(await treeDigest(lab.registry.storage)).toBe(storage);
      expect((await gcJobs(lab.api)).map(dryRun)).toEqual([true, true]);

      // The way on: the dry run again, a new list, a new review.
      const rerun = await scenario.resume('late', ['--from', 'api-dry-run']);
      expect(rerun.code, rerun.stdout).toBe(3);
      const second = reviewIn(rerun.stdout, 'api-gc');
      expect(second.digest).not.toBe(first.digest);
      expect(second.items).toHaveLength(9);
      const done = await scenario.resume('late', ['--approve', `api-gc=${second.digest}`, ...PULLED]);
      expect(done.code, done.stdout + done.stderr).toBe(0);
      expect((outputs(scenario.journal('late'), 'api-gc')['deleted'] as string[]).sort()).toEqual([...second.items].sort());
    } finally {
      scenario.remove();
      await lab.stop();
    }
  }, 180_000);
});

describe('harbor-gc on Harbor 1.x', () => {
  let lab: HarborLab;
  let sshd: SshdLab;

  beforeAll(async () => {
    lab = await startHarborLab(IMAGES, { address: '127.0.0.111', harborVersion: 'v1.10.17-f9a8b7c6' });
    sshd = await startSshd({ address: '127.0.0.111' });
  }, 120_000);

  afterAll(async () => {
    await sshd?.stop();
    await lab?.stop();
  });

  test('a rehearsal takes the offline route: the API steps are skipped, the Harbor host is checked over SSH', async () => {
    const scenario = new Scenario(lab.api, sshd);
    try {
      const result = await scenario.run(['--rehearse', '--run-id', 'v1']);
      const events = scenario.journal('v1');
      expect(outputs(events, 'detect-version')).toEqual({ version: 'v1.10.17-f9a8b7c6', major: '1' });
      expect(result.stdout).toContain('route: offline (Harbor 1.x)');
      const skips = skipped(events);
      for (const id of ['api-preflight', 'api-dry-run']) expect(skips.get(id), id).toBe('condition is false: ${{ steps.detect-version.outputs.major == 2 }}');
      for (const id of API_STEPS) expect(skips.has(id), id).toBe(true);
      // The offline route's first step ran on the Harbor host, over SSH, and stopped the rehearsal there: the
      // test host has no Harbor installation (no compose command, no /opt/harbor).
      expect(result.code, result.stdout).toBe(1);
      expect(events.findLast((e) => e.type === 'unit-finished')).toMatchObject({ unit: { step: 'offline-preflight-host', target: 'harbor1' }, outcome: 'failed' });
      expect(sshd.connectionCount()).toBeGreaterThan(0);
      expect(started(events).filter((s) => s.startsWith('api-'))).toEqual([]);
    } finally {
      scenario.remove();
    }
  }, 120_000);

  test('the API route is refused on 1.x', async () => {
    const scenario = new Scenario(lab.api, sshd);
    try {
      const result = await scenario.run(['--run-id', 'api-on-1', '--param', 'route=api']);
      expect(result.code, result.stdout).toBe(1);
      expect(result.stdout + result.stderr).toContain("refused: Harbor v1.10.17-f9a8b7c6 is 1.x: it has no /api/v2.0, and Harbor 1.x's GC API has no dry run to review");
      expect(started(scenario.journal('api-on-1'))).toEqual(['detect-version']);
    } finally {
      scenario.remove();
    }
  }, 60_000);
});
