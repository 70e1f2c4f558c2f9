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
  resolveProject,
  shellQuote,
} from '../../scripts/lib/request-log-exclusion.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
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

  // A stand-in gcloud that records its arguments and describes a sink with `exclusions`.
  function fakeGcloud(exclusions: unknown[]): { dir: string; calls: () => string[][] } {
    const dir = mkdtempSync(join(tmpdir(), 'homecall-gcloud-'));
    const log = join(dir, 'calls');
    writeFileSync(join(dir, 'sink.json'), `${JSON.stringify({ name: '_Default', exclusions })}\n`);
    writeFileSync(
      join(dir, 'gcloud'),
      [
        '#!/bin/sh',
        `for a in "$@"; do printf '%s\\n' "$a"; done >>'${log}'`,
        `printf -- '----\\n' >>'${log}'`,
        `[ "$3" = describe ] && while IFS= read -r l; do printf '%s\\n' "$l"; done <'${dir}/sink.json'`,
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
      ]);
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
      expect(gcloud.calls()).toHaveLength(2);
    } finally {
      rmSync(gcloud.dir, { recursive: true, force: true });
    }
  });
});
