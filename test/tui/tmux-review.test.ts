import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reviewDigest } from '../../src/journal/review.js';
import { CLI, SITE_LOCAL, writeFixture } from '../harness/cli.js';
import { tempDirForTest } from '../harness/tmp.js';
import { hasTmux, tmuxServer } from './tmux.js';

/**
 * A reviewed list in a real terminal: `fieldbook run` in tmux (80×24), a preview that prints 200 candidates and a
 * destructive step that reviews them, driven by keys and read with capture-pane. FIELDBOOK_UI_CAPTURES=<dir> keeps
 * each screen (docs/ui.md shows them).
 */

const RUNBOOK = `apiVersion: fieldbook/v1
kind: Runbook
metadata: { name: prune, title: Prune the old images }
steps:
  - id: preview
    title: List the tags to delete
    readonly: true
    run: |
      for i in $(seq 1 200); do printf 'DRY RUN: Would delete registry.lab/acme/app:%03d\\n' "$i"; done
    capture: { candidates: { regex: '^DRY RUN: Would delete (\\S+)$', all: true } }
  - id: prune
    title: Delete the reviewed tags
    destructive: true
    confirm:
      message: "Every tag on the reviewed list is deleted from registry.lab."
      review: \${{ steps.preview.outputs.candidates }}
    run: |
      printf '%s\\n' \${{ review }} | while read -r tag; do echo "deleted $tag"; done
    capture: { deleted: { regex: '^deleted (\\S+)$', all: true } }
    expect:
      withinReview: { output: deleted }
`;

const TAGS = Array.from({ length: 200 }, (_, i) => `registry.lab/acme/app:${String(i + 1).padStart(3, '0')}`);
const journal = (dir: string) => readFileSync(join(dir, '.fieldbook', 'runs', 'review', 'journal.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

describe('a reviewed list in the TUI in tmux', () => {
  it('scrolls to the end, finds item 173, does not confirm on Enter while searching, then confirms with the phrase', { timeout: 120_000 }, async () => {
    expect(hasTmux(), 'tmux is needed for this test: apt-get install -y tmux').toBe(true);
    const dir = tempDirForTest();
    writeFixture(dir, 'site.yaml', SITE_LOCAL);
    writeFixture(dir, 'runbook.yaml', RUNBOOK);
    const term = tmuxServer(dir);
    term.start(`node ${CLI} run runbook.yaml --site site.yaml --run-id review`);

    // 1. The confirmation shows the list: count, digest, the first items, where the view is.
    let screen = await term.waitFor('Reviewed list: 200 items', 'review');
    expect(screen).toContain(`Reviewed list: 200 items (sha256 ${reviewDigest(TAGS).slice(0, 12)}…) · items 1–`);
    expect(screen).toContain('    1. registry.lab/acme/app:001');
    expect(screen).not.toContain('200. registry.lab/acme/app:200');
    expect(screen).toContain('Every tag on the reviewed list is deleted from registry.lab.');
    expect(screen).toContain('› Type "lab" to run it: █');
    expect(screen).toMatch(/^↑↓ PgUp PgDn Home End list {2}\^F search {2}Enter confirm {2}Esc do not run it/m);

    // 2. End shows the last items.
    term.keys('End');
    screen = await term.waitFor('  200. registry.lab/acme/app:200', 'review-end');
    expect(screen).toMatch(/items \d+–200 of 200/);
    expect(screen).not.toContain('    1. registry.lab/acme/app:001');

    // 3. The phrase typed first (so an Enter that reached the confirmation would run the step), then Ctrl-F and
    // "173": the item, above the view, is brought into it and marked.
    term.keys('lab');
    await term.waitFor('› Type "lab" to run it: lab█');
    term.keys('C-f');
    await term.waitFor('› Search: █');
    term.keys('173');
    screen = await term.waitFor('1 of 200 match "173" · match 1 is item 173', 'review-search');
    expect(screen).toContain('› 173. registry.lab/acme/app:173');
    expect(screen).toContain('  Type "lab" to run it: lab\n');
    expect(screen).toMatch(/^Enter\/Tab next match {2}S-Tab previous {2}↑↓ PgUp PgDn scroll {2}Esc close search/m);

    // 4. Enter while searching goes to the next match, not to the confirmation; Esc closes the search only.
    term.keys('Enter');
    term.keys('Escape');
    screen = await term.waitFor('^F search');
    expect(screen).toContain('DESTRUCTIVE');
    expect(screen).toContain('  173. registry.lab/acme/app:173');
    expect(screen).toContain('› Type "lab" to run it: lab█');
    expect(journal(dir).filter((e) => e['type'] === 'confirmation')).toEqual([]);

    // 5. Enter now confirms the phrase; the step deletes exactly the reviewed list and the run finishes.
    term.keys('Enter');
    screen = await term.waitFor('EXIT=0', 'review-finished');
    // The step's own summary line may have scrolled into tmux's history above the screen (the last live frame took
    // every row): the journal says how it ended.
    expect(screen).toContain('✔ run finished');
    const events = journal(dir);
    expect(events.find((e) => e['type'] === 'confirmation')).toMatchObject({ step: 'prune', phrase: 'lab', via: 'prompt', review: { count: 200, digest: reviewDigest(TAGS) } });
    expect(events.find((e) => e['type'] === 'step-finished' && e['step'] === 'prune')).toMatchObject({ status: 'succeeded', outputs: { deleted: TAGS } });
  });
});
