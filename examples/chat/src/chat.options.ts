/** The chat extension's options: they join cablecar's schema (`--help`, `--print-config`, validation). */
import { IsInt, IsString, Max, Min } from 'class-validator';
import { defineExtensionOptions, Option } from 'cablecar';

/** Options of the `chat` slice: flags `--chat_*`, env `ANYCABLE_CHAT_*`, TOML `[chat]`. */
export class ChatOptions {
  @Option({ kind: 'int', name: 'chat_max_message_length', toml: 'chat.max_message_length', description: 'Longest chat message in characters; longer ones are refused.' })
  @IsInt() @Min(1) @Max(10_000)
  maxMessageLength = 500;

  @Option({ kind: 'string', name: 'chat_bot_key', toml: 'chat.bot_key', secret: true, description: 'Key bots send in X-Chat-Bot-Key to connect without a JWT (empty = no bots).' })
  @IsString()
  botKey = '';
}

/** The `chat` slice; inject its settings with `@Inject(chatOptions.token)`. */
export const chatOptions = defineExtensionOptions('chat', ChatOptions);
