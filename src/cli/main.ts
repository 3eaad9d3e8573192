import { fieldbookVersion as version } from '../shipped/index.js';
import { didYouMean } from '../template/did-you-mean.js';
import { commandHelp, parseCommandArgs, type CommandSpec } from './command.js';
import { describeError, EXIT } from './exit-codes.js';
import { processIO, println, type CliIO } from './io.js';

/** A command loaded on demand; each module's option types differ, the table only needs the common shape. */
const lazy = (name: string, summary: string, load: () => Promise<unknown>) => ({ name, summary, load: load as () => Promise<CommandSpec> });

/**
 * Every command, loaded only when it runs: `validate` then never loads the engine, ssh2 or the UI, and
 * `--version` loads nothing.
 */
const COMMANDS = [
  lazy('validate', 'Check a runbook (and a site): schema, every ${{ }} reference, roles and hosts.', async () => (await import('./commands/validate.js')).validateCommand),
  lazy('plan', 'Show every resolved command, per step and host, without connecting anywhere.', async () => (await import('./commands/plan.js')).planCommand),
  lazy('run', 'Start a run: walk the runbook step by step, with a checkpoint after every step.', async () => (await import('./commands/run.js')).runCommand),
  lazy('resume', 'Continue a stopped or crashed run; completed steps never run again.', async () => (await import('./commands/resume.js')).resumeCommand),
  lazy('runs', 'List runs: id, runbook, site, mode, state (open: it holds its site), started.', async () => (await import('./commands/runs.js')).runsCommand),
  lazy('show', "Show one run's steps, hosts, outcomes, confirmations and decisions.", async () => (await import('./commands/show.js')).showCommand),
  lazy('report', "Write a run's report (Markdown, HTML with a timeline, or JSON).", async () => (await import('./commands/report.js')).reportCommand),
  lazy('export', 'Pack a run (journal, copies, logs, report) into one .tar.gz, checked for secrets.', async () => (await import('./commands/export.js')).exportCommand),
  lazy('import', 'Unpack a run archive into the runs directory (then show, report and replay work on it).', async () => (await import('./commands/import.js')).importCommand),
  lazy('replay', 'Play a run back in the terminal UI, read-only, following its journal.', async () => (await import('./commands/replay.js')).replayCommand),
  lazy('abandon', 'End an unfinished run for good (journaled with who and why), so a new run may start on its site.', async () => (await import('./commands/abandon.js')).abandonCommand),
  lazy('unlock', 'Break a run lock or a site lock explicitly (when its holder is gone for good).', async () => (await import('./commands/unlock.js')).unlockCommand),
  lazy('runbooks', 'List the runbooks shipped with fieldbook.', async () => (await import('./commands/runbooks.js')).runbooksCommand),
  lazy('schema', 'Print the JSON Schema of runbook or site files.', async () => (await import('./commands/schema.js')).schemaCommand),
];

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
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    const hint = didYouMean(name, COMMANDS.map((c) => c.name));
    println(io.stderr, `error: unknown command "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}; see fieldbook --help`);
    return EXIT.usage;
  }
  try {
    const command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      println(io.stdout, commandHelp(command));
      return EXIT.finished;
    }
    return await command.run(parseCommandArgs(command, rest), io);
  } catch (error) {
    const { code, message } = describeError(error);
    println(io.stderr, message);
    if (io.env['FIELDBOOK_DEBUG'] && error instanceof Error && error.stack) println(io.stderr, error.stack);
    return code;
  }
}
