import { Module } from '@nestjs/common';
import { Hub } from './hub/hub.js';
import { SessionRegistry } from './hub/session-registry.js';
import { Counters } from './metrics/counters.js';

/**
 * Provides the single in-process `Hub`, `SessionRegistry` and `Counters`. It sits
 * outside `hub/` so that folder stays free of Nest (plain classes, created with `new`).
 */
@Module({
  providers: [
    { provide: Hub, useFactory: () => new Hub() },
    { provide: SessionRegistry, useFactory: () => new SessionRegistry() },
    { provide: Counters, useFactory: () => new Counters() },
  ],
  exports: [Hub, SessionRegistry, Counters],
})
export class HubModule {}
