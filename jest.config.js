/** jest runs the TypeScript sources as native ES modules, compiled by swc (NestJS 12 is ESM-only). */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e.ts', '**/*.fuzz.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testTimeout: 30000,
  verbose: true,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.cjs'],
  // No forceExit: the tests close what they open, so Jest exits by itself (checked with --detectOpenHandles).
  // One timer we cannot clear may keep it up to 5 s after the last test: @anycable/core arms a 5 s
  // subscribe-retry timer on every subscribe and never clears it (action_cable/index.js
  // `maybeRetrySubscribe`); when an @anycable/core test runs last, Jest may print "did not exit one
  // second after the test run has completed" and then exits on its own.
};
