import { Module } from '@nestjs/common';
import { CableGateway } from './cable.gateway.js';

/** The Action Cable WebSocket gateway. */
@Module({ providers: [CableGateway] })
export class CableModule {}
