/**
 * examples/chat, built with its own tsconfig against the package entry, run two
 * ways: loaded by the stock server (`node dist/main.js --extensions ...`) and
 * mounted in a user's own Nest app (examples/chat/dist/app.js). Real
 * `@rails/actioncable` clients, identified by JWTs whose `rooms` claim decides
 * which rooms they may join. Also: how the stock server refuses broken extensions.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueToken } from '../../src/auth/jwt/token-issuer.js';
import { HttpPublisher } from '../../src/publisher/http.publisher.js';
import { buildExample, RailsConsumer, REPO_ROOT } from '../support/examples.js';
import { RawClient, waitFor } from '../support/raw-client.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const SECRET = 'chat-jwt-secret';
const BOT_KEY = 'chat-bot-key-value';
const APP_SECRET = 'chat-app-secret';
const MAIN = join(REPO_ROOT, 'dist/main.js');
const BASE_FLAGS = ['--host', '127.0.0.1', '--port', '0', '--ignore-config-path', '--jwt_secret', SECRET, '--norpc'];
const lobby = { channel: 'ChatChannel', room: 'lobby' };
const ops = { channel: 'ChatChannel', room: 'ops' };

let dist: string;
beforeAll(() => {
  dist = buildExample('chat');
}, 120_000);

/** A cable URL carrying a JWT for `user` with the `rooms` claim. */
const cableUrl = (server: ServerProcess, user: string, rooms: string[] = []) =>
  `ws://127.0.0.1:${server.port}/cable?jid=${issueToken({ identifiers: { user_id: user }, key: SECRET, claims: { rooms } })}`;

const runMain = (args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 15_000 });

describe('the chat example loaded by the stock server', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess(process.execPath, [MAIN, ...BASE_FLAGS, '--extensions', join(dist, 'chat.module.js'), '--chat_bot_key', BOT_KEY, '--chat_max_message_length', '20'], { cwd: REPO_ROOT });
  });
  afterAll(async () => {
    expect(['0', 'SIGTERM']).toContain(await server?.stop());
  });

  it('logs the extension, its channel and its identification step at boot', () => {
    expect(server.output()).toContain('identification=jwt,chat-bot-key');
    expect(server.output()).toMatch(/channels=[^ ]*ChatChannel/);
    expect(server.output()).toMatch(/extensions loaded extensions=chat/);
  });

  it('lets JWT users join the lobby and hear each other speak', async () => {
    const [ann, bob] = [new RailsConsumer(cableUrl(server, 'ann')), new RailsConsumer(cableUrl(server, 'bob'))];
    try {
      const [annLobby, bobLobby] = [await ann.subscribe(lobby), await bob.subscribe(lobby)];
      expect([annLobby.state(), bobLobby.state()]).toEqual(['connected', 'connected']);
      await waitFor(() => annLobby.received.length > 0, 3000, 'the joined message');
      expect(annLobby.received[0]).toEqual({ type: 'joined', room: 'lobby', as: 'ann' });
      annLobby.perform('speak', { text: 'hello bob' });
      await waitFor(() => bobLobby.received.some((m) => (m as { type: string }).type === 'message'), 3000, 'bob to hear ann');
      expect(bobLobby.received.at(-1)).toEqual({ type: 'message', user: 'ann', text: 'hello bob' });
    } finally {
      ann.disconnect();
      bob.disconnect();
    }
  });

  it('authorizes rooms from the rooms claim', async () => {
    const [ann, bob] = [new RailsConsumer(cableUrl(server, 'ann', ['ops'])), new RailsConsumer(cableUrl(server, 'bob'))];
    try {
      expect((await ann.subscribe(ops)).state()).toBe('connected');
      expect((await bob.subscribe(ops)).state()).toBe('rejected');
    } finally {
      ann.disconnect();
      bob.disconnect();
    }
  });

  it('refuses a message past chat_max_message_length to its sender only', async () => {
    const ann = new RailsConsumer(cableUrl(server, 'ann'));
    try {
      const room = await ann.subscribe(lobby);
      room.perform('speak', { text: 'x'.repeat(21) });
      await waitFor(() => room.received.some((m) => (m as { type: string }).type === 'refused'), 3000, 'the refusal');
      expect(room.received.at(-1)).toEqual({ type: 'refused', reason: 'longer than 20 characters' });
    } finally {
      ann.disconnect();
    }
  });

  it('identifies bots by the chat_bot_key header through the extension identification step', async () => {
    const bot = await RawClient.welcomed(`ws://127.0.0.1:${server.port}/cable`, { headers: { 'X-Chat-Bot-Key': BOT_KEY } });
    const identifier = JSON.stringify(lobby);
    bot.send({ command: 'subscribe', identifier });
    // Rails' order: what subscribed transmitted, then the confirmation.
    expect([await bot.next(), await bot.next()]).toEqual([{ identifier, message: { type: 'joined', room: 'lobby', as: 'chat-bot' } }, { identifier, type: 'confirm_subscription' }]);
    bot.close();
    const impostor = await RawClient.connect(`ws://127.0.0.1:${server.port}/cable`, { headers: { 'X-Chat-Bot-Key': 'wrong' } });
    expect(await impostor.next((f) => f.type === 'disconnect')).toEqual({ type: 'disconnect', reason: 'unauthorized', reconnect: false });
  });
});

describe('the stock server with --extensions', () => {
  it('adds the extension options to --help and --print-config (secrets redacted), and validates them with the rest', () => {
    const extension = ['--extensions', join(dist, 'chat.module.js')];
    expect(runMain([...extension, '--help']).stdout).toMatch(/--chat_max_message_length +Longest chat message/);
    const printed = runMain([...extension, '--ignore-config-path', '--print-config', '--chat_bot_key', BOT_KEY]);
    expect(printed.stdout).toContain('chat.bot_key = "[REDACTED]"');
    expect(printed.stdout).not.toContain(BOT_KEY);
    const invalid = runMain([...extension, '--ignore-config-path', '--chat_max_message_length', '0', '--ping_interval', 'often']);
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toContain('CABLE_ERR_CONFIG_INVALID: invalid configuration (2 problems)');
    expect(invalid.stderr).toContain('chat_max_message_length: chat_max_message_length must not be less than 1 (got 0)');
  });

  it('reads the extension list and extension options from env and anycable.toml too', () => {
    const fromEnv = spawnSync(process.execPath, [MAIN, '--ignore-config-path', '--print-config'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', ANYCABLE_EXTENSIONS: join(dist, 'chat.module.js'), ANYCABLE_CHAT_MAX_MESSAGE_LENGTH: '42' },
    });
    expect(fromEnv.stdout).toContain('chat.max_message_length = 42');
    const fromToml = runMain(['--config-path', 'examples/chat/anycable.toml', '--print-config']);
    expect(fromToml.stderr).toBe('');
    expect(fromToml.stdout).toContain('chat.max_message_length = 280');
  });

  it('documents the extension options in its README with the table the public optionsTable generates', () => {
    const script = `const { optionsTable } = await import('cablecar'); const { chatOptions } = await import('./examples/chat/dist/chat.options.js'); console.log(optionsTable([chatOptions]));`;
    const table = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 15_000 }).stdout.trim();
    const readme = readFileSync(join(REPO_ROOT, 'examples/chat/README.md'), 'utf8');
    expect(readme.slice(readme.indexOf('<!-- chat-options:begin -->') + '<!-- chat-options:begin -->'.length, readme.indexOf('<!-- chat-options:end -->')).trim()).toBe(table);
  });

  it('stops start-up naming each module that cannot be loaded, and why (exit code 2)', () => {
    const fixtures = 'test/fixtures/extensions';
    const result = runMain(['--ignore-config-path', '--extensions', `${fixtures}/throws.mjs,${fixtures}/no-default.mjs,${fixtures}/missing.mjs,${fixtures}/bad-names.mjs`]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('CABLE_ERR_EXTENSION_LOAD: cannot load extensions (3 problems)');
    expect(result.stderr).toContain(`extension ${fixtures}/throws.mjs (${join(REPO_ROOT, fixtures, 'throws.mjs')}): cannot be imported: the extension exploded while loading`);
    expect(result.stderr).toContain(`extension ${fixtures}/no-default.mjs`);
    expect(result.stderr).toContain(`extension ${fixtures}/missing.mjs (${join(REPO_ROOT, fixtures, 'missing.mjs')}): no such file`);
    const names = runMain(['--ignore-config-path', '--extensions', `${fixtures}/bad-names.mjs`]);
    expect(names.status).toBe(2);
    expect(names.stderr).toContain('extension bad: option port must be named bad_...');
    expect(names.stderr).toContain('extension options: flag port is declared by server.port and bad.port');
  });

  it('loads a bare Nest module as an extension', async () => {
    const server = await startServerProcess(process.execPath, [MAIN, ...BASE_FLAGS, '--noauth', '--extensions', 'test/fixtures/extensions/bare-module.mjs'], { cwd: REPO_ROOT });
    try {
      const client = await RawClient.welcomed(`ws://127.0.0.1:${server.port}/cable`);
      const identifier = JSON.stringify({ channel: 'PingChannel' });
      client.send({ command: 'subscribe', identifier });
      expect([await client.next(), await client.next()]).toEqual([{ identifier, message: { pong: true } }, { identifier, type: 'confirm_subscription' }]);
      client.close();
    } finally {
      await server.stop();
    }
  });
});

describe('the chat example mounted in a user\'s own Nest app', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess(process.execPath, [join(dist, 'app.js'), ...BASE_FLAGS, '--secret', APP_SECRET], { cwd: REPO_ROOT });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('serves the chat channel beside the app\'s own HTTP API, which announces through Ingest', async () => {
    const ann = new RailsConsumer(cableUrl(server, 'ann'));
    try {
      const room = await ann.subscribe(lobby);
      expect(room.state()).toBe('connected');
      const res = await fetch(`http://127.0.0.1:${server.port}/announce`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ room: 'lobby', text: 'maintenance at noon' }) });
      expect(res.status).toBe(202);
      await waitFor(() => room.received.some((m) => (m as { type: string }).type === 'announcement'), 3000, 'the announcement');
      expect(room.received.at(-1)).toEqual({ type: 'announcement', text: 'maintenance at noon' });
    } finally {
      ann.disconnect();
    }
  });

  it('accepts HTTP broadcasts (here from the Node publisher) although the app parses JSON bodies itself', async () => {
    const ann = new RailsConsumer(cableUrl(server, 'ann'));
    try {
      const room = await ann.subscribe(lobby);
      const publisher = new HttpPublisher({ url: `http://127.0.0.1:${server.port}/_broadcast`, secret: APP_SECRET });
      expect(await publisher.broadcast('chat:lobby', { type: 'from-rails', html: '<b>&</b>' })).toEqual({ kind: 'sent' });
      await waitFor(() => room.received.some((m) => (m as { type: string }).type === 'from-rails'), 3000, 'the broadcast');
      expect(room.received.at(-1)).toEqual({ type: 'from-rails', html: '<b>&</b>' });
    } finally {
      ann.disconnect();
    }
  });
});
