import { commandWord, type CommandWords, listElement, newCommandWords, redirectIntoPrompt, type Refusal } from './command-words.js';
import {
  ARITHMETIC_MESSAGE,
  EVAL_MESSAGE,
  nameMessage,
  PARAMETER_PART_MESSAGE,
  QUOTED_PARAMETER_MESSAGE,
  REDIRECT_MESSAGE,
} from './refusal-messages.js';
import type { WordMode } from './shell-word.js';
import { isAssignment, newShape, shapeChar, shapeExpansion, shapeHole, type WordShape } from './word-shape.js';

/**
 * A command context (the script, `$( )`, `<( )`): tracks words enough to find comments, `case`, `let`, `eval`,
 * `[[`, redirections, array assignments, and what each simple command does with its words.
 */
export interface CommandFrame {
  kind: 'command';
  closedByParen: boolean;
  parens: number;
  caseDepth: number;
  commandStart: boolean;
  inWord: boolean;
  /** The current word's leading unquoted text, for reserved words; `plain` is false once anything else is in it. */
  word: string;
  plain: boolean;
  /** The current word after quote removal (for builtins such as `let`, which may be quoted); unknown after an expansion. */
  literal: string | undefined;
  /** Holes anywhere inside the current word (also inside quotes and substitutions in it). */
  wordHoles: number[];
  /** The arguments of this command are evaluated: `let` as arithmetic, `eval` as shell code. */
  evaluates: 'let' | 'eval' | undefined;
  /** Inside `[[ ... ]]`: its words so far, to find the operands of -eq, -lt, -v ... */
  test: TestWord[] | undefined;
  /** The current word's holes relative to `name[subscript]=value`. */
  shape: WordShape;
  /** The simple command so far: its name and how it reads its arguments. */
  command: CommandWords;
  /** The next word is the target of a redirection: `dup` after `>&` or `<&`, `file` after the others. */
  redirect: 'dup' | 'file' | undefined;
  /** Inside the `( ... )` of an array assignment; `integer` when declared `-i`. */
  list: { integer: boolean } | undefined;
  /** After `command`, `builtin`, `time` or `exec`: their options still come before the command they run. */
  prefix: { name: string; argument: boolean } | undefined;
}

/** One word inside `[[ ]]`: its text when plain, and its holes. */
export interface TestWord {
  text: string | undefined;
  holes: number[];
}

/** How a `${...}` is quoted: unquoted, inside "...", or inside arithmetic. */
export type ParamMode = 'word' | 'double' | 'arith';

/** Which part of a `${...}` the scanner is in: the name, an index or offset (arithmetic), or the word after an operator. */
export type ParamPart = 'name' | 'index' | 'word';

/** Inside `${...}`: how it is quoted, which part of it, whether a name was read, open `[` of an index. */
export interface ParamFrame {
  kind: 'param';
  mode: ParamMode;
  part: ParamPart;
  named: boolean;
  brackets: number;
}

export type Frame =
  | CommandFrame
  | { kind: 'double' | 'single' | 'ansi' | 'comment' }
  | ParamFrame
  | { kind: 'arith'; parens: number; closer: ')' | ']' };

// Reserved words after which the next word is still in command position.
const KEEPS_COMMAND_START = new Set(['then', 'do', 'else', 'elif', 'if', 'while', 'until', 'time', 'coproc', '!', '{']);
// Builtins that run the next word as a command (as do `NAME=value` assignments before it: see `isAssignment`).
const PREFIX_BUILTINS = new Set(['command', 'builtin', 'exec']);
// Words before a command that take options of their own (`command -p`, `builtin --`, `time -p`, `exec -a name`):
// the options, and the argument of `exec -a`, are not the command.
const PREFIXES_WITH_OPTIONS = new Set(['command', 'builtin', 'time', 'exec']);
const ARITHMETIC_TESTS = new Set(['-eq', '-ne', '-lt', '-le', '-gt', '-ge']);

/** A fresh command context. */
export function newCommand(closedByParen: boolean): CommandFrame {
  return {
    kind: 'command',
    closedByParen,
    parens: 0,
    caseDepth: 0,
    commandStart: true,
    inWord: false,
    word: '',
    plain: true,
    literal: '',
    wordHoles: [],
    evaluates: undefined,
    test: undefined,
    shape: newShape(),
    command: newCommandWords(),
    redirect: undefined,
    list: undefined,
    prefix: undefined,
  };
}

/** A plain, unquoted character of the current word. */
export function addChar(frame: CommandFrame, char: string): void {
  frame.inWord = true;
  if (frame.plain) frame.word += char;
  if (frame.literal !== undefined) frame.literal += char;
  shapeChar(frame.shape, char, false);
}

/** A quoted or escaped character of the current word. */
export function addQuoted(frame: CommandFrame, char: string): void {
  markWord(frame);
  if (frame.literal !== undefined) frame.literal += char;
  shapeChar(frame.shape, char, true);
}

/** An expansion in the current word: what it says after quote removal cannot be known. */
export function addExpansion(frame: CommandFrame): void {
  markWord(frame);
  frame.literal = undefined;
  shapeExpansion(frame.shape);
}

/** Holes in the current word (directly, or inside a quote or substitution in it). */
export function addWordHoles(frame: CommandFrame, holes: readonly number[]): void {
  markWord(frame);
  frame.literal = undefined;
  for (const hole of holes) shapeHole(frame.shape, hole);
  frame.wordHoles.push(...holes);
}

/** Something other than a plain character is part of the current word. */
export function markWord(frame: CommandFrame): void {
  frame.inWord = true;
  frame.plain = false;
}

/** A command ended (`;`, `&`, `|`, newline, `)`): the next word is a command name again. */
export function endCommand(frame: CommandFrame, refuse: (refusal: Refusal) => void): void {
  endWord(frame, refuse);
  frame.commandStart = true;
  frame.evaluates = undefined;
  frame.command = newCommandWords();
  frame.redirect = undefined;
}

/**
 * A word just ended: a redirection's target, an element of an array assignment, or a word of a command. Follows
 * `case` ... `esac` (whose `)` closes a pattern, not a `$( )`), command position, `let`, `[[ ]]`, and what the
 * command does with each argument; holes no quoting makes safe are reported through `refuse`.
 */
export function endWord(frame: CommandFrame, refuse: (refusal: Refusal) => void): void {
  if (!frame.inWord) return;
  const scanned = { literal: frame.literal, prefix: frame.word, holes: frame.wordHoles, shape: frame.shape };
  if (frame.redirect) {
    if (frame.redirect === 'dup' && scanned.holes.length > 0) refuse({ holes: scanned.holes, message: REDIRECT_MESSAGE });
    redirectIntoPrompt(frame.command, scanned.holes).forEach(refuse);
    frame.redirect = undefined;
    return resetWord(frame);
  }
  if (frame.list) {
    listElement(frame.list.integer, scanned).forEach(refuse);
    return resetWord(frame);
  }
  const word = frame.plain ? frame.word : undefined;
  const name = frame.literal;
  const atStart = frame.commandStart;
  const inTest = frame.test !== undefined || (atStart && word === '[[');
  if (frame.test) testWord(frame.test, word, frame.wordHoles, refuse);
  else if (atStart && word === '[[') frame.test = [];
  if (frame.test && word === ']]') frame.test = undefined;
  if (atStart && word === 'case') frame.caseDepth++;
  else if (atStart && word === 'esac' && frame.caseDepth > 0) frame.caseDepth--;
  if (atStart && (name === 'let' || name === 'eval')) frame.evaluates = name;
  const prefixWord = (word !== undefined && KEEPS_COMMAND_START.has(word)) || (name !== undefined && PREFIX_BUILTINS.has(name));
  const option = frame.prefix !== undefined && (frame.prefix.argument || (name !== undefined && name.startsWith('-')));
  const reserved = prefixWord || option;
  if (!inTest && !(atStart && reserved)) commandWord(frame.command, scanned).forEach(refuse);
  frame.commandStart = (word === 'in' && frame.caseDepth > 0) || (atStart && (reserved || isAssignment(frame.shape)));
  const prefixName = atStart && prefixWord && name !== undefined && PREFIXES_WITH_OPTIONS.has(name) ? name : option ? frame.prefix!.name : undefined;
  frame.prefix = atStart && prefixName !== undefined ? { name: prefixName, argument: option && !frame.prefix!.argument && prefixName === 'exec' && name === '-a' } : undefined;
  resetWord(frame);
}

/** Forget the current word, as after a redirection's descriptor number (`2>`). */
export function resetWord(frame: CommandFrame): void {
  frame.inWord = false;
  frame.word = '';
  frame.plain = true;
  frame.literal = '';
  frame.wordHoles = [];
  frame.shape = newShape();
}

// One word inside `[[ ]]`: both operands of -eq, -lt, ... are arithmetic; the operand of -v is a variable name.
// Refused as each word ends, not when `]]` is seen: a closing the scanner misreads must not let one through.
function testWord(test: TestWord[], word: string | undefined, holes: number[], refuse: (refusal: Refusal) => void): void {
  const previous = test.at(-1);
  if (holes.length > 0 && isArithmeticTest(previous?.text)) refuse({ holes, message: ARITHMETIC_MESSAGE });
  if (isArithmeticTest(word) && previous && previous.holes.length > 0) refuse({ holes: previous.holes, message: ARITHMETIC_MESSAGE });
  if (holes.length > 0 && previous?.text === '-v') refuse({ holes, message: nameMessage('after -v in [[ ]]') });
  test.push({ text: word, holes });
}

function isArithmeticTest(word: string | undefined): boolean {
  return word !== undefined && ARITHMETIC_TESTS.has(word);
}

/** Arithmetic or eval anywhere around a hole makes it unsafe, even inside a substitution, whose output is evaluated too. */
export function arithmeticProblem(stack: readonly Frame[]): string | undefined {
  for (const frame of stack) {
    if (frame.kind === 'arith' || (frame.kind === 'command' && frame.evaluates === 'let')) return ARITHMETIC_MESSAGE;
    if (frame.kind === 'command' && frame.evaluates === 'eval') return EVAL_MESSAGE;
    if (frame.kind === 'param' && frame.part !== 'word') return PARAMETER_PART_MESSAGE;
    if (frame.kind === 'param' && frame.mode === 'arith') return ARITHMETIC_MESSAGE;
  }
  return undefined;
}

/** Directly inside a double-quoted `${...}` (or a quote within it), shells disagree on what quotes mean. */
export function quotedParameterProblem(stack: readonly Frame[]): string | undefined {
  const [parent, top] = stack.slice(-2);
  const quotedParam = (frame: Frame | undefined): boolean => frame?.kind === 'param' && frame.mode === 'double';
  const quoted = top?.kind === 'double' || top?.kind === 'single' || top?.kind === 'ansi';
  return quotedParam(top) || (quoted && quotedParam(parent)) ? QUOTED_PARAMETER_MESSAGE : undefined;
}

/** How a hole is spelled when the innermost frame is `top`. */
export function wordMode(top: Frame): WordMode {
  return top.kind === 'command' || top.kind === 'param' || top.kind === 'arith' ? 'word' : top.kind;
}

/**
 * One character of a `${...}` name: `#`/`!` prefixes, special and ordinary names, then `[` (an index), `:`
 * followed by `-=?+` (an operator and its word) or not (an offset). Returns how many characters it used;
 * 0 means the name ended and the character starts the word after an operator.
 */
export function readParamName(frame: ParamFrame, char: string, next: string | undefined): number {
  if (char === '[') {
    frame.part = 'index';
    frame.brackets = 1;
    return 1;
  }
  if (char === ':') {
    const operator = '-=?+'.includes(next ?? 'x');
    frame.part = operator ? 'word' : 'index';
    return operator ? 2 : 1;
  }
  const prefix = !frame.named && '#!'.includes(char);
  const special = !frame.named && '@*?$-0123456789'.includes(char);
  if (prefix || special || /[A-Za-z0-9_]/.test(char)) {
    frame.named ||= !prefix;
    return 1;
  }
  frame.part = 'word';
  return 0;
}
