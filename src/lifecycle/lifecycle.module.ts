import { Global, Module } from '@nestjs/common';
import { EdgeRegistry } from './edge-registry.js';

/** Provides the app's one `EdgeRegistry` to every module (global). */
@Global()
@Module({
  providers: [{ provide: EdgeRegistry, useFactory: () => new EdgeRegistry() }],
  exports: [EdgeRegistry],
})
export class LifecycleModule {}
