import { commandHelp, parseCommandArgs, type CommandSpec } from './command.js';
import { planCommand } from './commands/plan.js';
import { resumeCommand } from './commands/resume.js';
import { runCommand } from './commands/run.js';
import { runbooksCommand } from './commands/runbooks.js';
import { runsCommand } from './commands/runs.js';
import { showCommand } from './commands/show.js';
import { unlockCommand } from './commands/unlock.js';
import { schemaCommand } from './commands/schema.js';
import { validateCommand } from './commands/validate.js';
import { describeError, EXIT } from './exit-codes.js';
import { fieldbookVersion as version } from '../shipped/index.js';
import { processIO, println, type CliIO } from './io.js';
import { didYouMean } from '../template/did-you-mean.js';

// Each command's option types differ; the table only needs the common shape.
const COMMANDS = [validateCommand, planCommand, runCommand, resumeCommand, runsCommand, showCommand, unlockCommand, runbooksCommand, schemaCommand] as unknown as CommandSpec[];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'fieldbook: a guided runbook engine for field engineers',
    '',
    'usage: fieldbook <command> [arguments] [options]',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'fieldbook <command> --help shows its options.',
  ].join('\n');
}

/** Run the CLI; returns the exit code. The only place errors become exit codes and one-line messages. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    println(io.stdout, usage());
    return name === undefined ? EXIT.usage : EXIT.finished;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    println(io.stdout, version());
    return EXIT.finished;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const hint = didYouMean(name, COMMANDS.map((c) => c.name));
    println(io.stderr, `error: unknown command "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}; see fieldbook --help`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    println(io.stdout, commandHelp(command));
    return EXIT.finished;
  }
  try {
    return await command.run(parseCommandArgs(command, rest), io);
  } catch (error) {
    const { code, message } = describeError(error);
    println(io.stderr, message);
    if (io.env['FIELDBOOK_DEBUG'] && error instanceof Error && error.stack) println(io.stderr, error.stack);
    return code;
  }
}
