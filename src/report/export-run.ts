import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FieldbookError } from '../errors.js';
import type { Actor } from '../journal/events.js';
import { sha256, type RunPaths } from '../journal/run-dir.js';
import { buildReport } from './build-report.js';
import { filesUnder, loadReportInputs } from './load-run.js';
import { renderReport } from './render.js';
import { scanForSecrets, type KnownSecret, type SecretFinding } from './secret-scan.js';
import { writeTar, type TarFile } from './tar.js';

/** The manifest's format. */
export const EXPORT_FORMAT = 'fieldbook-export/v1';
/** The manifest inside every archive, next to the journal. */
export const MANIFEST = 'export.json';

/** `export.json`: what the archive holds and how it was checked; `import` verifies every file against it. */
export interface ExportManifest {
  format: typeof EXPORT_FORMAT;
  runId: string;
  fieldbook: string;
  exportedAt: string;
  exportedBy: Actor;
  /** sha256 of every other file, by path inside the run directory. */
  files: Record<string, string>;
  /** Names of the secrets the archive was checked for, and of those it could not be checked for. */
  secretCheck: { checked: string[]; notChecked: string[] };
}

export interface ExportOptions {
  paths: RunPaths;
  /** Where to write the .tar.gz; written to a temporary name first, so a refused export leaves nothing. */
  output: string;
  secrets: readonly KnownSecret[];
  /** Secret params whose value was not available, recorded in the manifest. */
  notChecked: readonly string[];
  by: Actor;
  fieldbook: string;
  now: Date;
}

export interface ExportResult {
  files: string[];
  bytes: number;
}

/** The secrets were found in the files that would have gone into the archive: nothing is written. */
export class SecretsFoundError extends FieldbookError {
  constructor(readonly findings: SecretFinding[]) {
    super('refused', `the archive would contain a secret, so it was not written:\n${findings.map((f) => `  ${f.path}${f.line ? `:${f.line}` : ' (in its name)'}: ${f.secret} (${f.form})`).join('\n')}\nremove or mask it in the run directory (the journal and logs should never hold one: please report how it got there)`);
  }
}

/**
 * Write a run's archive: `<run-id>/` with the journal, the runbook and site copies, the logs, the report (HTML
 * and JSON) and `export.json`. Every file is searched for every form of every known secret first.
 */
export async function exportRun(options: ExportOptions): Promise<ExportResult> {
  const { paths } = options;
  const files: TarFile[] = [];
  for (const path of [paths.journal, paths.runbook, paths.site, ...(await filesUnder(paths.logs))]) {
    const data = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' && path !== paths.journal) return undefined;
      throw new FieldbookError('journal', `cannot read ${path}: ${error.code ?? String(error)}`);
    });
    if (!data) continue;
    const info = await stat(path);
    files.push({ path: relative(paths.dir, path).split(sep).join('/'), data, mode: info.mode & 0o777, mtime: Math.floor(info.mtimeMs / 1000) });
  }
  const report = buildReport(await loadReportInputs(paths, options.fieldbook));
  const mtime = Math.floor(options.now.getTime() / 1000);
  files.push({ path: 'report.html', data: Buffer.from(renderReport(report, 'html')), mtime });
  files.push({ path: 'report.json', data: Buffer.from(renderReport(report, 'json')), mtime });

  const manifest: ExportManifest = {
    format: EXPORT_FORMAT,
    runId: report.run.id,
    fieldbook: options.fieldbook,
    exportedAt: options.now.toISOString(),
    exportedBy: options.by,
    files: Object.fromEntries(files.map((f) => [f.path, sha256(f.data)])),
    secretCheck: { checked: options.secrets.map((s) => s.name), notChecked: [...options.notChecked] },
  };
  files.push({ path: MANIFEST, data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), mtime });

  const findings = scanForSecrets(files, options.secrets);
  if (findings.length > 0) throw new SecretsFoundError(findings);

  const archive = gzipSync(writeTar(files.map((f) => ({ ...f, path: `${paths.id}/${f.path}` }))));
  const temp = `${options.output}.${process.pid}.tmp`;
  await writeFile(temp, archive, { flush: true });
  await rename(temp, options.output);
  return { files: files.map((f) => f.path), bytes: archive.length };
}
