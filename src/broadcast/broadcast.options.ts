/**
 * The `broadcast` slice: inbound broadcast adapters and the HTTP endpoint
 * (anycable broadcast/http.go, cli/options.go). The key defaults to the one
 * the shared `app` slice derives from `secret`; `public` allows keyless broadcasts.
 */
import { IsIn, IsInt, IsString, Matches, Min } from 'class-validator';
import { defineCapability, type Resolved, type SharedSettings } from '../config/capability.js';
import { Option } from '../config/option.decorator.js';
import { BROADCAST_SETTINGS } from './broadcast.tokens.js';
import { broadcastAuthFor, type BroadcastAuth } from './http.broadcaster.js';

/** Broadcast adapters known to this build. */
export const BROADCAST_ADAPTERS = ['http'] as const;

/** Options of the `broadcast` slice. */
export class BroadcastOptions {
  @Option({ kind: 'list', toml: 'broadcast_adapters', description: 'Inbound broadcast adapters (this build: http).' })
  @IsIn(BROADCAST_ADAPTERS as unknown as string[], { each: true })
  broadcastAdapter: string[] = ['http'];

  @Option({ kind: 'string', toml: 'broadcast_key', secret: true, deprecatedNames: ['http_broadcast_secret'], description: 'Bearer key for HTTP broadcasts; defaults to hex HMAC-SHA256(secret, "broadcast-cable").' })
  @IsString()
  broadcastKey = '';

  @Option({ kind: 'string', toml: 'http_broadcast.path', description: 'Path of the HTTP broadcast endpoint.' })
  @IsString() @Matches(/^\//, { message: 'http_broadcast_path must start with /' })
  httpBroadcastPath = '/_broadcast';

  @Option({ kind: 'int', toml: 'http_broadcast.max_body_size', description: 'Largest accepted HTTP broadcast body in bytes (413 beyond).' })
  @IsInt() @Min(1024)
  httpBroadcastMaxBodySize = 4194304;
}

/** The resolved `broadcast` slice. */
export interface BroadcastSettings {
  /** The HTTP broadcaster, or undefined when `broadcast_adapter` does not list `http`. */
  readonly http?: {
    readonly path: string;
    readonly maxBodySize: number;
    /** `broadcast_key`, else the key derived from `secret`; keyless only in public mode. */
    readonly auth: BroadcastAuth;
  };
}

/** Resolve the `broadcast` slice with the shared key derivation and `public` mode. */
export function resolveBroadcastSettings(options: Readonly<BroadcastOptions>, shared: Pick<SharedSettings, 'app'>): Resolved<BroadcastSettings, BroadcastOptions> {
  const key = options.broadcastKey || shared.app.derivedBroadcastKey;
  const http = options.broadcastAdapter.includes('http')
    ? { path: options.httpBroadcastPath, maxBodySize: options.httpBroadcastMaxBodySize, auth: broadcastAuthFor(key, shared.app.public) }
    : undefined;
  return { settings: { http }, problems: [], warnings: [], ...(key !== options.broadcastKey ? { implied: { broadcastKey: key } } : {}) };
}

/** The `broadcast` capability, provided as `BROADCAST_SETTINGS`. */
export const broadcastCapability = defineCapability({ name: 'broadcast', options: BroadcastOptions, token: BROADCAST_SETTINGS, resolve: resolveBroadcastSettings });
