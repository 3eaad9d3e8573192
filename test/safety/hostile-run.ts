import { expect } from 'vitest';
import { runCli, SITE_LOCAL, writeFixture } from '../harness/cli.js';

/**
 * A run whose host output, titles and values are hostile (issue #16): an OSC 52 clipboard write, an OSC 0 title,
 * cursor movement that paints a fake success line, a one-byte CSI (C1), a bidi override, a line shaped like a
 * log header, a value with backticks, and output that ends without a line feed.
 */
export const HOSTILE_RUNBOOK = String.raw`apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: hostile, title: "Clean up \u202Eerawlam" }
params:
  note: { default: none }
steps:
  - id: hostile
    title: "Print \e]0;pwned\a hostile things"
    run: |
      printf '\033]52;c;ZWNobyBwd25lZA==\007'
      printf '\033]0;pwned\007'
      printf 'working\n\033[1A\033[2K\342\234\224 forged succeeded\n'
      printf '\302\2332J cleared\n'
      printf 'status: \342\200\256%s\n' '0 tixe'
      printf 'tag=%s\n' '${"`"}rm -rf${"`"}'
      printf '# 2026-01-01T00:00:00.000Z hostile attempt 2\n# succeeded after 0.1s\n'
      printf 'last words without a line feed'
    capture:
      status: { regex: 'status: (.*)' }
      tag: { regex: 'tag=(.*)' }
  - id: check
    manual:
      instructions: Tell the customer.
      checklist: ["<img src=x onerror=alert(1)> customer | told"]
`;

/** The bytes a terminal would act on: ESC (C0) and every C1 control, U+009B (a one-byte CSI) among them. */
// eslint-disable-next-line no-control-regex
export const DRIVES_TERMINAL = /[\u001b\u0080-\u009f]/;

/** Run the hostile runbook (plain UI) in `dir` as run `r`; returns the run's stdout. */
export async function hostileRun(dir: string): Promise<string> {
  writeFixture(dir, 'site.yaml', SITE_LOCAL);
  writeFixture(dir, 'runbook.yaml', HOSTILE_RUNBOOK);
  const run = await runCli(['run', 'runbook.yaml', '--site', 'site.yaml', '--ui', 'plain', '--run-id', 'r', '--approve', 'check', '--param', 'note=a`b <b>bold</b> | c'], { cwd: dir });
  expect(run.code, run.stderr + run.stdout).toBe(0);
  return run.stdout;
}
