import { describe, expect, it } from 'vitest';
import { TransportError } from '../errors.js';
import { createTransportSet } from './transport-set.js';

const host = { kind: 'host' as const, host: { name: 'cp1', address: '127.0.0.1' } };
const request = { target: host, command: { kind: 'script' as const, script: 'true', shell: 'bash' as const }, onStdout: () => undefined, onStderr: () => undefined };

describe('createTransportSet', () => {
  it('reports an SSH transport that cannot be loaded as a refusal before the start (nothing ran), and tries again next time', async () => {
    let calls = 0;
    const set = createTransportSet({
      mode: 'live',
      ssh: () => {
        calls++;
        return Promise.reject(new Error('Cannot find package ssh2'));
      },
    });
    const failure = await set.exec(request).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransportError);
    expect(failure).toMatchObject({ message: 'cannot load the SSH transport: Cannot find package ssh2', details: { phase: 'start' } });
    await expect(set.exec(request)).rejects.toThrow(/cannot load the SSH transport/);
    expect(calls).toBe(2);
  });
});
