import { chmodSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createLocalTransport } from '../../src/transports/local.js';
import type { Command, ExecResult, Target, Transport } from '../../src/schema/transport.js';
import { startSshd, type SshdLab } from '../harness/sshd.js';
import { tempDirForTest } from '../harness/tmp.js';
import { hostOf, labTransport } from './helpers.js';

/**
 * The start gate (the engine's unit-started being fsynced): a transport may connect and start the shell that
 * waits for its script, but the script, an argv command or a detached step acts only once the gate opens; a
 * failed gate delivers nothing. Checked with a marker file the command creates, on real processes and sshd.
 */

function deferred() {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const gate = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  // The engine awaits its journal's fsync itself; here the transport is the only reader, and on a slow machine
  // it may not await the gate yet when it fails: that is no unhandled rejection.
  gate.catch(() => undefined);
  return { gate, open, fail };
}

/** A directory the lab's test users can write to (the markers), on this machine like the sshd. */
function markerDir(): string {
  const dir = tempDirForTest('fieldbook-gate-');
  chmodSync(dir, 0o1777);
  return dir;
}

const touch = (marker: string): Command[] => [
  { kind: 'script', script: `touch ${marker}`, shell: 'bash' },
  { kind: 'argv', argv: ['touch', marker] },
];

describe('the start gate', () => {
  let lab: SshdLab;
  beforeAll(async () => {
    lab = await startSshd();
  });
  afterAll(async () => {
    await lab?.stop();
  });

  const transports: [string, () => { transport: Transport; target: Target }][] = [
    ['local', () => ({ transport: createLocalTransport(), target: { kind: 'local' } })],
    ['ssh', () => ({ transport: labTransport([lab]).transport, target: { kind: 'host', host: hostOf(lab) } })],
    ['ssh with sudo', () => ({ transport: labTransport([lab]).transport, target: { kind: 'host', host: hostOf(lab, { user: lab.nopasswdUser, become: 'sudo' }) } })],
  ];

  it('ssh: a detached step is launched only once the gate opens, and not at all when it fails', async () => {
    const { transport } = labTransport([lab]);
    const target: Target = { kind: 'host', host: hostOf(lab) };
    const dir = markerDir();
    const runDir = `.fieldbook/runs/gate-${process.pid}`;
    onTestFinished(() => rmSync(`/home/${lab.user}/${runDir}`, { recursive: true, force: true }));
    for (const [key, outcome] of [['opens', { kind: 'exited', exitCode: 0 }], ['fails', { kind: 'cancelled' }]] as const) {
      const marker = join(dir, key);
      const { gate, open, fail } = deferred();
      const ran = transport.execDetached(
        { target, command: { kind: 'script', script: `touch ${marker}`, shell: 'bash' }, startGate: gate, onStdout: () => undefined, onStderr: () => undefined },
        { runDir, key },
      );
      await delay(300);
      expect(existsSync(marker)).toBe(false);
      if (key === 'opens') open();
      else fail(new Error('fsync: EIO'));
      expect((await ran).outcome).toEqual(outcome);
      expect(existsSync(marker)).toBe(key === 'opens');
    }
  });

  for (const [name, make] of transports) {
    it(`${name}: a script or an argv acts only once the gate opens`, async () => {
      const { transport, target } = make();
      const dir = markerDir();
      const marker = join(dir, 'marker');
      for (const command of touch(marker)) {
        const { gate, open } = deferred();
        const ran = transport.exec({ target, command, startGate: gate, onStdout: () => undefined, onStderr: () => undefined });
        await delay(300); // time enough to connect, open the session and start the shell
        expect(existsSync(marker), `${command.kind} acted before the gate opened`).toBe(false);
        open();
        expect((await ran).outcome).toEqual({ kind: 'exited', exitCode: 0 });
        expect(existsSync(marker), `${command.kind} did not act once the gate opened`).toBe(true);
        rmSync(marker);
      }
    });

    it(`${name}: a failed gate delivers nothing and the outcome is cancelled`, async () => {
      const { transport, target } = make();
      const dir = markerDir();
      for (const command of touch(join(dir, 'marker'))) {
        const { gate, fail } = deferred();
        const ran: Promise<ExecResult> = transport.exec({ target, command, startGate: gate, onStdout: () => undefined, onStderr: () => undefined });
        await delay(100);
        fail(new Error('fsync: EIO'));
        expect((await ran).outcome).toEqual({ kind: 'cancelled' });
        await delay(200);
        expect(existsSync(join(dir, 'marker')), `${command.kind} acted after a failed gate`).toBe(false);
      }
    });
  }
});
