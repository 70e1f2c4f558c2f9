// The rules of homecall.config.ts at their edges (shared/config-schema.ts and its screening
// section, shared/screening-schema.ts): each value just inside a rule is accepted, each just
// outside is refused with the field named, and the message says what to fix. A rule loosened
// here lets a deployment publish with settings the privacy page does not describe.
import { describe, expect, test } from 'vitest';
import repository from '../../../homecall.config.ts';
import {
  ConfigError,
  MIN_INSTALL_RETENTION_DAYS,
  MIN_K_ANONYMITY,
  parseDeploymentConfig,
} from '../../../shared/config-schema.ts';
import { MAX_PROOF_DIFFICULTY } from '../../../shared/screening-schema.ts';

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
const withScreening = (patch: Record<string, unknown>): unknown =>
  withField({ screening: { ...repository.screening, ...patch } });
const withAnomaly = (patch: Record<string, unknown>): unknown =>
  withScreening({ anomaly: { ...repository.screening.anomaly, ...patch } });

describe('the limits', () => {
  test('k at least 5, installs remembered at least 28 days, proofs of at most 24 bits', () => {
    expect(MIN_K_ANONYMITY).toBe(5);
    expect(MIN_INSTALL_RETENTION_DAYS).toBe(28);
    expect(MAX_PROOF_DIFFICULTY).toBe(24);
    expect(refusal(withField({ kAnonymity: 5 }))).toBe('');
    expect(refusal(withField({ kAnonymity: 4 }))).toContain(
      '  - kAnonymity: must be at least 5: with fewer, a published bucket of a handful of installs singles them out\n',
    );
    expect(refusal(withField({ installRetentionDays: 28 }))).toBe('');
    expect(refusal(withField({ installRetentionDays: 27 }))).toContain(
      '  - installRetentionDays: must be at least 28: the 28-day active window needs installs remembered that long\n',
    );
    expect(refusal(withScreening({ proofOfWork: { difficulty: 24 } }))).toBe('');
    expect(refusal(withScreening({ proofOfWork: { difficulty: 25 } }))).toContain(
      '  - screening.proofOfWork.difficulty: at most 24: agent.sh must find a proof within seconds on a small machine\n',
    );
  });
});

describe('the site URL', () => {
  test.each([
    ['https://stats.example.org', 'https://stats.example.org'],
    ['https://stats.example.org/', 'https://stats.example.org'],
    ['https://stats.example.org///', 'https://stats.example.org'],
    ['https://example.org/stats/', 'https://example.org/stats'],
    ['https://a.b-c.example.org', 'https://a.b-c.example.org'],
    [`https://${'a'.repeat(63)}.org`, `https://${'a'.repeat(63)}.org`],
    ['https://Stats.Example.ORG', 'https://Stats.Example.ORG'],
    ['https://localhost:4321', 'https://localhost:4321'],
    ['http://localhost', 'http://localhost'],
    ['http://localhost:4321/', 'http://localhost:4321'],
    ['http://127.0.0.1:5000', 'http://127.0.0.1:5000'],
    ['http://127.0.0.1/site', 'http://127.0.0.1/site'],
  ])('%s is accepted as %s', (siteUrl, stored) => {
    expect(parseDeploymentConfig(withField({ siteUrl })).siteUrl).toBe(stored);
  });

  test.each([
    ['stats.example.org', 'an http(s) address such as https://stats.example.org'],
    ['ftp://stats.example.org', 'an http(s) address such as https://stats.example.org'],
    ['httpss://stats.example.org', 'an http(s) address such as https://stats.example.org'],
    ['https://stats', 'an http(s) address such as https://stats.example.org'],
    ['https://stats.example.o', 'an http(s) address such as https://stats.example.org'],
    ['https://-stats.example.org', 'an http(s) address such as https://stats.example.org'],
    ['https://stats-.example.org', 'an http(s) address such as https://stats.example.org'],
    [`https://${'a'.repeat(64)}.org`, 'an http(s) address such as https://stats.example.org'],
    ['https://stats.example.org1', 'an http(s) address such as https://stats.example.org'],
    ['https://127.0.0.2', 'an http(s) address such as https://stats.example.org'],
    ['https://localhostx', 'an http(s) address such as https://stats.example.org'],
    ['https://stats.example.org/?ref=1', 'the site URL has no query or fragment'],
    ['https://stats.example.org/#top', 'the site URL has no query or fragment'],
    ['http://stats.example.org', 'the site URL must use https (http only for localhost)'],
    ['http://localhost.example.org', 'the site URL must use https (http only for localhost)'],
    ['http://127.0.0.1.example.org', 'the site URL must use https (http only for localhost)'],
  ])('%s is refused: %s', (siteUrl, message) => {
    expect(refusal(withField({ siteUrl }))).toContain(`  - siteUrl: ${message}\n`);
  });
});

describe('names of things outside the file', () => {
  test.each([
    ['us-central1', true],
    ['europe-west1', true],
    ['asia-northeast12', true],
    ['us-central', false],
    ['US-central1', false],
    ['us-central-1', false],
    ['uscentral1', false],
    [' us-central1', false],
    ['us-central1 ', false],
    ['x/us-central1', false],
    ['us-central1a', false],
  ])('region %o is accepted: %s', (region, accepted) => {
    expect(refusal(withField({ region }))).toEqual(
      accepted
        ? ''
        : expect.stringContaining(
            '  - region: a Cloud Functions region such as us-central1 or europe-west1\n',
          ),
    );
  });

  test.each([
    ['DO_NOT_TRACK', true],
    ['_X', true],
    ['X', true],
    [`A${'B'.repeat(63)}`, true],
    [`A${'B'.repeat(64)}`, false],
    ['do_not_track', false],
    ['1X', false],
    ['X-Y', false],
    ['X Y', false],
    [' X', false],
    ['X ', false],
    ['', false],
  ])('opt-out variable %o is accepted: %s', (name, accepted) => {
    const raw = withField({ optOut: { ...repository.optOut, environment: [name] } });
    expect(refusal(raw)).toEqual(
      accepted
        ? ''
        : expect.stringContaining('  - optOut.environment.0: an environment variable name\n'),
    );
  });

  test('opt-out wording and files are trimmed and never blank', () => {
    const parsed = parseDeploymentConfig(
      withField({ optOut: { ...repository.optOut, wording: '  Off.  ', files: [' ~/.off '] } }),
    );
    expect(parsed.optOut.wording).toBe('Off.');
    expect(parsed.optOut.files).toEqual(['~/.off']);
    expect(refusal(withField({ optOut: { ...repository.optOut, files: [' '] } }))).toContain(
      '  - optOut.files.0: ',
    );
  });
});

describe('rules between fields', () => {
  test.each([
    // lateArrivalHours → the late-arrival window in days (⌈h / 24⌉ + 1) → raw events must outlive it
    [168, 9, ''],
    [168, 8, 'must be more than 8 days'],
    [145, 8, 'must be more than 8 days'],
    [144, 8, ''],
    [144, 7, 'must be more than 7 days'],
    [0, 7, ''],
  ])(
    'late arrival %d h with %d days of raw events: %s',
    (lateArrivalHours, eventRetentionDays, message) => {
      const refused = refusal(withField({ lateArrivalHours, eventRetentionDays }));
      if (message === '') expect(refused).toBe('');
      else
        expect(refused).toContain(
          `  - eventRetentionDays: ${message}: the daily run recomputes the late-arrival window (lateArrivalHours ${lateArrivalHours}) from raw events\n`,
        );
    },
  );

  test.each([
    [9, 8, ''],
    [9, 7, 'must be at least establishedDays - 1 (8)'],
    [1, 1, ''],
    [2, 1, ''],
    [3, 1, 'must be at least establishedDays - 1 (2)'],
  ])(
    'established after %d days, identityless baseline %d days: %s',
    (establishedDays, identitylessBaselineDays, message) => {
      const refused = refusal(withScreening({ establishedDays, identitylessBaselineDays }));
      if (message === '') expect(refused).toBe('');
      else
        expect(refused).toContain(
          `  - screening.identitylessBaselineDays: ${message}: a cohort of reports without identity counts once it reported on that many of these days\n`,
        );
    },
  );

  test.each([
    [{ minBaselineDays: 14, baselineDays: 14 }, ''],
    [
      { minBaselineDays: 15, baselineDays: 14 },
      '  - screening.anomaly.minBaselineDays: must be at most baselineDays\n',
    ],
    [{ concentratedRatio: 3, jumpRatio: 3 }, ''],
    [
      { concentratedRatio: 3.5, jumpRatio: 3 },
      '  - screening.anomaly.concentratedRatio: must be at most jumpRatio (a concentrated rise is the weaker signal)\n',
    ],
  ])('anomaly %o: %o', (patch, message) => {
    const refused = refusal(withAnomaly(patch));
    if (message === '') expect(refused).toBe('');
    else expect(refused).toContain(message);
  });
});

describe('screening profiles and versions', () => {
  test.each([
    [{ os: 'macos' }, true],
    [{ arch: 'x86_64', kernel: 'Linux' }, true],
    [{ osVersion: '1.2+3~4-5' }, true],
    [{ container: 'docker' }, true],
    [
      {
        channel: 'nightly',
        installMethod: 'kickstart',
        kernelVersion: '6.1',
        virtualization: 'kvm',
        version: '1.0',
      },
      true,
    ],
    [{ os: 'mac os' }, false],
    [{ os: 'a,b' }, false],
    [{ os: 'a=b' }, false],
    [{ os: 'a/b' }, false],
    [{ os: ' ' }, false],
    [{ os: 'x'.repeat(129) }, false],
  ])('an impossible profile %o is accepted: %s', (profile, accepted) => {
    const refused = refusal(withScreening({ impossibleProfiles: [profile] }));
    if (accepted) expect(refused).toBe('');
    else expect(refused).toMatch(/ {2}- screening\.impossibleProfiles\.0\.\w+: /);
  });

  test('a profile value with a character a snapshot never has says what a value looks like; values are trimmed', () => {
    expect(refusal(withScreening({ impossibleProfiles: [{ os: 'mac os' }] }))).toContain(
      '  - screening.impossibleProfiles.0.os: a value such as macos, x86_64 or Linux\n',
    );
    const parsed = parseDeploymentConfig(
      withScreening({ impossibleProfiles: [{ os: ' macos ' }] }),
    );
    expect(parsed.screening.impossibleProfiles).toEqual([{ os: 'macos' }]);
  });

  test.each([
    [['1.6.0'], ['1.6.0']],
    [
      ['1.6.*', ' 2.* '],
      ['1.6.*', '2.*'],
    ],
    [['v1.6.0-rc1'], ['v1.6.0-rc1']],
  ])('released versions %o are stored as %o', (releasedVersions, stored) => {
    expect(
      parseDeploymentConfig(withScreening({ releasedVersions })).screening.releasedVersions,
    ).toEqual(stored);
  });

  test.each([['1.6.**'], ['1.*.0'], ['*1.6'], [' '], ['1 6']])(
    'released version %o is refused',
    (version) => {
      expect(refusal(withScreening({ releasedVersions: [version] }))).toMatch(
        / {2}- screening\.releasedVersions\.0: /,
      );
    },
  );
});

describe('the message', () => {
  test('names the file, lists each problem on its own line and says nothing was done', () => {
    let thrown: unknown;
    try {
      parseDeploymentConfig(
        withField({ kAnonymity: 4, region: 'x' }),
        'examples/netdata.config.ts',
      );
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const error = thrown as ConfigError;
    expect(error.name).toBe('ConfigError');
    expect(error.message).toBe(
      'examples/netdata.config.ts is invalid:\n' +
        '  - region: a Cloud Functions region such as us-central1 or europe-west1\n' +
        '  - kAnonymity: must be at least 5: with fewer, a published bucket of a handful of installs singles them out\n' +
        'Fix the field(s) above in examples/netdata.config.ts; nothing was built, started or deployed.',
    );
    // The stack would point into zod: the message is all it says.
    expect(error.stack).toBe(`ConfigError: ${error.message}`);
  });

  test('a file that is no configuration at all is named as the whole file', () => {
    expect(refusal('nothing')).toMatch(
      /^homecall\.config\.ts is invalid:\n {2}- \(the whole file\): /,
    );
  });
});
