import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';
import { didYouMean } from '../template/did-you-mean.js';
import type { CliIO } from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** One `fieldbook <name>` command: its flags, its help, and what it does. */
export interface CommandSpec<O extends Options = Options> {
  name: string;
  summary: string;
  usage: string;
  /** Help text below the usage line: arguments and options, one per line. */
  help: string;
  options: O;
  positionals: { min: number; max: number };
  run(args: ParsedArgs<O>, io: CliIO): Promise<number>;
}

export interface ParsedArgs<O extends Options> {
  values: ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: true }>>['values'];
  positionals: string[];
}

/** Parse argv for a command; every mistake is a UsageError that names the flag and the nearest right one. */
export function parseCommandArgs<O extends Options>(spec: CommandSpec<O>, argv: string[]): ParsedArgs<O> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: spec.options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(explainParseError(spec, (error as Error).message));
  }
  const { positionals } = parsed;
  if (positionals.length < spec.positionals.min) throw new UsageError(`${spec.name}: missing argument\nusage: ${spec.usage}`);
  if (positionals.length > spec.positionals.max) throw new UsageError(`${spec.name}: unexpected argument "${positionals[spec.positionals.max]}"\nusage: ${spec.usage}`);
  return { values: parsed.values, positionals };
}

function explainParseError(spec: CommandSpec, message: string): string {
  const unknown = message.match(/Unknown option '(-{1,2}[^']+)'/);
  if (unknown) {
    const flag = unknown[1]!.replace(/^-+/, '');
    const hint = didYouMean(flag, Object.keys(spec.options));
    return `${spec.name}: unknown option ${unknown[1]}${hint ? ` (did you mean --${hint}?)` : ''}; see fieldbook ${spec.name} --help`;
  }
  return `${spec.name}: ${message.replace(/\. To specify.*$/s, '')}`;
}

/** The `--help` text of a command. */
export function commandHelp(spec: CommandSpec): string {
  return `usage: ${spec.usage}\n\n${spec.summary}\n${spec.help ? `\n${spec.help}\n` : ''}`;
}
