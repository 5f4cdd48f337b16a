/**
 * The `streams` slice's options (anycable cli/options.go, streams/config.go:
 * `[streams]` in anycable.toml) and its capability. Secrets are strings; ''
 * means unset (the literal `none` too); `*_previous` options are lists of
 * retired secrets still accepted.
 */
import { IsBoolean, IsIn, IsString } from 'class-validator';
import { defineCapability } from '../config/capability.js';
import { Option } from '../config/option.decorator.js';
import { VERIFIER_DIGESTS, type VerifierDigest } from './message-verifier.js';
import { resolveSignedStreams } from './signed-streams-settings.js';
import { STREAMS_SETTINGS } from './signed-streams.tokens.js';

/** Options of the `streams` slice. */
export class StreamsOptions {
  @Option({ kind: 'bool', toml: 'streams.public', description: 'Allow unsigned `stream_name` subscriptions on the `$pubsub` channel.' })
  @IsBoolean()
  publicStreams = false;

  @Option({ kind: 'string', toml: 'streams.secret', secret: true, description: 'HMAC key for `$pubsub` `signed_stream_name`; falls back to `secret`.' })
  @IsString()
  streamsSecret = '';

  @Option({ kind: 'list', toml: 'streams.secret_previous', secret: true, description: 'Previous streams secret(s), comma-separated or a TOML array, still accepted during a key rotation.' })
  @IsString({ each: true })
  streamsSecretPrevious: string[] = [];

  @Option({ kind: 'bool', toml: 'streams.whisper', description: 'Allow whispers on signed `$pubsub` streams (public streams always allow them).' })
  @IsBoolean()
  streamsWhisper = false;

  @Option({ kind: 'string', toml: 'streams.digest', description: 'MessageVerifier digest for signed stream names: sha1, sha256, sha384 or sha512 (Turbo, CableReady and AnyCable use sha256).' })
  @IsIn(VERIFIER_DIGESTS as unknown as string[])
  streamsDigest: VerifierDigest = 'sha256';

  @Option({ kind: 'string', toml: 'streams.purpose', description: 'Required Rails metadata purpose (`_rails.pur`) of `$pubsub` signed names; empty = names must carry no purpose.' })
  @IsString()
  streamsPurpose = '';

  @Option({ kind: 'bool', toml: 'streams.turbo', description: 'Handle `Turbo::StreamsChannel` subscriptions locally (no RPC).' })
  @IsBoolean()
  turboStreams = false;

  @Option({ kind: 'string', toml: 'streams.turbo_secret', secret: true, description: 'Turbo signed stream verifier key; falls back to the Rails-derived key, then the streams secret.' })
  @IsString()
  turboStreamsSecret = '';

  @Option({ kind: 'list', toml: 'streams.turbo_secret_previous', secret: true, description: 'Previous Turbo verifier key(s), comma-separated or a TOML array, still accepted during a key rotation.' })
  @IsString({ each: true })
  turboStreamsSecretPrevious: string[] = [];

  @Option({ kind: 'bool', toml: 'streams.cable_ready', description: 'Handle `CableReady::Stream` subscriptions locally (no RPC).' })
  @IsBoolean()
  cableReady = false;

  @Option({ kind: 'string', toml: 'streams.cable_ready_secret', secret: true, description: 'CableReady verifier key; falls back to the Rails-derived key, then the streams secret.' })
  @IsString()
  cableReadySecret = '';

  @Option({ kind: 'list', toml: 'streams.cable_ready_secret_previous', secret: true, description: 'Previous CableReady verifier key(s), comma-separated or a TOML array, still accepted during a key rotation.' })
  @IsString({ each: true })
  cableReadySecretPrevious: string[] = [];

  @Option({ kind: 'string', toml: 'streams.rails_secret_key_base', secret: true, description: "Rails `secret_key_base`: derives the Turbo and CableReady keys like Rails' key_generator when no explicit key is set." })
  @IsString()
  railsSecretKeyBase = '';

  @Option({ kind: 'string', toml: 'streams.rails_key_digest', description: 'PBKDF2 digest of the Rails key_generator: sha256 (load_defaults 7.0+) or sha1 (older apps).' })
  @IsIn(['sha1', 'sha256'])
  railsKeyDigest: 'sha1' | 'sha256' = 'sha256';

  @Option({ kind: 'string', toml: 'streams.turbo_rails_key', secret: true, description: 'Deprecated (AnyCable < 1.5): sets the Turbo key and enables `turbo_streams`.' })
  @IsString()
  turboRailsKey = '';

  @Option({ kind: 'string', toml: 'streams.cable_ready_key', secret: true, description: 'Deprecated (AnyCable < 1.5): sets the CableReady key and enables `cable_ready`.' })
  @IsString()
  cableReadyKey = '';
}

/** The `streams` capability: `StreamsOptions` resolved into verifiers, provided as `STREAMS_SETTINGS`. */
export const streamsCapability = defineCapability({ name: 'streams', options: StreamsOptions, token: STREAMS_SETTINGS, resolve: (options, shared) => resolveSignedStreams(options, shared) });
