export * from './commands.js';
export * from './disconnect-reasons.js';
export * from './messages.js';
export * from './session-params.js';
