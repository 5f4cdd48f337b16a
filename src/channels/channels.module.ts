import { Global, Module } from '@nestjs/common';
import { ChannelRouter } from './channel-router.js';

/**
 * Channel routing: provides the one `ChannelRouter`. It reads no config slice:
 * the modules that own a channel register it (signed streams: `$pubsub`, Turbo,
 * CableReady; RPC: the fallback).
 */
@Global()
@Module({ providers: [ChannelRouter], exports: [ChannelRouter] })
export class ChannelsModule {}
