// The screening vocabulary shared by the aggregation, the quarantine script and the site
// (shared/screening.ts): which snapshots a quarantined profile holds out, which versions count as
// released, and the profile text an operator types and a flag writes. A profile that matched too
// much would hold real installs out of the published figures; one that matched too little would
// let a poisoned cohort in.
import { describe, expect, test } from 'vitest';
import {
  COHORT_FIELDS,
  CONSISTENT_FIELDS,
  HELD_REASONS,
  PROFILE_FIELDS,
  cohortProfile,
  formatProfile,
  isReleased,
  matchesProfile,
  parseProfile,
} from '../../../shared/screening.ts';

describe('the fields and reasons', () => {
  test('as the configuration and the published days name them', () => {
    expect(PROFILE_FIELDS).toEqual([
      'version',
      'channel',
      'installMethod',
      'os',
      'osVersion',
      'kernel',
      'kernelVersion',
      'arch',
      'virtualization',
      'container',
    ]);
    expect(HELD_REASONS).toEqual([
      'impossible-profile',
      'quarantined',
      'unknown-version',
      'not-established',
      'identityless-cap',
    ]);
    expect(CONSISTENT_FIELDS).toEqual(['os', 'arch', 'kernel']);
    expect(COHORT_FIELDS).toEqual(['version', 'os', 'arch', 'kernel']);
  });
});

describe('matchesProfile', () => {
  const snapshot = { version: '1.4.0', os: 'Debian', arch: 'x86_64', container: 'none' };

  test.each([
    [{}, true], // an empty profile names nothing to differ in
    [{ os: 'debian' }, true], // case does not matter, on either side
    [{ os: 'DEBIAN', arch: 'X86_64' }, true],
    [{ os: 'debian', arch: 'arm64' }, false], // every field listed must match
    [{ version: '1.4' }, false], // equal, not a prefix
    [{ container: 'none' }, true], // the last field is compared too
    [{ container: 'docker' }, false],
    [{ channel: 'unknown' }, true], // a field the snapshot lacks reads "unknown"
    [{ channel: 'Unknown' }, true],
    [{ channel: 'stable' }, false],
  ])('%o against Debian x86_64 1.4.0: %s', (profile, expected) => {
    expect(matchesProfile(snapshot, profile)).toBe(expected);
  });
});

describe('isReleased', () => {
  const released = ['1.4.0', '1.5.*', '2*'];

  test.each([
    ['1.4.0', true],
    ['1.4.0-rc1', false], // an exact entry is exact
    ['1.4', false],
    ['1.5.0', true], // `*` ends a prefix
    ['1.5.', true],
    ['1.5', false],
    ['1.50.0', false],
    ['2', true],
    ['20.1', true],
    ['v2', false],
    ['*', false], // the star itself is no version
    [undefined, false], // a snapshot without a version is never released
  ])('%o is released: %s', (version, expected) => {
    expect(isReleased(version, released)).toBe(expected);
  });

  test('nothing is released when no version is configured', () => {
    expect(isReleased('1.4.0', [])).toBe(false);
  });
});

describe('profiles as text', () => {
  test('the cohort profile of a snapshot: version, os, arch, kernel, unknown for what is missing', () => {
    expect(cohortProfile({ version: '1.4', os: 'linux', arch: 'arm64', kernel: 'Linux' })).toBe(
      'version=1.4,os=linux,arch=arm64,kernel=Linux',
    );
    expect(cohortProfile({ os: 'linux', channel: 'stable' })).toBe(
      'version=unknown,os=linux,arch=unknown,kernel=unknown',
    );
  });

  test.each([
    ['os=debian', { os: 'debian' }],
    [' os = debian , arch=x86_64 ', { os: 'debian', arch: 'x86_64' }],
    ['os=debian,,', { os: 'debian' }],
    ['version=1.0=beta', { version: '1.0=beta' }], // the first `=` divides
    [`os=${'d'.repeat(128)}`, { os: 'd'.repeat(128) }],
    [
      'container=none,version=2,channel=nightly',
      { container: 'none', version: '2', channel: 'nightly' },
    ],
  ])('%o reads as %o', (text, profile) => {
    expect(parseProfile(text)).toStrictEqual({ profile });
  });

  test.each([
    ['', 'a profile lists at least one field=value'],
    [' , ,', 'a profile lists at least one field=value'],
    ['os', '"os" is not field=value'],
    ['=debian', '"=debian" is not field=value'],
    ['os=', '"os=" is not field=value'],
    ['os= ', '"os= " is not field=value'],
    ['os=debian,arch', '"arch" is not field=value'],
    [
      'host=alice',
      'unknown field "host"; fields: version, channel, installMethod, os, osVersion, kernel, kernelVersion, arch, virtualization, container',
    ],
    [`os=${'d'.repeat(129)}`, 'the value of os is longer than 128 characters'],
    ['os=debian,os=ubuntu', 'os is given twice'],
  ])('%o is refused: %s', (text, error) => {
    expect(parseProfile(text)).toStrictEqual({ error });
  });

  test('written back in the order of the fields, and read back the same', () => {
    const profile = { arch: 'x86_64', version: '1.4', container: 'docker' };
    expect(formatProfile(profile)).toBe('version=1.4,arch=x86_64,container=docker');
    expect(parseProfile(formatProfile(profile))).toStrictEqual({ profile });
    expect(formatProfile({})).toBe('');
  });
});
