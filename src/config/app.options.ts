/**
 * The `app` slice: the application secret and the identification modes. It is
 * the one owner of the shared inputs' derivations (anycable cli/options.go):
 * the broadcast key derived from `secret`, the `secret` fallback of the JWT and
 * streams secrets (they read `shared.app.secret`), and `public` implying noauth,
 * public streams and keyless broadcasts. Resolved first; the others get it as `shared.app`.
 */
import { createHmac } from 'node:crypto';
import { IsBoolean, IsString } from 'class-validator';
import { defineSharedCapability, type Resolved } from './capability.js';
import { APP_SETTINGS } from './config.tokens.js';
import { Option } from './option.decorator.js';

/** Options of the `app` slice (top-level TOML keys, as in anycable.toml). */
export class AppOptions {
  @Option({ kind: 'string', toml: 'secret', secret: true, description: 'Application secret; broadcast key (and later JWT / streams secrets) are derived from it.' })
  @IsString()
  secret = '';

  @Option({ kind: 'bool', toml: 'noauth', description: 'Accept every connection without identification (identifiers = {"sid":...}).' })
  @IsBoolean()
  noauth = false;

  @Option({ kind: 'bool', toml: 'public', description: 'Shorthand for noauth + public_streams + unauthenticated HTTP broadcasts. Development only.' })
  @IsBoolean()
  public = false;
}

/** The resolved `app` slice, shared with every capability. */
export interface AppSettings {
  /** Application secret, '' when unset; the JWT and streams secrets fall back to it. */
  readonly secret: string;
  /** Accept every connection without identification: `noauth`, or implied by `public`. */
  readonly noauth: boolean;
  /** `public` (development): also implies public streams and keyless HTTP broadcasts. */
  readonly public: boolean;
  /** hex HMAC-SHA256(secret, "broadcast-cable"), '' without a secret; `broadcast_key` overrides it. */
  readonly derivedBroadcastKey: string;
}

/** Hex HMAC-SHA256 of `label` keyed by the application secret (anycable's derived secrets). */
export function deriveSecret(secret: string, label: string): string {
  return createHmac('sha256', secret).update(label).digest('hex');
}

/** Resolve the `app` slice. It needs no shared input: it is the shared input. */
export function resolveAppSettings(options: Readonly<AppOptions>): Resolved<AppSettings, AppOptions> {
  const noauth = options.noauth || options.public;
  return {
    settings: {
      secret: options.secret,
      noauth,
      public: options.public,
      derivedBroadcastKey: options.secret ? deriveSecret(options.secret, 'broadcast-cable') : '',
    },
    problems: [],
    warnings: [],
    ...(noauth !== options.noauth ? { implied: { noauth } } : {}),
  };
}

/** The `app` capability (shared slice, resolved first). */
export const appCapability = defineSharedCapability({ name: 'app', options: AppOptions, token: APP_SETTINGS, resolve: resolveAppSettings });
