import { Global, Module } from '@nestjs/common';
import { EdgeRegistry } from './lifecycle/edge-registry.js';

/**
 * Provides the app's one `EdgeRegistry`. Global because every module that owns an
 * I/O edge (broadcasting, JWT, RPC, user extensions) registers it there for readiness;
 * outside `lifecycle/` so that folder stays free of Nest.
 */
@Global()
@Module({
  providers: [{ provide: EdgeRegistry, useFactory: () => new EdgeRegistry() }],
  exports: [EdgeRegistry],
})
export class LifecycleModule {}
