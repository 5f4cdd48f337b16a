/**
 * A user's own Nest application with cablecar mounted in it: the chat
 * extension, and an HTTP API of its own that announces into rooms through
 * `Ingest`. Run: `node examples/chat/dist/app.js --jwt_secret s3cret`
 * (every cablecar option works, plus the chat ones).
 */
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { attachCable, CableExtensionModule, CablecarModule, Ingest, loadCableConfig } from 'cablecar';
import chat, { ChatModule } from './chat.module.js';

@Controller('announce')
class AnnounceController {
  constructor(private readonly ingest: Ingest) {}

  /** `POST /announce {"room":"lobby","text":"..."}`: a message from the system to a room. */
  @Post()
  @HttpCode(202)
  announce(@Body() body: { room: string; text: string }): void {
    this.ingest.publish({ stream: `chat:${body.room}`, data: JSON.stringify({ type: 'announcement', text: body.text }) });
  }
}

@Module({ imports: [CableExtensionModule], controllers: [AnnounceController] })
class AnnounceModule {}

async function main(): Promise<void> {
  const outcome = loadCableConfig({ argv: process.argv.slice(2), env: process.env, cwd: process.cwd() }, [chat]);
  if (outcome.kind !== 'ok') {
    process.stderr.write(outcome.kind === 'help' ? outcome.text + '\n' : `invalid configuration:\n  - ${outcome.problems.join('\n  - ')}\n`);
    process.exitCode = outcome.kind === 'help' ? 0 : 2;
    return;
  }
  @Module({ imports: [CablecarModule.forRoot(outcome.config), ChatModule, AnnounceModule] })
  class ChatAppModule {}

  const app = await NestFactory.create(ChatAppModule, { logger: ['error', 'warn'] });
  attachCable(app);
  app.enableShutdownHooks();
  const { host, port } = outcome.config.settings.server;
  await app.listen(port, host);
  const address = app.getHttpServer().address() as { port: number };
  console.log(`chat app: cablecar listening on ${host} port=${address.port}`);
}

void main();
