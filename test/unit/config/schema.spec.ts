import { IsInt } from 'class-validator';
import { CAPABILITIES } from '../../../src/capabilities.js';
import { ANYCABLE_GO_ONLY_OPTIONS, RAILS_ONLY_OPTIONS, SHARED_WITH_RAILS_OPTIONS } from '../../../src/config/anycable-names.js';
import { appCapability } from '../../../src/config/app.options.js';
import { defineCapability, resolvedOk } from '../../../src/config/capability.js';
import { schemaMistakes, schemaOptions } from '../../../src/config/config-schema.js';
import { deepFreeze } from '../../../src/config/deep-freeze.js';
import { loadConfig, readableEnvNames } from '../../../src/config/load-config.js';
import { envNameFor, Option } from '../../../src/config/option.decorator.js';
import { redisCapability } from '../../../src/config/redis.options.js';
import { serverCapability } from '../../../src/config/server.options.js';

class PortClashOptions {
  @Option({ kind: 'int', toml: 'other.port', description: 'Declares `port` a second time.' })
  @IsInt()
  port = 1;
}
const clash = defineCapability({ name: 'clash', options: PortClashOptions, token: Symbol('CLASH'), resolve: () => resolvedOk({}) });

describe('the config schema', () => {
  it("has one owner for every option name, env variable, TOML key and property, and includes the shared slices", () => {
    expect(schemaMistakes(CAPABILITIES)).toEqual([]);
  });

  it('lists as not implemented only names cablecar does not read, each once', () => {
    const unread = [...ANYCABLE_GO_ONLY_OPTIONS, ...SHARED_WITH_RAILS_OPTIONS, ...RAILS_ONLY_OPTIONS].map(envNameFor);
    expect(new Set(unread).size).toBe(unread.length);
    const read = new Set(readableEnvNames(schemaOptions(CAPABILITIES)));
    expect(unread.filter((name) => read.has(name))).toEqual([]);
  });

  it('finds a clash or a missing shared slice, and the loader refuses such a schema', () => {
    expect(schemaMistakes([appCapability, redisCapability, serverCapability, clash])).toEqual([
      'property port is declared by server.port and clash.port',
      'flag port is declared by server.port and clash.port',
      'env ANYCABLE_PORT is declared by server.port and clash.port',
    ]);
    expect(schemaMistakes([serverCapability])).toEqual(['shared slice "app" is missing', 'shared slice "redis" is missing']);
    expect(() => loadConfig({ argv: [], env: {}, cwd: '/' }, { capabilities: [serverCapability] })).toThrow(/shared slice "app" is missing/);
  });

  it('loads a schema of any capabilities, handing each the shared settings', () => {
    const seen: unknown[] = [];
    const probe = defineCapability({ name: 'probe', options: class {}, token: Symbol('PROBE'), resolve: (_options, shared) => (seen.push(shared), resolvedOk({ ok: true })) });
    const outcome = loadConfig({ argv: ['--secret', 's', '--ignore-config-path'], env: {}, cwd: '/' }, { capabilities: [appCapability, redisCapability, probe] });
    expect(outcome.kind === 'ok' && outcome.config.settings.probe).toEqual({ ok: true });
    expect(seen).toEqual([{ app: expect.objectContaining({ secret: 's' }), redis: expect.objectContaining({ url: 'redis://localhost:6379', urlGiven: false }) }]);
  });
});

describe('deepFreeze', () => {
  it('freezes plain objects and arrays all the way down, and leaves class instances and buffers alone', () => {
    const buffer = Buffer.from('k');
    const set = new Set(['HS256']);
    const value = deepFreeze({ a: { b: [1, { c: 2 }] }, buffer, set });
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.a)).toBe(true);
    expect(Object.isFrozen(value.a.b)).toBe(true);
    expect(Object.isFrozen(value.a.b[1])).toBe(true);
    expect(value.buffer).toBe(buffer);
    expect(value.set).toBe(set);
    expect(() => {
      (value.a as { b: unknown }).b = 'changed';
    }).toThrow(TypeError);
  });

  it('copes with cycles', () => {
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    expect(Object.isFrozen(deepFreeze(cyclic))).toBe(true);
  });
});
