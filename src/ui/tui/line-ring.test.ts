import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineRing } from './line-ring.js';

/** The reference: split everything, keep the tail. */
function reference(chunks: string[], capacity: number, count: number): string[] {
  const all = chunks.join('');
  const parts = all.split('\n');
  const partial = parts.pop()!;
  const lines = parts.slice(-capacity);
  const out = partial === '' ? lines.slice(-count) : [...lines.slice(-(count - 1)), partial];
  return count === 1 && partial !== '' ? [partial] : out;
}

describe('LineRing', () => {
  it('keeps the last lines and the partial one, oldest first', () => {
    const ring = new LineRing(3);
    ring.push('a\nb');
    expect(ring.tail(5)).toEqual(['a', 'b']);
    ring.push('c\nd\ne\nf');
    expect(ring.tail(5)).toEqual(['bc', 'd', 'e', 'f']);
    expect(ring.tail(2)).toEqual(['e', 'f']);
    ring.mark('── attempt 2 ──');
    expect(ring.tail(9)).toEqual(['e', 'f', '── attempt 2 ──']);
    expect(ring.total).toBe(5); // a, bc, d, e, f: markers are not output
  });

  it('matches splitting the whole text, for any chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'b', '\n') }), { maxLength: 30 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 8 }), (chunks, capacity, count) => {
        const ring = new LineRing(capacity);
        for (const chunk of chunks) ring.push(chunk);
        const all = chunks.join('');
        expect(ring.tail(count)).toEqual(reference(chunks, capacity, count));
        expect(ring.total).toBe(all.split('\n').length - 1);
      }),
    );
  });

  it('stays bounded on a huge chunk and a huge line', () => {
    const ring = new LineRing(100);
    ring.push('x\n'.repeat(1_000_000));
    expect(ring.length).toBe(100);
    expect(ring.total).toBe(1_000_000);
    ring.push('y'.repeat(50_000));
    ring.push('y'.repeat(50_000));
    expect(ring.tail(1)[0]!.length).toBeLessThanOrEqual(1_001);
  });
});
