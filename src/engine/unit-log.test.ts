import { statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { UnitLog } from './unit-log.js';

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fieldbook-unit-log-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('UnitLog', () => {
  it('keeps text written before the file is open, in order, then appends', async () => {
    const dir = await tempDir();
    const path = join(dir, 'logs', 'step', 'local.log');
    const log = new UnitLog(path, '# header\n');
    log.write('early 1\n');
    log.write('early 2\n');
    await log.ready();
    log.write('late\n');
    await log.close(() => '# footer\n');
    expect(await readFile(path, 'utf8')).toBe('# header\nearly 1\nearly 2\nlate\n# footer\n');

    const again = new UnitLog(path, '# attempt 2\n');
    await again.close(() => '# done\n');
    expect(await readFile(path, 'utf8')).toMatch(/# footer\n# attempt 2\n# done\n$/);
  });

  it('hands the footer how many bytes of output it holds and whether they ended a line', async () => {
    const dir = await tempDir();
    const path = join(dir, 'step', 'local.log');
    const log = new UnitLog(path, '# header\n');
    log.write('héllo\n');
    log.write('no newline');
    await log.close((output) => `${output.endsLine ? '' : '\n'}# ${output.bytes} bytes\n`);
    expect(await readFile(path, 'utf8')).toBe('# header\nhéllo\nno newline\n# 17 bytes\n');
  });

  it('creates the file at once when a MiB waits for it, and writes everything once, in order', async () => {
    const dir = await tempDir();
    const path = join(dir, 'logs', 'step', 'local.log');
    const log = new UnitLog(path, '# header\n');
    const chunk = `${'x'.repeat(1023)}\n`;
    for (let i = 0; i < 1100; i++) log.write(chunk); // synchronously: the thread pool's open cannot have finished
    expect(statSync(path).size).toBeGreaterThan(1 << 20);
    log.write('last\n');
    await log.close(() => '# footer\n');
    expect(await readFile(path, 'utf8')).toBe(`# header\n${chunk.repeat(1100)}last\n# footer\n`);
  });

  it('reports a log that cannot be created, from ready and from close', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'logs'), 'a file where the directory should be');
    const log = new UnitLog(join(dir, 'logs', 'step', 'local.log'), '# header\n');
    await expect(log.ready()).rejects.toThrow(/EEXIST|ENOTDIR/);
    log.write('dropped\n');
    await expect(log.close(() => '# footer\n')).rejects.toThrow(/EEXIST|ENOTDIR/);
  });
});
