/**
 * Client -> server commands (rails actioncable/lib/action_cable/connection/subscriptions.rb,
 * anycable node/node.go `HandleCommand`). Parsing is total: every input yields a value.
 */

/** A parsed client frame. `invalid` carries a short reason for the debug log. */
export type ClientCommand =
  | { kind: 'subscribe'; identifier: string }
  | { kind: 'unsubscribe'; identifier: string }
  | { kind: 'message'; identifier: string; data: string }
  | { kind: 'whisper'; identifier: string; data: unknown }
  | { kind: 'ping' }
  | { kind: 'pong' }
  | { kind: 'invalid'; reason: string };

/** Parse one text frame. Never throws. */
export function parseCommand(text: string): ClientCommand {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'malformed JSON' };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { kind: 'invalid', reason: 'frame is not a JSON object' };
  }
  const msg = raw as Record<string, unknown>;
  const command = msg.command;
  if (command === 'ping') return { kind: 'ping' };
  if (command === 'pong') return { kind: 'pong' };
  if (typeof command !== 'string') return { kind: 'invalid', reason: 'missing command' };
  if (command !== 'subscribe' && command !== 'unsubscribe' && command !== 'message' && command !== 'whisper') {
    return { kind: 'invalid', reason: `unknown command: ${command.slice(0, 64)}` };
  }
  const identifier = msg.identifier;
  if (typeof identifier !== 'string' || identifier.length === 0) {
    return { kind: 'invalid', reason: `${command}: identifier must be a non-empty string` };
  }
  if (command === 'message') {
    if (typeof msg.data !== 'string') return { kind: 'invalid', reason: 'message: data must be a string' };
    return { kind: 'message', identifier, data: msg.data };
  }
  if (command === 'whisper') return { kind: 'whisper', identifier, data: msg.data };
  return { kind: command, identifier };
}

/** The channel params decoded from an identifier (`{"channel":"...", ...}`). */
export type ChannelParams = { channel: string; [param: string]: unknown };

/** Decode an identifier string into channel params; `undefined` when it is not a JSON object with a string `channel`. */
export function parseIdentifier(identifier: string): ChannelParams | undefined {
  try {
    const value: unknown = JSON.parse(identifier);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const channel = (value as Record<string, unknown>).channel;
    if (typeof channel !== 'string' || channel.length === 0) return undefined;
    return value as ChannelParams;
  } catch {
    return undefined;
  }
}
