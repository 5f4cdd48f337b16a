import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { IsInt, IsString, Min } from 'class-validator';
import { describeConfig, helpText } from '../../../src/config/describe-config.js';
import { Option } from '../../../src/config/option.decorator.js';
import { defineExtension, defineExtensionOptions, extensionFrom, extensionOptionMistakes } from '../../../src/extensions/extension.js';
import { extensionSchemaMistakes, loadExtensions, loadStartupConfig, type ModuleImporter } from '../../../src/extensions/extension-loader.js';

class GreeterOptions {
  @Option({ kind: 'string', name: 'greeter_greeting', toml: 'greeter.greeting', description: 'What to say.' })
  @IsString()
  greeting = 'hello';

  @Option({ kind: 'int', name: 'greeter_times', toml: 'greeter.times', description: 'How often.' })
  @IsInt() @Min(1)
  times = 1;

  @Option({ kind: 'string', name: 'greeter_token', toml: 'greeter.token', secret: true, description: 'A secret.' })
  @IsString()
  token = '';
}

const greeterOptions = defineExtensionOptions('greeter', GreeterOptions, (options) => ({
  settings: { line: options.greeting.repeat(options.times) },
  problems: options.greeting === 'boo' ? ['greeter_greeting: too scary'] : [],
}));

@Module({ providers: [] })
class GreeterModule {}

const greeter = defineExtension({ name: 'greeter', module: GreeterModule, options: [greeterOptions] });

/** An importer that serves `modules` by file name instead of reading them. */
const fakeImporter =
  (modules: Record<string, Record<string, unknown>>): ModuleImporter =>
  async (url) => {
    const name = url.slice(url.lastIndexOf('/') + 1);
    if (!(name in modules)) throw new Error(`unexpected import ${url}`);
    return modules[name];
  };

const FIXTURES = new URL('../../fixtures/extensions/', import.meta.url).pathname;
const sources = (argv: string[]) => ({ argv: ['--ignore-config-path', ...argv], env: {}, cwd: FIXTURES });

describe('extension exports', () => {
  it('accepts a defineExtension result of this copy of cablecar, or a bare Nest module', () => {
    expect(extensionFrom(greeter, 'x')).toEqual({ kind: 'extension', extension: greeter });
    expect(extensionFrom(GreeterModule, './g.js')).toEqual({ kind: 'extension', extension: { name: './g.js', module: GreeterModule, options: [] } });
    expect(extensionFrom({ module: GreeterModule }, 'd')).toMatchObject({ kind: 'extension' });
  });

  it('refuses anything else, and an extension stamped by another copy of cablecar', () => {
    expect(extensionFrom(undefined, 'x')).toEqual({ kind: 'invalid', reason: 'its default export is neither defineExtension({...}) nor a Nest module with imports, providers or controllers' });
    const foreign = { ...greeter, [Symbol.for('cablecar.extension')]: { runtime: Symbol('other'), url: 'file:///elsewhere/cablecar/dist/extensions/extension.js' } };
    expect(extensionFrom(foreign, 'x')).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('built against another copy of cablecar (file:///elsewhere/') });
  });
});

describe('extension option names', () => {
  it('need the slice prefix and TOML table, and no other names', () => {
    class Loose {
      @Option({ kind: 'int', toml: 'port', envAliases: ['PORT2'], description: 'x' })
      @IsInt()
      port = 1;
    }
    const loose = defineExtension({ name: 'loose', module: GreeterModule, options: [defineExtensionOptions('loose', Loose)] });
    expect(extensionOptionMistakes(loose)).toEqual(['option port must be named loose_...', 'option port must live under [loose] in TOML, not port', 'option port: extensions may not declare other names (PORT2)']);
    expect(extensionSchemaMistakes([loose])).toEqual(expect.arrayContaining(['extension options: flag port is declared by server.port and loose.port']));
    expect(extensionSchemaMistakes([greeter])).toEqual([]);
  });
});

describe('loading extensions', () => {
  it('reports every module that cannot be used, each by its path', async () => {
    const outcome = await loadExtensions(['missing.mjs', 'throws.mjs', 'no-default.mjs'], FIXTURES, fakeImporter({ 'throws.mjs': Promise.reject(new Error('boom')) as never, 'no-default.mjs': { other: 1 } }));
    expect(outcome).toEqual({
      kind: 'failed',
      problems: [
        `extension missing.mjs (${FIXTURES}missing.mjs): no such file`,
        `extension throws.mjs (${FIXTURES}throws.mjs): cannot be imported: boom`,
        `extension no-default.mjs (${FIXTURES}no-default.mjs): its default export is neither defineExtension({...}) nor a Nest module with imports, providers or controllers`,
      ],
    });
  });

  it('puts the extension options into the one schema: help, validation with every problem, settings, redacted print-out', async () => {
    const importer = fakeImporter({ 'bare-module.mjs': { default: greeter } });
    const help = await loadStartupConfig(sources(['--extensions', 'bare-module.mjs', '--help']), importer);
    expect(help.kind === 'config' && help.outcome.kind === 'help' && help.outcome.text).toContain('--greeter_times');

    const invalid = await loadStartupConfig(sources(['--extensions', 'bare-module.mjs', '--greeter_times', '0', '--greeter_greeting', 'boo', '--port', 'x']), importer);
    expect(invalid.kind === 'config' && invalid.outcome).toEqual({
      kind: 'invalid',
      problems: expect.arrayContaining(['greeter_times: greeter_times must not be less than 1 (got 0)', 'greeter_greeting: too scary', expect.stringContaining('port (--port): expected an integer')]),
    });

    const env = { ANYCABLE_EXTENSIONS: 'bare-module.mjs', ANYCABLE_GREETER_TOKEN: 'sh' };
    const ok = await loadStartupConfig({ argv: ['--ignore-config-path', '--greeter_times', '2'], env, cwd: FIXTURES }, importer);
    if (ok.kind !== 'config' || ok.outcome.kind !== 'ok') throw new Error(JSON.stringify(ok));
    expect(ok.extensions).toEqual([greeter]);
    expect((ok.outcome.config.settings as unknown as Record<string, unknown>).greeter).toEqual({ line: 'hellohello' });
    expect(describeConfig(ok.outcome.config)).toContain('greeter.token = "[REDACTED]"');
    expect(describeConfig(ok.outcome.config)).toContain('extensions = ["bare-module.mjs"]');
    expect(helpText(ok.outcome.config.capabilities)).toContain('--greeter_token');
  });

  it('stops before loading the config when the extension options break the naming rules', async () => {
    class Clash {
      @Option({ kind: 'int', name: 'greeter_port', toml: 'greeter.port', description: 'x' })
      @IsInt()
      port = 1;
    }
    const clash = defineExtension({ name: 'clash', module: GreeterModule, options: [defineExtensionOptions('greeter', Clash)] });
    const outcome = await loadStartupConfig(sources(['--extensions', 'bare-module.mjs,no-default.mjs']), fakeImporter({ 'bare-module.mjs': { default: greeter }, 'no-default.mjs': { default: clash } }));
    expect(outcome).toEqual({ kind: 'extensions-failed', problems: expect.arrayContaining(['extension options: slice greeter is declared by greeter and greeter']) });
  });
});
