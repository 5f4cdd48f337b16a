/**
 * Resolves the `streams` slice into verifiers per channel, with AnyCable's
 * fallbacks (anycable cli/options.go, streams/config.go): the streams secret
 * falls back to the shared `secret`; Turbo and CableReady keys fall back to the
 * streams secret; the deprecated `turbo_rails_key` / `cable_ready_key` set the
 * key and enable the channel; `public` implies public streams. cablecar adds one
 * step before the streams fallback: a key derived from `rails_secret_key_base`
 * like Rails does. A switch that cannot work for want of a key is a problem that
 * stops start-up, not a silent fallback.
 */
import type { Resolved, SharedSettings } from '../config/capability.js';
import { MessageVerifier, type VerifierKey } from './message-verifier.js';
import { deriveRailsKey, RAILS_KEY_SALTS } from './rails-key-generator.js';
import type { StreamsOptions } from './signed-streams.options.js';

/** A locally handled signed channel, or why it is left to the fallback. */
export type SignedChannelSetting =
  | { kind: 'enabled'; verifier: MessageVerifier; keySource: string }
  | { kind: 'disabled'; reason: string };

/** Everything the signed-streams module wires. */
export interface SignedStreamsSettings {
  /** `$pubsub`: no verifier = signed names are refused (no secret). */
  readonly pubsub: { readonly verifier?: MessageVerifier; readonly keySource?: string; readonly publicStreams: boolean; readonly whisperOnSigned: boolean };
  readonly turbo: SignedChannelSetting;
  readonly cableReady: SignedChannelSetting;
}

interface ResolvedKeys {
  keys: VerifierKey[];
  source: string;
}

/** The non-empty entries of a `*_previous` option. */
export function parseKeyList(value: readonly string[]): string[] {
  return value.map((k) => k.trim()).filter(Boolean);
}

/** Resolve the options into verifiers. `now` is the clock for metadata `exp` checks. */
export function resolveSignedStreams(
  options: Readonly<StreamsOptions>,
  shared: Pick<SharedSettings, 'app'>,
  now: () => number = Date.now,
): Resolved<SignedStreamsSettings, StreamsOptions> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const digest = options.streamsDigest;
  const { secret } = shared.app;
  const streams: ResolvedKeys | undefined = options.streamsSecret
    ? { keys: [options.streamsSecret, ...parseKeyList(options.streamsSecretPrevious)], source: 'streams_secret' }
    : secret
      ? { keys: [secret, ...parseKeyList(options.streamsSecretPrevious)], source: 'secret' }
      : undefined;

  const pubsubVerifier = streams && new MessageVerifier({ keys: streams.keys, digest, purpose: options.streamsPurpose, now });
  if (!streams && options.streamsWhisper) problems.push('streams_whisper: on, but no streams secret is set (streams_secret or secret), so there are no signed $pubsub streams to whisper on');
  const publicStreams = options.publicStreams || shared.app.public;

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
    else if (options.railsSecretKeyBase) {
      const derived = deriveRailsKey(options.railsSecretKeyBase, opts.salt, options.railsKeyDigest);
      resolved = { keys: [derived, ...previous], source: `rails_secret_key_base (${options.railsKeyDigest}, "${opts.salt}")` };
    } else if (streams) {
      resolved = { keys: previous.length ? [streams.keys[0], ...previous] : streams.keys, source: streams.source };
    }
    if (!resolved) {
      problems.push(`${opts.flagName}: on, but no ${opts.label} key is set (${opts.secretName}, rails_secret_key_base, streams_secret or secret)`);
      return { kind: 'disabled', reason: 'no key' };
    }
    // Turbo and CableReady never sign with metadata, so no purpose is required of them.
    return { kind: 'enabled', verifier: new MessageVerifier({ keys: resolved.keys, digest, now }), keySource: resolved.source };
  };

  const settings: SignedStreamsSettings = {
    pubsub: { verifier: pubsubVerifier, keySource: streams?.source, publicStreams, whisperOnSigned: options.streamsWhisper },
    turbo: channel({
      label: 'Turbo',
      enabledFlag: options.turboStreams,
      flagName: 'turbo_streams',
      secret: options.turboStreamsSecret,
      secretName: 'turbo_streams_secret',
      deprecatedKey: options.turboRailsKey,
      deprecatedName: 'turbo_rails_key',
      previous: options.turboStreamsSecretPrevious,
      salt: RAILS_KEY_SALTS.turbo,
    }),
    cableReady: channel({
      label: 'CableReady',
      enabledFlag: options.cableReady,
      flagName: 'cable_ready',
      secret: options.cableReadySecret,
      secretName: 'cable_ready_secret',
      deprecatedKey: options.cableReadyKey,
      deprecatedName: 'cable_ready_key',
      previous: options.cableReadySecretPrevious,
      salt: RAILS_KEY_SALTS.cableReady,
    }),
  };
  return { settings, problems, warnings, ...(publicStreams !== options.publicStreams ? { implied: { publicStreams } } : {}) };
}
