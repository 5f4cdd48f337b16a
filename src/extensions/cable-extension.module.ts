import { Module } from '@nestjs/common';
import { BroadcastModule } from '../broadcast/broadcast.module.js';

/**
 * What an extension's module imports to inject cablecar's services: `Ingest`, the
 * one road every broadcast takes to every node. Channels (`@CableChannel`) and
 * identification steps (`@IdentificationStep`) need no import: they are found at boot.
 */
@Module({ imports: [BroadcastModule], exports: [BroadcastModule] })
export class CableExtensionModule {}
