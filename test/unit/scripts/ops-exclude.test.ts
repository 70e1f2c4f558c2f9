// The request-log exclusion: the filter and gcloud command lines built from the options, the
// project resolution and its errors, and the CLI's dry run and missing-gcloud message.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  EXCLUSION_NAME,
  UsageError,
  actionFor,
  describeArgs,
  exclusionArgs,
  exclusionFilter,
  firebasercDefault,
  formatCommand,
  listSinksArgs,
  sinkExclusionArgs,
  sinksCopyingRequestLogs,
  resolveProject,
  shellQuote,
} from '../../../scripts/lib/request-log-exclusion.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const FILTER =
  'LOG_ID("run.googleapis.com/requests") AND resource.type="cloud_run_revision" AND ' +
  '(resource.labels.service_name="ingest" OR resource.labels.service_name="stats")';

describe('exclusion filter and command', () => {
  test('the filter matches the Cloud Run request logs of ingest and stats only', () => {
    expect(exclusionFilter()).toBe(FILTER);
    expect(exclusionFilter(['ingest'])).toBe(
      'LOG_ID("run.googleapis.com/requests") AND resource.type="cloud_run_revision" AND ' +
        'resource.labels.service_name="ingest"',
    );
    expect(() => exclusionFilter([])).toThrow(UsageError);
    expect(() => exclusionFilter(['x" OR true OR "'])).toThrow('not a Cloud Run service name');
  });

  test('add builds one gcloud logging sinks update of _Default', () => {
    const args = exclusionArgs('my-project-42', 'add');
    expect(args).toEqual([
      'logging',
      'sinks',
      'update',
      '_Default',
      `--add-exclusion=name=${EXCLUSION_NAME},description=homecall: Cloud Run request logs of ingest and stats record caller IP addresses,filter=${FILTER}`,
      '--project=my-project-42',
    ]);
    // gcloud splits the flag value on commas: the values must have none.
    const spec = args[4]?.slice('--add-exclusion='.length) ?? '';
    expect(spec.split(',').map((kv) => kv.split('=', 1)[0])).toEqual([
      'name',
      'description',
      'filter',
    ]);
  });

  test('update re-applies the filter and re-enables a disabled exclusion', () => {
    const args = exclusionArgs('my-project-42', 'update');
    expect(args[4]).toMatch(
      /^--update-exclusion=name=homecall-request-logs,.*,filter=.*,disabled=$/,
    );
  });

  test('the printed command pastes into a shell', () => {
    expect(formatCommand('gcloud', exclusionArgs('my-project-42', 'add'))).toBe(
      `gcloud logging sinks update _Default '--add-exclusion=name=homecall-request-logs,` +
        `description=homecall: Cloud Run request logs of ingest and stats record caller IP addresses,` +
        `filter=${FILTER}' --project=my-project-42`,
    );
    expect(formatCommand('gcloud', describeArgs('my-project-42'))).toBe(
      'gcloud logging sinks describe _Default --project=my-project-42',
    );
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('--format=json')).toBe('--format=json');
  });

  test.each([
    [undefined, 'add'],
    [{}, 'add'],
    [{ exclusions: [{ name: 'other', filter: FILTER }] }, 'add'],
    [{ exclusions: [{ name: EXCLUSION_NAME, filter: FILTER }] }, 'unchanged'],
    [{ exclusions: [{ name: EXCLUSION_NAME, filter: FILTER, disabled: true }] }, 'update'],
    [{ exclusions: [{ name: EXCLUSION_NAME, filter: 'LOG_ID("x")' }] }, 'update'],
  ] as const)('sink %j → %s', (sink, action) => {
    expect(actionFor(sink, FILTER)).toBe(action);
  });
});

describe('project resolution', () => {
  const rc = JSON.stringify({ projects: { default: 'stats-prod-1' } });

  test('--project, then GCLOUD_PROJECT, then GOOGLE_CLOUD_PROJECT, then .firebaserc', () => {
    const env = { GCLOUD_PROJECT: 'from-gcloud-env', GOOGLE_CLOUD_PROJECT: 'from-google-env' };
    expect(resolveProject('from-flag-1', env, rc)).toEqual({
      project: 'from-flag-1',
      source: '--project',
    });
    expect(resolveProject(undefined, env, rc).project).toBe('from-gcloud-env');
    expect(resolveProject(undefined, { GOOGLE_CLOUD_PROJECT: 'from-google-env' }, rc).project).toBe(
      'from-google-env',
    );
    expect(resolveProject(undefined, { GCLOUD_PROJECT: '' }, rc)).toEqual({
      project: 'stats-prod-1',
      source: '.firebaserc (projects.default)',
    });
  });

  test('no project anywhere is a clear error', () => {
    expect(() => resolveProject(undefined, {}, undefined)).toThrow(UsageError);
    expect(() => resolveProject(undefined, {}, '{"projects":{}}')).toThrow(
      /no Google Cloud project given: pass --project ID, set GCLOUD_PROJECT, or run `firebase use --add`/,
    );
  });

  test('emulator and malformed ids are refused', () => {
    expect(() => resolveProject('demo-homecall', {}, undefined)).toThrow(
      /demo- projects exist only in the local emulators/,
    );
    expect(() => resolveProject('Bad Project', {}, undefined)).toThrow(
      '--project is "Bad Project", which is not a Google Cloud project id',
    );
  });

  test('.firebaserc is read leniently', () => {
    expect(firebasercDefault(rc)).toBe('stats-prod-1');
    expect(firebasercDefault('{not json')).toBeUndefined();
    expect(firebasercDefault('{"projects":{"default":""}}')).toBeUndefined();
    expect(firebasercDefault(undefined)).toBeUndefined();
  });
});

describe('the CLI', () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(`${ROOT}node_modules/.bin/node`, ['scripts/ops-exclude-request-logs.ts', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      // No gcloud on this PATH, no project in the environment.
      env: { PATH: '/nonexistent', ...env },
    });

  test('--dry-run prints the command and how to verify, and runs nothing', () => {
    const result = run(['--project', 'stats-prod-1', '--dry-run']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Project: stats-prod-1 (from --project)');
    expect(result.stdout).toContain(formatCommand('gcloud', exclusionArgs('stats-prod-1', 'add')));
    expect(result.stdout).toContain(
      'gcloud logging sinks describe _Default --project=stats-prod-1',
    );
    expect(result.stdout).toContain('gcloud is not on PATH');
  });

  test('without gcloud a real run stops with a clear message', () => {
    const result = run(['--project', 'stats-prod-1']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'gcloud (the Google Cloud CLI) is not installed or not on PATH',
    );
  });

  test('a bad project is a usage error (exit 2)', () => {
    const result = run(['--project', 'demo-homecall', '--dry-run']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('demo- projects exist only in the local emulators');
  });

  // A stand-in gcloud that records its arguments, describes a sink with `exclusions` and lists
  // `sinks` as the project's sinks.
  function fakeGcloud(
    exclusions: unknown[],
    sinks: unknown[] = [{ name: '_Default' }, { name: '_Required' }],
  ): { dir: string; calls: () => string[][] } {
    const dir = mkdtempSync(join(tmpdir(), 'homecall-gcloud-'));
    const log = join(dir, 'calls');
    writeFileSync(join(dir, 'sink.json'), `${JSON.stringify({ name: '_Default', exclusions })}\n`);
    writeFileSync(join(dir, 'sinks.json'), `${JSON.stringify(sinks)}\n`);
    writeFileSync(
      join(dir, 'gcloud'),
      [
        '#!/bin/sh',
        `for a in "$@"; do printf '%s\\n' "$a"; done >>'${log}'`,
        `printf -- '----\\n' >>'${log}'`,
        `[ "$3" = describe ] && while IFS= read -r l; do printf '%s\\n' "$l"; done <'${dir}/sink.json'`,
        `[ "$3" = list ] && while IFS= read -r l; do printf '%s\\n' "$l"; done <'${dir}/sinks.json'`,
        'exit 0',
        '',
      ].join('\n'),
    );
    chmodSync(join(dir, 'gcloud'), 0o755);
    const calls = () =>
      readFileSync(log, 'utf8')
        .split('----\n')
        .filter((c) => c !== '')
        .map((c) => c.trimEnd().split('\n'));
    return { dir, calls };
  }

  test.each([
    [[], 'add', 'was added'],
    [[{ name: EXCLUSION_NAME, filter: 'LOG_ID("old")' }], 'update', 'was updated'],
  ] as const)('with exclusions %j it runs the %s command', (exclusions, action, message) => {
    const gcloud = fakeGcloud([...exclusions]);
    try {
      const result = run(['--project', 'stats-prod-1'], { PATH: gcloud.dir });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const calls = gcloud.calls();
      expect(calls).toEqual([
        ['--version'],
        describeArgs('stats-prod-1', true),
        exclusionArgs('stats-prod-1', action),
        listSinksArgs('stats-prod-1'),
      ]);
      expect(result.stdout).toContain(
        'No other log sink copies the request logs (2 sinks checked)',
      );
      expect(result.stdout).toContain(
        `$ ${formatCommand('gcloud', exclusionArgs('stats-prod-1', action))}`,
      );
      expect(result.stdout).toContain(message);
    } finally {
      rmSync(gcloud.dir, { recursive: true, force: true });
    }
  });

  test('an exclusion already in place is left alone', () => {
    const gcloud = fakeGcloud([{ name: EXCLUSION_NAME, filter: FILTER }]);
    try {
      const result = run([], { PATH: gcloud.dir, GCLOUD_PROJECT: 'stats-prod-1' });
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('Project: stats-prod-1 (from GCLOUD_PROJECT)');
      expect(result.stdout).toContain('in place and up to date: nothing to do');
      expect(gcloud.calls()).toEqual([
        ['--version'],
        describeArgs('stats-prod-1', true),
        listSinksArgs('stats-prod-1'),
      ]);
    } finally {
      rmSync(gcloud.dir, { recursive: true, force: true });
    }
  });
  test('other sinks that would copy the request logs are named with the command that fixes each', () => {
    const gcloud = fakeGcloud(
      [{ name: EXCLUSION_NAME, filter: FILTER }],
      [
        { name: '_Default' },
        { name: '_Required', filter: 'LOG_ID("cloudaudit.googleapis.com/activity")' },
        { name: 'to-bigquery', destination: 'bigquery.googleapis.com/projects/p/datasets/all' },
        {
          name: 'errors',
          destination: 'pubsub.googleapis.com/projects/p/topics/e',
          filter: 'severity>=ERROR',
        },
        {
          name: 'gce-only',
          destination: 'storage.googleapis.com/b',
          filter: 'resource.type="gce_instance"',
        },
        { name: 'off', disabled: true },
      ],
    );
    try {
      const result = run(['--project', 'stats-prod-1'], { PATH: gcloud.dir });
      expect(result.status).toBe(0);
      expect(result.stderr).toContain(
        'WARNING: log sink "to-bigquery" (to bigquery.googleapis.com/projects/p/datasets/all) may copy Cloud Run request logs, which carry caller IP addresses: it has no filter, so it copies every log entry.',
      );
      expect(result.stderr).toContain(
        'WARNING: log sink "errors" (to pubsub.googleapis.com/projects/p/topics/e) may copy Cloud Run request logs, which carry caller IP addresses: its filter does not restrict log names or resource types.',
      );
      expect(result.stderr).toContain(
        formatCommand('gcloud', sinkExclusionArgs('stats-prod-1', 'errors')),
      );
      expect(result.stderr).not.toMatch(/_Required|gce-only|"off"/);
      // Nothing but the _Default exclusion is changed: other sinks are only reported.
      expect(gcloud.calls().filter((c) => c[2] === 'update')).toEqual([]);
    } finally {
      rmSync(gcloud.dir, { recursive: true, force: true });
    }
  });
});

describe('other log sinks', () => {
  test.each([
    [{ name: 'all' }, 'it has no filter, so it copies every log entry'],
    [
      { name: 'run', filter: 'resource.type="cloud_run_revision"' },
      'its filter names Cloud Run or its request logs',
    ],
    [
      { name: 'req', filter: 'logName="projects/p/logs/run.googleapis.com%2Frequests"' },
      'its filter names Cloud Run or its request logs',
    ],
    [
      { name: 'sev', filter: 'severity>=WARNING' },
      'its filter does not restrict log names or resource types',
    ],
    [{ name: 'gce', filter: 'resource.type="gce_instance"' }, undefined],
    [{ name: 'audit', filter: 'LOG_ID("cloudaudit.googleapis.com/activity")' }, undefined],
    [{ name: 'off', disabled: true }, undefined],
    [{ name: 'covered', exclusions: [{ name: 'mine', filter: FILTER }] }, undefined],
    [
      {
        name: 'covered-off',
        exclusions: [{ name: EXCLUSION_NAME, filter: FILTER, disabled: true }],
      },
      'it has no filter, so it copies every log entry',
    ],
    [{ name: '_Default' }, undefined],
    [{ name: '_Required' }, undefined],
  ] as const)('%j → %s', (sink, reason) => {
    const found = sinksCopyingRequestLogs([sink]);
    expect(found.map((w) => w.reason)).toEqual(reason === undefined ? [] : [reason]);
  });

  test('the fix for another sink is the same exclusion on that sink', () => {
    expect(sinkExclusionArgs('p-123456', 'to-bq')).toEqual([
      'logging',
      'sinks',
      'update',
      'to-bq',
      exclusionArgs('p-123456', 'add')[4],
      '--project=p-123456',
    ]);
  });
});
