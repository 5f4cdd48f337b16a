/**
 * A strict double of the parts of a `ws` WebSocket that `Session` uses (events,
 * pause/resume, send, close, terminate, readyState, bufferedAmount), plus a
 * fake raw TCP socket, so sessions are tested with `new` and no network.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/** See file comment. */
export class SocketDouble extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  /** What the server would still have to flush; tests raise it to play a client that does not read. */
  bufferedAmount = 0;
  paused = false;
  /** Text of every frame sent, in order. */
  readonly sent: string[] = [];
  closedWith?: { code: number; text: string };
  terminated = false;

  send(frame: string | Buffer, options: { binary: boolean }): void {
    if (options.binary) throw new Error('Session must send text frames');
    this.sent.push(frame.toString());
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  close(code: number, text: string): void {
    this.closedWith ??= { code, text };
    this.readyState = 2;
  }

  terminate(): void {
    this.terminated = true;
    this.peerClosed();
  }

  /** The client sends a text frame. */
  receive(frame: unknown): void {
    this.emit('message', Buffer.from(typeof frame === 'string' ? frame : JSON.stringify(frame)), false);
  }

  /** The connection is gone (peer closed or reset). */
  peerClosed(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.emit('close');
  }

  /** Sent frames parsed as JSON. */
  frames(): Array<Record<string, unknown>> {
    return this.sent.map((text) => JSON.parse(text) as Record<string, unknown>);
  }

  /** This double where `Session` expects a `ws` WebSocket. */
  asWebSocket(): WebSocket {
    return this as unknown as WebSocket;
  }
}

/** A raw TCP socket that never emits data (the fragment guard sees nothing). */
export function rawSocketDouble(): Duplex {
  return new EventEmitter() as unknown as Duplex;
}
