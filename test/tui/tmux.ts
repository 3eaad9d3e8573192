import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { onTestFinished } from 'vitest';

/** Whether tmux is installed (tests assert it: a missing tmux fails, it is never skipped). */
export function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A private tmux server (its own socket, an 80×24 pane unless `size` says otherwise), killed when the test ends. */
export function tmuxServer(dir: string, size: { columns: number; rows: number } = { columns: 80, rows: 24 }) {
  const socket = `fieldbook-e2e-${process.pid}-${Date.now()}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  onTestFinished(() => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
    // tmux may leave its socket file behind.
    rmSync(join(process.env['TMUX_TMPDIR'] ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
  });
  const captures = process.env['FIELDBOOK_UI_CAPTURES'];
  let shot = 0;
  return {
    /** Start (or restart) the pane's command: a clean environment, so neither CI nor the host's settings leak in. */
    start(command: string) {
      const env = ['env', '-i', `PATH=${process.env['PATH'] ?? '/usr/bin:/bin'}`, `HOME=${dir}`, `FIELDBOOK_HOME=${join(dir, '.fieldbook')}`, 'TERM=screen', 'LANG=C.UTF-8'];
      // The terminal's settings are saved before EXIT= shows, so a test that saw EXIT= can read them.
      const script = `${command}; rc=$?; stty -a > stty-after.txt; echo "EXIT=$rc"; sleep 600`;
      const argv = [...env, 'sh', '-c', script].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
      if (shot === 0) tmux('new-session', '-d', '-x', String(size.columns), '-y', String(size.rows), '-s', 'e2e', '-c', dir, argv);
      else tmux('respawn-pane', '-k', '-t', 'e2e', '-c', dir, argv);
      shot++;
    },
    screen: () => tmux('capture-pane', '-p', '-t', 'e2e'),
    keys: (...keys: string[]) => tmux('send-keys', '-t', 'e2e', ...keys),
    /** Wait until the screen shows `text`; return the screen (and keep it as `name` when asked to). */
    async waitFor(text: string | RegExp, name?: string, timeoutMs = 20_000): Promise<string> {
      const until = Date.now() + timeoutMs;
      let screen = '';
      while (Date.now() < until) {
        screen = tmux('capture-pane', '-p', '-t', 'e2e');
        if (typeof text === 'string' ? screen.includes(text) : text.test(screen)) {
          if (captures && name) {
            mkdirSync(captures, { recursive: true });
            writeFileSync(join(captures, `${name}.txt`), screen.replace(/\s+$/, '\n'));
          }
          return screen;
        }
        await delay(50);
      }
      throw new Error(`the screen never showed ${String(text)}; it shows:\n${screen}`);
    },
  };
}

