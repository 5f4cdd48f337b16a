import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeConfig, loadConfig } from '../../../src/config/load-config.js';
import { tempDirMaker } from '../../support/temp-dirs.js';

const tempDir = tempDirMaker('cablecar-ss-');

const load = (argv: string[], env: Record<string, string> = {}, toml?: string) => {
  const cwd = tempDir();
  if (toml !== undefined) writeFileSync(join(cwd, 'anycable.toml'), toml);
  const outcome = loadConfig({ argv, env, cwd });
  if (outcome.kind !== 'ok') throw new Error(JSON.stringify(outcome));
  return outcome.config;
};

describe('signed streams options', () => {
  it("reads AnyCable's [streams] TOML keys", () => {
    const config = load([], {}, ['[streams]', 'secret = "s"', 'whisper = true', 'public = true', 'turbo = true', 'turbo_secret = "t"', 'cable_ready = true', 'cable_ready_secret = "c"'].join('\n'));
    expect(config).toMatchObject({ streamsSecret: 's', streamsWhisper: true, publicStreams: true, turboStreams: true, turboStreamsSecret: 't', cableReady: true, cableReadySecret: 'c' });
  });

  it("reads AnyCable's flag and env names, including the deprecated keys", () => {
    const config = load(['--turbo_streams', '--cable_ready_secret=c', '--streams_whisper'], { ANYCABLE_STREAMS_SECRET: 's', ANYCABLE_TURBO_RAILS_KEY: 'tk', ANYCABLE_CABLE_READY_KEY: 'ck', ANYCABLE_CABLE_READY: 'true' });
    expect(config).toMatchObject({ turboStreams: true, cableReadySecret: 'c', streamsWhisper: true, streamsSecret: 's', turboRailsKey: 'tk', cableReadyKey: 'ck', cableReady: true });
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
    const config = load([
      '--streams_secret', 's1', '--streams_secret_previous', 'p1', '--turbo_streams_secret', 't1', '--turbo_streams_secret_previous', 'tp1',
      '--cable_ready_secret', 'c1', '--cable_ready_secret_previous', 'cp1', '--rails_secret_key_base', 'skb1', '--turbo_rails_key', 'trk1', '--cable_ready_key', 'crk1',
    ]);
    const printed = describeConfig(config);
    for (const secret of secrets) expect(printed).not.toMatch(new RegExp(`"${secret}"`));
  });
});
