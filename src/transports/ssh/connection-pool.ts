import type { Duplex } from 'node:stream';
import type { Client } from './connection.js';
import { forwardThrough } from './jump.js';
import { Semaphore } from './semaphore.js';
import { endpointKey, type Endpoint } from './ssh-config.js';

/** One warm connection to a host, shared by every step that runs there. */
export interface PooledConnection {
  client: Client;
  endpoint: Endpoint;
  /** Session channels in use; capped below the server's MaxSessions so extra steps wait instead of failing. */
  channels: Semaphore;
  /** False once the connection closed; a later `get` opens a fresh one. */
  alive: boolean;
  /** Why it closed (keepalive timeout, reset), when known. */
  lostReason?: string;
}

export type Opener = (endpoint: Endpoint, sock: Duplex | undefined) => Promise<Client>;

/** Opens one connection per host (and per jump hop) on first use and hands the same one to every later caller. */
export class ConnectionPool {
  private readonly entries = new Map<string, Promise<PooledConnection>>();
  /** Connections opened so far, jump hops included (tests and diagnostics). */
  opened = 0;

  constructor(
    private readonly open: Opener,
    private readonly maxChannels: number,
  ) {}

  get(endpoint: Endpoint): Promise<PooledConnection> {
    const key = endpointKey(endpoint);
    const existing = this.entries.get(key);
    if (existing) return existing;
    const created = this.connect(endpoint, key);
    this.entries.set(key, created);
    // A failed attempt is forgotten, so the next step tries again.
    created.catch(() => this.forget(key, created));
    return created;
  }

  /** Drops a connection that turned out dead, so the next `get` reconnects. */
  discard(connection: PooledConnection): void {
    connection.alive = false;
    const key = endpointKey(connection.endpoint);
    void this.entries.get(key)?.then((current) => {
      if (current === connection) this.entries.delete(key);
    });
    connection.client.end();
  }

  async close(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    const settled = await Promise.allSettled(all);
    await Promise.all(
      settled.map((result) => (result.status === 'fulfilled' && result.value.alive ? closeClient(result.value.client) : undefined)),
    );
  }

  private async connect(endpoint: Endpoint, key: string): Promise<PooledConnection> {
    const sock = endpoint.via ? await forwardThrough((await this.get(endpoint.via)).client, endpoint) : undefined;
    const client = await this.open(endpoint, sock);
    this.opened++;
    const connection: PooledConnection = { client, endpoint, channels: new Semaphore(this.maxChannels), alive: true };
    client.on('error', (error: Error) => {
      connection.lostReason ??= error.message;
    });
    client.once('close', () => {
      connection.alive = false;
      connection.lostReason ??= 'the connection closed';
      void this.entries.get(key)?.then((current) => {
        if (current === connection) this.entries.delete(key);
      }, () => undefined);
    });
    return connection;
  }

  private forget(key: string, attempt: Promise<PooledConnection>): void {
    if (this.entries.get(key) === attempt) this.entries.delete(key);
  }
}

function closeClient(client: Client): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 2_000);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    client.end();
  });
}
