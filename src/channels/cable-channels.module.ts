import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BroadcastModule } from '../broadcast/broadcast.module.js';
import { CableChannelContributor } from './cable-channel.contributor.js';

/**
 * Registers the `@CableChannel` classes of every module with the routing table
 * (through `CableChannelContributor`); `BroadcastModule` gives their `ctx.broadcast` its `Ingest`.
 */
@Module({ imports: [DiscoveryModule, BroadcastModule], providers: [CableChannelContributor] })
export class CableChannelsModule {}
