import type { Key } from 'ink';

/**
 * A text field's new value after a key, or `undefined` when the key is not an edit (Enter, Esc, arrows, Tab,
 * Ctrl combinations other than Ctrl-U, which clears). Pasted text arrives as one input and is kept whole.
 */
export function editText(value: string, input: string, key: Key): string | undefined {
  if (key.backspace || key.delete) return value.slice(0, -1);
  if (key.ctrl && input === 'u') return '';
  if (key.ctrl || key.meta || key.return || key.escape || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return undefined;
  // eslint-disable-next-line no-control-regex
  const printable = input.replace(/[\u0000-\u001f\u007f]/g, '');
  return printable === '' ? undefined : value + printable;
}

/** What a field shows: the text, or one bullet per character for a secret. */
export function shownValue(value: string, secret: boolean): string {
  return secret ? '•'.repeat([...value].length) : value;
}
