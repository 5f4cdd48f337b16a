/**
 * `ChatChannel`: one stream per room (`chat:<room>`). Everyone may join the
 * lobby; other rooms need the room in the JWT's `rooms` claim. `speak`
 * broadcasts `{user, text}` to the room on every node.
 */
import { Inject, Injectable } from '@nestjs/common';
import { IsString, Matches } from 'class-validator';
import { Action, CableChannel, type SubscribeContext, type SubscriptionContext } from 'cablecar';
import { chatOptions, type ChatOptions } from './chat.options.js';

/** The subscription params: `{"channel":"ChatChannel","room":"lobby"}`. */
export class JoinParams {
  @IsString() @Matches(/^[a-z0-9-]{1,32}$/, { message: 'room must be 1-32 lower-case letters, digits or dashes' })
  room!: string;
}

/** The data of `speak`: `{"action":"speak","text":"hi"}`. */
export class SpeakData {
  @IsString()
  text!: string;
}

/** The room everybody may join without a claim. */
export const LOBBY = 'lobby';

/** Who is speaking: the JWT user, or the bot. */
function speakerOf(ctx: SubscriptionContext): string {
  return String(ctx.identifiers.user_id ?? ctx.identifiers.bot ?? 'anonymous');
}

@Injectable()
@CableChannel('ChatChannel', { params: JoinParams })
export class ChatChannel {
  constructor(@Inject(chatOptions.token) private readonly options: ChatOptions) {}

  subscribed(ctx: SubscribeContext, { room }: JoinParams) {
    const rooms = ctx.claims?.rooms;
    if (room !== LOBBY && !(Array.isArray(rooms) && rooms.includes(room))) return ctx.reject(`not a member of ${room}`);
    ctx.streamFrom(`chat:${room}`);
    ctx.setIstate({ room });
    ctx.transmit({ type: 'joined', room, as: speakerOf(ctx) });
  }

  @Action({ params: SpeakData })
  speak(ctx: SubscriptionContext, { text }: SpeakData) {
    if (text.length > this.options.maxMessageLength) {
      ctx.transmit({ type: 'refused', reason: `longer than ${this.options.maxMessageLength} characters` });
      return;
    }
    ctx.broadcast(`chat:${ctx.istate.room}`, { type: 'message', user: speakerOf(ctx), text });
  }
}
