import { endsHeredoc, type Heredoc, readBodyLine, readHeredocOperator } from './heredoc.js';
import { charAt, decodeBackticks, holeAt, type Item } from './script-items.js';
import { declaresInteger, type Refusal, takesArrayList } from './command-words.js';
import { BACKSLASH_MESSAGE, HEREDOC_MESSAGE } from './refusal-messages.js';
import {
  addChar,
  addExpansion,
  addQuoted,
  addWordHoles,
  arithmeticProblem,
  type CommandFrame,
  endCommand,
  endWord,
  type Frame,
  markWord,
  newCommand,
  type ParamFrame,
  type ParamMode,
  readParamName,
  quotedParameterProblem,
  resetWord,
  wordMode,
} from './shell-frames.js';
import { opensList } from './word-shape.js';
import type { WordContext } from './shell-word.js';

/** Frames in which the shell removes backslash-newline (not quotes that keep it literal, comments or bodies). */
const REMOVES_CONTINUATIONS = new Set<Frame['kind']>(['command', 'double', 'param', 'arith']);

/** How one `${{ }}` in a script must be spelled, or why it cannot be spelled safely there. */
export type HoleContext = WordContext | { error: string };

/**
 * Walks a script with holes for its expressions, tracking the shell's quoting context (a stack of
 * frames: commands, quotes, `$'...'`, `${...}`, arithmetic, comments, here-document bodies; old-style
 * backticks are decoded and walked one level deeper), and returns the context of every hole.
 */
export function scanScript(items: readonly Item[]): Map<number, HoleContext> {
  const contexts = new Map<number, HoleContext>();
  new ScriptScanner(items, [], undefined, contexts).run();
  // With aliases expanded, a word the scanner reads as an argument may be `eval` in disguise (`alias e=eval`).
  if (ALIASES_ON.test(items.map((item) => (typeof item === 'string' ? item : ' ')).join(''))) {
    for (const hole of contexts.keys()) contexts.set(hole, { error: ALIASES_MESSAGE });
  }
  return contexts;
}

const ALIASES_ON = /\bshopt\b[^\n;&|]*\s-s\b[^\n;&|]*\bexpand_aliases\b/;
const ALIASES_MESSAGE = 'this script turns on expand_aliases: an alias can make any word run a value as code, so no value is safe in it; drop the aliases, or pass the value through a variable the script does not expand again';

class ScriptScanner {
  private readonly stack: Frame[] = [newCommand(false)];
  private readonly pending: Heredoc[] = [];
  private body: Heredoc | undefined;
  private lost: string | undefined;
  /** Every hole this scanner saw, for the words of an enclosing scanner. */
  readonly seen: number[] = [];

  constructor(
    private readonly items: readonly Item[],
    private readonly backticks: readonly boolean[],
    private readonly enclosingProblem: string | undefined,
    private readonly contexts: Map<number, HoleContext>,
  ) {}

  run(): void {
    let i = 0;
    while (i < this.items.length) i = this.step(i);
    const top = this.commandFrames().at(-1);
    if (top) endWord(top, this.refuse);
  }

  private readonly refuse = ({ holes, message }: Refusal): void => {
    for (const hole of holes) this.contexts.set(hole, { error: message });
  };

  private step(i: number): number {
    if (this.body) return this.bodyLine(i, this.body);
    const hole = holeAt(this.items, i);
    if (hole) {
      this.addHoles([hole.hole]);
      this.contexts.set(hole.hole, this.holeContext());
      return i + 1;
    }
    const top = this.top();
    const char = charAt(this.items, i) ?? '';
    // Outside single quotes, comments and here-document bodies the shell removes backslash-newline before it
    // reads words (and a backslash that ends the script): `le\<newline>t` is `let`, `$\<newline>((` arithmetic.
    if (char === '\\' && REMOVES_CONTINUATIONS.has(top.kind) && this.isContinuation(i)) return i + 2;
    switch (top.kind) {
      case 'command':
        return this.command(top, char, i);
      case 'double':
        if (char === '"') return this.pop(i + 1);
        this.quotedChar(char === '\\' ? this.at(i + 1) : char, char === '$' || char === '`');
        return this.expansionOrEscape(char, i, 'double');
      case 'single':
        if (char === "'") return this.pop(i + 1);
        this.quotedChar(char, false);
        return i + 1;
      case 'ansi':
        if (char === "'") return this.pop(i + 1);
        this.quotedChar(char, char === '\\');
        if (char === '\\' && this.at(i + 1) === 'c') return this.escape(i + 1);
        return char === '\\' ? this.escape(i) : i + 1;
      case 'comment':
        return char === '\n' ? this.pop(i) : i + 1;
      case 'param':
        return this.param(top, char, i);
      case 'arith':
        return this.arith(top, char, i);
    }
  }

  // Unquoted text of a command: words, operators, quotes, substitutions, comments, here-documents.
  private command(frame: CommandFrame, char: string, i: number): number {
    switch (char) {
      case ' ':
      case '\t':
        endWord(frame, this.refuse);
        return i + 1;
      case '\n':
        // Inside an array assignment's `( )` a newline only separates words.
        if (frame.list) endWord(frame, this.refuse);
        else endCommand(frame, this.refuse);
        this.body = this.pending.shift();
        return i + 1;
      case '&':
        if (this.peek(i + 1).char === '>') {
          const second = this.peek(this.peek(i + 1).at + 1);
          return this.redirection(frame, second.char === '>' ? second.at + 1 : second.at);
        }
        endCommand(frame, this.refuse);
        return i + 1;
      case ';':
      case '|':
        endCommand(frame, this.refuse);
        return i + 1;
      case '(': {
        const next = this.peek(i + 1);
        const list = next.char !== '(' && frame.inWord && opensList(frame.shape) && takesArrayList(frame.command);
        endWord(frame, this.refuse);
        if (next.char === '(') return this.push({ kind: 'arith', parens: 0, closer: ')' }, next.at + 1);
        if (list) {
          frame.list = { integer: declaresInteger(frame.command) };
          return i + 1;
        }
        frame.parens++;
        endCommand(frame, this.refuse);
        return i + 1;
      }
      case ')':
        if (frame.list) {
          endWord(frame, this.refuse);
          frame.list = undefined;
          return i + 1;
        }
        endCommand(frame, this.refuse);
        if (frame.parens > 0) frame.parens--;
        else if (frame.caseDepth === 0 && frame.closedByParen) return this.pop(i + 1);
        return i + 1;
      case '<':
      case '>': {
        const next = this.peek(i + 1);
        if (next.char === '(') {
          endWord(frame, this.refuse);
          markWord(frame);
          return this.push(newCommand(true), next.at + 1);
        }
        if (char === '<' && next.char === '<') {
          const third = this.peek(next.at + 1);
          if (third.char === '<') return this.redirection(frame, third.at + 1);
          this.endBeforeOperator(frame);
          return this.heredocOperator(next.at + 1);
        }
        // Inside `[[ ]]`, `<` and `>` compare strings.
        if (frame.test) {
          endWord(frame, this.refuse);
          return i + 1;
        }
        if (next.char === '&') return this.redirection(frame, next.at + 1, 'dup');
        const double = (char === '>' && (next.char === '>' || next.char === '|')) || (char === '<' && next.char === '>');
        return this.redirection(frame, double ? next.at + 1 : i + 1);
      }
      case '#':
        if (frame.inWord) break;
        return this.push({ kind: 'comment' }, i + 1);
      case '$':
      case '"':
      case "'":
      case '`':
      case '\\': {
        const next = this.peek(i + 1).char ?? 'x';
        if (char === '$' && next === '$') this.pidBeforeBracket(i);
        if (char === '$' && !'({[\'"'.includes(next)) break;
        markWord(frame);
        if (char === '"') return this.push({ kind: 'double' }, i + 1);
        if (char === "'") return this.push({ kind: 'single' }, i + 1);
        if (char === '\\') addQuoted(frame, this.at(i + 1) ?? '');
        else if (char === '`' || '({['.includes(next)) addExpansion(frame);
        return this.expansionOrEscape(char, i, 'word');
      }
    }
    addChar(frame, char);
    return i + 1;
  }

  // Inside `${`: the name, then an index `[...]` or offset `:n:m` (both arithmetic), or an operator and a word.
  private param(frame: ParamFrame, char: string, i: number): number {
    if (char === '}' && frame.brackets === 0) return this.pop(i + 1);
    if (frame.part === 'name') {
      const next = this.peek(i + 1);
      const used = readParamName(frame, char, next.char);
      if (used === 2) return next.at + 1;
      if (used > 0) return i + used;
    }
    if (frame.part === 'index') {
      if (char === '[') frame.brackets++;
      if (char === ']' && frame.brackets > 0 && --frame.brackets === 0) frame.part = 'name';
      if (char === "'") return this.push({ kind: 'single' }, i + 1);
    }
    if (char === '"') return this.push({ kind: 'double' }, i + 1);
    if (char === "'") {
      if (frame.mode !== 'double') return this.push({ kind: 'single' }, i + 1);
      this.lost ??= `a ' inside "\${...}" is literal or a quote depending on the operator`;
      return i + 1;
    }
    return this.expansionOrEscape(char, i, frame.mode === 'word' && frame.part === 'word' ? 'word' : 'double');
  }

  private arith(frame: Extract<Frame, { kind: 'arith' }>, char: string, i: number): number {
    const open = frame.closer === ']' ? '[' : '(';
    if (char === open) frame.parens++;
    else if (char === frame.closer && frame.parens > 0) frame.parens--;
    else if (char === ']' && frame.closer === ']') return this.pop(i + 1);
    else if (char === ')' && frame.closer === ')') {
      const next = this.peek(i + 1);
      if (next.char === ')') return this.pop(next.at + 1);
      // Not `))`: the shell re-reads `$((`/`((` as nested `$( (`/`( (`, in ways that differ between versions.
      this.lost ??= 'a "$((" or "((" that does not end with "))" is read differently by different shells';
      return this.pop(i + 1);
    }
    if (char === '"') return this.push({ kind: 'double' }, i + 1);
    if (char === "'") return this.push({ kind: 'single' }, i + 1);
    return this.expansionOrEscape(char, i, 'double');
  }

  // `$(`, `$((`, `$[`, `${`, `$'`, `$"`, backticks and backslashes, which mean much the same in most contexts.
  private expansionOrEscape(char: string, i: number, quoting: 'word' | 'double'): number {
    if (char === '\\') return this.escape(i);
    if (char === '`') return this.backtickRegion(i);
    if (char !== '$') return i + 1;
    const { char: next, at } = this.peek(i + 1);
    if (next === '$') this.pidBeforeBracket(i);
    const after = this.peek(at + 1);
    if (next === '(' && after.char === '(') return this.push({ kind: 'arith', parens: 0, closer: ')' }, after.at + 1);
    if (next === '(') return this.push(newCommand(true), at + 1);
    if (next === '[') return this.push({ kind: 'arith', parens: 0, closer: ']' }, at + 1);
    if (next === '{') return this.push({ kind: 'param', mode: this.paramMode(), part: 'name', named: false, brackets: 0 }, at + 1);
    if (quoting === 'word' && next === "'") return this.push({ kind: 'ansi' }, at + 1);
    if (quoting === 'word' && next === '"') return this.push({ kind: 'double' }, at + 1);
    return i + 1;
  }

  /**
   * `$$(`, `$${`, `$$[`: bash's parser pairs the second `$` with the bracket (so it decides where quotes end as if
   * a substitution started), but expanding the word reads `$$` (the pid) and a literal bracket, and finds the
   * quotes elsewhere. No quoting is reliable after that.
   */
  private pidBeforeBracket(i: number): void {
    const { at } = this.peek(i + 1);
    if ('({['.includes(this.peek(at + 1).char ?? 'x')) this.lost ??= 'a "$$" right before "(", "{" or "[" is read one way by bash\'s parser and another when expanded';
  }

  // A backslash escapes the next character; before a hole it would escape the hole's opening quote.
  private escape(i: number): number {
    const hole = holeAt(this.items, i + 1);
    if (hole) {
      this.addHoles([hole.hole]);
      this.contexts.set(hole.hole, { error: BACKSLASH_MESSAGE });
    }
    return i + 2;
  }

  // Old-style `...`, walked one level deeper after the shell's backslash decoding.
  private backtickRegion(i: number): number {
    const top = this.top();
    const inDouble = top.kind === 'double' || (top.kind === 'param' && top.mode === 'double');
    const { decoded, next } = decodeBackticks(this.items, i, inDouble);
    const inner = new ScriptScanner(decoded, [...this.backticks, inDouble], this.problem(), this.contexts);
    inner.run();
    this.addHoles(inner.seen);
    return next;
  }

  /** A redirection operator that ends before `next`: the word after it is its target, not an argument. */
  private redirection(frame: CommandFrame, next: number, kind: 'dup' | 'file' = 'file'): number {
    this.endBeforeOperator(frame);
    frame.redirect = kind;
    return next;
  }

  /** The word before a redirection operator ends, unless it is the operator's descriptor (`2>`, `{fd}>`). */
  private endBeforeOperator(frame: CommandFrame): void {
    const descriptor = frame.inWord && frame.plain && /^([0-9]+|\{[A-Za-z_][A-Za-z0-9_]*\})$/.test(frame.word);
    if (descriptor) resetWord(frame);
    else endWord(frame, this.refuse);
  }

  private heredocOperator(i: number): number {
    const { heredoc, next, holes, substitution } = readHeredocOperator(this.items, i);
    this.addHoles(holes);
    for (const hole of holes) this.contexts.set(hole, { error: HEREDOC_MESSAGE });
    if (substitution) this.lost ??= 'a here-document delimiter holds a substitution';
    if (heredoc && !substitution) this.pending.push(heredoc);
    return next;
  }

  // One line of a here-document body: any hole in it is refused; the delimiter line ends the body.
  private bodyLine(i: number, heredoc: Heredoc): number {
    const { line, next } = readBodyLine(this.items, i, heredoc);
    for (const item of line) {
      if (typeof item === 'object') this.contexts.set(item.hole, { error: HEREDOC_MESSAGE });
    }
    if (endsHeredoc(line, heredoc)) this.body = this.pending.shift();
    return next;
  }

  // A hole belongs to the current word of every enclosing command (for `[[ ]]` operands, subscripts, and what
  // each command does with its arguments: a substitution's output is part of the word too).
  private addHoles(holes: readonly number[]): void {
    this.seen.push(...holes);
    for (const frame of this.commandFrames()) addWordHoles(frame, holes);
  }

  // A character inside quotes that sit directly in a command word counts towards the word's literal text.
  private quotedChar(char: string | undefined, expansion: boolean): void {
    const owner = this.stack.at(-2);
    if (owner?.kind !== 'command') return;
    if (expansion || char === undefined) addExpansion(owner);
    else addQuoted(owner, char);
  }

  private holeContext(): HoleContext {
    const problem = this.problem() ?? quotedParameterProblem(this.stack);
    return problem ? { error: problem } : { mode: wordMode(this.top()), backticks: this.backticks };
  }

  // Why no hole can be quoted here, if so.
  private problem(): string | undefined {
    if (this.lost) return `cannot tell how to quote \${{ }} here: ${this.lost}; assign it to a shell variable first`;
    return arithmeticProblem(this.stack) ?? this.enclosingProblem;
  }

  private paramMode(): ParamMode {
    const top = this.top();
    if (top.kind === 'param') return top.part === 'word' ? top.mode : 'arith';
    if (top.kind === 'arith') return 'arith';
    return top.kind === 'double' ? 'double' : 'word';
  }

  private commandFrames(): CommandFrame[] {
    return this.stack.filter((frame): frame is CommandFrame => frame.kind === 'command');
  }

  private top(): Frame {
    return this.stack.at(-1) ?? newCommand(false);
  }

  private at(i: number): string | undefined {
    return charAt(this.items, i);
  }

  /** A backslash at `i` that the shell removes with the newline after it, or that ends the script. */
  private isContinuation(i: number): boolean {
    return this.at(i + 1) === '\n' || i + 1 >= this.items.length;
  }

  /** The next character from `i` on as the shell reads it (line continuations removed), and where it is. */
  private peek(i: number): { char: string | undefined; at: number } {
    let at = i;
    while (this.at(at) === '\\' && this.at(at + 1) === '\n') at += 2;
    return { char: this.at(at), at };
  }

  private push(frame: Frame, next: number): number {
    this.stack.push(frame);
    return next;
  }

  private pop(next: number): number {
    if (this.stack.length > 1) this.stack.pop();
    return next;
  }
}
