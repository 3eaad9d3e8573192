// The exec stream protocol over SPDY/3.1 (kubectl before 1.30, and kubectl 1.30+ when the WebSocket upgrade
// fails): one SPDY stream per channel, named by the `streamtype` header of its SYN_STREAM.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ExecChannels, ExecSession } from './exec-session.js';
import { controlFrame, dataFrame, FLAG_FIN, FrameReader, GOAWAY, HeaderCodec, PING, SYN_REPLY, SYN_STREAM, type Frame } from './spdy.js';

/** Stream protocols served over SPDY, in preference order (v5 adds nothing over v4 on SPDY). */
export const SPDY_PROTOCOLS = ['v4.channel.k8s.io'] as const;

/** The first protocol of X-Stream-Protocol-Version we serve, or undefined. */
export function negotiateSpdy(req: IncomingMessage): string | undefined {
  const offered = (req.headers['x-stream-protocol-version'] ?? '')
    .toString()
    .split(',')
    .map((p) => p.trim());
  return SPDY_PROTOCOLS.find((p) => offered.includes(p));
}

const MAX_DATA = 64 * 1024;

/** Answers 101 Switching Protocols and runs the exec over SPDY; `expected` lists the stream types to wait for. */
export function acceptExecSpdy(
  socket: Duplex,
  head: Buffer,
  protocol: string,
  expected: ReadonlySet<string>,
  start: (channels: ExecChannels) => ExecSession,
): void {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
  const codec = new HeaderCodec();
  const reader = new FrameReader();
  const streams = new Map<string, number>();
  const types = new Map<number, string>();
  const pendingStdin: Array<Buffer | 'eof'> = [];
  let session: ExecSession | undefined;
  let closed = false;

  const write = (frame: Buffer): void => {
    if (!closed && !socket.destroyed) socket.write(frame);
  };
  const send = (type: string, chunk: Buffer): void => {
    const id = streams.get(type);
    if (id === undefined) return;
    for (let at = 0; at < chunk.length; at += MAX_DATA) write(dataFrame(id, 0, chunk.subarray(at, at + MAX_DATA)));
  };
  const fin = (type: string): void => {
    const id = streams.get(type);
    if (id !== undefined) write(dataFrame(id, FLAG_FIN, Buffer.alloc(0)));
  };
  const channels: ExecChannels = {
    stdout: (chunk) => send('stdout', chunk),
    stderr: (chunk) => send('stderr', chunk),
    finish: (status) => {
      fin('stdout');
      fin('stderr');
      send('error', Buffer.from(JSON.stringify(status)));
      fin('error');
      closed = true;
      socket.end();
    },
    destroy: () => {
      closed = true;
      socket.destroy();
    },
  };

  const onStdin = (item: Buffer | 'eof'): void => {
    if (session === undefined) pendingStdin.push(item);
    else if (item === 'eof') session.endStdin();
    else session.stdin(item);
  };

  const onFrame = (frame: Frame): void => {
    if (!frame.control) {
      if (types.get(frame.streamId) !== 'stdin') return;
      if (frame.data.length > 0) onStdin(frame.data);
      if (frame.flags & FLAG_FIN) onStdin('eof');
      return;
    }
    if (frame.type === SYN_STREAM) {
      const id = frame.payload.readUInt32BE(0) & 0x7fffffff;
      const headers = codec.decode(frame.payload.subarray(10));
      const type = headers.get('streamtype')?.[0] ?? '';
      streams.set(type, id);
      types.set(id, type);
      const reply = Buffer.alloc(4);
      reply.writeUInt32BE(id);
      write(controlFrame(SYN_REPLY, 0, Buffer.concat([reply, codec.encode([])])));
      if (session === undefined && [...expected].every((t) => streams.has(t))) {
        session = start(channels);
        for (const item of pendingStdin.splice(0)) onStdin(item);
      }
    } else if (frame.type === PING) {
      write(controlFrame(PING, 0, frame.payload));
    } else if (frame.type === GOAWAY) {
      session?.abandon();
    }
  };

  const onData = (chunk: Buffer): void => {
    for (const frame of reader.push(chunk)) onFrame(frame);
  };
  if (head.length > 0) onData(head);
  socket.on('data', onData);
  socket.on('close', () => session?.abandon());
}

/** The SPDY streams kubectl opens for an exec with these query flags. */
export function expectedStreams(query: URLSearchParams): Set<string> {
  const streams = new Set(['error']);
  for (const name of ['stdin', 'stdout', 'stderr'] as const) {
    const value = query.get(name) ?? (name === 'stdin' ? 'false' : 'true');
    if (value === 'true' || value === '1') streams.add(name);
  }
  if (query.get('tty') === 'true') streams.delete('stderr');
  return streams;
}
