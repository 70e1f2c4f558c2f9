// Deriving functions/package-lock.json from the root lockfile, and checking a committed copy: the
// functions get exactly the packages, at the versions and paths, that the root install has.
import { describe, expect, test } from 'vitest';
import {
  checkFunctionsLock,
  deriveFunctionsLock,
  lockedVersions,
  type Lockfile,
} from '../../../scripts/lib/functions-lock.ts';

/** A root lockfile with a `functions` workspace, a dev-only tool, nesting and an optional dep. */
function rootLock(): Lockfile {
  return {
    name: 'root',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'root', workspaces: ['functions'], devDependencies: { tool: '^1.0.0' } },
      functions: {
        name: 'fn',
        version: '0.1.0',
        license: 'MIT',
        dependencies: { a: '^1.0.0', b: '^2.0.0' },
        engines: { node: '24' },
      },
      'node_modules/fn': { resolved: 'functions', link: true },
      'node_modules/a': {
        version: '1.2.0',
        integrity: 'sha512-a',
        dependencies: { c: '^1.0.0' },
        optionalDependencies: { d: '^1.0.0', missing: '^1.0.0' },
      },
      'node_modules/a/node_modules/c': { version: '1.5.0', integrity: 'sha512-c15' },
      'node_modules/c': { version: '2.0.0', integrity: 'sha512-c2', dev: true },
      'node_modules/d': { version: '1.0.1', integrity: 'sha512-d', optional: true },
      'functions/node_modules/b': { version: '2.3.0', integrity: 'sha512-b' },
      'node_modules/b': { version: '1.0.0', integrity: 'sha512-b1', dev: true },
      'node_modules/tool': { version: '1.0.0', dev: true, dependencies: { c: '^2.0.0' } },
    },
  };
}

describe('deriveFunctionsLock', () => {
  test('takes the packages the workspace needs, as the root install resolves them', () => {
    const lock = deriveFunctionsLock(rootLock());
    expect(lock.packages['']).toEqual({
      name: 'fn',
      version: '0.1.0',
      license: 'MIT',
      dependencies: { a: '^1.0.0', b: '^2.0.0' },
      engines: { node: '24' },
    });
    expect(Object.fromEntries(lockedVersions(lock))).toEqual({
      'node_modules/a': '1.2.0',
      'node_modules/a/node_modules/c': '1.5.0',
      // Nested under the workspace in the root tree, at the top of the functions' own tree.
      'node_modules/b': '2.3.0',
      'node_modules/d': '1.0.1',
    });
    // Dev-only packages stay out; an optional dependency is marked optional, a missing one skipped.
    expect(lock.packages['node_modules/tool']).toBeUndefined();
    expect(lock.packages['node_modules/d']?.optional).toBe(true);
    expect(lock.packages['node_modules/a']?.dev).toBeUndefined();
    expect(lock.packages['node_modules/a']?.integrity).toBe('sha512-a');
  });

  test('a dependency missing from the root lockfile is an error', () => {
    const root = rootLock();
    delete root.packages['node_modules/a/node_modules/c'];
    delete root.packages['node_modules/c'];
    expect(() => deriveFunctionsLock(root)).toThrow(
      'c, needed by node_modules/a, is missing from the root lockfile',
    );
  });
});

describe('checkFunctionsLock', () => {
  const dependencies = { a: '^1.0.0', b: '^2.0.0' };

  test('the derived lockfile passes', () => {
    expect(checkFunctionsLock(deriveFunctionsLock(rootLock()), dependencies, rootLock())).toEqual(
      [],
    );
  });

  test('a missing lockfile, other dependencies or other versions are named with the fix', () => {
    expect(checkFunctionsLock(undefined, dependencies, rootLock())).toEqual([
      'functions/package-lock.json is missing: run `npm run lock:functions` and commit functions/package-lock.json',
    ]);
    expect(
      checkFunctionsLock(deriveFunctionsLock(rootLock()), { ...dependencies, e: '^1' }, rootLock()),
    ).toEqual([
      'functions/package-lock.json lists other dependencies than functions/package.json: run `npm run lock:functions` and commit functions/package-lock.json',
    ]);
    const drifted = deriveFunctionsLock(rootLock());
    drifted.packages['node_modules/a'] = {
      ...drifted.packages['node_modules/a'],
      version: '1.3.0',
    };
    drifted.packages['node_modules/x'] = { version: '9.9.9' };
    expect(checkFunctionsLock(drifted, dependencies, rootLock())).toEqual([
      'functions/package-lock.json differs from the versions the root lockfile installs (node_modules/a: 1.3.0 (tested: 1.2.0); node_modules/x: 9.9.9 (not in the tested tree)): run `npm run lock:functions` and commit functions/package-lock.json',
    ]);
  });
});
