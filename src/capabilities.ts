/**
 * The list of capabilities: every slice of the one config schema, in the order
 * of the docs table, and the rules that span slices. Assembled here, at the top
 * level, because `config/` imports no feature folder: the loader receives this
 * list and knows each capability only through its `resolve`.
 */
import { broadcastCapability } from './broadcast/broadcast.options.js';
import { jwtCapability } from './auth/jwt/jwt.options.js';
import { appCapability } from './config/app.options.js';
import type { AnyCapability, SettingsOf } from './config/capability.js';
import type { ConfigSchema } from './config/config-schema.js';
import { limitsCapability } from './config/limits.options.js';
import { loadConfig, type ConfigOutcome, type ConfigSources, type LoadedConfig } from './config/load-config.js';
import { loggingCapability } from './config/logging.options.js';
import { metricsCapability } from './metrics/metrics.options.js';
import { natsCapability } from './config/nats.options.js';
import { redisCapability } from './config/redis.options.js';
import { rpcCapability } from './rpc/rpc.options.js';
import { serverCapability } from './config/server.options.js';
import { wsCapability } from './config/ws.options.js';
import { dashboardCapability } from './dashboard/dashboard.options.js';
import { extensionsCapability } from './extensions/extensions.options.js';
import { streamsCapability } from './signed-streams/signed-streams.options.js';

/** Every capability cablecar configures, in docs-table order. */
export const CAPABILITIES = [
  serverCapability,
  appCapability,
  wsCapability,
  limitsCapability,
  broadcastCapability,
  jwtCapability,
  redisCapability,
  natsCapability,
  streamsCapability,
  rpcCapability,
  loggingCapability,
  metricsCapability,
  dashboardCapability,
  extensionsCapability,
] as const;

/** The capabilities' types, for typed access to each slice. */
export type CableCapabilities = typeof CAPABILITIES;
/** Every slice's resolved settings, by capability name (`settings.server.port`). */
export type CableSettings = SettingsOf<CableCapabilities>;
/** cablecar's loaded configuration. */
export type CableConfig = LoadedConfig<CableCapabilities>;

/** The whole schema: the capabilities plus the rules that involve two of them. */
export const CABLE_SCHEMA: ConfigSchema<CableCapabilities> = {
  capabilities: CAPABILITIES,
  crossSliceRules: [
    (settings) => (settings.broadcast.http && settings.server.paths.includes(settings.broadcast.http.path) ? ['http_broadcast_path: must differ from the WebSocket path'] : []),
    (settings) => (settings.broadcast.http && [settings.server.healthPath, settings.server.readinessPath].includes(settings.broadcast.http.path) ? ['http_broadcast_path: must differ from health-path and readiness_path'] : []),
    (settings) => {
      const dashboard = settings.dashboard.dashboard?.path;
      const taken = [...settings.server.paths, settings.server.healthPath, settings.broadcast.http?.path];
      return dashboard && taken.some((path) => path === dashboard || path?.startsWith(dashboard + '/')) ? ['dashboard_path: must differ from the WebSocket, health and broadcast paths'] : [];
    },
    (settings) => {
      const metrics = settings.metrics.http;
      const taken = [...settings.server.paths, settings.server.healthPath, settings.server.readinessPath, settings.broadcast.http?.path, settings.dashboard.dashboard?.path];
      return metrics?.kind === 'main' && taken.includes(metrics.path) ? ['metrics_http: must differ from the WebSocket, health, readiness, broadcast and dashboard paths on the main server'] : [];
    },
  ],
};

/**
 * Load cablecar's configuration from `anycable.toml` < env < CLI flags. The option slices of
 * `extensions` join the schema after cablecar's own (typed settings cover cablecar's slices).
 */
export function loadCableConfig(sources: ConfigSources, extensions: readonly { readonly options: readonly AnyCapability[] }[] = []): ConfigOutcome<CableCapabilities> {
  if (extensions.length === 0) return loadConfig(sources, CABLE_SCHEMA);
  const capabilities = [...CAPABILITIES, ...extensions.flatMap((extension) => extension.options)];
  return loadConfig(sources, { capabilities, crossSliceRules: CABLE_SCHEMA.crossSliceRules } as ConfigSchema<readonly AnyCapability[]>) as unknown as ConfigOutcome<CableCapabilities>;
}
