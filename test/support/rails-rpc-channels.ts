/**
 * What the test Rails app's connection and channels answer, written as
 * anycable-rails answers for an Action Cable app (anycable-rb
 * lib/anycable/rpc/handlers/*.rb): Rails' own frames (welcome, confirmation,
 * rejection) travel as transmissions, channel state as `istate` / `cstate`
 * JSON strings rebuilt on every call. Besides `ChatChannel` and `EchoChannel`
 * it has the connection handlers and channels of AnyCable's conformance suite
 * (anycable/anyt lib/anyt/tests/**), so the e2e tests can mirror its scenarios.
 */
import type { CommandMessage, CommandResponse, ConnectionRequest, ConnectionResponse, DisconnectRequest } from '../../src/rpc/rpc-messages.js';

const SUCCESS = 1;
const FAILURE = 2;
const ERROR = 0;

/** Rails' unauthorized disconnect transmission (ActionCable::Connection::Authorization). */
export const UNAUTHORIZED_TRANSMISSION = '{"type":"disconnect","reason":"unauthorized","reconnect":false}';

/** What channels may do outside their answer: `ActionCable.server.broadcast`. */
export interface RailsSide {
  broadcast(stream: string, data: unknown): void;
}

/** A CommandResponse with SUCCESS, patched. */
export const commandResponse = (patch: Partial<CommandResponse>): CommandResponse => ({
  status: SUCCESS, disconnect: false, stopStreams: false, streams: [], transmissions: [], errorMsg: '', stoppedStreams: [], ...patch,
});

/** Parse a Cookie header. */
function cookies(header: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0) out.set(pair.slice(0, eq).trim(), decodeURIComponent(pair.slice(eq + 1).trim()));
  }
  return out;
}

const welcome = (sid: string | undefined): string => JSON.stringify({ type: 'welcome', sid });
const accept = (identifiers: object, sid: string | undefined, cstate: Record<string, string> = {}): ConnectionResponse => ({
  status: SUCCESS, identifiers: JSON.stringify(identifiers), transmissions: [welcome(sid)], errorMsg: '', env: { cstate, istate: {} },
});
const refuse = (): ConnectionResponse => ({ status: FAILURE, identifiers: '', transmissions: [UNAUTHORIZED_TRANSMISSION], errorMsg: '' });

/**
 * `ApplicationCable::Connection#connect`. With `?test=<handler>` it runs anyt's
 * connect handler of that name (request/connection_test.rb,
 * disconnect_reasons_test.rb, remote_disconnect_test.rb); otherwise
 * `identified_by :current_user` from the `user` cookie (`boom` raises).
 */
export function railsConnect(request: ConnectionRequest, sid: string | undefined): ConnectionResponse {
  const headers = request.env.headers ?? {};
  const jar = cookies(headers.cookie ?? '');
  const params = new URL(request.env.url).searchParams;
  switch (params.get('test')) {
    case 'request_url':
      return /test=request_url/.test(request.env.url) ? accept({}, sid) : refuse();
    case 'cookies':
      return jar.get('username') === 'john green' ? accept({}, sid) : refuse();
    case 'headers':
      return headers['x-api-token'] === 'abc' ? accept({}, sid) : refuse();
    case 'reasons':
      return params.get('reason') === 'unauthorized' ? refuse() : accept({}, sid);
    case 'uid':
      return params.get('uid') ? accept({ uid: params.get('uid') }, sid) : refuse();
    default: {
      const user = jar.get('user');
      if (user === 'boom') return { status: ERROR, identifiers: '', transmissions: [], errorMsg: 'RuntimeError: boom' };
      if (!user) return refuse();
      return accept({ current_user: user }, sid, { user });
    }
  }
}

/** The parsed identifier, or undefined when it is not JSON. */
function paramsOf(identifier: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(identifier) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** One subscription's channel instance, rebuilt per call as anycable-rails does. */
interface Call {
  request: CommandMessage;
  params: Record<string, unknown>;
  data: Record<string, unknown>;
  rails: RailsSide;
  /** `transmit(message)` as a frame. */
  transmit(message: unknown): string;
  confirm: string;
  reject: CommandResponse;
}

type ChannelBehaviour = (call: Call) => CommandResponse;

/** `ChatChannel`: `stream_from "chat_#{room}"` (with `whisper: true` when asked), `transmit` in `subscribed`, actions. */
const chat: ChannelBehaviour = ({ request, params, data, transmit, confirm, reject }) => {
  const room = String(params.room ?? '');
  if (request.command === 'subscribe') {
    if (!room || room === 'secret') return reject;
    const istate: Record<string, string> = { room };
    if (params.whisper) istate.$w = `chat_${room}`;
    return commandResponse({ streams: [`chat_${room}`], transmissions: [transmit({ type: 'joined', room }), confirm], env: { cstate: {}, istate } });
  }
  if (request.command === 'unsubscribe') {
    return room === 'fragile' ? commandResponse({ status: ERROR, errorMsg: 'ChatChannel#unsubscribed raised' }) : commandResponse({ stopStreams: true });
  }
  const user = (JSON.parse(request.connectionIdentifiers || '{}') as { current_user?: string }).current_user;
  switch (data.action) {
    case 'speak':
      return commandResponse({ transmissions: [transmit({ text: data.text, from: user })] });
    case 'leave':
      return commandResponse({ stoppedStreams: [`chat_${room}`] });
    case 'follow':
      return commandResponse({ streams: [String(data.stream)] });
    case 'reset':
      return commandResponse({ stopStreams: true, streams: [`chat_${room}`] });
    case 'remember':
      return commandResponse({ env: { istate: { note: String(data.note) }, cstate: { last_note: String(data.note) } } });
    case 'forget':
      return commandResponse({ env: { istate: { note: '' }, cstate: { last_note: '' } } });
    case 'kick':
      return commandResponse({ disconnect: true, transmissions: [transmit({ type: 'kicked' })] });
    default:
      return commandResponse({ status: ERROR, errorMsg: `ChatChannel: unknown action ${JSON.stringify(data.action)}` });
  }
};

/** `EchoChannel`: every message comes back with the identifiers, state and URL the server sent. */
const echo: ChannelBehaviour = ({ request, data, transmit, confirm }) => {
  if (request.command === 'subscribe') return commandResponse({ transmissions: [confirm] });
  if (request.command === 'unsubscribe') return commandResponse({});
  const message = { identifiers: request.connectionIdentifiers, istate: request.env.istate ?? {}, cstate: request.env.cstate ?? {}, url: request.env.url, data };
  return commandResponse({ transmissions: [transmit(message)] });
};

/** anyt streams/*_test.rb: `stream_from` each of `streams` (default "a"); `unfollow` is `stop_stream_from name`. */
const streams: ChannelBehaviour = ({ request, params, data, confirm }) => {
  if (request.command === 'subscribe') return commandResponse({ streams: (params.streams as string[] | undefined) ?? ['a'], transmissions: [confirm] });
  if (request.command === 'unsubscribe') return commandResponse({ stopStreams: true });
  return data.action === 'unfollow' ? commandResponse({ stoppedStreams: [String(data.name)] }) : commandResponse({});
};

/** anyt subscriptions/perform_test.rb and transmissions_test.rb. */
const perform: ChannelBehaviour = ({ request, data, transmit, confirm }) => {
  if (request.command === 'subscribe') return commandResponse({ transmissions: [confirm] });
  if (request.command === 'unsubscribe') return commandResponse({});
  if (data.action === 'tick') return commandResponse({ transmissions: [transmit('tock')] });
  if (data.action === 'echo') return commandResponse({ transmissions: [transmit({ response: data.text })] });
  return commandResponse({ status: ERROR, errorMsg: `no action ${JSON.stringify(data.action)}` });
};

/** anyt features/channel_state_test.rb: `state_attr_accessor :user, :count`, kept in `istate` as JSON. */
const state: ChannelBehaviour = ({ request, params, transmit, confirm }) => {
  if (request.command === 'subscribe') {
    return commandResponse({ transmissions: [confirm], env: { cstate: {}, istate: { user: JSON.stringify({ name: params.name }), count: '1' } } });
  }
  if (request.command === 'unsubscribe') return commandResponse({});
  const istate = request.env.istate ?? {};
  const count = Number(JSON.parse(istate.count ?? '0')) + 2;
  const user = JSON.parse(istate.user ?? '{}') as { name?: string };
  return commandResponse({ transmissions: [transmit({ count, name: user.name })], env: { cstate: {}, istate: { count: String(count) } } });
};

/** anyt request/channel_test.rb: `reject unless connection.params[:token] == "secret"`. */
const requestChannel: ChannelBehaviour = ({ request, confirm, reject }) => {
  if (request.command !== 'subscribe') return commandResponse({});
  return new URL(request.env.url).searchParams.get('token') === 'secret' ? commandResponse({ transmissions: [confirm] }) : reject;
};

/** anyt request/disconnection_test.rb: `stream_from stream`; `unsubscribed` broadcasts "user left<id>" to it. */
const leave: ChannelBehaviour = ({ request, params, rails, confirm }) => {
  const stream = String(params.stream ?? 'a');
  if (request.command === 'subscribe') return commandResponse({ streams: [stream], transmissions: [confirm] });
  if (request.command === 'unsubscribe') leaveUnsubscribed(params, rails);
  return commandResponse({});
};

function leaveUnsubscribed(params: Record<string, unknown>, rails: RailsSide): void {
  rails.broadcast(String(params.stream ?? 'a'), { data: `user left${params.id ?? ''}` });
}

const CHANNELS: Readonly<Record<string, ChannelBehaviour>> = {
  ChatChannel: chat,
  EchoChannel: echo,
  StreamsChannel: streams,
  PerformChannel: perform,
  StateChannel: state,
  RequestChannel: requestChannel,
  LeaveChannel: leave,
  AckChannel: ({ request, confirm }) => commandResponse({ transmissions: request.command === 'subscribe' ? [confirm] : [] }),
  RejectorChannel: ({ request, reject }) => (request.command === 'subscribe' ? reject : commandResponse({})),
  TransmitChannel: ({ request, transmit, confirm }) => commandResponse({ transmissions: request.command === 'subscribe' ? [transmit('hello'), transmit('world'), confirm] : [] }),
};

/** A Command as the channel named in its identifier answers it (unknown channels reject, as Rails does). */
export function railsCommand(request: CommandMessage, rails: RailsSide): CommandResponse {
  const params = paramsOf(request.identifier);
  if (!params) return commandResponse({ status: ERROR, errorMsg: 'identifier is not JSON' });
  const id = request.identifier;
  const reject = commandResponse({ status: FAILURE, transmissions: [JSON.stringify({ identifier: id, type: 'reject_subscription' })] });
  const behaviour = CHANNELS[String(params.channel)];
  if (!behaviour) return request.command === 'subscribe' ? reject : commandResponse({ status: ERROR, errorMsg: 'Channel not found' });
  return behaviour({
    request,
    params,
    data: JSON.parse(request.data || '{}') as Record<string, unknown>,
    rails,
    transmit: (message) => JSON.stringify({ identifier: id, message }),
    confirm: JSON.stringify({ identifier: id, type: 'confirm_subscription' }),
    reject,
  });
}

/** Disconnect: `unsubscribed` of every subscription the connection held (only `LeaveChannel` does something). */
export function railsDisconnect(request: DisconnectRequest, rails: RailsSide): void {
  for (const identifier of request.subscriptions) {
    const params = paramsOf(identifier);
    if (params?.channel === 'LeaveChannel') leaveUnsubscribed(params, rails);
  }
}
