/** Public surface of JWT identification, for Node backends and extensions. */
export { issueToken, type IssueTokenOptions } from './token-issuer.js';
export { JwtVerifier, safeEqual, MAX_TOKEN_LENGTH, type VerifyOutcome, type JwtVerifierOptions } from './jwt.verifier.js';
export { JwtIdentifier, type JwtIdentifierOptions } from './jwt.identifier.js';
export type { ReplayStore } from './replay-store.js';
export { MemoryReplayStore } from './memory.replay-store.js';
export { RedisReplayStore } from './redis.replay-store.js';
export { JwtModule, JwtAuth } from './jwt.module.js';
export type { JwtAlgorithm } from './jwt-algorithms.js';
