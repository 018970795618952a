/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
  },
  // ESM-only dependencies (Node 20 requires them natively; jest on Node 20 needs them transpiled).
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|cookie|jose)/)'],
  // The loopback mail internet binds 127.0.0.x:25; suites share it, so keep them in one worker pool of 2.
  maxWorkers: 2,
  testTimeout: 20000,
};
