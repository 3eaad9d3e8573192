import { appendFile, mkdtemp, open, readFile, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { FieldbookError } from '../errors.js';
import { fsyncDir, openJournal, readJournal } from './journal-file.js';

async function tempJournal(): Promise<{ dir: string; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'fieldbook-journal-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return { dir, path: join(dir, 'journal.jsonl') };
}

async function writerFor(path: string): ReturnType<typeof openJournal> {
  const writer = await openJournal(path);
  onTestFinished(() => writer.close());
  return writer;
}

describe('openJournal / append', () => {
  it('creates the journal and writes one JSON line per event, readable back in order', async () => {
    const { path } = await tempJournal();
    const writer = await writerFor(path);
    expect(writer.truncated).toBeUndefined();
    await writer.append({ type: 'run-started', id: 'r1' });
    await writer.append({ type: 'note', text: 'two\nlines and "quotes"' });
    expect(await readFile(path, 'utf8')).toBe(
      '{"type":"run-started","id":"r1"}\n{"type":"note","text":"two\\nlines and \\"quotes\\""}\n',
    );
    expect(await readJournal(path)).toEqual({
      events: [
        { type: 'run-started', id: 'r1' },
        { type: 'note', text: 'two\nlines and "quotes"' },
      ],
    });
  });

  it('appends to an existing journal without touching what is there', async () => {
    const { path } = await tempJournal();
    await writeFile(path, '{"n":1}\n');
    const writer = await writerFor(path);
    await writer.append({ n: 2 });
    expect((await readJournal(path)).events).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('serialises concurrent appends: every event on its own line, in call order', async () => {
    const { path } = await tempJournal();
    const writer = await writerFor(path);
    // A large line may take several write() calls: each line is written whole before the next starts.
    const big = 'x'.repeat(600_000);
    await Promise.all(Array.from({ length: 60 }, (_, n) => writer.append({ n, pad: n % 3 === 0 ? big : '' })));
    const { events, tornTail } = await readJournal(path);
    expect(tornTail).toBeUndefined();
    expect(events.map((event) => (event as { n: number }).n)).toEqual(Array.from({ length: 60 }, (_, n) => n));
  });

  it('shares one fsync among durable appends of the same turn, and syncs again for a later one', async () => {
    const { path } = await tempJournal();
    const writer = await writerFor(path);
    const syncs: number[] = [];
    const probe = await open(path, 'r');
    await probe.close();
    const sync = vi.spyOn(Object.getPrototypeOf(probe) as FileHandle, 'sync');
    sync.mockImplementation(async function (this: FileHandle) {
      syncs.push((await readJournal(path)).events.length);
    });
    onTestFinished(() => sync.mockRestore());
    const first = [writer.append({ n: 1 }), writer.append({ n: 2 }, { durable: false }), writer.append({ n: 3 })];
    expect(first[0]).toBe(first[2]);
    await Promise.all(first);
    await writer.append({ n: 4 });
    // Each fsync saw every line written before it: 3 lines for the first three appends, 4 for the last.
    expect(syncs).toEqual([3, 4]);
  });

  it('rejects an event that cannot be serialised without breaking the writer', async () => {
    const { path } = await tempJournal();
    const writer = await writerFor(path);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    await expect(writer.append(cyclic)).rejects.toMatchObject({ code: 'internal', cause: expect.any(TypeError) });
    await writer.append({ after: true });
    expect((await readJournal(path)).events).toEqual([{ after: true }]);
  });

  it('refuses appends after close, and waits for pending ones before closing', async () => {
    const { path } = await tempJournal();
    const writer = await openJournal(path);
    const pending = writer.append({ last: true });
    await writer.close();
    await pending;
    expect((await readJournal(path)).events).toEqual([{ last: true }]);
    await expect(writer.append({ late: true })).rejects.toThrow(/journal is closed/);
  });
});

describe('torn tail (crash mid-write)', () => {
  it('readJournal reports a last line without its newline and ignores it', async () => {
    const { path } = await tempJournal();
    await writeFile(path, '{"n":1}\n{"n":2}\n{"n":3,"te');
    expect(await readJournal(path)).toEqual({ events: [{ n: 1 }, { n: 2 }], tornTail: { line: 3, text: '{"n":3,"te' } });
  });

  it('counts valid JSON without its newline as torn (it may be cut short: `12` of `123`)', async () => {
    const { path } = await tempJournal();
    await writeFile(path, '{"n":1}\n12');
    expect(await readJournal(path)).toEqual({ events: [{ n: 1 }], tornTail: { line: 2, text: '12' } });
  });

  it('reports a complete but invalid last line (zeros after a power loss) as torn', async () => {
    const { path } = await tempJournal();
    await writeFile(path, Buffer.concat([Buffer.from('{"n":1}\n'), Buffer.alloc(6), Buffer.from('\n')]));
    const { events, tornTail } = await readJournal(path);
    expect(events).toEqual([{ n: 1 }]);
    expect(tornTail?.line).toBe(2);
  });

  it('throws with file:line for an invalid line that is not the last', async () => {
    const { path } = await tempJournal();
    const lines = Array.from({ length: 20 }, (_, n) => (n === 16 ? '{"broken":' : JSON.stringify({ n })));
    await writeFile(path, `${lines.join('\n')}\n`);
    const error = await readJournal(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FieldbookError);
    expect(error).toMatchObject({ code: 'journal' });
    expect((error as Error).message).toMatch(/journal\.jsonl:17: not valid JSON \(.+\)/);
  });

  it('openJournal cuts a torn tail off, reports it, and the next event starts on a clean line', async () => {
    const { path } = await tempJournal();
    await writeFile(path, '{"n":1}\n');
    await appendFile(path, '{"n":2,"half'); // what a crash mid-write leaves
    const writer = await writerFor(path);
    expect(writer.truncated).toEqual({ line: 2, text: '{"n":2,"half' });
    await writer.append({ n: 3 });
    expect(await readFile(path, 'utf8')).toBe('{"n":1}\n{"n":3}\n');
    expect(await readJournal(path)).toEqual({ events: [{ n: 1 }, { n: 3 }] });
  });

  it('openJournal leaves an intact journal alone', async () => {
    const { path } = await tempJournal();
    await writeFile(path, '{"n":1}\n{"n":2}\n');
    const writer = await writerFor(path);
    expect(writer.truncated).toBeUndefined();
    expect(await readFile(path, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
  });

  it('readJournal of a missing file is a journal error naming the file', async () => {
    const { dir } = await tempJournal();
    await expect(readJournal(join(dir, 'nope.jsonl'))).rejects.toMatchObject({
      code: 'journal',
      message: expect.stringContaining('nope.jsonl: cannot read the journal'),
    });
  });
});

describe('fsyncDir', () => {
  it('fsyncs an existing directory, and fails for a missing one', async () => {
    const { dir } = await tempJournal();
    await expect(fsyncDir(dir)).resolves.toBeUndefined();
    await expect(fsyncDir(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
