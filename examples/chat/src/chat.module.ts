/**
 * The chat extension. The stock server loads this file with
 * `cablecar --extensions examples/chat/dist/chat.module.js`; your own Nest app
 * imports `ChatModule` beside `CablecarModule` (see app.ts).
 */
import { Module } from '@nestjs/common';
import { defineExtension } from 'cablecar';
import { BotKeyIdentifier } from './bot-key.identifier.js';
import { ChatChannel } from './chat.channel.js';
import { chatOptions } from './chat.options.js';

@Module({ providers: [ChatChannel, BotKeyIdentifier] })
export class ChatModule {}

export default defineExtension({ name: 'chat', module: ChatModule, options: [chatOptions] });
