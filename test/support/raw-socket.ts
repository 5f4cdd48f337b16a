/** Hand-written HTTP upgrades and WebSocket frames over a raw TCP socket, for tests a real client would never produce. */
import { createConnection, type Socket } from 'node:net';
import { waitFor } from './raw-client.js';

/** A raw TCP connection that records every byte the server sends. */
export interface RawSocket {
  socket: Socket;
  /** Everything received so far, as latin1 text. */
  received(): string;
  /** HTTP status line code of the upgrade answer. */
  status(timeoutMs?: number): Promise<number>;
  /** Resolves once the server closed or reset the connection. */
  ended(timeoutMs?: number): Promise<true>;
}

/** Open a TCP connection and write `request` as is. */
export async function rawRequest(port: number, request: string): Promise<RawSocket> {
  const socket = createConnection({ host: '127.0.0.1', port });
  let received = '';
  let ended = false;
  socket.on('data', (d) => (received += d.toString('latin1')));
  socket.on('close', () => (ended = true));
  socket.on('error', () => (ended = true));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  socket.write(request);
  return {
    socket,
    received: () => received,
    status: (timeoutMs = 3000) => waitFor(() => /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1], timeoutMs, 'HTTP status').then(Number),
    ended: (timeoutMs = 3000) => waitFor(() => ended || undefined, timeoutMs, 'connection end'),
  };
}

/** An upgrade request to `/cable` with the given Host line (`undefined` = no Host header). */
export function upgradeRequest(host: string | undefined, path = '/cable', extraHeaders = ''): string {
  return (
    `GET ${path} HTTP/1.1\r\n${host === undefined ? '' : `Host: ${host}\r\n`}Upgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: actioncable-v1-json\r\n${extraHeaders}\r\n`
  );
}

/** A masked client frame (RFC 6455 §5.2): opcode 1 text, 0 continuation; `fin` false for a fragment. */
export function clientFrame(payload: Buffer | string, opcode = 1, fin = true): Buffer {
  const data = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const mask = Buffer.from([1, 2, 3, 4]);
  const first = (fin ? 0x80 : 0) | opcode;
  const header =
    data.length < 126
      ? Buffer.from([first, 0x80 | data.length])
      : data.length < 65536
        ? Buffer.from([first, 0x80 | 126, data.length >> 8, data.length & 255])
        : Buffer.concat([Buffer.from([first, 0x80 | 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(data.length)); return b; })()]);
  return Buffer.concat([header, mask, Buffer.from(data.map((b, i) => b ^ mask[i % 4]))]);
}

/** Upgrade on a raw socket and wait for the 101 answer. */
export async function rawWebSocket(port: number, path = '/cable'): Promise<RawSocket> {
  const raw = await rawRequest(port, upgradeRequest('127.0.0.1', path));
  const status = await raw.status();
  if (status !== 101) throw new Error(`upgrade answered ${status}`);
  return raw;
}
