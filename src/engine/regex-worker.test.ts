import { describe, expect, it } from 'vitest';
import { matchBounded } from './regex-worker.js';

const texts = (stdout: string) => ({ stdout, stderr: '' });

describe('matchBounded', () => {
  it('gives numbered and named groups of the first match, or of every match', async () => {
    await expect(matchBounded([{ pattern: 'n=(?<n>\\d+)', from: 'stdout', all: false }], texts('n=1 n=2'), { budgetMs: 5_000 })).resolves.toEqual({ matches: [[{ groups: ['n=1', '1'], named: { n: '1' } }]] });
    await expect(matchBounded([{ pattern: '^(\\w)$', from: 'stdout', all: true }], texts('a\nb'), { budgetMs: 5_000 })).resolves.toEqual({
      matches: [[{ groups: ['a', 'a'], named: undefined }, { groups: ['b', 'b'], named: undefined }]],
    });
  });

  it("one unit's runaway regex does not hold up another's, and the next request still gets a worker", async () => {
    const order: string[] = [];
    const evil = matchBounded([{ pattern: '^(a+)+$', from: 'stdout', all: false }], texts(`${'a'.repeat(40)}!`), { budgetMs: 1_500 }).then((r) => (order.push('evil'), r));
    const good = matchBounded([{ pattern: 'ok', from: 'stdout', all: false }], texts('ok'), { budgetMs: 5_000 }).then((r) => (order.push('good'), r));
    await expect(good).resolves.toMatchObject({ matches: [[{ groups: ['ok'] }]] });
    await expect(evil).resolves.toEqual({ stopped: 'timeout' });
    expect(order).toEqual(['good', 'evil']);
    await expect(matchBounded([{ pattern: 'x', from: 'stdout', all: false }], texts('x'), { budgetMs: 5_000 })).resolves.toMatchObject({ matches: [[{ groups: ['x'] }]] });
  });

  it('is interrupted at once by an aborted signal, before or during the match', async () => {
    const aborted = AbortSignal.abort();
    await expect(matchBounded([{ pattern: 'x', from: 'stdout', all: false }], texts('x'), { budgetMs: 5_000, signal: aborted })).resolves.toEqual({ stopped: 'interrupted' });
    const controller = new AbortController();
    const running = matchBounded([{ pattern: '^(a+)+$', from: 'stdout', all: false }], texts(`${'a'.repeat(40)}!`), { budgetMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(running).resolves.toEqual({ stopped: 'interrupted' });
  });
});
