/**
 * The `limits` slice: per-connection bounds. cablecar only: anycable-go has
 * none of these (see docs/security.md). Read by the gateway, which hands them to every session.
 */
import { IsInt, IsNumber, Min } from 'class-validator';
import { defineCapability, resolvedOk, type Resolved } from './capability.js';
import { LIMITS_SETTINGS } from './config.tokens.js';
import { Option } from './option.decorator.js';

/** Options of the `limits` slice. */
export class LimitsOptions {
  @Option({ kind: 'int', toml: 'limits.max_subscriptions', description: 'Subscriptions one connection may hold; further subscribes are rejected (0 = unlimited).' })
  @IsInt() @Min(0)
  maxSubscriptions = 256;

  @Option({ kind: 'int', toml: 'limits.max_identifiers_per_stream', description: 'Subscriptions (identifiers) of one connection on the same stream; further ones are rejected (0 = unlimited).' })
  @IsInt() @Min(0)
  maxIdentifiersPerStream = 16;

  @Option({ kind: 'number', toml: 'limits.command_rate', description: 'Commands per second one connection may send on average; past the burst it is disconnected as rate_limited (0 = unlimited).' })
  @IsNumber() @Min(0)
  commandRate = 100;

  @Option({ kind: 'int', toml: 'limits.command_burst', description: 'Commands one connection may send at once above command_rate (a page resubscribing after a reconnect).' })
  @IsInt() @Min(1)
  commandBurst = 300;

  @Option({ kind: 'number', toml: 'limits.whisper_rate', description: 'Whispers per second one connection may send on average; extra whispers are dropped (0 = unlimited).' })
  @IsNumber() @Min(0)
  whisperRate = 20;

  @Option({ kind: 'int', toml: 'limits.whisper_burst', description: 'Whispers one connection may send at once above whisper_rate.' })
  @IsInt() @Min(1)
  whisperBurst = 40;
}

/** The resolved `limits` slice (0 = unlimited for the counts and rates). */
export interface LimitsSettings {
  readonly maxSubscriptions: number;
  readonly maxIdentifiersPerStream: number;
  readonly commandRate: number;
  readonly commandBurst: number;
  readonly whisperRate: number;
  readonly whisperBurst: number;
}

/** Resolve the `limits` slice: the options as they are. */
export function resolveLimitsSettings(options: Readonly<LimitsOptions>): Resolved<LimitsSettings, LimitsOptions> {
  const { maxSubscriptions, maxIdentifiersPerStream, commandRate, commandBurst, whisperRate, whisperBurst } = options;
  return resolvedOk({ maxSubscriptions, maxIdentifiersPerStream, commandRate, commandBurst, whisperRate, whisperBurst });
}

/** The `limits` capability. */
export const limitsCapability = defineCapability({ name: 'limits', options: LimitsOptions, token: LIMITS_SETTINGS, resolve: resolveLimitsSettings });
