import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCableConfig as loadConfig } from '../../../src/capabilities.js';
import { describeConfig } from '../../../src/config/describe-config.js';
import { tempDirMaker } from '../../support/temp-dirs.js';

const tempDir = tempDirMaker('cablecar-ss-');

const load = (argv: string[], env: Record<string, string> = {}, toml?: string) => {
  const cwd = tempDir();
  if (toml !== undefined) writeFileSync(join(cwd, 'anycable.toml'), toml);
  const outcome = loadConfig({ argv, env, cwd });
  if (outcome.kind !== 'ok') throw new Error(JSON.stringify(outcome));
  return outcome;
};

describe('signed streams options', () => {
  it("reads AnyCable's [streams] TOML keys", () => {
    const { config } = load([], {}, ['[streams]', 'secret = "s"', 'whisper = true', 'public = true', 'turbo = true', 'turbo_secret = "t"', 'cable_ready = true', 'cable_ready_secret = "c"'].join('\n'));
    expect(config.options.streams).toMatchObject({ streamsSecret: 's', streamsWhisper: true, publicStreams: true, turboStreams: true, turboStreamsSecret: 't', cableReady: true, cableReadySecret: 'c' });
  });

  it("reads AnyCable's flag and env names, including the deprecated keys", () => {
    const { config, warnings } = load(['--turbo_streams', '--cable_ready_secret=c', '--streams_whisper'], { ANYCABLE_STREAMS_SECRET: 's', ANYCABLE_TURBO_RAILS_KEY: 'tk', ANYCABLE_CABLE_READY_KEY: 'ck', ANYCABLE_CABLE_READY: 'true' });
    expect(warnings).toEqual(['turbo_rails_key is deprecated: use turbo_streams_secret and turbo_streams', 'cable_ready_key is deprecated: use cable_ready_secret and cable_ready']);
    expect(config.options.streams).toMatchObject({ turboStreams: true, cableReadySecret: 'c', streamsWhisper: true, streamsSecret: 's', turboRailsKey: 'tk', cableReadyKey: 'ck', cableReady: true });
  });

  it('validates digests and reports the option name', () => {
    const outcome = loadConfig({ argv: ['--streams_digest', 'md5', '--rails_key_digest', 'sha512'], env: {}, cwd: '/' });
    expect(outcome.kind).toBe('invalid');
    const problems = outcome.kind === 'invalid' ? outcome.problems.join('\n') : '';
    expect(problems).toContain('streams_digest');
    expect(problems).toContain('rails_key_digest');
  });

  it('redacts every signed-streams secret in the printed config', () => {
    const secrets = ['s1', 'p1', 't1', 'tp1', 'c1', 'cp1', 'skb1', 'trk1', 'crk1'];
    const { config } = load([
      '--streams_secret', 's1', '--streams_secret_previous', 'p1', '--turbo_streams_secret', 't1', '--turbo_streams_secret_previous', 'tp1',
      '--cable_ready_secret', 'c1', '--cable_ready_secret_previous', 'cp1', '--rails_secret_key_base', 'skb1', '--turbo_rails_key', 'trk1', '--cable_ready_key', 'crk1',
    ]);
    const printed = describeConfig(config);
    for (const secret of secrets) expect(printed).not.toMatch(new RegExp(`"${secret}"`));
  });

  it('refuses to start when a switch cannot work for want of a key, naming the option, with every other problem', () => {
    const outcome = loadConfig({ argv: ['--ignore-config-path', '--turbo_streams', '--cable_ready', '--streams_whisper', '--port', 'x'], env: {}, cwd: '/' });
    expect(outcome.kind === 'invalid' && outcome.problems).toEqual([
      'port (--port): expected an integer, got "x"',
      'streams_whisper: on, but no streams secret is set (streams_secret or secret), so there are no signed $pubsub streams to whisper on',
      'turbo_streams: on, but no Turbo key is set (turbo_streams_secret, rails_secret_key_base, streams_secret or secret)',
      'cable_ready: on, but no CableReady key is set (cable_ready_secret, rails_secret_key_base, streams_secret or secret)',
    ]);
    expect(loadConfig({ argv: ['--ignore-config-path', '--turbo_streams', '--secret', 's'], env: {}, cwd: '/' }).kind).toBe('ok');
  });
});
