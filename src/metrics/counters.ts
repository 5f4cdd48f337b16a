/**
 * Plain in-process counters for events the operations side needs to see. Two kinds:
 * - fields (`clientMessages`, `bytesSent`, `broadcasts`, `rpc.calls`, ...): what the hot path
 *   counts per frame or per publication, incremented in place (no Map lookup, no exporter call);
 * - named entries (`limit_hits_total:command_rate`, `dropped_publications_total:<edge>`, ...): rarer
 *   events, added by name to a Map; `snapshot()` lists them, so a new name reaches every exporter.
 * Gauges owned elsewhere (RPC queue sizes) are read through functions registered with `gauge()`.
 * The exporters (Prometheus, metrics_log, the dashboard) read all of it at scrape time.
 * Names never carry a stream, user or other per-client value.
 */

/** Per-connection bounds that can be hit (docs/security.md). */
export type LimitName = 'max_subscriptions' | 'max_identifiers_per_stream' | 'command_rate' | 'whisper_rate' | 'pending_frames' | 'fragments' | 'ws_max_pending_size';

/** Gauges whose owner registers a reader with `Counters.gauge()` (the RPC module). */
export type GaugeName = 'rpc_pending_num' | 'rpc_capacity_num' | 'disconnect_queue_size';

/**
 * RPC call tallies, counted by the RPC call policy (anycable rpc/rpc.go names in brackets).
 * A plain object: one field increment per call.
 */
export class RpcTally {
  /** Calls made: Connect, Command, Disconnect (`rpc_call_total`). */
  calls = 0;
  /** Calls that ended without a usable answer, cancellations excepted (`rpc_error_total`). */
  errors = 0;
  /** Attempts repeated after UNAVAILABLE / RESOURCE_EXHAUSTED (`rpc_retries_total`). */
  retries = 0;
  /** Calls that ended on a deadline; also counted as errors (`rpc_timeout_total`). */
  timeouts = 0;
  /** Calls cancelled because their session closed or the client stopped (`rpc_canceled_total`). */
  canceled = 0;
}

/**
 * Prefix of the refused-connection counters, one label per cause: `unauthorized` / `token_expired`
 * (identification said no), `identify_error` (it failed on our side), and at the upgrade
 * `origin`, `max_conn`, `shutting_down`, `invalid_host`.
 */
export const REJECTED_CONNECTIONS = 'rejected_connections_total:';

/** Prefix of the per-reason disconnect counters (`disconnects_total:too_slow`). */
export const DISCONNECTS_PREFIX = 'disconnects_total:';
/** Prefix of the per-channel live-subscription gauges (`subscriptions:ChatChannel`). */
export const SUBSCRIPTIONS_PREFIX = 'subscriptions:';

/** One closed connection, as the dashboard lists it: when and why, nothing about who. */
export interface DisconnectRecord {
  /** Epoch ms. */
  readonly at: number;
  /** Catalogued reason, close text (`Auth Error`) or `closed by client`. */
  readonly reason: string;
}

/** How many recent disconnects are kept. */
const RECENT_DISCONNECTS = 50;
/** Distinct channel names tracked; a Rails app confirming invented names cannot grow the map past this. */
const MAX_CHANNELS = 100;
/** Where subscriptions of channels past `MAX_CHANNELS` are counted. */
const OTHER_CHANNELS = '(other)';

/** See file comment. */
export class Counters {
  // why fields: these move per frame or per publication; a Map lookup each time is measurable in fan-out.
  /** Frames received from clients (`client_msg_total`). */
  clientMessages = 0;
  /** Frames from clients that were not a known command (`failed_client_msg_total`). */
  failedClientMessages = 0;
  /** Frames queued to clients (`server_msg_total`). */
  serverMessages = 0;
  /** Frames not sent because the socket was no longer open (`failed_server_msg_total`). */
  failedServerMessages = 0;
  /** Bytes of frames received from clients (`data_rcvd_total`). */
  bytesReceived = 0;
  /** Bytes of frames queued to clients (`data_sent_total`). */
  bytesSent = 0;
  /** Items this node delivered: publications and remote commands, one each whatever the subscriber count (`broadcast_msg_total`). */
  broadcasts = 0;
  /** Frames the hub handed to sockets for publications. */
  deliveries = 0;
  /** Connections identification refused (`failed_auths_total`). */
  failedAuths = 0;
  /** RPC call tallies. */
  readonly rpc = new RpcTally();

  private readonly gauges = new Map<GaugeName, () => number>();
  private readonly values = new Map<string, number>();
  // why a fixed ring: one slot write per disconnect, no allocation growth.
  private readonly recent: (DisconnectRecord | undefined)[] = new Array(RECENT_DISCONNECTS);
  private recentNext = 0;
  /** Live subscriptions per channel name (at most `MAX_CHANNELS` names plus `OTHER_CHANNELS`). */
  private readonly subscriptions = new Map<string, number>();

  /** Add `by` to counter `name`. */
  add(name: string, by = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + by);
  }

  /** Count one hit of a per-connection limit (`limit_hits_total{limit}`). */
  limitHit(limit: LimitName): void {
    this.add(`limit_hits_total:${limit}`);
  }

  /** A connection closed; `reason` is a fixed label (catalogue reason or close text), never client data. */
  disconnected(reason: string, now: number = Date.now()): void {
    this.add(DISCONNECTS_PREFIX + reason);
    this.recent[this.recentNext] = { at: now, reason };
    this.recentNext = (this.recentNext + 1) % RECENT_DISCONNECTS;
  }

  /** A subscription to `channel` was recorded (+1) or dropped (-1). */
  subscriptionsChanged(channel: string, delta: 1 | -1): void {
    // why a Map keyed by the bare channel: no `prefix + channel` string to build and hash per subscribe.
    const { subscriptions } = this;
    const count = subscriptions.get(channel);
    if (count !== undefined) subscriptions.set(channel, count + delta);
    else if (subscriptions.size < MAX_CHANNELS) subscriptions.set(channel, delta);
    else subscriptions.set(OTHER_CHANNELS, (subscriptions.get(OTHER_CHANNELS) ?? 0) + delta);
  }

  /** The most recent disconnects, newest first. */
  recentDisconnects(): DisconnectRecord[] {
    const out: DisconnectRecord[] = [];
    for (let i = 1; i <= RECENT_DISCONNECTS; i++) {
      const record = this.recent[(this.recentNext - i + RECENT_DISCONNECTS) % RECENT_DISCONNECTS];
      if (record) out.push(record);
    }
    return out;
  }

  /** Current value of `name` (0 when never incremented). */
  get(name: string): number {
    if (name.startsWith(SUBSCRIPTIONS_PREFIX)) return this.subscriptions.get(name.slice(SUBSCRIPTIONS_PREFIX.length)) ?? 0;
    return this.values.get(name) ?? 0;
  }

  /** Register how to read gauge `name` (the last registration wins). */
  gauge(name: GaugeName, read: () => number): void {
    this.gauges.set(name, read);
  }

  /** Current value of gauge `name` (0 when nobody registered it, e.g. RPC off). */
  readGauge(name: GaugeName): number {
    return this.gauges.get(name)?.() ?? 0;
  }

  /** Copy of every named counter, for exporters and tests (the fields are read directly). */
  snapshot(): Record<string, number> {
    const out = Object.fromEntries(this.values);
    for (const [channel, count] of this.subscriptions) out[SUBSCRIPTIONS_PREFIX + channel] = count;
    return out;
  }
}
