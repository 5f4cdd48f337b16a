/**
 * cablecar's public API: the package entry (`import { CableChannel } from 'cablecar'`).
 * Everything not exported here is internal and may change without notice.
 * docs/extending.md describes each part with the chat example.
 */

// Running cablecar: the stock server's pieces, or cablecar inside your own Nest app.
export { startCable, attachCable, type RunningCable, type StartOptions } from './bootstrap.js';
export { loadCableConfig, type CableConfig, type CableSettings } from './capabilities.js';
export type { ConfigOutcome, ConfigSources } from './config/load-config.js';
export { CablecarModule, type CablecarModuleOptions } from './cablecar.module.js';
export { CableLogger, type CableLoggerOptions, type LogFields } from './logging/cable-logger.js';

// Extensions: a module plus option classes that join the one schema.
export { defineExtension, defineExtensionOptions, type CableExtension, type ExtensionOptions, type ExtensionResolved } from './extensions/extension.js';
export { CableExtensionModule } from './extensions/cable-extension.module.js';
export { Option, type OptionKind, type OptionSpec } from './config/option.decorator.js';
export { optionsTable } from './config/options-table.js';

// Channels.
export {
  Action,
  CableChannel,
  type ActionMethod,
  type ActionOptions,
  type CableChannelHooks,
  type CableChannelOptions,
  type ParamsClass,
} from './channels/cable-channel.decorator.js';
export type { SubscribeContext, SubscriptionContext } from './channels/subscription-context.js';
export type { MaybePromise, PerformOutcome, SubscribeOutcome, UnsubscribeOutcome } from './channels/channel.js';
export type { ConnectionEffects, DisconnectRequest, SubscriptionEffects } from './connection/effects.js';
export type { ConnectionEnv, StateMap, StatePatch } from './connection/connection-state.js';
export type { ChannelParams } from './protocol/commands.js';
export type { DisconnectReason } from './protocol/disconnect-reasons.js';

// Identification.
export { IdentificationStep, JWT_RANK, NOAUTH_RANK, RPC_RANK, type IdentificationStepOptions } from './auth/identification-step.decorator.js';
export type { ConnectionIdentifier, Handshake, IdentifyOutcome } from './auth/identification.js';
export { issueToken, type IssueTokenOptions } from './auth/jwt/token-issuer.js';

// Publishing from inside the server.
export { Ingest } from './broadcast/ingest.js';
export type { BroadcastItem, RemoteDisconnect } from './broadcast/publication.js';
export type { Publication, PublicationMeta } from './hub/hub.js';

// Errors.
export { CableError, ERROR_CODES, type CableErrorCode } from './errors.js';
