/**
 * Parsing of inbound broadcast bodies (anycable common/common.go
 * `PubSubMessageFromJSON`): one publication, an array of them, or a remote
 * command. Unlike anycable, a bad body is reported, never silently dropped.
 */
import type { Publication, PublicationMeta } from '../hub/hub.js';

/** A remote command from Rails (`{"command":"disconnect","payload":{...}}`). */
export interface RemoteDisconnect {
  kind: 'disconnect';
  identifiers: string;
  reconnect: boolean;
}

/** One item of a broadcast body. */
export type BroadcastItem = { kind: 'publication'; publication: Publication } | RemoteDisconnect;

/** Parse result: all items, or the first problem (nothing is delivered then). */
export type ParsedBroadcast = { kind: 'ok'; items: BroadcastItem[] } | { kind: 'invalid'; reason: string };

function parseMeta(raw: unknown, at: string): PublicationMeta | string {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) return `${at}meta must be an object`;
  const meta = raw as Record<string, unknown>;
  const out: PublicationMeta = {};
  if (meta.exclude_socket !== undefined && meta.exclude_socket !== null && meta.exclude_socket !== '') {
    if (typeof meta.exclude_socket !== 'string') return `${at}meta.exclude_socket must be a string`;
    out.exclude_socket = meta.exclude_socket;
  }
  if (meta.broadcast_type !== undefined && meta.broadcast_type !== null && meta.broadcast_type !== '') {
    if (typeof meta.broadcast_type !== 'string') return `${at}meta.broadcast_type must be a string`;
    out.broadcast_type = meta.broadcast_type;
  }
  if (meta.transient !== undefined) out.transient = meta.transient === true;
  return out;
}

function parseItem(raw: unknown, at: string): BroadcastItem | string {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return `${at}expected an object`;
  const item = raw as Record<string, unknown>;
  if (item.command !== undefined) {
    if (item.command !== 'disconnect') return `${at}unknown command ${JSON.stringify(item.command)}`;
    const payload = item.payload as Record<string, unknown> | undefined;
    if (!payload || typeof payload !== 'object' || typeof payload.identifier !== 'string') {
      return `${at}disconnect command needs payload.identifier (the identifiers JSON string)`;
    }
    return { kind: 'disconnect', identifiers: payload.identifier, reconnect: payload.reconnect !== false };
  }
  if (typeof item.stream !== 'string' || item.stream.length === 0) return `${at}"stream" must be a non-empty string`;
  if (typeof item.data !== 'string') {
    return `${at}"data" must be a string (JSON-encode the payload first), got ${item.data === null ? 'null' : Array.isArray(item.data) ? 'array' : typeof item.data}`;
  }
  const meta = parseMeta(item.meta, at);
  if (typeof meta === 'string') return meta;
  return { kind: 'publication', publication: { stream: item.stream, data: item.data, meta } };
}

/** Parse a broadcast body (already JSON-decoded text). */
export function parseBroadcastBody(text: string): ParsedBroadcast {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { kind: 'invalid', reason: `malformed JSON: ${(error as Error).message}` };
  }
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) return { kind: 'invalid', reason: 'empty batch' };
  const items: BroadcastItem[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = parseItem(list[i], Array.isArray(raw) ? `[${i}]: ` : '');
    if (typeof item === 'string') return { kind: 'invalid', reason: item };
    items.push(item);
  }
  return { kind: 'ok', items };
}

/**
 * The wire form of one item, as a broadcast body and as the pub/sub carries it
 * between nodes (anycable common/common.go `StreamMessage`, `RemoteCommandMessage`),
 * so `parseBroadcastBody` reads it back. Empty `meta` is left out.
 */
export function encodeBroadcastItem(item: BroadcastItem): string {
  if (item.kind === 'disconnect') return JSON.stringify({ command: 'disconnect', payload: { identifier: item.identifiers, reconnect: item.reconnect } });
  const { stream, data, meta } = item.publication;
  return JSON.stringify(meta && Object.keys(meta).length > 0 ? { stream, data, meta } : { stream, data });
}
