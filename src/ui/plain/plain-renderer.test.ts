import { describe, expect, it } from 'vitest';
import { createPlainRenderer } from './plain-renderer.js';

const unit = { step: 'dump', target: 'cp1' };

describe('plain renderer output lines', () => {
  it('prints whole lines prefixed by their unit, joining lines split across chunks, one write per event', () => {
    const writes: string[] = [];
    const renderer = createPlainRenderer((text) => writes.push(text));
    renderer.render({ type: 'output', unit, stream: 'stdout', text: 'one\ntw' });
    renderer.render({ type: 'output', unit, stream: 'stdout', text: 'o\nthree\nfo' });
    renderer.flush();
    expect(writes).toEqual(['  dump@cp1 | one\n', '  dump@cp1 | two\n  dump@cp1 | three\n', '  dump@cp1 | fo\n']);
  });

  it('keeps empty lines and a chunk that is only a newline', () => {
    const writes: string[] = [];
    const renderer = createPlainRenderer((text) => writes.push(text));
    renderer.render({ type: 'output', unit, stream: 'stdout', text: 'a\n\nb\n' });
    renderer.render({ type: 'output', unit, stream: 'stdout', text: '\n' });
    renderer.flush();
    expect(writes).toEqual(['  dump@cp1 | a\n  dump@cp1 | \n  dump@cp1 | b\n', '  dump@cp1 | \n']);
  });

  it('cuts a line that never ends, so output without newlines stays bounded and linear', () => {
    const writes: string[] = [];
    const renderer = createPlainRenderer((text) => writes.push(text));
    const chunk = 'x'.repeat(65_536);
    const started = performance.now();
    for (let i = 0; i < 2_000; i++) renderer.render({ type: 'output', unit, stream: 'stdout', text: chunk }); // 125 MiB
    renderer.flush();
    const elapsed = performance.now() - started;
    const printed = writes.join('');
    expect(printed.replaceAll('  dump@cp1 | ', '').replaceAll('\n', '').length).toBe(2_000 * 65_536); // nothing lost
    expect(Math.max(...printed.split('\n').map((line) => line.length))).toBeLessThanOrEqual(4096 + '  dump@cp1 | '.length);
    // Quadratic re-scanning took seconds for 20 MB; linear work is well under that for 128 MiB.
    expect(elapsed).toBeLessThan(10_000);
  });
});
