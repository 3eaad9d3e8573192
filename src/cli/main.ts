import { fieldbookVersion as version } from '../shipped/index.js';
import { didYouMean } from '../template/did-you-mean.js';
import { commandHelp, parseCommandArgs, type CommandSpec } from './command.js';
import { describeError, EXIT } from './exit-codes.js';
import { processIO, println, type CliIO } from './io.js';

/**
 * Every command, loaded only when it runs: `validate` then never loads the engine, ssh2 or the UI, and
 * `--version` loads nothing. Each module's option types differ; the table only needs the common shape.
 */
const COMMANDS: { name: string; summary: string; load: () => Promise<CommandSpec> }[] = [
  { name: 'validate', summary: 'Check a runbook (and a site): schema, every ${{ }} reference, roles and hosts.', load: async () => (await import('./commands/validate.js')).validateCommand as unknown as CommandSpec },
  { name: 'plan', summary: 'Show every resolved command, per step and host, without connecting anywhere.', load: async () => (await import('./commands/plan.js')).planCommand as unknown as CommandSpec },
  { name: 'run', summary: 'Start a run: walk the runbook step by step, with a checkpoint after every step.', load: async () => (await import('./commands/run.js')).runCommand as unknown as CommandSpec },
  { name: 'resume', summary: 'Continue a stopped or crashed run; completed steps never run again.', load: async () => (await import('./commands/resume.js')).resumeCommand as unknown as CommandSpec },
  { name: 'runs', summary: 'List runs: id, runbook, site, mode, state, started.', load: async () => (await import('./commands/runs.js')).runsCommand as unknown as CommandSpec },
  { name: 'show', summary: "Show one run's steps, hosts, outcomes, confirmations and decisions.", load: async () => (await import('./commands/show.js')).showCommand as unknown as CommandSpec },
  { name: 'report', summary: "Write a run's report (Markdown, HTML with a timeline, or JSON).", load: async () => (await import('./commands/report.js')).reportCommand as unknown as CommandSpec },
  { name: 'export', summary: 'Pack a run (journal, copies, logs, report) into one .tar.gz, checked for secrets.', load: async () => (await import('./commands/export.js')).exportCommand as unknown as CommandSpec },
  { name: 'import', summary: 'Unpack a run archive into the runs directory (then show, report and replay work on it).', load: async () => (await import('./commands/import.js')).importCommand as unknown as CommandSpec },
  { name: 'replay', summary: 'Play a run back in the terminal UI, read-only, following its journal.', load: async () => (await import('./commands/replay.js')).replayCommand as unknown as CommandSpec },
  { name: 'unlock', summary: 'Break a run lock or a site lock explicitly (when its holder is gone for good).', load: async () => (await import('./commands/unlock.js')).unlockCommand as unknown as CommandSpec },
  { name: 'runbooks', summary: 'List the runbooks shipped with fieldbook.', load: async () => (await import('./commands/runbooks.js')).runbooksCommand as unknown as CommandSpec },
  { name: 'schema', summary: 'Print the JSON Schema of runbook or site files.', load: async () => (await import('./commands/schema.js')).schemaCommand as unknown as CommandSpec },
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
