/** Lets bots connect with `X-Chat-Bot-Key: <chat_bot_key>` instead of a JWT: a step ranked after JWT, before noauth. */
import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { IdentificationStep, JWT_RANK, type ConnectionIdentifier, type Handshake, type IdentifyOutcome } from 'cablecar';
import { chatOptions, type ChatOptions } from './chat.options.js';

@Injectable()
@IdentificationStep({ rank: JWT_RANK + 10 })
export class BotKeyIdentifier implements ConnectionIdentifier {
  readonly name = 'chat-bot-key';

  constructor(@Inject(chatOptions.token) private readonly options: ChatOptions) {}

  identify(handshake: Handshake): IdentifyOutcome {
    const sent = handshake.headers['x-chat-bot-key'];
    if (typeof sent !== 'string' || !this.options.botKey) return { kind: 'next' };
    const [a, b] = [Buffer.from(sent), Buffer.from(this.options.botKey)];
    if (a.length !== b.length || !timingSafeEqual(a, b)) return { kind: 'rejected', reason: 'unauthorized', detail: 'chat: wrong bot key' };
    return { kind: 'accepted', identifiers: JSON.stringify({ bot: 'chat-bot' }) };
  }
}
