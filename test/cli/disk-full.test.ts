import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli, SITE_LOCAL, writeFixture } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

// A full disk is the machine's refusal, not a fieldbook bug: one line saying so, and a run that resumes once there
// is room. A 2 MiB tmpfs (the tests run as root) is the full disk.

const FLOOD = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: flood, title: Flood }
steps:
  - id: flood
    run: head -c 5000000 /dev/zero | tr '\\0' x | fold -w 100
  - id: after
    run: echo after
`;

function smallDisk(dir: string): string {
  const mount = join(dir, 'disk');
  mkdirSync(mount);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mount]);
  onTestFinished(() => void execFileSync('umount', ['-l', mount]));
  return mount;
}

describe('a full disk', () => {
  it('while a step writes its log: one line, the outcome journaled, and resume goes on once there is room', async () => {
    const dir = tempDirForTest();
    writeFixture(dir, 'site.yaml', SITE_LOCAL);
    writeFixture(dir, 'flood.yaml', FLOOD);
    const runs = join(smallDisk(dir), 'runs');
    const full = await runCli(['run', 'flood.yaml', '--site', 'site.yaml', '--run-id', 'f', '--runs-dir', runs, '--ui', 'plain'], { cwd: dir });
    expect(full.code).toBe(1);
    expect(full.stderr).toMatch(/^error: cannot write the step's log: ENOSPC: no space left on device, write\n$/);
    rmSync(join(runs, 'f', 'logs', 'flood', 'local.log'));
    const resumed = await runCli(['resume', 'f', '--runs-dir', runs, '--ui', 'plain'], { cwd: dir });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('after | after');
    expect(resumed.stdout).not.toContain('flood | x');
  });

  it('before a run can start: one line naming the cause, and no run directory left behind', async () => {
    const dir = tempDirForTest();
    writeFixture(dir, 'site.yaml', SITE_LOCAL);
    writeFixture(dir, 'flood.yaml', FLOOD);
    const disk = smallDisk(dir);
    mkdirSync(join(disk, 'runs'));
    try {
      writeFileSync(join(disk, 'fill'), Buffer.alloc(3 << 20));
    } catch {
      // the disk is full now
    }
    const refused = await runCli(['run', 'flood.yaml', '--site', 'site.yaml', '--run-id', 'f', '--runs-dir', join(disk, 'runs'), '--ui', 'plain'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: .*no space left on the device; free some and try again \(a run that started resumes, its completed steps kept\) \(ENOSPC\)\n$/);
    expect(readdirSync(join(disk, 'runs')).filter((name) => !name.startsWith('.'))).toEqual([]);
  });
});
