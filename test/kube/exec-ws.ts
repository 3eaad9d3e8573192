// The exec stream protocol over WebSocket (kubectl >= 1.30): binary messages whose first byte is the channel:
// 0 stdin, 1 stdout, 2 stderr, 3 error (the exit status as JSON), 4 resize, 255 close (v5: [255, channel]).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData } from 'ws';
import type { ExecChannels, ExecSession } from './exec-session.js';

export const WS_V5 = 'v5.channel.k8s.io';
export const WS_V4 = 'v4.channel.k8s.io';

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const CLOSE = 255;

/** Picks the first protocol of `accepted` (server preference) that the client offered, or undefined. */
export function negotiateWebSocket(req: IncomingMessage, accepted: readonly string[]): string | undefined {
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  return accepted.find((p) => offered.includes(p));
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Completes the WebSocket handshake with `protocol` and wires the connection to a session made by `start`. */
export function acceptExecWebSocket(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  protocol: string,
  start: (channels: ExecChannels) => ExecSession,
): void {
  const wss = new WebSocketServer({ noServer: true, handleProtocols: () => protocol, perMessageDeflate: false });
  wss.handleUpgrade(req, socket, head, (ws) => {
    const send = (channel: number, chunk: Buffer): void => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), chunk]));
    };
    const session = start({
      stdout: (chunk) => send(STDOUT, chunk),
      stderr: (chunk) => send(STDERR, chunk),
      finish: (status) => {
        send(ERROR, Buffer.from(JSON.stringify(status)));
        ws.close(1000);
      },
      destroy: () => socket.destroy(),
    });
    ws.on('message', (data) => {
      const message = toBuffer(data);
      if (message[0] === STDIN) session.stdin(message.subarray(1));
      else if (message[0] === CLOSE && message[1] === STDIN) session.endStdin();
    });
    ws.on('close', () => {
      session.abandon();
      wss.close();
    });
    ws.on('error', () => session.abandon());
  });
}
