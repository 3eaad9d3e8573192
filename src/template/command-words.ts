import {
  type ArgumentSpec,
  BUILTINS,
  NAMES,
  PLAIN,
  PROMPT_VARIABLES,
  type Role,
  SHELL_LONG_WITH_ARGUMENT,
  SHELL_SPEC,
  SHELL_SPEC_C,
  SHELLS,
} from './command-specs.js';
import { attributeMessage, codeMessage, nameMessage, SUBSCRIPT_MESSAGE } from './refusal-messages.js';
import { isAssignment, type WordShape } from './word-shape.js';

/** One finished word of a simple command, as the scanner saw it. */
export interface ScannedWord {
  /** After quote removal; undefined when an expansion is part of it. */
  literal: string | undefined;
  /** Its leading unquoted plain text. */
  prefix: string;
  holes: number[];
  shape: WordShape;
}

/** A `${{ }}` that no quoting makes safe, and why. */
export interface Refusal {
  holes: number[];
  message: string;
}

/** The simple command being read: its name, and how far its arguments are read. */
export interface CommandWords {
  named: boolean;
  name: string | undefined;
  spec: ArgumentSpec | 'declare' | 'test' | undefined;
  optionsDone: boolean;
  /** The next word is the argument of an option, read with this role. */
  pending: [Role, string] | undefined;
  operand: number;
  /** Option letters given to a declaration builtin. */
  flags: string;
  previous: string | undefined;
  /** A builtin that writes a variable names one that bash expands again (`printf -v PS4`, `read BASH_ENV`). */
  writesPrompt: string | undefined;
}

/** A command whose name is not read yet. */
export function newCommandWords(): CommandWords {
  return { named: false, name: undefined, spec: undefined, optionsDone: false, pending: undefined, operand: 0, flags: '', previous: undefined, writesPrompt: undefined };
}

/**
 * One word of a simple command ended (not a reserved word, not a redirection's target): assignments before the
 * name, the name, then arguments read as the command reads them. Returns the holes that cannot be made safe.
 */
export function commandWord(command: CommandWords, word: ScannedWord): Refusal[] {
  if (!command.named && isAssignment(word.shape)) return assignmentRefusals(word.shape, PROMPT_VARIABLES.has(word.shape.name));
  if (!command.named) {
    command.named = true;
    command.name = word.literal;
    command.spec = nameSpec(word.literal);
    return [];
  }
  const refusals = argumentRefusals(command, word);
  command.previous = word.literal;
  if (command.writesPrompt !== undefined && word.holes.length > 0) refusals.push({ holes: word.holes, message: codeMessage(`a value ${command.name} writes into ${command.writesPrompt}`) });
  // Written into such a variable by any builtin that writes one, a value is expanded again later: refused too.
  if (command.spec !== undefined && word.literal !== undefined && PROMPT_VARIABLES.has(word.literal)) command.writesPrompt = word.literal;
  return refusals;
}

/** The refusal of a value that reaches a redirection of this command (`read PS4 <<< value`), if it writes one. */
export function redirectIntoPrompt(command: CommandWords, holes: number[]): Refusal[] {
  return command.writesPrompt !== undefined && holes.length > 0 ? [{ holes, message: codeMessage(`a value ${command.name} writes into ${command.writesPrompt}`) }] : [];
}

/** Inside `name=( ... )`: a `[key]=` subscript is arithmetic, and so is every element of a `declare -i` array. */
export function listElement(integer: boolean, word: ScannedWord): Refusal[] {
  const refusals: Refusal[] = [];
  if (word.shape.subscriptHoles.length > 0) refusals.push({ holes: word.shape.subscriptHoles, message: SUBSCRIPT_MESSAGE });
  const rest = word.holes.filter((hole) => !word.shape.subscriptHoles.includes(hole));
  if (integer && rest.length > 0) refusals.push({ holes: rest, message: attributeMessage('an element of an integer array') });
  return refusals;
}

/** Where `name=(` opens an array list: before the command's name, or in the arguments of `declare` and friends. */
export function takesArrayList(command: CommandWords): boolean {
  return !command.named || command.spec === 'declare';
}

/** Whether an array list opened in this command's arguments is an integer array (`declare -ia a=(...)`). */
export function declaresInteger(command: CommandWords): boolean {
  return command.spec === 'declare' && command.flags.includes('i');
}

function assignmentRefusals(shape: WordShape, prompt: boolean): Refusal[] {
  const refusals: Refusal[] = [];
  if (shape.subscriptHoles.length > 0) refusals.push({ holes: shape.subscriptHoles, message: SUBSCRIPT_MESSAGE });
  if (prompt && shape.valueHoles.length > 0) refusals.push({ holes: shape.valueHoles, message: codeMessage(`the value of ${shape.name}`) });
  return refusals;
}

function nameSpec(name: string | undefined): CommandWords['spec'] {
  if (name === undefined) return undefined;
  if (SHELLS.has(basename(name))) return SHELL_SPEC;
  return Object.hasOwn(BUILTINS, name) ? BUILTINS[name] : undefined;
}

function argumentRefusals(command: CommandWords, word: ScannedWord): Refusal[] {
  const { spec } = command;
  if (spec === 'declare') return declarationRefusals(command, word);
  if (spec === 'test') return roleRefusals(command.previous === '-v' ? NAMES('after -v in test') : PLAIN, word.holes);
  if (spec === undefined) {
    // A shell as an argument (`sudo bash -c ...`, `xargs sh -c ...`) reads the rest as its own arguments.
    if (word.literal !== undefined && SHELLS.has(basename(word.literal))) Object.assign(command, { spec: SHELL_SPEC, optionsDone: false, operand: 0 });
    return [];
  }
  return roleRefusals(readArgument(command, spec, word), word.holes);
}

/** The role of the holes of `word`, reading it as the next argument of a getopts-style command. */
function readArgument(command: CommandWords, spec: ArgumentSpec, word: ScannedWord): [Role, string] {
  if (command.pending) {
    const role = command.pending;
    command.pending = undefined;
    return role;
  }
  const text = word.literal ?? word.prefix;
  if (!command.optionsDone && word.literal === '--') {
    command.optionsDone = true;
    return PLAIN;
  }
  if (!command.optionsDone && /^[-+]./.test(text)) return optionWord(command, spec, text, word.literal !== undefined);
  const operand = spec.operands[Math.min(command.operand, spec.operands.length - 1)] ?? PLAIN;
  if (!command.optionsDone && word.holes.length > 0 && operand[0] === 'plain') {
    // A value here could begin with "-" and be read as options: refused if an option takes a name or code.
    const risky = Object.values(spec.options).find(([role]) => role !== 'plain');
    if (risky) return [risky[0], `${risky[1]}, if the value begins with "-"; put -- before it`];
  }
  command.optionsDone = true;
  command.operand++;
  return operand;
}

/** A word of option letters: an option taking an argument takes the rest of the word, or the next word. */
function optionWord(command: CommandWords, spec: ArgumentSpec, text: string, complete: boolean): [Role, string] {
  if (text.startsWith('--')) {
    if (SHELL_LONG_WITH_ARGUMENT.has(text) && (spec === SHELL_SPEC || spec === SHELL_SPEC_C)) command.pending = PLAIN;
    return PLAIN;
  }
  if (spec === SHELL_SPEC && /^-[^-]*c/.test(text)) command.spec = SHELL_SPEC_C;
  for (let i = 1; i < text.length; i++) {
    const option = spec.options[text[i] ?? ''];
    if (!option) continue;
    if (i + 1 < text.length || !complete) return option;
    command.pending = option;
    return PLAIN;
  }
  if (complete) return PLAIN;
  // An expansion among the letters: it could be any option.
  return Object.values(spec.options).find(([role]) => role !== 'plain') ?? PLAIN;
}

/** `declare`, `typeset`, `local`, `export`, `readonly`: every argument is `name[subscript]=value` after quote removal. */
function declarationRefusals(command: CommandWords, word: ScannedWord): Refusal[] {
  const literal = word.literal;
  if (!command.optionsDone && literal === '--') command.optionsDone = true;
  if (!command.optionsDone && literal !== undefined && /^[-+]./.test(literal)) {
    if (literal.startsWith('-')) command.flags += literal.slice(1);
    return [];
  }
  const { shape } = word;
  const refusals: Refusal[] = [];
  const subscript = shape.subscriptHoles;
  const name = shape.nameHoles.filter((hole) => !subscript.includes(hole));
  const where = command.name ?? 'declare';
  if (subscript.length > 0) refusals.push({ holes: subscript, message: SUBSCRIPT_MESSAGE });
  if (name.length > 0) refusals.push({ holes: name, message: nameMessage(where) });
  if (shape.valueHoles.length > 0 && /[iaAn]/.test(command.flags)) {
    refusals.push({ holes: shape.valueHoles, message: attributeMessage(`${where} -${command.flags}`) });
  } else if (shape.valueHoles.length > 0 && PROMPT_VARIABLES.has(shape.name)) {
    refusals.push({ holes: shape.valueHoles, message: codeMessage(`the value of ${shape.name}`) });
  }
  return refusals;
}

function roleRefusals([role, where]: [Role, string], holes: number[]): Refusal[] {
  if (role === 'plain' || holes.length === 0) return [];
  return [{ holes, message: role === 'name' ? nameMessage(where) : codeMessage(where) }];
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
