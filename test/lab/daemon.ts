// The lab daemon, started detached by `lab:up`: brings the lab up, writes `ready` (or `failed`), and holds
// every lab process until SIGTERM (`lab:down`), when it stops them all.
import { writeFileSync, rmSync } from 'node:fs';
import { startLab } from './lab.js';
import { labPaths, type LabSettings } from './settings.js';

const settings = JSON.parse(process.argv[2] ?? '{}') as LabSettings;
const paths = labPaths(settings.stateDir);
const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

let stopping = false;
try {
  const lab = await startLab(settings, log);
  const stop = () => {
    if (stopping) return;
    stopping = true;
    log('stopping');
    rmSync(paths.ready, { force: true });
    lab.stop().then(
      () => {
        log('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log(`stopping failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', () => undefined);
  writeFileSync(paths.ready, `${process.pid}\n`);
  log('ready');
} catch (error) {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  log(`failed: ${message}`);
  writeFileSync(paths.failed, `${message}\n`);
  process.exit(1);
}
