/**
 * Option names cablecar knows of but does not read, so an unknown `ANYCABLE_*`
 * variable can be told apart from a typo. Data only; names as the upstream
 * projects spell them (the env variable is `ANYCABLE_` + upper-case name, `-` -> `_`).
 */

/**
 * anycable-go options cablecar does not implement (yet). Sources: anycable
 * cli/options.go, rpc/config.go, ws/config.go, node/config.go, metrics/config.go,
 * broker/config.go, config/presets.go, docs/configuration.md (OSS and Pro).
 */
export const ANYCABLE_GO_ONLY_OPTIONS: readonly string[] = [
  // server, TLS, shutdown, misc
  'shutdown_delay', 'shutdown_pool_size', 'shutdown_slowdrain', 'node_id', 'presets',
  'disable_telemetry', 'memory_metrics', 'stats_refresh_interval', 'hub_gopool_size', 'netpoll_enabled',
  // WebSocket and pings
  'ws_write_timeout', 'enable_ws_compression', 'read_buffer_size', 'write_buffer_size', 'enable_native_pings',
  // RPC (rpc_host, rpc_* and the disconnect options are read by the rpc slice)
  'rpc_impl', 'disconnect_timeout', 'disable_disconnect',
  // broadcasting, pub/sub, broker
  'broker', 'redis_keepalive_interval', 'redis_disable_cache', 'redisx_read_block_milliseconds', 'http_broadcast_port', 'http_broadcast_cors',
  'history_limit', 'history_ttl', 'sessions_ttl', 'presence_ttl', 'streams_presence',
  'embed_nats', 'enats_addr', 'enats_cluster', 'enats_cluster_name', 'enats_cluster_routes', 'enats_gateway', 'enats_gateways',
  'enats_gateway_advertise', 'enats_debug', 'enats_trace',
  // metrics
  // metrics (metrics_http, metrics_host, metrics_port, metrics_tags, metrics_log, metrics_rotate_interval and
  // metrics_log_filter are read by the metrics slice)
  'metrics_log_interval', 'metrics_log_formatter', 'statsd_host', 'statsd_prefix', 'statsd_max_packet_size', 'statsd_tags_format',
  // other transports and APIs
  'api_path', 'api_port', 'api_secret', 'sse', 'ds', 'pusher_app_id', 'pusher_app_key', 'pusher_secret', 'graphql_path', 'poll', 'ocpp_path',
];

/**
 * Options read by both anycable-go and the Rails side (anycable-rb / anycable-rails
 * config.rb), that cablecar does not implement (yet).
 */
export const SHARED_WITH_RAILS_OPTIONS: readonly string[] = [];

/**
 * Options only the Rails side reads (anycable-rb lib/anycable/config.rb,
 * anycable-rails lib/anycable/rails/config.rb); one env file often configures both.
 */
export const RAILS_ONLY_OPTIONS: readonly string[] = [
  'http_broadcast_url', 'rpc_pool_size', 'http_rpc', 'http_rpc_mount_path', 'http_health_port', 'http_health_path',
  'version_check_enabled', 'sid_header_enabled', 'batch_broadcasts', 'socket_id_header', 'jwt_ttl', 'websocket_url',
];
