import { useMemo } from 'react';
import { wrapText } from '../../tables/index.js';
import { visibleText } from '../../text/visible.js';
import { useKeys, useLatest } from './use-keys.js';
import { useTerminalSize } from './use-terminal-size.js';
import { DialogFrame, fieldRow, type DialogRow } from './dialog-frame.js';
import { cutRows, shareConfirmRows } from './confirm-layout.js';
import { editText } from './edit-text.js';
import { reviewHeader, reviewNeed, reviewRows } from './review-rows.js';
import { useReviewList, type ReviewListState } from './use-review-list.js';
import type { Dialog } from './types.js';

type ConfirmDialogType = Extract<Dialog, { kind: 'confirm' }>;

const NO_ITEMS: readonly string[] = [];

/**
 * A destructive step asks for its phrase, typed exactly, after showing where it acts (hosts, namespace, pod,
 * the resolved command) and the list it acts on when it has one (scrolled and searched in a pane that keeps
 * its rows before the scope's). A wrong phrase is refused and nothing runs; Esc runs nothing and pauses the run.
 */
export function ConfirmDialog({ dialog, height }: { dialog: ConfirmDialogType; height: number }) {
  const { request } = dialog;
  const { columns } = useTerminalSize();
  const [typed, setTyped, getTyped] = useLatest('');
  const [wrong, setWrong] = useLatest<string[]>([]);
  // Enter was pressed while no item of the reviewed list could be shown: nothing is confirmed unseen.
  const [hidden, setHidden] = useLatest(false);
  const list = useReviewList(request.review?.items ?? NO_ITEMS, columns - 1);
  const searching = list.search !== undefined;
  // The engine sends the targets (`cp1: root@10.0.0.1:22`, `kubectl via cp1`) and, last, the resolved command.
  const targets = request.scope.length > 1 ? request.scope.slice(0, -1) : request.scope;
  const command = request.scope.length > 1 ? (request.scope.at(-1) ?? '') : '';
  const scope: DialogRow[] = [
    { text: 'It acts on:', dim: true },
    ...targets.map((entry) => ({ text: `  • ${entry}` })),
    ...command.split('\n').filter((l, i) => l !== '' || i === 0).map((line, i) => ({ text: `${i === 0 ? '  $ ' : '    '}${line}` })),
  ].filter((row) => row.text.trim() !== '$');
  // The message states the scope (what is deleted, which backups exist): wrapped, never cut, so it can be read.
  // Wrapped once per width, not at each key: a long message takes tens of milliseconds.
  const message: DialogRow[] = useMemo(
    () =>
      (request.message ?? '')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .flatMap((line) => wrapText(line, columns - 1))
        .map((text) => ({ text, bold: true })),
    [request.message, columns],
  );
  const last = wrong.at(-1);
  const required: DialogRow[] = [
    ...(list.search ? [searchRow(list, request.review?.items.length ?? 0)] : []),
    fieldRow(`Type "${visibleText(request.phrase)}" to run it:`, typed, !searching),
    hidden
      ? { text: '✘ Too small to show the list: make the terminal taller, review it, then confirm.', color: 'red' }
      : last !== undefined
        ? { text: `✘ "${last}" is not the phrase; nothing was run${wrong.length > 1 ? ` (${wrong.length} wrong tries)` : ''}.`, color: 'red' }
        : { text: 'Nothing runs until the phrase is typed exactly.', dim: true },
  ];
  let optional: DialogRow[] = [...message, ...scope];
  let itemRows = 0;
  if (request.review) {
    // The list gets its rows first (see shareConfirmRows); the message and the scope are cut to what is left, as
    // DialogFrame cuts them without a list.
    const header = reviewHeader(request.review);
    const need = reviewNeed(list, header, columns - 1);
    const share = shareConfirmRows(height - 2 - required.length, { other: optional.length, list: need.rows, listHeader: need.header });
    const pane = reviewRows(list, header, share.list, columns - 1);
    itemRows = pane.itemRows;
    optional = [...cutRows(optional, share.other), ...pane.rows];
  }
  useKeys(dialog, (input, key) => {
    if (request.review && list.onKey(input, key, itemRows)) return;
    if (key.escape) return dialog.answer('refused');
    if (key.return) {
      const phrase = getTyped();
      // A reviewed list that cannot be seen cannot be approved: the terminal must show at least one item.
      if (request.review && request.review.items.length > 0 && itemRows === 0) {
        setHidden(true);
        return;
      }
      setHidden(false);
      if (phrase === request.phrase) return dialog.answer({ phrase, via: 'prompt' });
      setWrong((w) => [...w, phrase]);
      setTyped('');
      return;
    }
    const next = editText(getTyped(), input, key);
    if (next !== undefined) setTyped(next);
  });
  return (
    <DialogFrame
      height={height}
      title={{ text: ` ⚠ DESTRUCTIVE  ${request.step} — ${request.title} `, color: 'red', bold: true, inverse: true }}
      optional={optional}
      required={required}
      keys={!request.review ? NO_LIST_KEYS : searching ? SEARCH_KEYS : LIST_KEYS}
    />
  );
}

const NO_LIST_KEYS: [string, string][] = [
  ['Enter', 'confirm'],
  ['Esc', 'do not run it (pause the run)'],
];
const LIST_KEYS: [string, string][] = [
  ['↑↓ PgUp PgDn Home End', 'list'],
  ['^F', 'search'],
  ['Enter', 'confirm'],
  ['Esc', 'do not run it (pause)'],
];
const SEARCH_KEYS: [string, string][] = [
  ['Enter/Tab', 'next match'],
  ['S-Tab', 'previous'],
  ['↑↓ PgUp PgDn', 'scroll'],
  ['Esc', 'close search'],
];

/** The search field with what it found: `3 of 200 match "web" · match 2 is item 57`. */
function searchRow(list: ReviewListState, count: number): DialogRow {
  const { search, matches } = list;
  const query = search?.query ?? '';
  const at = search?.current === undefined ? -1 : matches.indexOf(search.current);
  const found =
    query === ''
      ? `type to search the ${count} items`
      : matches.length === 0
        ? `no item matches "${query}"`
        : `${matches.length} of ${count} match "${query}"${at === -1 ? '' : ` · match ${at + 1} is item ${(search?.current ?? 0) + 1}`}`;
  return { text: `› Search: ${query}█  ${found}`, bold: true, ...(query !== '' && matches.length === 0 ? { color: 'yellow' } : {}) };
}
