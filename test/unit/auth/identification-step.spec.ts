import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule } from '../../../src/auth/auth.module.js';
import { IdentificationChain } from '../../../src/auth/identification-chain.js';
import { IdentificationStep, JWT_RANK, NOAUTH_RANK, RPC_RANK } from '../../../src/auth/identification-step.decorator.js';
import type { ConnectionIdentifier, Handshake, IdentifyOutcome } from '../../../src/auth/identification.js';
import { TEST_ENV } from '../../support/contexts.js';
import { quietLogger, rootModuleWith, testConfig } from '../../support/modules.js';

const handshake = (headers: Record<string, string>): Handshake => ({ sid: 's1', url: 'http://localhost/cable', headers, env: TEST_ENV, query: new URLSearchParams(), protocols: [], remoteAddress: '127.0.0.1', signal: new AbortController().signal });

/** Accepts a connection carrying `X-Api-Key: k1`; passes on every other one. */
@Injectable()
@IdentificationStep({ rank: 20 })
class ApiKeyStep implements ConnectionIdentifier {
  readonly name = 'api-key';
  identify(h: Handshake): IdentifyOutcome {
    return h.headers['x-api-key'] === 'k1' ? { kind: 'accepted', identifiers: '{"bot":"k1"}', claims: { role: 'bot' } } : { kind: 'next' };
  }
}

/** Refuses connections from a banned address before JWT runs. */
@Injectable()
@IdentificationStep({ rank: 5 })
class BanStep implements ConnectionIdentifier {
  readonly name = 'ban';
  identify(h: Handshake): IdentifyOutcome {
    return h.headers['x-banned'] ? { kind: 'rejected', reason: 'unauthorized', detail: 'banned' } : { kind: 'next' };
  }
}

@Module({ providers: [ApiKeyStep, BanStep] })
class StepsModule {}

describe('@IdentificationStep', () => {
  it('places each decorated provider of any module in the chain at its rank, beside the built-in steps', async () => {
    const { config } = testConfig(['--jwt_secret', 's', '--noauth']);
    const logger = quietLogger();
    const ref = await NestFactory.createApplicationContext(rootModuleWith(config, logger, [AuthModule, StepsModule]), { logger });
    try {
      const chain = ref.get(IdentificationChain);
      expect(chain.describe()).toEqual(['ban', 'jwt', 'api-key', 'noauth']);
      expect(await chain.identify(handshake({ 'x-api-key': 'k1' }))).toEqual({ kind: 'accepted', identifiers: '{"bot":"k1"}', claims: { role: 'bot' } });
      expect(await chain.identify(handshake({ 'x-banned': '1', 'x-api-key': 'k1' }))).toMatchObject({ kind: 'rejected', detail: 'banned' });
      expect(await chain.identify(handshake({}))).toEqual({ kind: 'accepted', identifiers: '{"sid":"s1"}' });
    } finally {
      await ref.close();
    }
  });

  it('states the built-in ranks and refuses a rank that is not a number', () => {
    expect([JWT_RANK, RPC_RANK, NOAUTH_RANK]).toEqual([10, 50, 90]);
    expect(() => IdentificationStep({ rank: Number.NaN })).toThrow(/rank must be a finite number/);
  });
});
