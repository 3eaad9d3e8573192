/**
 * Where the holes of one word sit relative to `name[subscript]=value`, the shape bash gives an assignment:
 * - as the parser reads it (`state`): unquoted name, `[` subscript (anything, quotes too), `]`, `=` or `+=`;
 * - as a declaration builtin reads its argument after quote removal (`equals`): everything before the first `=`
 *   is a name, whose subscript bash evaluates as arithmetic (`declare "a[$i]=1"` is an assignment too).
 */
export interface WordShape {
  state: 'name' | 'subscript' | 'closed' | 'plus' | 'value' | 'other';
  name: string;
  brackets: number;
  /** Holes inside the `[...]` of an assignment word as the parser reads it. */
  subscriptHoles: number[];
  /** A `=` (quoted or not) has been seen outside the subscript. */
  equals: boolean;
  /** Holes before that `=`: in the name or subscript as a declaration builtin reads them. */
  nameHoles: number[];
  /** Holes after it. */
  valueHoles: number[];
  /** Nothing follows the `=` yet: a `(` here opens a compound assignment. */
  valueEmpty: boolean;
}

/** The shape of a word not begun yet. */
export function newShape(): WordShape {
  return { state: 'name', name: '', brackets: 0, subscriptHoles: [], equals: false, nameHoles: [], valueHoles: [], valueEmpty: false };
}

/** One character of the word; `quoted` when quotes or a backslash make it literal. */
export function shapeChar(shape: WordShape, char: string, quoted: boolean): void {
  if (shape.equals) shape.valueEmpty = false;
  else if (char === '=' && shape.state !== 'subscript') {
    shape.equals = true;
    shape.valueEmpty = true;
  }
  switch (shape.state) {
    case 'name':
      if (quoted) shape.state = 'other';
      else if (/[A-Za-z_]/.test(char) || (/[0-9]/.test(char) && shape.name !== '')) shape.name += char;
      // `[key]=value` starts with its subscript inside a compound assignment `( ... )`.
      else shape.state = shape.name === '' && char !== '[' ? 'other' : afterName(char);
      if (shape.state === 'subscript') shape.brackets = 1;
      return;
    case 'subscript':
      if (quoted) return;
      if (char === '[') shape.brackets++;
      if (char === ']' && --shape.brackets === 0) shape.state = 'closed';
      return;
    case 'closed':
      shape.state = quoted ? 'other' : afterName(char);
      if (shape.state === 'subscript') shape.state = 'other';
      return;
    case 'plus':
      shape.state = !quoted && char === '=' ? 'value' : 'other';
      return;
    case 'value':
    case 'other':
      return;
  }
}

function afterName(char: string): WordShape['state'] {
  if (char === '[') return 'subscript';
  if (char === '=') return 'value';
  return char === '+' ? 'plus' : 'other';
}

/** A `${{ }}` in the word (also one inside a quote or substitution that is part of it). */
export function shapeHole(shape: WordShape, hole: number): void {
  if (shape.state === 'subscript') shape.subscriptHoles.push(hole);
  else if (shape.state !== 'value') shape.state = 'other';
  shapeOther(shape);
  (shape.equals ? shape.valueHoles : shape.nameHoles).push(hole);
}

/** An expansion or substitution: unknown text in the word. */
export function shapeExpansion(shape: WordShape): void {
  if (shape.state !== 'subscript' && shape.state !== 'value') shape.state = 'other';
  shapeOther(shape);
}

function shapeOther(shape: WordShape): void {
  if (shape.equals) shape.valueEmpty = false;
}

/** The parser reads the word as an assignment (`name=`, `name+=`, `name[...]=`). */
export function isAssignment(shape: WordShape): boolean {
  return shape.state === 'value' && shape.name !== '';
}

/** The brackets when `(` follows: `name=(` opens a compound (array) assignment. */
export function opensList(shape: WordShape): boolean {
  return isAssignment(shape) && shape.valueEmpty;
}
