// The deploy configuration a maintainer ships with `firebase deploy`: what Cloud Build, Hosting
// and Firestore will be told, checked before anyone deploys it.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { deploymentConfig } from '../../../shared/config.ts';
import {
  REWRITES,
  retiredParamProblems,
  rewriteProblems,
} from '../../../scripts/lib/deploy-preflight.ts';
import { functionsLockProblems } from '../../../scripts/lib/functions-lock-files.ts';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
const firebase = JSON.parse(read('firebase.json')) as {
  functions: {
    source: string;
    runtime: string;
    codebase: string;
    predeploy: string[];
    ignore: string[];
  }[];
  hosting: {
    public: string;
    predeploy: string[];
    cleanUrls: boolean;
    rewrites: { source: string; function: { functionId: string; region: string } }[];
    headers: { source: string; headers: { key: string; value: string }[] }[];
  };
  firestore: { rules: string; indexes: string };
  emulators: Record<string, { port?: number; enabled?: boolean }>;
};

describe('firebase.json', () => {
  test('deploys the functions folder alone, built first, on Node 22 or 24', () => {
    const [functions] = firebase.functions;
    expect(functions?.source).toBe('functions');
    expect(functions?.codebase).toBe('default');
    expect(['nodejs22', 'nodejs24']).toContain(functions?.runtime);
    expect(functions?.predeploy.join(' ')).toContain('build:functions');
    expect(functions?.ignore).toEqual(
      expect.arrayContaining(['src', '.secret.local', 'node_modules']),
    );
    const manifest = JSON.parse(read('functions/package.json')) as {
      main: string;
      engines: { node: string };
    };
    expect(manifest.main).toBe('lib/index.js');
    expect(functions?.runtime).toBe(`nodejs${manifest.engines.node}`);
  });

  test('hosting serves the site and sends the API paths to the functions of the configured region', () => {
    expect(firebase.hosting.public).toBe('site/dist');
    expect(firebase.hosting.cleanUrls).toBe(true);
    const routes = Object.fromEntries(
      firebase.hosting.rewrites.map((r) => [
        r.source,
        `${r.function.functionId}@${r.function.region}`,
      ]),
    );
    // homecall.config.ts decides the region of every function; the rewrites must name it.
    const region = deploymentConfig.region;
    expect(routes).toEqual({
      '/v1/**': `ingest@${region}`,
      '/compat/**': `ingest@${region}`,
      '/api/**': `stats@${region}`,
    });
    expect(rewriteProblems(firebase, deploymentConfig)).toEqual([]);
  });

  test('a rewrite to another region than the config is named as a problem', () => {
    const elsewhere = { ...deploymentConfig, region: 'europe-west1' };
    expect(rewriteProblems(firebase, elsewhere)).toEqual(
      Object.keys(REWRITES).map(
        (source) =>
          `firebase.json: the rewrite of ${source} names region ${deploymentConfig.region}, but homecall.config.ts deploys the functions to europe-west1: set "region": "europe-west1" in every rewrite`,
      ),
    );
  });

  test('hosting has a predeploy that checks the built site before any upload', () => {
    expect(firebase.hosting.predeploy).toEqual(['npm --prefix "$PROJECT_DIR" run check:site']);
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> })
      .scripts;
    expect(scripts['check:site']).toBe('node scripts/check-site.ts');
    expect(scripts.deploy).toBe('node scripts/deploy.ts');
  });

  test('every response gets the security headers; no inline scripts are allowed', () => {
    const all = firebase.hosting.headers.find((h) => h.source === '**')?.headers ?? [];
    const header = (key: string) => all.find((h) => h.key === key)?.value ?? '';
    expect(header('Content-Security-Policy')).toMatch(/script-src 'self'(;|$)/);
    expect(header('Strict-Transport-Security')).toMatch(/max-age=\d{8}/);
    expect(header('X-Content-Type-Options')).toBe('nosniff');
    expect(header('Referrer-Policy')).toBe('no-referrer');
    expect(header('Permissions-Policy')).toContain('geolocation=()');
    // Page caching must not apply to /api/** (the function sets the CDN's s-maxage there).
    expect(all.some((h) => h.key === 'Cache-Control')).toBe(false);
  });

  test('emulators: functions 5001, hosting 5000, no UI', () => {
    expect(firebase.emulators.functions?.port).toBe(5001);
    expect(firebase.emulators.hosting?.port).toBe(5000);
    expect(firebase.emulators.ui?.enabled).toBe(false);
  });
});

describe('Firestore rules and indexes', () => {
  test('rules deny every client read and write', () => {
    const rules = read(firebase.firestore.rules);
    const allows = [...rules.matchAll(/allow\s+([^:;]+):\s*if\s+([^;]+);/g)].map((m) => [
      m[1]?.trim(),
      m[2]?.trim(),
    ]);
    expect(allows).toEqual([['read, write', 'false']]);
    expect(rules).toContain('match /{document=**}');
  });

  test('TTL on expireAt of events; receive times and page contents are not indexed', () => {
    const indexes = JSON.parse(read(firebase.firestore.indexes)) as {
      fieldOverrides: {
        collectionGroup: string;
        fieldPath: string;
        ttl: boolean;
        indexes: unknown[];
      }[];
    };
    const override = (group: string, field: string) =>
      indexes.fieldOverrides.find((o) => o.collectionGroup === group && o.fieldPath === field);
    expect(override('events', 'expireAt')).toMatchObject({ ttl: true, indexes: [] });
    // Activity pages are purged by the daily run; only `bucket` and `day` are queried.
    for (const field of ['keys', 'snaps', 'snapshots', 'local', 'cons', 'contribs', 'cohorts'])
      expect(override('pages', field)).toMatchObject({ indexes: [] });
    expect(override('pages', 'day')).toBeUndefined();
    expect(override('pages', 'bucket')).toBeUndefined();
    expect(override('events', 'receivedAt')).toMatchObject({ indexes: [] });
    // The compressed sections of month documents: up to ~1 MB of bytes no query looks into.
    expect(override('months', 'sections')).toMatchObject({ indexes: [] });
  });

  test('event fields no query filters on are not indexed; the ones queries use are', () => {
    const indexes = JSON.parse(read(firebase.firestore.indexes)) as {
      fieldOverrides: { collectionGroup: string; fieldPath: string; indexes: unknown[] }[];
    };
    const exempt = indexes.fieldOverrides
      .filter((o) => o.collectionGroup === 'events' && o.indexes.length === 0)
      .map((o) => o.fieldPath);
    // The fields the store's queries on the events collection filter or order by.
    const store = read('functions/src/store/firestore-store.ts');
    const queried = [...store.matchAll(/this\.events\.where\('([^']+)'/g)].map((m) => m[1]);
    expect(new Set(queried)).toEqual(new Set(['day', 'install']));
    for (const field of queried) expect(exempt).not.toContain(field);
    // Every other field of a stored event is exempt: its index entries would cost storage and
    // write time and serve no query.
    const storedEventFields = [
      'install',
      'day',
      'type',
      'source',
      'receivedAt',
      'expireAt',
      'product',
      'platform',
      'modules',
      'failure',
      'counters',
      'attributes',
      'action',
      'devices',
      'proof',
    ];
    const types = read('functions/src/model/stored.ts');
    const declared = /export interface StoredEvent \{([\s\S]*?)\n\}/.exec(types)?.[1] ?? '';
    const declaredFields = [...declared.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]);
    expect(new Set(declaredFields)).toEqual(new Set(['id', ...storedEventFields]));
    expect(new Set(exempt)).toEqual(new Set(storedEventFields.filter((f) => !queried.includes(f))));
  });
});

describe('one source of configuration', () => {
  test('the functions read no setting from .env params: only the secret is a param', () => {
    const params = read('functions/src/params.ts');
    expect([...params.matchAll(/define(\w+)\('(\w+)'/g)].map((m) => `${m[1]} ${m[2]}`)).toEqual([
      'Secret INSTALL_ID_SECRET',
    ]);
    expect(() => read('functions/.env.example')).toThrow();
  });

  test('a leftover .env setting of what the config now decides is named with its new field', () => {
    expect(
      retiredParamProblems({
        'functions/.env': 'K_ANONYMITY=10\n# comment\nOTHER=1\nSITE_URL=https://x.example\n',
        'functions/.env.local': 'AGGREGATE_EVENTS_PER_SHARD=4\nAGGREGATE_SHARD_PARALLELISM=2\n',
      }),
    ).toEqual([
      'functions/.env sets K_ANONYMITY, which homecall no longer reads: set kAnonymity in homecall.config.ts and delete the line',
      'functions/.env sets SITE_URL, which homecall no longer reads: set siteUrl in homecall.config.ts and delete the line',
      'functions/.env.local sets AGGREGATE_EVENTS_PER_SHARD, which homecall no longer reads: set aggregation.eventsPerShard in homecall.config.ts and delete the line',
      'functions/.env.local sets AGGREGATE_SHARD_PARALLELISM, which homecall no longer reads: set aggregation.shardParallelism in homecall.config.ts and delete the line',
    ]);
  });

  test('functions/package-lock.json pins every package at the version the root lockfile installs', () => {
    expect(functionsLockProblems()).toEqual([]);
  });
});
