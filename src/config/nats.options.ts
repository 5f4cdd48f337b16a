/**
 * The `nats` slice: how the NATS edges connect (anycable nats/config.go): the
 * server list and whether to keep its order. Read by the NATS broadcaster and
 * the NATS pub/sub (`NATS_SETTINGS`).
 */
import { ArrayNotEmpty, IsBoolean, IsString, Matches } from 'class-validator';
import { defineCapability, resolvedOk, type Resolved } from './capability.js';
import { NATS_SETTINGS } from './config.tokens.js';
import { Option } from './option.decorator.js';

/** Options of the `nats` slice (`[nats]` in anycable.toml). */
export class NatsOptions {
  @Option({ kind: 'list', toml: 'nats.servers', secret: true, description: 'NATS server URLs, comma-separated (may hold credentials, so redacted), default nats://127.0.0.1:4222.' })
  @ArrayNotEmpty() @IsString({ each: true }) @Matches(/^(nats|tls):\/\/\S+$/, { each: true, message: 'nats_servers entries must be nats:// or tls:// URLs' })
  natsServers: string[] = ['nats://127.0.0.1:4222'];

  @Option({ kind: 'bool', toml: 'nats.dont_randomize_servers', description: 'Try nats_servers in the given order on (re)connect instead of shuffling them.' })
  @IsBoolean()
  natsDontRandomizeServers = false;
}

/** The resolved `nats` slice. */
export interface NatsSettings {
  readonly servers: readonly string[];
  readonly dontRandomize: boolean;
}

/** Resolve the `nats` slice. */
export function resolveNatsSettings(options: Readonly<NatsOptions>): Resolved<NatsSettings, NatsOptions> {
  return resolvedOk({ servers: options.natsServers.map((s) => s.trim()), dontRandomize: options.natsDontRandomizeServers });
}

/** The `nats` capability, provided as `NATS_SETTINGS`. */
export const natsCapability = defineCapability({ name: 'nats', options: NatsOptions, token: NATS_SETTINGS, resolve: resolveNatsSettings });
