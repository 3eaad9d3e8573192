import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirForTest } from '../../test/harness/tmp.js';
import { readTar, writeTar } from './tar.js';

const LONG = `run-1/logs/${'a'.repeat(90)}/${'b'.repeat(60)}.log`;
const VERY_LONG = `run-1/${'c'.repeat(200)}.log`;

describe('tar', () => {
  it('reads back what it writes: empty files, binary data, long paths (ustar prefix and pax)', () => {
    const files = [
      { path: 'run-1/journal.jsonl', data: Buffer.from('{"type":"run-started"}\n') },
      { path: 'run-1/empty.log', data: Buffer.alloc(0) },
      { path: 'run-1/binary', data: Buffer.from([0, 1, 2, 255, 254]) },
      { path: LONG, data: Buffer.from('x'.repeat(513)) },
      { path: VERY_LONG, data: Buffer.from('é') },
    ];
    const entries = readTar(writeTar(files));
    expect(entries.map((e) => [e.path, e.type, e.data.toString('hex')])).toEqual(files.map((f) => [f.path, 'file', Buffer.from(f.data).toString('hex')]));
  });

  it('is read by GNU tar, and reads what GNU tar writes (long names, directories, links flagged as other)', () => {
    const dir = tempDirForTest();
    writeFileSync(join(dir, 'ours.tar'), writeTar([{ path: LONG, data: Buffer.from('hello') }, { path: VERY_LONG, data: Buffer.from('world') }]));
    expect(execFileSync('tar', ['-tf', join(dir, 'ours.tar')], { encoding: 'utf8' }).trim().split('\n')).toEqual([LONG, VERY_LONG]);

    const src = join(dir, 'src');
    mkdirSync(join(src, 'run-1', 'logs', 'x'.repeat(120)), { recursive: true });
    writeFileSync(join(src, 'run-1', 'logs', 'x'.repeat(120), 'n1.log'), 'log text');
    execFileSync('ln', ['-s', '/etc/hostname', join(src, 'run-1', 'link')]);
    execFileSync('tar', ['-cf', join(dir, 'gnu.tar'), '-C', src, 'run-1']);
    const entries = readTar(readFileSync(join(dir, 'gnu.tar')));
    expect(entries.find((e) => e.path === `run-1/logs/${'x'.repeat(120)}/n1.log`)?.data.toString()).toBe('log text');
    expect(entries.find((e) => e.path === 'run-1/link')).toMatchObject({ type: 'other', flag: '2' });
    expect(entries.filter((e) => e.type === 'directory').length).toBeGreaterThan(0);
  });

  it('refuses a damaged header', () => {
    const archive = writeTar([{ path: 'a/b', data: Buffer.from('x') }]);
    archive[10] = 0x41;
    expect(() => readTar(archive)).toThrow(/damaged tar header at byte 0/);
  });
});
