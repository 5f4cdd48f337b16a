/**
 * The one info line a start prints: what this node serves and where, so an
 * operator reads the set-up at a glance (anycable-go prints a similar short
 * banner, cli/cli.go). The full effective config stays available at debug and
 * through `--print-config`. Plain data in, log fields out; no secrets can reach
 * it because it is built from names and hosts only (never keys, URLs with
 * credentials or header values).
 */
import type { LogFields } from './cable-logger.js';

/** What the bootstrap knows once the app listens. */
export interface StartupFacts {
  readonly host: string;
  readonly port: number;
  readonly paths: readonly string[];
  /** `off`, or the certificate file served (`ssl_cert`; a path, never key material). */
  readonly tls: string;
  /** Identification steps in order (`jwt`, `rpc`, `noauth`); empty = every connection is refused. */
  readonly identification: readonly string[];
  /** Channels handled in this process (`$pubsub`, `Turbo::StreamsChannel`, `@CableChannel` classes). */
  readonly channels: readonly string[];
  /** Broadcast adapters listening (`http`, `redis`, `redisx`, `nats`, `actioncable`). */
  readonly broadcasters: readonly string[];
  /** Node-to-node pub/sub: `none`, `redis`, `nats`. */
  readonly pubsub: string;
  /** `off (<why>)` or `<transport> <where>` (host and port only). */
  readonly rpc: string;
  /** `off`, or where Prometheus scrapes (`/metrics`, `127.0.0.1:9100/metrics`). */
  readonly metrics: string;
}

/** The message of the start-up line (kept as anycable-style "listening" so tools can find the port). */
export const STARTUP_MESSAGE = 'cablecar listening';

/** The start-up line's fields; lists are comma-joined and an empty list says so in words. */
export function startupFields(facts: StartupFacts): LogFields {
  const list = (items: readonly string[], none: string) => (items.length > 0 ? items.join(',') : none);
  return {
    host: facts.host,
    port: facts.port,
    paths: list(facts.paths, '(none)'),
    tls: facts.tls,
    identification: list(facts.identification, '(none: every connection is unauthorized)'),
    channels: list(facts.channels, '(none)'),
    broadcasters: list(facts.broadcasters, '(none)'),
    pubsub: facts.pubsub,
    rpc: facts.rpc,
    metrics: facts.metrics,
  };
}
