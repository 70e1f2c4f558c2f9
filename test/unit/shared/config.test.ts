// homecall.config.ts and its validation: the repository's file and both examples pass; every bad
// value is refused with a message naming the field — k below 5 above all (issue 11 item 9) —
// and a functions bundle built from a bad file refuses to start.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, test } from 'vitest';
import repository from '../../../homecall.config.ts';
import librenms from '../../../examples/librenms.config.ts';
import netdata from '../../../examples/netdata.config.ts';
import {
  ConfigError,
  MIN_K_ANONYMITY,
  parseDeploymentConfig,
  type DeploymentConfigInput,
} from '../../../shared/config-schema.ts';
import { deploymentConfig } from '../../../shared/config.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;

/** The message parseDeploymentConfig throws for `raw`, or '' when it passes. */
function refusal(raw: unknown): string {
  try {
    parseDeploymentConfig(raw);
    return '';
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
}

const withField = (patch: Record<string, unknown>): unknown => ({ ...repository, ...patch });

describe('the configurations in the repository', () => {
  test.each([
    ['homecall.config.ts', repository],
    ['examples/librenms.config.ts', librenms],
    ['examples/netdata.config.ts', netdata],
  ] as [string, DeploymentConfigInput][])('%s is valid', (_name, raw) => {
    expect(refusal(raw)).toBe('');
  });

  test('the examples are two different kinds of deployment', () => {
    const l = parseDeploymentConfig(librenms);
    const n = parseDeploymentConfig(netdata);
    expect(l.compat).toEqual({ netdata: false, librenms: true, cleaninsights: false });
    expect(n.compat).toEqual({ netdata: true, librenms: false, cleaninsights: false });
    // LibreNMS reports counter groups; each has a title and a unit for the site.
    expect(Object.keys(l.counters).length).toBeGreaterThan(30);
    for (const spec of Object.values(l.counters)) expect(spec.unit).toBeTruthy();
    expect(n.attributes.cpu_cores?.unit).toBe('cores');
  });

  test('what everything imports is the validated repository file', () => {
    expect(deploymentConfig).toEqual(parseDeploymentConfig(repository));
    expect(deploymentConfig.kAnonymity).toBeGreaterThanOrEqual(MIN_K_ANONYMITY);
  });
});

describe('validation', () => {
  test.each([4, 1, 0, -5, 4.5])('k = %s is refused, naming kAnonymity', (k) => {
    expect(refusal(withField({ kAnonymity: k }))).toMatch(/^ {2}- kAnonymity: /m);
  });

  test.each([
    [{ epsilon: 0 }, '  - privacy.epsilon: must be more than 0'],
    [
      { epsilon: 60 },
      '  - privacy.epsilon: must be at most 50: beyond it the noise protects no one',
    ],
    [
      { delta: 0.01 },
      '  - privacy.delta: must be at most 0.001: δ is the chance the guarantee fails outright',
    ],
    [{ eventClip: 2.5 }, '  - privacy.eventClip: '],
    [{ counterClip: 0 }, '  - privacy.counterClip: '],
  ])('differential privacy %o is refused, naming the field', (change, message) => {
    expect(refusal(withField({ privacy: { ...repository.privacy, ...change } }))).toContain(
      message,
    );
  });

  test('the privacy settings are required: no second source of defaults', () => {
    const { privacy: _privacy, ...without } = repository;
    expect(refusal(without)).toMatch(/^ {2}- privacy: /m);
  });

  test('the message for k below 5 says why', () => {
    expect(refusal(withField({ kAnonymity: 4 }))).toBe(
      'homecall.config.ts is invalid:\n' +
        '  - kAnonymity: must be at least 5: with fewer, a published bucket of a handful of installs singles them out\n' +
        'Fix the field(s) above in homecall.config.ts; nothing was built, started or deployed.',
    );
    expect(refusal(withField({ kAnonymity: 5 }))).toBe('');
  });

  test.each([
    [{ kAnonimity: 5 }, /- \(the whole file\): Unrecognized key: "kAnonimity"/],
    [{ siteUrl: 'stats.example.org' }, /- siteUrl: an http\(s\) address/],
    [{ siteUrl: 'http://stats.example.org' }, /- siteUrl: the site URL must use https/],
    [{ region: 'us central' }, /- region: a Cloud Functions region/],
    [{ maxInstances: 0 }, /- maxInstances: /],
    [{ installRetentionDays: 20 }, /- installRetentionDays: must be at least 28/],
    [{ eventRetentionDays: 4 }, /- eventRetentionDays: /],
    [{ lateArrivalHours: 200 }, /- lateArrivalHours: /],
    [{ compat: { netdata: true, librenms: true } }, /- compat\.cleaninsights: /],
    [
      { compat: { netdata: true, librenms: true, cleaninsights: true, posthog: true } },
      /- compat: Unrecognized key/,
    ],
    [
      { attributes: { cpu_cores: { kind: 'number', description: 'x', published: true } } },
      /- attributes\.cpu_cores\.title: /,
    ],
    [
      {
        attributes: {
          'Bad Key': { kind: 'number', title: 't', description: 'x', published: true },
        },
      },
      /- attributes\.Bad Key: attribute keys are lower-case/,
    ],
    [{ counters: { os: { title: 'OS' } } }, /- counters\.os\.description: /],
    [
      { aggregation: { eventsPerShard: 0, shardParallelism: 8 } },
      /- aggregation\.eventsPerShard: /,
    ],
    [{ aggregation: { eventsPerShard: 1000 } }, /- aggregation\.shardParallelism: /],
    [
      {
        attributes: {
          os_build: {
            kind: 'string',
            title: 't',
            description: 'x',
            published: true,
            shape: 'anything',
          },
        },
      },
      /- attributes\.os_build\.shape: /,
    ],
    [{ optOut: { environment: ['DO_NOT_TRACK'], files: [] } }, /- optOut\.wording: /],
  ])('%j is refused with the field named', (patch, message) => {
    expect(refusal(withField(patch))).toMatch(message);
  });

  test('the late-arrival window must fit inside raw-event retention', () => {
    expect(refusal(withField({ eventRetentionDays: 7, lateArrivalHours: 168 }))).toMatch(
      /- eventRetentionDays: must be more than 8 days: the daily run recomputes the late-arrival window/,
    );
  });

  test('every bad field is listed at once', () => {
    const message = refusal(withField({ kAnonymity: 2, region: 'x', maxInstances: -1 }));
    expect(message.match(/^ {2}- /gm)).toHaveLength(3);
  });

  const withScreening = (patch: Record<string, unknown>): unknown =>
    withField({ screening: { ...repository.screening, ...patch } });

  test.each([
    [{ establishedDays: 0 }, /- screening\.establishedDays: /],
    [{ establishedDays: 2.5 }, /- screening\.establishedDays: /],
    [
      { releasedVersions: ['1.6.*', 'not a version!'] },
      /- screening\.releasedVersions\.1: a version such as 1\.6\.0/,
    ],
    [{ releasedVersions: [] }, /- screening\.releasedVersions: /],
    [
      { impossibleProfiles: [{ os: 'macos', cpu: 'arm' }] },
      /- screening\.impossibleProfiles\.0: Unrecognized key: "cpu"/,
    ],
    [
      { impossibleProfiles: [{}] },
      /- screening\.impossibleProfiles\.0: a profile names a field at least/,
    ],
    [
      { proofOfWork: { difficulty: 30 } },
      /- screening\.proofOfWork\.difficulty: at most 24: agent\.sh must find a proof within seconds/,
    ],
    [{ proofOfWork: { difficulty: -1 } }, /- screening\.proofOfWork\.difficulty: /],
    [
      { unestablishedInstallFailuresPerDay: -1 },
      /- screening\.unestablishedInstallFailuresPerDay: /,
    ],
    [
      { anomaly: { ...repository.screening.anomaly, minBaselineDays: 20 } },
      /- screening\.anomaly\.minBaselineDays: must be at most baselineDays/,
    ],
    [
      { anomaly: { ...repository.screening.anomaly, jumpRatio: 1 } },
      /- screening\.anomaly\.jumpRatio: /,
    ],
    [
      { anomaly: { ...repository.screening.anomaly, concentratedRatio: 4 } },
      /- screening\.anomaly\.concentratedRatio: must be at most jumpRatio/,
    ],
    [
      { establishedDays: 9, identitylessBaselineDays: 7 },
      /- screening\.identitylessBaselineDays: must be at least establishedDays - 1 \(8\)/,
    ],
  ])('screening %j is refused with the field named', (patch, message) => {
    expect(refusal(withScreening(patch))).toMatch(message);
  });

  test('a screening section is required, and a released-version list is optional', () => {
    const { screening: _dropped, ...rest } = repository;
    expect(refusal(rest)).toMatch(/- screening: /);
    expect(refusal(withScreening({ releasedVersions: ['1.4.*', '1.5.0'] }))).toBe('');
  });

  test('a trailing slash of the site URL is dropped', () => {
    expect(parseDeploymentConfig(withField({ siteUrl: 'https://s.example.org/' })).siteUrl).toBe(
      'https://s.example.org',
    );
  });
});

describe('the functions refuse to start with a bad configuration', () => {
  test('a bundle built from a file with k = 4 throws the ConfigError when it loads', async () => {
    // Built straight with esbuild (npm run build:functions would refuse first), next to the
    // repository's node_modules so the bundle finds firebase-functions like the deployed one.
    const dir = join(ROOT, 'node_modules/.cache/homecall-config-test', randomUUID());
    mkdirSync(dir, { recursive: true });
    try {
      const bad = join(dir, 'homecall.config.ts');
      writeFileSync(bad, `export default ${JSON.stringify({ ...repository, kAnonymity: 4 })};\n`);
      await build({
        entryPoints: [join(ROOT, 'functions/src/index.ts')],
        outfile: join(dir, 'index.js'),
        bundle: true,
        platform: 'node',
        format: 'esm',
        packages: 'external',
        logLevel: 'silent',
        plugins: [
          {
            name: 'bad-config',
            setup(b) {
              b.onResolve({ filter: /homecall\.config\.ts$/ }, () => ({ path: bad }));
            },
          },
        ],
      });
      const started = spawnSync(
        `${ROOT}node_modules/.bin/node`,
        ['--input-type=module', '-e', `await import(${JSON.stringify(join(dir, 'index.js'))});`],
        { cwd: dir, encoding: 'utf8', env: { ...process.env, GCLOUD_PROJECT: 'demo-config-test' } },
      );
      expect(started.status).not.toBe(0);
      expect(started.stderr).toContain('ConfigError: homecall.config.ts is invalid:');
      expect(started.stderr).toContain('  - kAnonymity: must be at least 5');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
