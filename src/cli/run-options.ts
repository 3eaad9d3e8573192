import { UsageError } from '../errors.js';
import type { Presets } from '../engine/operator.js';
import type { Mode } from '../plan/types.js';
import type { Runbook } from '../schema/runbook.js';
import { refuseSecretRecordFlags } from './secret-records.js';

/** Flags shared by `run` and `resume`. */
export const RUN_OPTIONS = {
  'dry-run': { type: 'boolean' },
  rehearse: { type: 'boolean' },
  ui: { type: 'string' },
  approve: { type: 'string', multiple: true },
  decide: { type: 'string', multiple: true },
  record: { type: 'string', multiple: true },
  'runs-dir': { type: 'string' },
  from: { type: 'string' },
  only: { type: 'string' },
  force: { type: 'boolean' },
  'accept-host-key': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

export const RUN_OPTIONS_HELP = [
  '--dry-run                nothing runs and nothing connects; shows what would run where',
  '--rehearse               connect and run only readonly steps; show the rest resolved',
  '--ui tui|plain|json      how to show the run (default: tui on a terminal, else plain)',
  '--approve <step>         confirm a destructive or manual step without a prompt (repeatable);',
  '                         <step>=<digest> for a step that reviews a list: the digest shown with the list',
  '--decide <step>[@host]=rerun|done|skip   settle a step whose outcome is unknown (repeatable)',
  '--record <step>.<name>=<value>            a value a manual step records (repeatable)',
  '--runs-dir <dir>         where runs live (default $FIELDBOOK_HOME/runs)',
  '--from <step>            run again from this step on (recorded in the journal)',
  '--only <step>            run only this step again (recorded in the journal)',
  '--force                  resume even though the runbook or site changed since the run started',
  '--accept-host-key <host>=<SHA256:...>   accept a host key not yet in known_hosts, after checking it (repeatable)',
].join('\n');

export interface RunFlags {
  'dry-run'?: boolean;
  rehearse?: boolean;
  ui?: string;
  approve?: string[];
  decide?: string[];
  record?: string[];
  'runs-dir'?: string;
  from?: string;
  only?: string;
  force?: boolean;
  'accept-host-key'?: string[];
}

/** --accept-host-key host=SHA256:..., by site host name or address. */
export function acceptedHostKeys(flags: RunFlags): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const text of flags['accept-host-key'] ?? []) {
    const match = /^([^=\s]+)=(SHA256:[A-Za-z0-9+/]{43}=?)$/.exec(text);
    if (!match) throw new UsageError(`--accept-host-key ${text}: expected <host>=SHA256:<43 base64 characters>, as ssh-keygen -l prints`);
    keys[match[1]!] = match[2]!;
  }
  return keys;
}

export type UiKind = 'tui' | 'plain' | 'json';

/** --ui, defaulting to the TUI on a terminal. */
export function uiKind(flag: string | undefined, isTTY: boolean): UiKind {
  if (flag === undefined) return isTTY ? 'tui' : 'plain';
  if (flag === 'tui' || flag === 'plain' || flag === 'json') return flag;
  throw new UsageError(`--ui ${flag}: expected tui, plain or json`);
}

export function modeOf(flags: RunFlags): Mode {
  if (flags['dry-run'] && flags.rehearse) throw new UsageError('--dry-run and --rehearse exclude each other');
  return flags['dry-run'] ? 'dry-run' : flags.rehearse ? 'rehearse' : 'live';
}

/**
 * --approve, --decide and --record, checked against the runbook's steps; `secretRecords` (from the environment
 * or a prompt, never a flag) answer a manual step's secret records as --record answers the others.
 */
export function presetsOf(flags: RunFlags, runbook: Runbook, secretRecords: ReadonlyMap<string, string> = new Map()): Presets {
  const stepIds = runbook.steps.map((s) => s.id);
  refuseSecretRecordFlags(flags.record ?? [], runbook);
  const known = (id: string, flag: string) => {
    if (!stepIds.includes(id)) throw new UsageError(`${flag}: the runbook has no step "${id}"`);
  };
  const approve = new Set(flags.approve ?? []);
  for (const text of approve) {
    // `<step>`, or `<step>=<digest>` for a step whose confirmation reviews a list (the digest it showed).
    const match = /^([a-z0-9-]+)(=[0-9a-fA-F]*)?$/.exec(text);
    if (!match) throw new UsageError(`--approve ${text}: expected <step> or <step>=<digest of its reviewed list>`);
    known(match[1]!, `--approve ${text}`);
  }
  const decide = new Map<string, 'rerun' | 'done' | 'skip'>();
  for (const text of flags.decide ?? []) {
    const match = /^([a-z0-9-]+)(@[A-Za-z0-9_-]+)?=(rerun|done|skip)$/.exec(text);
    if (!match) throw new UsageError(`--decide ${text}: expected <step>[@host]=rerun|done|skip`);
    known(match[1]!, `--decide ${text}`);
    decide.set(`${match[1]}${match[2] ?? ''}`, match[3] as 'rerun' | 'done' | 'skip');
  }
  const record = new Map<string, string>(secretRecords);
  for (const text of flags.record ?? []) {
    const match = /^([a-z0-9-]+)\.([A-Za-z_][A-Za-z0-9_-]*)=(.*)$/s.exec(text);
    // Messages name the record, never its value (it may be a secret typed into the wrong flag).
    if (!match) throw new UsageError(`--record ${text.includes('=') ? `${text.slice(0, text.indexOf('='))}=…` : text}: expected <step>.<name>=<value>`);
    known(match[1]!, `--record ${match[1]}.${match[2]}`);
    record.set(`${match[1]}.${match[2]}`, match[3]!);
  }
  return { approve, decide, record };
}
