// firebase deploy uploads only functions/ to Cloud Build. This does what Cloud Build does: copy
// the folder alone, install its production dependencies from its own lockfile (`npm ci`, which
// fails when package.json and package-lock.json disagree), load `main`, and find the triggers.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deploymentConfig } from '../../shared/config.ts';
import { buildFunctions } from '../../scripts/lib/build-functions.ts';
import { lockedVersions, type Lockfile } from '../../scripts/lib/functions-lock.ts';

const exec = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;
let dir: string;

beforeAll(async () => {
  await buildFunctions();
  dir = mkdtempSync(join(tmpdir(), 'homecall-deploy-'));
  cpSync(join(ROOT, 'functions'), dir, {
    recursive: true,
    filter: (source) => !source.includes('node_modules') && !source.endsWith('.secret.local'),
  });
  await exec('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: dir,
    env: { ...process.env, PATH: `${ROOT}node_modules/.bin:${process.env.PATH ?? ''}` },
  });
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the deployed functions package', () => {
  test('installs from its own lockfile alone, at the versions the root lockfile tested', () => {
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as Lockfile;
    const root = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as Lockfile;
    const tested = lockedVersions(root);
    const locked = lockedVersions(lock);
    expect(locked.size).toBeGreaterThan(50);
    for (const [path, version] of locked) {
      // What npm ci put on disk is what the lockfile says...
      const installed = JSON.parse(readFileSync(join(dir, path, 'package.json'), 'utf8')) as {
        version: string;
      };
      expect(installed.version, path).toBe(version);
      // ...and what the root install (the one CI tests) has at the same place.
      expect(tested.get(path) ?? tested.get(`functions/${path}`), path).toBe(version);
    }
  });

  test('loads alone and exports the ingest, stats, aggregate, aggregateShard and aggregateMerge triggers', async () => {
    const script = `
      const m = await import(${JSON.stringify(join(dir, 'lib/index.js'))});
      const found = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Object.keys(v.__endpoint ?? {})]));
      console.log(JSON.stringify(found));`;
    const { stdout } = await exec(
      `${ROOT}node_modules/.bin/node`,
      ['--input-type=module', '-e', script],
      {
        cwd: dir,
        env: { ...process.env, FIRESTORE_EMULATOR_HOST: '', GCLOUD_PROJECT: 'demo-homecall' },
      },
    );
    const triggers = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<
      string,
      string[]
    >;
    // Each function's trigger kind: what firebase deploy creates for it (an HTTPS endpoint, a
    // Cloud Scheduler job, a Cloud Tasks queue).
    const kinds = Object.fromEntries(
      Object.entries(triggers).map(([name, keys]) => [
        name,
        keys.filter((k) => k.endsWith('Trigger')),
      ]),
    );
    expect(kinds).toEqual({
      aggregate: ['scheduleTrigger'],
      aggregateMerge: ['taskQueueTrigger'],
      aggregateShard: ['taskQueueTrigger'],
      ingest: ['httpsTrigger'],
      stats: ['httpsTrigger'],
    });
  });

  test('the shard queue runs aggregation.shardParallelism of homecall.config.ts at once, merges one at a time; both queues retry', async () => {
    const script = `
      const m = await import(${JSON.stringify(join(dir, 'lib/index.js'))});
      console.log(JSON.stringify({ shard: m.aggregateShard.__endpoint, merge: m.aggregateMerge.__endpoint }));`;
    const { stdout } = await exec(
      `${ROOT}node_modules/.bin/node`,
      ['--input-type=module', '-e', script],
      {
        cwd: dir,
        env: { ...process.env, FIRESTORE_EMULATOR_HOST: '', GCLOUD_PROJECT: 'demo-homecall' },
      },
    );
    type Queue = {
      taskQueueTrigger: {
        retryConfig: { maxAttempts: number };
        rateLimits: { maxConcurrentDispatches: number };
      };
    };
    const { shard, merge } = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
      shard: Queue;
      merge: Queue;
    };
    expect(shard.taskQueueTrigger.rateLimits.maxConcurrentDispatches).toBe(
      deploymentConfig.aggregation.shardParallelism,
    );
    // One merge at a time: each rewrites its month's document.
    expect(merge.taskQueueTrigger.rateLimits.maxConcurrentDispatches).toBe(1);
    expect(shard.taskQueueTrigger.retryConfig.maxAttempts).toBeGreaterThan(1);
    expect(merge.taskQueueTrigger.retryConfig.maxAttempts).toBeGreaterThan(1);
  });

  test('aggregate runs daily at 00:15 UTC with retries and a timeout for a large day', async () => {
    const script = `
      const m = await import(${JSON.stringify(join(dir, 'lib/index.js'))});
      console.log(JSON.stringify(m.aggregate.__endpoint));`;
    const { stdout } = await exec(
      `${ROOT}node_modules/.bin/node`,
      ['--input-type=module', '-e', script],
      {
        cwd: dir,
        env: { ...process.env, FIRESTORE_EMULATOR_HOST: '', GCLOUD_PROJECT: 'demo-homecall' },
      },
    );
    const endpoint = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
      timeoutSeconds: number;
      scheduleTrigger: { schedule: string; timeZone: string; retryConfig: { retryCount: number } };
    };
    expect(endpoint.scheduleTrigger.schedule).toBe('15 0 * * *');
    expect(endpoint.scheduleTrigger.timeZone).toBe('UTC');
    expect(endpoint.scheduleTrigger.retryConfig.retryCount).toBeGreaterThan(0);
    expect(endpoint.timeoutSeconds).toBeGreaterThanOrEqual(540);
  });

  test('every function runs in the region of homecall.config.ts, HTTP ones capped at its maxInstances', async () => {
    const script = `
      const m = await import(${JSON.stringify(join(dir, 'lib/index.js'))});
      console.log(JSON.stringify(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.__endpoint]))));`;
    const { stdout } = await exec(
      `${ROOT}node_modules/.bin/node`,
      ['--input-type=module', '-e', script],
      {
        cwd: dir,
        env: { ...process.env, FIRESTORE_EMULATOR_HOST: '', GCLOUD_PROJECT: 'demo-homecall' },
      },
    );
    const endpoints = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<
      string,
      { region: string[]; maxInstances: number }
    >;
    for (const endpoint of Object.values(endpoints))
      expect(endpoint.region).toEqual([deploymentConfig.region]);
    expect(endpoints.ingest?.maxInstances).toBe(deploymentConfig.maxInstances);
    expect(endpoints.stats?.maxInstances).toBe(deploymentConfig.maxInstances);
  });

  test('the bundle reaches nothing outside the folder', () => {
    const bundle = readFileSync(join(dir, 'lib/index.js'), 'utf8');
    expect(bundle).not.toMatch(/from ["']\.\.?\//);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    // A module specifier holds no white space: that tells an import from a string literal in
    // the code that happens to contain " from " (the scrubber's sshd rule).
    const imported = [...bundle.matchAll(/from ["']([^"'./\s][^"'\s]*)["']/g)].map(
      (m) => m[1] ?? '',
    );
    const packages = new Set(
      imported
        .filter((s) => !s.startsWith('node:'))
        .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0])),
    );
    for (const name of packages) expect(Object.keys(manifest.dependencies)).toContain(name);
  });
});
