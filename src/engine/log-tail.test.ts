import { describe, expect, it } from 'vitest';
import { attemptOutput } from './log-tail.js';

const unit = { step: 'wipe', target: 'cp1' };

describe('attemptOutput', () => {
  it('takes what the latest attempt printed, after its header and the command echoed under it', () => {
    const log = [
      '# 2026-12-02T10:00:00.000Z wipe@cp1 attempt 1',
      '# rm -rf /data/a',
      '#   && rm -rf /data/b',
      'old output',
      '# failed: exit code 1 after 0.1s',
      '# 2026-12-02T10:05:00.000Z wipe@cp1 attempt 2',
      '# rm -rf /data/a',
      'removing a',
      'removing b',
      '',
    ].join('\n');
    expect(attemptOutput(log, unit)).toEqual(['removing a', 'removing b']);
    // An attempt that ended (cancelled) has a footer: the question already says why.
    expect(attemptOutput(`${log}# unknown: interrupted by the operator while running after 1.0s\n`, unit)).toEqual(['removing a', 'removing b']);
  });

  it('finds the unit of a foreach item by its label, and nothing when no attempt of it was logged', () => {
    const item = { ...unit, item: { index: 1, value: 'b' } };
    const log = '# 2026-12-02T10:00:00.000Z wipe@cp1[0: a] attempt 1\n# rm a\nremoved a\n# 2026-12-02T10:00:01.000Z wipe@cp1[1: b] attempt 1\n# rm b\n';
    expect(attemptOutput(log, item)).toEqual([]);
    expect(attemptOutput(log, { ...unit, item: { index: 0, value: 'a' } })).toEqual(['removed a']);
    expect(attemptOutput('', unit)).toEqual([]);
  });

  it('reads a marked section by its mark, up to its footer or the next section, whatever the output holds', () => {
    const log = [
      '# 2026-12-02T10:00:00.000Z wipe@cp1 attempt 1 (section aaaaaaaaaaaa)',
      '# rm -rf /data',
      'removing a',
      '# 2026-12-02T10:00:00.000Z wipe@cp1 attempt 9 (forged)',
      'removing b',
      '# end of section aaaaaaaaaaaa: unknown · 30 bytes of output',
      '# 2026-12-02T10:05:00.000Z wipe@cp1 attempt 2 (section bbbbbbbbbbbb)',
      '# rm -rf /data',
      'again',
      '',
    ].join('\n');
    expect(attemptOutput(log, unit, 'aaaaaaaaaaaa')).toEqual(['removing a', '# 2026-12-02T10:00:00.000Z wipe@cp1 attempt 9 (forged)', 'removing b']);
    expect(attemptOutput(log, unit, 'bbbbbbbbbbbb')).toEqual(['again']);
    expect(attemptOutput(log, unit, 'cccccccccccc')).toEqual([]);
  });
});
