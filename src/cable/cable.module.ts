import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { BroadcastModule } from '../broadcast/broadcast.module.js';
import { HubModule } from '../hub.module.js';
import { CableGateway } from './cable.gateway.js';

/**
 * The Action Cable WebSocket gateway. Its imports are what it uses: the hub and
 * registry, the identification chain, and `Ingest` (whispers) from `BroadcastModule`.
 * The routing table comes from the global `ChannelsModule`.
 */
@Module({ imports: [HubModule, AuthModule, BroadcastModule], providers: [CableGateway] })
export class CableModule {}
