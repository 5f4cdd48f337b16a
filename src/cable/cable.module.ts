import { Module } from '@nestjs/common';
import { BroadcastModule } from '../broadcast/broadcast.module.js';
import { CableGateway } from './cable.gateway.js';

/** The Action Cable WebSocket gateway. Imports `BroadcastModule` for `Ingest` (whispers). */
@Module({ imports: [BroadcastModule], providers: [CableGateway] })
export class CableModule {}
