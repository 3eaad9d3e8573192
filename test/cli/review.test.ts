import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, SITE_LOCAL, writeFixture } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';

// A reviewed list through the CLI, without a terminal: the list printed in full with its digest, the approval
// that names it, what the step did with it, and where `show` and the reports show it afterwards.

const RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: review, title: Reviewed deletion }
steps:
  - id: preview
    readonly: true
    run: cat candidates.txt
    capture: { candidates: { lines: true } }
  - id: prune
    destructive: true
    confirm:
      review: \${{ steps.preview.outputs.candidates }}
    run: |
      printf '%s\\n' \${{ review }} > deleted.txt
      sed 's/^/deleted /' deleted.txt
    capture: { deleted: { regex: '^deleted (.+)$', all: true } }
    expect:
      withinReview: { output: deleted }
`;

describe('reviewed lists from the command line', () => {
  it('validate refuses the list where it is not known yet (foreach, when)', async () => {
    const dir = tempDirForTest();
    writeFixture(dir, 'site.yaml', SITE_LOCAL);
    writeFixture(dir, 'bad.yaml', RUNBOOK.replace('    destructive: true\n', '    destructive: true\n    foreach: ${{ review }}\n'));
    const result = await runCli(['validate', 'bad.yaml', '--site', 'site.yaml'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad\.yaml:\d+:\d+: steps\[1\]\.foreach: "review" is known only once the step is confirmed: not in `foreach` or `when`/);
  });


  it('validate refuses a reviewed list that would differ per host or per item: one list is approved for the step', async () => {
    const dir = tempDirForTest();
    writeFixture(dir, 'site.yaml', SITE_LOCAL);
    writeFixture(dir, 'per-host.yaml', RUNBOOK.replace('steps:\n', 'roles:\n  nodes: { min: 1 }\nsteps:\n').replace('    destructive: true\n', '    destructive: true\n    on: nodes\n').replace('review: ${{ steps.preview.outputs.candidates }}', 'review: ${{ host.vars.tags }}'));
    const result = await runCli(['validate', 'per-host.yaml'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/per-host\.yaml:\d+:\d+: steps\[1\]\.confirm\.review: "host" cannot be used in `confirm\.review`: the step reviews one list for all its hosts/);
  });

  it('prints every item and the digest, approves only that digest, acts on exactly that list; show and reports show it', async () => {
    const dir = tempDirForTest();
    writeFixture(dir, 'site.yaml', SITE_LOCAL);
    writeFixture(dir, 'review.yaml', RUNBOOK);
    const items = Array.from({ length: 40 }, (_, i) => `team-${i % 3}/app:v${i}`);
    writeFixture(dir, 'candidates.txt', `${items.join('\n')}\n`);

    const first = await runCli(['run', 'review.yaml', '--site', 'site.yaml', '--run-id', 'r', '--ui', 'plain', '--approve', 'prune'], { cwd: dir });
    expect(first.code, first.stderr).toBe(3);
    const listed = first.stdout.split('\n').filter((l) => /^ {6}team-/.test(l)).map((l) => l.trim());
    expect(listed).toEqual(items);
    const digest = /review 40 items \(sha256 ([0-9a-f]{32})\)/.exec(first.stdout)?.[1];
    expect(digest).toBeDefined();
    expect(first.stdout).toContain(`resume with: fieldbook resume r --approve prune=${digest}`);
    // With the list, what the step will run with it.
    expect(first.stdout).toMatch(/ {4}it will run:\n {6}│ printf '%s\\n' 'team-0\/app:v0'/);

    const wrong = await runCli(['resume', 'r', '--ui', 'plain', '--approve', 'prune=000000000000'], { cwd: dir });
    expect(wrong.code).toBe(3);
    const done = await runCli(['resume', 'r', '--ui', 'plain', '--approve', `prune=${digest}`], { cwd: dir });
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect(readFileSync(join(dir, 'deleted.txt'), 'utf8')).toBe(`${items.join('\n')}\n`);

    const shown = await runCli(['show', 'r'], { cwd: dir });
    expect(shown.stdout).toMatch(new RegExp(`reviewed list: 40 items \\(sha256 ${digest}[0-9a-f]{32}\\)`));
    expect(shown.stdout).toContain(' 1. team-0/app:v0');
    expect(shown.stdout).toContain('40. team-0/app:v39');
    expect(shown.stdout).toContain(`; reviewed 40 items (sha256 ${digest})`);
    const html = await runCli(['report', 'r', '--format', 'html'], { cwd: dir });
    expect(html.code, html.stderr).toBe(0);
    const page = readFileSync(join(dir, '.fieldbook', 'runs', 'r', 'report.html'), 'utf8');
    expect(page).toContain('Reviewed list: 40 items');
    expect(page.match(/<li><code>team-\d\/app:v\d+<\/code><\/li>/g)).toHaveLength(40);

    const markdown = await runCli(['report', 'r', '--format', 'md'], { cwd: dir });
    expect(markdown.code, markdown.stderr).toBe(0);
    const md = markdown.stdout;
    expect(md).toContain(`Reviewed list (40 items, sha256 \``);
    expect(md).toContain('40. team-0/app:v39');
    expect(md).toContain(`after reviewing 40 items (sha256 ${digest})`);
  });

  it('the record keeps naming what was acted on unreviewed after a person marks the step done', async () => {
    const dir = tempDirForTest();
    writeFixture(dir, 'site.yaml', SITE_LOCAL);
    writeFixture(dir, 'review.yaml', RUNBOOK.replace("printf '%s\\n' ${{ review }} > deleted.txt", "printf '%s\\n' ${{ review }} prod/payments:stable > deleted.txt"));
    writeFixture(dir, 'candidates.txt', 'team/a:1\n');
    const first = await runCli(['run', 'review.yaml', '--site', 'site.yaml', '--run-id', 'r', '--ui', 'plain'], { cwd: dir });
    const digest = /review 1 item \(sha256 ([0-9a-f]{32})\)/.exec(first.stdout)?.[1];
    const acted = await runCli(['resume', 'r', '--ui', 'plain', '--approve', `prune=${digest}`], { cwd: dir });
    expect(acted.code).toBe(1);
    expect(acted.stdout).toContain('UNREVIEWED: prune: 1 item acted on that was not on the list reviewed at prune: prod/payments:stable');
    const decided = await runCli(['resume', 'r', '--ui', 'plain', '--approve', `prune=${digest}`, '--decide', 'prune=done'], { cwd: dir });
    expect(decided.code, decided.stdout + decided.stderr).toBe(0);

    expect((await runCli(['show', 'r'], { cwd: dir })).stdout).toMatch(/UNREVIEWED \(attempt 1, .*\): acted on 1 item not on the reviewed list: prod\/payments:stable/);
    const md = (await runCli(['report', 'r', '--format', 'md'], { cwd: dir })).stdout;
    expect(md).toMatch(/## UNREVIEWED: acted on items not on the reviewed list\n\n- `prune` attempt 1, .*: `prod\/payments:stable`\. Ended succeeded\./);
    expect((await runCli(['report', 'r', '--format', 'html'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, '.fieldbook', 'runs', 'r', 'report.html'), 'utf8')).toContain('<h2>UNREVIEWED: acted on items not on the reviewed list</h2>');
  });
});
