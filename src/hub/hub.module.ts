import { Global, Module } from '@nestjs/common';
import { Hub } from './hub.js';
import { SessionRegistry } from './session-registry.js';
import { Counters } from '../metrics/counters.js';

/** Provides the single in-process `Hub` and `SessionRegistry` (plain classes). */
@Global()
@Module({
  providers: [
    { provide: Hub, useFactory: () => new Hub() },
    { provide: SessionRegistry, useFactory: () => new SessionRegistry() },
    { provide: Counters, useFactory: () => new Counters() },
  ],
  exports: [Hub, SessionRegistry, Counters],
})
export class HubModule {}
