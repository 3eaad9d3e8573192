import { existsSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../../errors.js';
import { findRun } from '../../journal/run-dir.js';
import { loadReport } from '../../report/load-run.js';
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../../report/render.js';
import { fieldbookVersion } from '../../shipped/index.js';
import type { CommandSpec } from '../command.js';
import { println } from '../io.js';
import { runsDirOf } from '../runs-dir.js';

const options = {
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
  'runs-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const reportCommand: CommandSpec<typeof options> = {
  name: 'report',
  summary: "Write a run's report: every step, host, outcome, confirmation and decision, with a timeline (HTML).",
  usage: 'fieldbook report <run> [--format md|html|json] [-o <file>] [--runs-dir <dir>]',
  help: [
    '<run>                  a run id or a run directory',
    '--format md|html|json  default: from the -o extension, else md',
    '-o, --output <file>    write to this file ("-" for stdout); default: md and json to stdout,',
    '                       html to <run directory>/report.html (its log links then work as they are)',
  ].join('\n'),
  options,
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, io) {
    const format = reportFormat(values.format, values.output);
    const runsDir = runsDirOf(values['runs-dir'], io);
    const paths = await findRun(positionals[0]!, runsDir, io.cwd);
    const report = await loadReport(paths, fieldbookVersion());
    const target = values.output === '-' ? undefined : values.output !== undefined ? resolve(io.cwd, values.output) : format === 'html' ? join(paths.dir, 'report.html') : undefined;
    if (target === undefined) {
      io.stdout.write(renderReport(report, format));
      return 0;
    }
    if (!existsSync(dirname(target))) throw new UsageError(`-o ${values.output}: the directory ${dirname(target)} does not exist`);
    await writeAtomically(target, renderReport(report, format, { logBase: logBase(dirname(target), paths.dir) }));
    println(io.stdout, `wrote ${relative(io.cwd, target) || target}`);
    return 0;
  },
};

/** --format, or the output file's extension, or Markdown. */
export function reportFormat(flag: string | undefined, output: string | undefined): ReportFormat {
  if (flag !== undefined) {
    if ((REPORT_FORMATS as readonly string[]).includes(flag)) return flag as ReportFormat;
    throw new UsageError(`--format ${flag}: expected ${REPORT_FORMATS.join(', ')}`);
  }
  const ext = output ? extname(output).toLowerCase() : '';
  if (ext === '.html' || ext === '.htm') return 'html';
  if (ext === '.json') return 'json';
  return 'md';
}

/** The path from where a report is written to the run directory, as a link prefix (`''` inside the run). */
export function logBase(from: string, runDir: string): string {
  const rel = relative(from, runDir).split(sep).join('/');
  return rel === '' ? '' : `${rel}/`;
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, text, { flush: true });
  await rename(temp, path);
}
