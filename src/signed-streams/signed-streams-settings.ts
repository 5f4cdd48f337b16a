/**
 * Turns the `streams` slice of the config into verifiers per channel, with
 * AnyCable's fallbacks (anycable cli/options.go, streams/config.go): the
 * streams secret falls back to `secret`; Turbo and CableReady keys fall back to
 * the streams secret; the deprecated `turbo_rails_key` / `cable_ready_key` set
 * the key and enable the channel. cablecar adds one step before the streams
 * fallback: a key derived from `rails_secret_key_base` like Rails does.
 */
import type { CableConfig } from '../config/cable-config.js';
import { MessageVerifier, type VerifierKey } from './message-verifier.js';
import { deriveRailsKey, RAILS_KEY_SALTS } from './rails-key-generator.js';

/** The options this module reads. */
export type SignedStreamsConfig = Pick<
  CableConfig,
  | 'secret'
  | 'publicStreams'
  | 'streamsSecret'
  | 'streamsSecretPrevious'
  | 'streamsWhisper'
  | 'streamsDigest'
  | 'streamsPurpose'
  | 'turboStreams'
  | 'turboStreamsSecret'
  | 'turboStreamsSecretPrevious'
  | 'cableReady'
  | 'cableReadySecret'
  | 'cableReadySecretPrevious'
  | 'railsSecretKeyBase'
  | 'railsKeyDigest'
  | 'turboRailsKey'
  | 'cableReadyKey'
>;

/** A locally handled signed channel, or why it is left to the fallback. */
export type SignedChannelSetting =
  | { kind: 'enabled'; verifier: MessageVerifier; keySource: string }
  | { kind: 'disabled'; reason: string };

/** Everything the signed-streams module wires. */
export interface SignedStreamsSettings {
  /** `$pubsub`: no verifier = signed names are refused (no secret). */
  pubsub: { verifier?: MessageVerifier; keySource?: string; publicStreams: boolean; whisperOnSigned: boolean };
  turbo: SignedChannelSetting;
  cableReady: SignedChannelSetting;
  /** Deprecations and misconfigurations, logged once at boot. */
  warnings: string[];
}

interface ResolvedKeys {
  keys: VerifierKey[];
  source: string;
}

/** The non-empty entries of a `*_previous` option. */
export function parseKeyList(value: readonly string[]): string[] {
  return value.map((k) => k.trim()).filter(Boolean);
}

/** Resolve the config into verifiers. `now` is the clock for metadata `exp` checks. */
export function resolveSignedStreams(config: SignedStreamsConfig, now: () => number = Date.now): SignedStreamsSettings {
  const warnings: string[] = [];
  const digest = config.streamsDigest;
  const streams: ResolvedKeys | undefined = config.streamsSecret
    ? { keys: [config.streamsSecret, ...parseKeyList(config.streamsSecretPrevious)], source: 'streams_secret' }
    : config.secret
      ? { keys: [config.secret, ...parseKeyList(config.streamsSecretPrevious)], source: 'secret' }
      : undefined;

  const pubsubVerifier = streams && new MessageVerifier({ keys: streams.keys, digest, purpose: config.streamsPurpose, now });
  if (!streams && config.streamsWhisper) warnings.push('streams_whisper is on but no streams secret is set: signed $pubsub names are refused');

  const channel = (opts: {
    label: string;
    enabledFlag: boolean;
    flagName: string;
    secret: string;
    secretName: string;
    deprecatedKey: string;
    deprecatedName: string;
    previous: readonly string[];
    salt: string;
  }): SignedChannelSetting => {
    if (opts.deprecatedKey) warnings.push(`${opts.deprecatedName} is deprecated: use ${opts.secretName} and ${opts.flagName}`);
    if (!opts.enabledFlag && !opts.deprecatedKey) return { kind: 'disabled', reason: `${opts.flagName} is off` };
    const previous = parseKeyList(opts.previous);
    let resolved: ResolvedKeys | undefined;
    const explicit = opts.secret || opts.deprecatedKey;
    if (explicit) resolved = { keys: [explicit, ...previous], source: opts.secret ? opts.secretName : opts.deprecatedName };
    else if (config.railsSecretKeyBase) {
      const derived = deriveRailsKey(config.railsSecretKeyBase, opts.salt, config.railsKeyDigest);
      resolved = { keys: [derived, ...previous], source: `rails_secret_key_base (${config.railsKeyDigest}, "${opts.salt}")` };
    } else if (streams) {
      resolved = { keys: previous.length ? [streams.keys[0], ...previous] : streams.keys, source: streams.source };
    }
    if (!resolved) {
      warnings.push(`${opts.flagName} is on but no ${opts.label} key is set (${opts.secretName}, rails_secret_key_base, streams_secret or secret): the channel goes to the fallback`);
      return { kind: 'disabled', reason: 'no key' };
    }
    // Turbo and CableReady never sign with metadata, so no purpose is required of them.
    return { kind: 'enabled', verifier: new MessageVerifier({ keys: resolved.keys, digest, now }), keySource: resolved.source };
  };

  return {
    pubsub: { verifier: pubsubVerifier, keySource: streams?.source, publicStreams: config.publicStreams, whisperOnSigned: config.streamsWhisper },
    turbo: channel({
      label: 'Turbo',
      enabledFlag: config.turboStreams,
      flagName: 'turbo_streams',
      secret: config.turboStreamsSecret,
      secretName: 'turbo_streams_secret',
      deprecatedKey: config.turboRailsKey,
      deprecatedName: 'turbo_rails_key',
      previous: config.turboStreamsSecretPrevious,
      salt: RAILS_KEY_SALTS.turbo,
    }),
    cableReady: channel({
      label: 'CableReady',
      enabledFlag: config.cableReady,
      flagName: 'cable_ready',
      secret: config.cableReadySecret,
      secretName: 'cable_ready_secret',
      deprecatedKey: config.cableReadyKey,
      deprecatedName: 'cable_ready_key',
      previous: config.cableReadySecretPrevious,
      salt: RAILS_KEY_SALTS.cableReady,
    }),
    warnings,
  };
}
