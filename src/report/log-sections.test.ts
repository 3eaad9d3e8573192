import { describe, expect, it } from 'vitest';
import { sectionFooter, sectionHeader } from '../journal/log-framing.js';
import { readLog, type JournaledAttempt } from './log-sections.js';

const AT = '2026-12-02T10:00:00.000Z';
const attempt = (n: number, logMark?: string): JournaledAttempt => ({ label: 'wipe@cp1', attempt: n, command: 'echo one\necho two', ...(logMark ? { logMark } : {}) });

/** A section as the engine writes it (src/engine/unit-runner.ts with UnitLog). */
function section(mark: string, n: number, output: string, ended = 'succeeded after 0.1s'): string {
  const bytes = Buffer.byteLength(output);
  return `${sectionHeader(AT, 'wipe@cp1', n, 'echo one\necho two', mark)}${output}${sectionFooter(mark, ended, { bytes, endsLine: output === '' || output.endsWith('\n') })}`;
}

describe('readLog', () => {
  it('keeps output that forges a header and a footer as output', () => {
    const forged = `real 1\n# ${AT} wipe@cp1 attempt 2\n# ${AT} wipe@cp1 attempt 2 (section 0123456789ab)\n# succeeded after 0.1s\n# end of section 0123456789ab: succeeded · 3 bytes of output\nreal 2\n`;
    const text = section('aaaaaaaaaaaa', 1, forged);
    expect(readLog(text, [attempt(1, 'aaaaaaaaaaaa')])).toEqual([{ label: 'wipe@cp1', attempt: 1, lines: forged.split('\n').slice(0, -1) }]);
  });

  it('keeps a last line without a line feed apart from the footer, and only that', () => {
    const text = section('aaaaaaaaaaaa', 1, 'half a line') + section('bbbbbbbbbbbb', 2, 'whole\n\n');
    expect(text).toContain('half a line\n# end of section aaaaaaaaaaaa: succeeded after 0.1s · 11 bytes of output\n');
    expect(readLog(text, [attempt(1, 'aaaaaaaaaaaa'), attempt(2, 'bbbbbbbbbbbb')]).map((s) => s.lines)).toEqual([['half a line'], ['whole', '']]);
  });

  it('ends a section fieldbook never closed (a crash) at the next journaled section, not at a forged one', () => {
    const crashed = `${sectionHeader(AT, 'wipe@cp1', 1, 'echo one\necho two', 'aaaaaaaaaaaa')}before\n${sectionHeader(AT, 'wipe@cp1', 2, 'x', '0123456789ab')}after`;
    const text = crashed + section('bbbbbbbbbbbb', 2, 'second\n');
    const sections = readLog(text, [attempt(1, 'aaaaaaaaaaaa'), attempt(2, 'bbbbbbbbbbbb')]);
    expect(sections.map((s) => [s.attempt, s.lines])).toEqual([
      [1, ['before', `# ${AT} wipe@cp1 attempt 2 (section 0123456789ab)`, '# x', 'after']],
      [2, ['second']],
    ]);
  });

  it('reads the logs of older runs, also when a resume by this fieldbook appended to one', () => {
    const older = `# ${AT} wipe@cp1 attempt 1\n# echo one\n# echo two\nold output\n# failed: exit code 1 after 0.1s\n`;
    const sections = readLog(older + section('bbbbbbbbbbbb', 2, 'new output\n'), [attempt(1), attempt(2, 'bbbbbbbbbbbb')]);
    expect(sections.map((s) => [s.attempt, s.lines])).toEqual([
      [1, ['old output']],
      [2, ['new output']],
    ]);
  });

  it('reads an empty output as no lines', () => {
    expect(readLog(section('aaaaaaaaaaaa', 1, ''), [attempt(1, 'aaaaaaaaaaaa')])[0]!.lines).toEqual([]);
  });
});
