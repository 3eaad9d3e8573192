import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';
import { DRIVES_TERMINAL, hostileRun } from './hostile-run.js';

/** Issue #16 through the real CLI: a host's output neither drives the terminal nor forges the record. */
describe('terminal and record safety', () => {
  it('plain output, show and replay show control characters and bidi controls, never send them', async () => {
    const dir = tempDirForTest();
    const stdout = await hostileRun(dir);
    const show = await runCli(['show', 'r'], { cwd: dir });
    const replay = await runCli(['replay', 'r', '--ui', 'plain'], { cwd: dir });
    for (const [what, text] of [['run', stdout], ['show', show.stdout], ['replay', replay.stdout]] as const) {
      expect(text, what).not.toMatch(DRIVES_TERMINAL);
      expect(text, what).not.toContain('\u202e');
    }
    for (const text of [stdout, replay.stdout]) {
      expect(text).toContain('hostile | \\x1b]52;c;ZWNobyBwd25lZA==\\x07');
      expect(text).toContain('hostile | \\x1b[1A\\x1b[2K✔ forged succeeded');
      expect(text).toContain('hostile | \\x9b2J cleared');
      expect(text).toContain('hostile | status: <U+202E>0 tixe');
      expect(text).toContain('hostile | last words without a line feed');
      expect(text).toContain('Clean up <U+202E>erawlam');
    }
    expect(show.stdout).toContain('runbook hostile — Clean up <U+202E>erawlam');
    expect(show.stdout).toContain('status = "<U+202E>0 tixe"');
  });

  it('the log keeps the bytes as received, in a framing the output cannot forge', async () => {
    const dir = tempDirForTest();
    await hostileRun(dir);
    const log = readFileSync(join(dir, '.fieldbook', 'runs', 'r', 'logs', 'hostile', 'local.log'), 'utf8');
    expect(log).toContain('\u001b]52;c;ZWNobyBwd25lZA==\u0007');
    expect(log).toContain('status: \u202e0 tixe');
    // The last line stays a line of output; the footer is on its own line and counts the bytes.
    expect(log).toMatch(/\nlast words without a line feed\n# end of section [0-9a-f]{12}: succeeded after \d+\.\ds · \d+ bytes of output\n$/);
  });

  it('the Markdown report: values escaped for where they stand, bidi visible, the excerpt whole', async () => {
    const dir = tempDirForTest();
    await hostileRun(dir);
    const report = await runCli(['report', 'r', '--format', 'md'], { cwd: dir });
    expect(report.code, report.stderr).toBe(0);
    const md = report.stdout;
    expect(md).not.toMatch(DRIVES_TERMINAL);
    expect(md).not.toContain('\u202e');
    expect(md).toContain('# Clean up \\<U+202E\\>erawlam');
    // A param with a backtick: a longer fence, the `|` escaped in its table cell, the HTML inside the span.
    expect(md).toContain('| note | ``a`b <b>bold</b> \\| c`` | param |');
    // The checklist in the confirmations table: HTML and the pipe escaped.
    expect(md).toContain('\\<img src=x onerror=alert(1)\\> customer \\| told');
    expect(md).not.toMatch(/(?<!\\)<img/);
    // A captured value is shown as captured, its backticks kept.
    expect(md).toContain('- `tag` = `` `rm -rf` ``');
    expect(md).toContain('- `status` = `<U+202E>0 tixe`');
    // The excerpt runs to the end of the output: a forged header does not cut it, the last line is there.
    const excerpt = md.slice(md.indexOf('Output of `hostile`'));
    expect(excerpt).toContain('# 2026-01-01T00:00:00.000Z hostile attempt 2\n# succeeded after 0.1s\nlast words without a line feed\n```');
    expect(excerpt).toContain('\\x1b]52;c;ZWNobyBwd25lZA==\\x07\\x1b]0;pwned\\x07working');
  });

  it('the HTML report: control characters and bidi controls visible, the excerpt whole', async () => {
    const dir = tempDirForTest();
    await hostileRun(dir);
    const report = await runCli(['report', 'r', '--format', 'html', '-o', '-'], { cwd: dir });
    expect(report.code, report.stderr).toBe(0);
    const html = report.stdout;
    expect(html).not.toMatch(DRIVES_TERMINAL);
    expect(html).not.toContain('\u202e');
    expect(html).toContain('<h1>Clean up &lt;U+202E&gt;erawlam</h1>');
    expect(html).toContain('status: &lt;U+202E&gt;0 tixe');
    expect(html).not.toContain('<img');
    expect(html).toContain('# 2026-01-01T00:00:00.000Z hostile attempt 2\n# succeeded after 0.1s\nlast words without a line feed</pre>');
  });
});
