const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

/**
 * Packages that ship only ES modules. Node 20 loads them natively, but jest on Node 20 cannot, so they
 * are transpiled like our own code. Found by reading node_modules rather than kept as a list by hand.
 */
function esmOnlyPackages(dir = join(__dirname, 'node_modules'), found = new Set()) {
  if (!existsSync(dir)) return found;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === '.bin') continue;
    const path = join(dir, entry.name);
    if (entry.name.startsWith('@')) {
      esmOnlyPackages(path, found);
      continue;
    }
    try {
      const pkg = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
      if (pkg.type === 'module' && !JSON.stringify(pkg.exports ?? {}).includes('require'))
        found.add(pkg.name);
    } catch {
      // not a package
    }
    esmOnlyPackages(join(path, 'node_modules'), found);
  }
  return found;
}

const escape = (name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', tsx: true },
          target: 'es2022',
          transform: { react: { runtime: 'automatic' } },
        },
      },
    ],
    '^.+\\.mjs$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  // Ignored: files of the innermost package in a node_modules path, unless it is ES-module only.
  transformIgnorePatterns: [
    `/node_modules/(?!(?:${[...esmOnlyPackages()].map(escape).join('|')})/)(?:@[^/]+/[^/]+|[^@/][^/]*)/(?!node_modules/)`,
  ],
  // The loopback mail internet binds 127.x.y.z:25; two workers keep CI's two cores busy without more.
  maxWorkers: 2,
  testTimeout: 20000,
};
