// `npm run export`'s command line and target: every mistake a usage error with a message that
// says how to fix it, and production data read only from a project named explicitly.
import { describe, expect, test } from 'vitest';
import {
  UsageError,
  parseExportArgs,
  resolveExportTarget,
  retentionStart,
} from '../../../scripts/lib/export-args.ts';

const ctx = { today: '2026-11-27', retentionDays: 90 };
const parse = (args: string) => parseExportArgs(args.split(' ').filter(Boolean), ctx);
const RANGE = 'devices --from 2026-11-01 --to 2026-11-07';

describe('parseExportArgs', () => {
  test.each<[string, string, object]>([
    ['defaults: CSV to stdout', RANGE, { format: 'csv' }],
    ['--format json', `${RANGE} --format json`, { format: 'json' }],
    [
      '--out x.json without --format means JSON',
      `${RANGE} --out x.json`,
      { format: 'json', out: 'x.json' },
    ],
    ['--out x.csv', `${RANGE} --out x.csv`, { format: 'csv', out: 'x.csv' }],
    ['--format wins over the file name', `${RANGE} --out x.json --format csv`, { format: 'csv' }],
    ['--project', `${RANGE} --project my-project-1`, { project: 'my-project-1' }],
    [
      'one day',
      'devices --from 2026-11-27 --to 2026-11-27',
      { from: '2026-11-27', to: '2026-11-27' },
    ],
    ['exactly the retention', 'devices --from 2026-08-30 --to 2026-11-27', { from: '2026-08-30' }],
  ])('%s', (_name, args, expected) => {
    expect(parse(args)).toMatchObject({ kind: 'devices', ...expected });
  });

  test('--help asks for the usage', () => {
    expect(parse('--help')).toBeUndefined();
    expect(parse('devices -h')).toBeUndefined();
  });

  test.each<[string, string, RegExp]>([
    ['no kind', '--from 2026-11-01 --to 2026-11-02', /say what to export: devices/],
    [
      'an unknown kind',
      'ports --from 2026-11-01 --to 2026-11-02',
      /unknown export kind "ports"; known kinds: devices/,
    ],
    ['two kinds', `${RANGE} extra`, /unexpected argument "extra"/],
    ['no --from', 'devices --to 2026-11-02', /--from YYYY-MM-DD is required/],
    ['no --to', 'devices --from 2026-11-02', /--to YYYY-MM-DD is required/],
    [
      'a day that does not exist',
      'devices --from 2026-02-30 --to 2026-03-02',
      /--from must be a calendar day written YYYY-MM-DD, got "2026-02-30"/,
    ],
    ['another form of date', 'devices --from 01/11/2026 --to 2026-11-02', /got "01\/11\/2026"/],
    ['a bad --to', 'devices --from 2026-11-01 --to 2026-11', /--to must be a calendar day/],
    [
      'a reversed range',
      'devices --from 2026-11-07 --to 2026-11-01',
      /--from 2026-11-07 is after --to 2026-11-01/,
    ],
    [
      'a range ending after today',
      'devices --from 2026-11-20 --to 2026-11-28',
      /after today \(2026-11-27, UTC\)/,
    ],
    [
      'one day longer than retention',
      'devices --from 2026-08-29 --to 2026-11-27',
      /91 days, longer than the 90 days raw events are kept: choose at most 90 days/,
    ],
    ['an unknown format', `${RANGE} --format xml`, /--format must be csv or json, got "xml"/],
    ['an unknown option', `${RANGE} --since 2026-11-01`, /Unknown option '--since'/],
    ['an empty --out', `${RANGE} --out=`, /--out needs a file name/],
    ['an empty --project', `${RANGE} --project=`, /--project needs a project id/],
  ])('%s is a usage error', (_name, args, message) => {
    expect(() => parse(args)).toThrow(UsageError);
    expect(() => parse(args)).toThrow(message);
  });
});

describe('resolveExportTarget', () => {
  const emulator = { FIRESTORE_EMULATOR_HOST: '127.0.0.1:8080' };
  test.each<[string, string | undefined, Record<string, string>, object]>([
    ['--project', 'my-project-1', {}, { project: 'my-project-1', projectSource: '--project' }],
    [
      '--project before the environment',
      'my-project-1',
      { GCLOUD_PROJECT: 'other-project' },
      { project: 'my-project-1' },
    ],
    [
      'GCLOUD_PROJECT',
      undefined,
      { GCLOUD_PROJECT: 'my-project-2' },
      { project: 'my-project-2', projectSource: 'GCLOUD_PROJECT' },
    ],
    [
      'GOOGLE_CLOUD_PROJECT',
      undefined,
      { GOOGLE_CLOUD_PROJECT: 'my-project-3' },
      { project: 'my-project-3' },
    ],
    [
      'the emulator, default project',
      undefined,
      emulator,
      { emulatorHost: '127.0.0.1:8080', project: 'demo-homecall' },
    ],
    [
      'the emulator, any project id',
      'test-1234',
      emulator,
      { emulatorHost: '127.0.0.1:8080', project: 'test-1234' },
    ],
    [
      'the emulator, GCLOUD_PROJECT',
      undefined,
      { ...emulator, GCLOUD_PROJECT: 'demo-x' },
      { project: 'demo-x' },
    ],
  ])('%s', (_name, flag, env, expected) => {
    expect(resolveExportTarget(flag, env)).toMatchObject(expected);
  });

  test('real Firestore has no emulator host', () => {
    expect(resolveExportTarget('my-project-1', {}).emulatorHost).toBeUndefined();
    expect(
      resolveExportTarget('my-project-1', { FIRESTORE_EMULATOR_HOST: '' }).emulatorHost,
    ).toBeUndefined();
  });

  test.each<[string, string | undefined, Record<string, string>, RegExp]>([
    [
      'no project at all',
      undefined,
      {},
      /no project given: pass --project ID .*gcloud auth application-default login/,
    ],
    ['an empty GCLOUD_PROJECT', undefined, { GCLOUD_PROJECT: ' ' }, /no project given/],
    ['not a project id', 'My_Project', {}, /"My_Project", which is not a Google Cloud project id/],
    [
      'a demo- project outside the emulator',
      'demo-homecall',
      {},
      /demo- projects exist only in an emulator/,
    ],
  ])('%s is a usage error', (_name, flag, env, message) => {
    expect(() => resolveExportTarget(flag, env)).toThrow(UsageError);
    expect(() => resolveExportTarget(flag, env)).toThrow(message);
  });
});

test('retention: the earliest day whose events may be stored', () => {
  expect(retentionStart('2026-11-27', 90)).toBe('2026-08-29');
});
