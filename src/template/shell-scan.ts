import { endsHeredoc, type Heredoc, readHeredocOperator } from './heredoc.js';
import { charAt, holeAt, type Item } from './script-items.js';
import type { WordContext, WordMode } from './shell-word.js';

/** How one `${{ }}` in a script must be spelled, or why it cannot be spelled safely there. */
export type HoleContext = WordContext | { error: string };

/** Refusal messages: places where no quoting keeps a value one inert word. */
export const HEREDOC_MESSAGE =
  '${{ }} inside a here-document cannot be quoted safely; assign it to a shell variable before the here-document';
export const ARITHMETIC_MESSAGE =
  '${{ }} inside $(( )) or (( )) cannot be quoted safely, because the shell evaluates it as code; assign it to a shell variable first';
export const BACKSLASH_MESSAGE =
  'a backslash right before ${{ }} would escape its quoting; remove the backslash (write $${{ for a literal ${{)';
export const QUOTED_PARAMETER_MESSAGE =
  '${{ }} inside "${...}" cannot be quoted reliably, because shells treat quotes there differently; assign it to a shell variable first';

// A command context (the script, `$( )`, `<( )`): tracks words enough to find comments, `case`, `((`.
interface CommandFrame {
  kind: 'command';
  closedByParen: boolean;
  parens: number;
  caseDepth: number;
  commandStart: boolean;
  inWord: boolean;
  word: string;
  plain: boolean;
}
type Frame =
  | CommandFrame
  | { kind: 'double' | 'single' | 'ansi' | 'comment' }
  | { kind: 'param'; mode: ParamMode }
  | { kind: 'arith'; parens: number };

// How a `${...}` is quoted: unquoted, inside "...", or inside arithmetic.
type ParamMode = 'word' | 'double' | 'arith';

// Reserved words after which the next word is still in command position.
const KEEPS_COMMAND_START = new Set(['then', 'do', 'else', 'elif', 'if', 'while', 'until', 'time', '!', '{']);

/**
 * Walks a script with holes for its expressions, tracking the shell's quoting context (a stack of
 * frames: commands, quotes, `$'...'`, `${...}`, arithmetic, comments, here-document bodies; old-style
 * backticks are decoded and walked one level deeper), and returns the context of every hole.
 */
export function scanScript(items: readonly Item[]): Map<number, HoleContext> {
  const contexts = new Map<number, HoleContext>();
  new ScriptScanner(items, [], contexts).run();
  return contexts;
}

class ScriptScanner {
  private readonly stack: Frame[] = [newCommand(false)];
  private readonly pending: Heredoc[] = [];
  private body: Heredoc | undefined;
  private lost: string | undefined;

  constructor(
    private readonly items: readonly Item[],
    private readonly backticks: readonly boolean[],
    private readonly contexts: Map<number, HoleContext>,
  ) {}

  run(): void {
    let i = 0;
    while (i < this.items.length) i = this.step(i);
  }

  private step(i: number): number {
    if (this.body) return this.bodyLine(i, this.body);
    const hole = holeAt(this.items, i);
    const top = this.top();
    if (hole) {
      this.contexts.set(hole.hole, this.holeContext());
      if (top.kind === 'command') markWord(top);
      return i + 1;
    }
    const char = charAt(this.items, i) ?? '';
    switch (top.kind) {
      case 'command':
        return this.command(top, char, i);
      case 'double':
        if (char === '"') return this.pop(i + 1);
        return this.expansionOrEscape(char, i, 'double');
      case 'single':
        return char === "'" ? this.pop(i + 1) : i + 1;
      case 'ansi':
        if (char === "'") return this.pop(i + 1);
        if (char === '\\' && this.at(i + 1) === 'c') return this.escape(i + 1);
        return char === '\\' ? this.escape(i) : i + 1;
      case 'comment':
        return char === '\n' ? this.pop(i) : i + 1;
      case 'param':
        if (char === '}') return this.pop(i + 1);
        if (char === '"') return this.push({ kind: 'double' }, i + 1);
        if (char === "'") {
          if (top.mode !== 'double') return this.push({ kind: 'single' }, i + 1);
          this.lost ??= `a ' inside "\${...}" is literal or a quote depending on the operator`;
          return i + 1;
        }
        return this.expansionOrEscape(char, i, top.mode === 'word' ? 'word' : 'double');
      case 'arith':
        return this.arith(top, char, i);
    }
  }

  // Unquoted text of a command: words, operators, quotes, substitutions, comments, here-documents.
  private command(frame: CommandFrame, char: string, i: number): number {
    switch (char) {
      case ' ':
      case '\t':
        endWord(frame);
        return i + 1;
      case '\n':
        endWord(frame);
        frame.commandStart = true;
        this.body = this.pending.shift();
        return i + 1;
      case ';':
      case '&':
      case '|':
        endWord(frame);
        frame.commandStart = true;
        return i + 1;
      case '(':
        endWord(frame);
        if (frame.commandStart && this.at(i + 1) === '(') return this.push({ kind: 'arith', parens: 0 }, i + 2);
        frame.parens++;
        frame.commandStart = true;
        return i + 1;
      case ')':
        endWord(frame);
        frame.commandStart = true;
        if (frame.parens > 0) frame.parens--;
        else if (frame.caseDepth === 0 && frame.closedByParen) return this.pop(i + 1);
        return i + 1;
      case '<':
      case '>':
        endWord(frame);
        if (this.at(i + 1) === '(') {
          markWord(frame);
          return this.push(newCommand(true), i + 2);
        }
        if (char === '<' && this.at(i + 1) === '<') {
          if (this.at(i + 2) === '<') return i + 3;
          return this.heredocOperator(i + 2);
        }
        return i + 1;
      case '#':
        if (frame.inWord) break;
        return this.push({ kind: 'comment' }, i + 1);
      case '$':
      case '"':
      case "'":
      case '`':
      case '\\':
        if (char === '$' && !'({\'"'.includes(this.at(i + 1) ?? 'x')) break;
        markWord(frame);
        if (char === '"') return this.push({ kind: 'double' }, i + 1);
        if (char === "'") return this.push({ kind: 'single' }, i + 1);
        return this.expansionOrEscape(char, i, 'word');
    }
    frame.inWord = true;
    frame.word += char;
    return i + 1;
  }

  private arith(frame: { parens: number }, char: string, i: number): number {
    if (char === '(') frame.parens++;
    if (char === ')') {
      if (frame.parens > 0) frame.parens--;
      else return this.pop(this.at(i + 1) === ')' ? i + 2 : i + 1);
    }
    if (char === '"') return this.push({ kind: 'double' }, i + 1);
    if (char === "'") return this.push({ kind: 'single' }, i + 1);
    return this.expansionOrEscape(char, i, 'double');
  }

  // `$(`, `$((`, `${`, `$'`, `$"`, backticks and backslashes, which mean much the same in most contexts.
  private expansionOrEscape(char: string, i: number, quoting: 'word' | 'double'): number {
    if (char === '\\') return this.escape(i);
    if (char === '`') return this.backtickRegion(i);
    if (char !== '$') return i + 1;
    const next = this.at(i + 1);
    if (next === '(' && this.at(i + 2) === '(') return this.push({ kind: 'arith', parens: 0 }, i + 3);
    if (next === '(') return this.push(newCommand(true), i + 2);
    if (next === '{') return this.push({ kind: 'param', mode: this.paramMode() }, i + 2);
    if (quoting === 'word' && next === "'") return this.push({ kind: 'ansi' }, i + 2);
    if (quoting === 'word' && next === '"') return this.push({ kind: 'double' }, i + 2);
    return i + 1;
  }

  // A backslash escapes the next character; before a hole it would escape the hole's opening quote.
  private escape(i: number): number {
    const hole = holeAt(this.items, i + 1);
    if (hole) this.contexts.set(hole.hole, { error: BACKSLASH_MESSAGE });
    return i + 2;
  }

  // Old-style `...`: ends at the first unescaped backtick; inside, \$ \` \\ (and \" within "...") lose
  // their backslash before the shell parses the command, so the decoded text is walked one level deeper.
  private backtickRegion(i: number): number {
    const top = this.top();
    const inDouble = top.kind === 'double' || (top.kind === 'param' && top.mode === 'double');
    const decoded: Item[] = [];
    let j = i + 1;
    while (j < this.items.length && this.at(j) !== '`') {
      const next = this.at(j + 1);
      if (this.at(j) === '\\' && next !== undefined && ('$`\\'.includes(next) || (inDouble && next === '"'))) {
        decoded.push(next);
        j += 2;
        continue;
      }
      const item = this.items[j];
      if (item !== undefined) decoded.push(item);
      j++;
    }
    new ScriptScanner(decoded, [...this.backticks, inDouble], this.contexts).run();
    return j + 1;
  }

  private heredocOperator(i: number): number {
    const { heredoc, next, holes } = readHeredocOperator(this.items, i);
    for (const hole of holes) this.contexts.set(hole, { error: HEREDOC_MESSAGE });
    if (heredoc) this.pending.push(heredoc);
    return next;
  }

  // One line of a here-document body: any hole in it is refused; the delimiter line ends the body.
  private bodyLine(i: number, heredoc: Heredoc): number {
    let j = i;
    while (j < this.items.length && this.at(j) !== '\n') j++;
    const line = this.items.slice(i, j);
    for (const item of line) {
      if (typeof item === 'object') this.contexts.set(item.hole, { error: HEREDOC_MESSAGE });
    }
    if (endsHeredoc(line, heredoc)) this.body = this.pending.shift();
    return j + 1;
  }

  private holeContext(): HoleContext {
    if (this.lost) return { error: `cannot tell how to quote \${{ }} here: ${this.lost}; assign it to a shell variable first` };
    const top = this.top();
    const parent = this.stack.at(-2);
    const inArithmetic = (frame: Frame | undefined): boolean =>
      frame?.kind === 'arith' || (frame?.kind === 'param' && frame.mode === 'arith');
    const quoted = top.kind === 'double' || top.kind === 'single' || top.kind === 'ansi';
    if (inArithmetic(top) || (quoted && inArithmetic(parent))) return { error: ARITHMETIC_MESSAGE };
    const inQuotedParam = (frame: Frame | undefined): boolean => frame?.kind === 'param' && frame.mode === 'double';
    if (inQuotedParam(top) || (quoted && inQuotedParam(parent))) return { error: QUOTED_PARAMETER_MESSAGE };
    const mode: WordMode = top.kind === 'command' || top.kind === 'param' || top.kind === 'arith' ? 'word' : top.kind;
    return { mode, backticks: this.backticks };
  }

  private paramMode(): ParamMode {
    const top = this.top();
    if (top.kind === 'param') return top.mode;
    if (top.kind === 'arith') return 'arith';
    return top.kind === 'double' ? 'double' : 'word';
  }

  private top(): Frame {
    return this.stack.at(-1) ?? newCommand(false);
  }

  private at(i: number): string | undefined {
    return charAt(this.items, i);
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

function newCommand(closedByParen: boolean): CommandFrame {
  return { kind: 'command', closedByParen, parens: 0, caseDepth: 0, commandStart: true, inWord: false, word: '', plain: true };
}

function markWord(frame: CommandFrame): void {
  frame.inWord = true;
  frame.plain = false;
}

// A word just ended: follow `case` ... `esac` (whose `)` closes a pattern, not a `$( )`) and command position.
function endWord(frame: CommandFrame): void {
  if (!frame.inWord) return;
  const word = frame.plain ? frame.word : '';
  if (frame.commandStart && word === 'case') {
    frame.caseDepth++;
    frame.commandStart = false;
  } else if (frame.commandStart && word === 'esac' && frame.caseDepth > 0) {
    frame.caseDepth--;
    frame.commandStart = false;
  } else if (word === 'in' && frame.caseDepth > 0) {
    frame.commandStart = true;
  } else if (!(frame.commandStart && KEEPS_COMMAND_START.has(word))) {
    frame.commandStart = false;
  }
  frame.inWord = false;
  frame.word = '';
  frame.plain = true;
}
