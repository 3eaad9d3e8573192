import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, SITE_LOCAL, writeFixture } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';
import { hasTmux, tmuxServer } from '../tui/tmux.js';
import { HOSTILE_RUNBOOK } from './hostile-run.js';

/** Issue #16 in a real terminal: the TUI shows a host's escapes, and the terminal acts on none of them. */
describe('the TUI in tmux, with a hostile host', () => {
  it('no clipboard write, no title, no cursor movement from the output or the titles; they show as text', async () => {
    expect(hasTmux(), 'tmux is needed for this test: apt-get install -y tmux').toBe(true);
    const dir = tempDirForTest();
    writeFixture(dir, 'site.yaml', SITE_LOCAL);
    // The step stays on screen a moment after its output, so the TUI paints it.
    writeFixture(dir, 'runbook.yaml', HOSTILE_RUNBOOK.replace("printf 'last words without a line feed'", "printf 'last words without a line feed'\n      sleep 2"));
    const term = tmuxServer(dir);
    // Everything the program writes to the terminal is copied to raw.out from its first byte: it waits for `go`.
    term.start(`while [ ! -f go ]; do sleep 0.05; done; node ${CLI} run runbook.yaml --site site.yaml --run-id t --approve check`);
    term.tmux('set-option', '-g', 'set-clipboard', 'on');
    term.tmux('pipe-pane', '-o', '-t', 'e2e', `cat >> ${join(dir, 'raw.out')}`);
    writeFileSync(join(dir, 'go'), '');

    const running = await term.waitFor('forged succeeded');
    expect(running).toContain('\\x1b[1A\\x1b[2K✔ forged succeeded');
    expect(running).toContain('\\x9b2J cleared');
    expect(running).toContain('status: <U+202E>0 tixe');
    await term.waitFor('EXIT=0');

    const raw = readFileSync(join(dir, 'raw.out'), 'latin1');
    expect(raw.length).toBeGreaterThan(0);
    for (const sequence of ['\u001b]52', '\u001b]0;pwned', '\u001b[2K\u00e2\u009c\u0094 forged', '\u00c2\u009b', '\u00e2\u0080\u00ae']) expect(raw).not.toContain(sequence);
    expect(term.tmux('display-message', '-p', '-t', 'e2e', '#{pane_title}')).not.toContain('pwned');
    expect(term.tmux('list-buffers')).toBe('');
  });
});
