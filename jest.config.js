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
  // why: a leaked socket in one test must not keep CI waiting; leaks show up as failures elsewhere.
  forceExit: true,
};
