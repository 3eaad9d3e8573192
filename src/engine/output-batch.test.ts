import { describe, expect, it } from 'vitest';
import { OutputBatch, type OutputStream } from './output-batch.js';

describe('OutputBatch', () => {
  it('hands on one turn of output after its synchronous work, merged per run of a stream, in arrival order', async () => {
    const delivered: [OutputStream, string][] = [];
    const batch = new OutputBatch((stream, text) => delivered.push([stream, text]));
    batch.push('stdout', 'a');
    batch.push('stdout', 'b');
    batch.push('stderr', 'oops');
    batch.push('stdout', '');
    batch.push('stdout', 'c');
    expect(delivered).toEqual([]);
    await Promise.resolve();
    expect(delivered).toEqual([
      ['stdout', 'ab'],
      ['stderr', 'oops'],
      ['stdout', 'c'],
    ]);
  });

  it('drains at once when asked (the command ended), and delivers nothing twice', async () => {
    const delivered: string[] = [];
    const batch = new OutputBatch((_stream, text) => delivered.push(text));
    batch.push('stdout', 'last words');
    batch.drain();
    expect(delivered).toEqual(['last words']);
    await Promise.resolve();
    expect(delivered).toEqual(['last words']);
  });
});
