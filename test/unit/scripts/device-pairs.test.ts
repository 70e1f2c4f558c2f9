// The maintainers' device export, pure: which reports count, how installs and devices are
// counted per pair, the k floor at its boundary, and what reaches the output.
import { describe, expect, test } from 'vitest';
import { scrubFreeText } from '../../../functions/src/privacy/scrub.ts';
import {
  DevicePairTally,
  deviceReportOf,
  type DeviceReport,
  type RawEvent,
} from '../../../scripts/lib/device-pairs.ts';

const IOS = {
  os: 'ios',
  sysObjectID: '.1.3.6.1.4.1.9.1.516',
  sysDescr: 'Cisco IOS Software, C2960',
};
const LINUX = {
  os: 'linux',
  sysObjectID: '.1.3.6.1.4.1.8072.3.2.10',
  sysDescr: 'Linux 5.10.0-8-amd64 #1 SMP x86_64',
};
type Model = typeof IOS;

/** One stored LibreNMS report: [install, receivedAt, [model, count]...]. */
function report(
  install: string,
  receivedAt: number,
  devices: [Model, number][],
  id = `${install}-${receivedAt}`,
): DeviceReport {
  const parsed = deviceReportOf({
    id,
    install,
    source: 'librenms',
    receivedAt,
    devices: devices.map(([model, count]) => ({ count, ...model })),
  });
  if (!parsed) throw new Error('not a report');
  return parsed;
}

/** Tallies days of reports and publishes at k. */
function exportOf(days: DeviceReport[][], k: number) {
  const tally = new DevicePairTally();
  for (const day of days) {
    for (const r of day) tally.offer(r);
    tally.endDay();
  }
  return tally.publish(k);
}

const installs = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `I${from + i}`);

describe('which events are reports', () => {
  const base: RawEvent = {
    id: 'e1',
    install: 'p1',
    source: 'librenms',
    receivedAt: 5,
    devices: [{ count: 3, ...IOS }],
  };
  test.each<[string, Partial<RawEvent>, boolean]>([
    ['a LibreNMS report of a known install', {}, true],
    ['a report without devices (it still replaces an earlier one)', { devices: undefined }, true],
    ['another source', { source: 'netdata' }, false],
    ['a canonical event', { source: 'v1' }, false],
    ['no install identity', { install: null }, false],
    ['an empty pseudonym', { install: '' }, false],
  ])('%s', (_name, change, expected) => {
    expect(deviceReportOf({ ...base, ...change }) !== undefined).toBe(expected);
  });

  test('malformed rows are left out and counted; absent strings are null', () => {
    const parsed = deviceReportOf({
      ...base,
      devices: [
        { count: 2, os: 'ios' },
        { count: -1, ...IOS },
        { count: 1.5, ...IOS },
        { count: '3', ...IOS },
        { count: 1, os: 7 },
        null,
        'x',
        { count: 4, os: '', sysObjectID: null, sysDescr: 'x' },
      ],
    });
    expect(parsed?.rows).toEqual([
      { count: 2, os: 'ios', sysObjectID: null, sysDescr: null },
      { count: 4, os: null, sysObjectID: null, sysDescr: 'x' },
    ]);
    expect(parsed?.skippedRows).toBe(6);
    expect(deviceReportOf({ ...base, devices: { count: 1 } })?.skippedRows).toBe(1);
  });
});

describe('counting installs and devices', () => {
  test('an install reporting the same pair on several days counts once, with its highest day', () => {
    const result = exportOf(
      [[report('I1', 1, [[IOS, 4]])], [report('I1', 2, [[IOS, 6]])], [report('I1', 3, [[IOS, 5]])]],
      1,
    );
    expect(result.published).toEqual([{ ...IOS, installs: 1, devices: 6 }]);
  });

  test('devices: each install’s maximum over the range, summed over installs', () => {
    const result = exportOf(
      [
        [report('I1', 1, [[IOS, 4]]), report('I2', 1, [[IOS, 1]])],
        [report('I1', 2, [[IOS, 2]]), report('I2', 2, [[IOS, 3]])],
      ],
      1,
    );
    expect(result.published).toEqual([{ ...IOS, installs: 2, devices: 4 + 3 }]);
  });

  test('only the latest report of an install’s day counts, whatever order they are read in', () => {
    const early = report('I1', 100, [
      [IOS, 50],
      [LINUX, 9],
    ]);
    const late = report('I1', 200, [[IOS, 6]]);
    for (const order of [
      [early, late],
      [late, early],
    ]) {
      const result = exportOf([order], 1);
      expect(result.published).toEqual([{ ...IOS, installs: 1, devices: 6 }]);
      expect(result.found).toBe(1);
    }
  });

  test('reports received in the same millisecond: the greater document id is the latest', () => {
    const a = report('I1', 100, [[IOS, 1]], 'aaa');
    const b = report('I1', 100, [[IOS, 2]], 'bbb');
    expect(exportOf([[b, a]], 1).published[0]?.devices).toBe(2);
  });

  test('a latest report without devices takes the install out of that day', () => {
    const result = exportOf([[report('I1', 1, [[IOS, 3]]), report('I1', 2, [])]], 1);
    expect(result).toEqual({ published: [], found: 0, heldBack: 0 });
  });

  test('rows of one report on the same pair add up (different devices of one install)', () => {
    const result = exportOf(
      [
        [
          report('I1', 1, [
            [IOS, 2],
            [IOS, 3],
          ]),
        ],
      ],
      1,
    );
    expect(result.published).toEqual([{ ...IOS, installs: 1, devices: 5 }]);
  });

  test('strings the cleaner makes equal fall on one pair', () => {
    const tally = new DevicePairTally((_field, value) => scrubFreeText(value, 255));
    const withAddress = (ip: string) => ({ ...IOS, sysDescr: `Cisco IOS Software, mgmt ${ip}` });
    tally.offer(report('I1', 1, [[withAddress('10.0.0.1'), 1]]));
    tally.offer(report('I2', 1, [[withAddress('192.168.7.9'), 2]]));
    tally.endDay();
    expect(tally.publish(2).published).toEqual([
      { ...IOS, sysDescr: 'Cisco IOS Software, mgmt <ip>', installs: 2, devices: 3 },
    ]);
  });
});

describe('the k floor', () => {
  const K = 5;
  test.each<[string, number, boolean]>([
    ['exactly k installs: published', K, true],
    ['k − 1 installs: held back', K - 1, false],
    ['k + 1 installs: published', K + 1, true],
    ['one install: held back', 1, false],
  ])('%s', (_name, n, published) => {
    const result = exportOf([installs(n).map((i) => report(i, 1, [[IOS, 2]]))], K);
    expect(result.published).toEqual(published ? [{ ...IOS, installs: n, devices: 2 * n }] : []);
    expect(result.heldBack).toBe(published ? 0 : 1);
    expect(result.found).toBe(1);
  });

  test('installs spread over days reach k together; the same install on k days does not', () => {
    const spread = installs(K).map((install, day) => [report(install, day, [[IOS, 1]])]);
    expect(exportOf(spread, K).published).toEqual([{ ...IOS, installs: K, devices: K }]);
    const oneInstall = installs(K).map((_, day) => [report('I1', day, [[IOS, 1]])]);
    expect(exportOf(oneInstall, K)).toEqual({ published: [], found: 1, heldBack: 1 });
  });

  test('a superseded report does not help a pair reach k', () => {
    const day = [
      ...installs(K - 1).map((i) => report(i, 1, [[LINUX, 1]])),
      report('I9', 1, [[LINUX, 1]]),
      report('I9', 2, [[IOS, 1]]),
    ];
    expect(exportOf([day], K)).toEqual({ published: [], found: 2, heldBack: 2 });
  });

  test('published pairs come most widely reported first, ties by devices then by strings', () => {
    const both = (n: number, ios: number, linux: number) =>
      installs(n).map((i) =>
        report(i, 1, [
          [IOS, ios],
          [LINUX, linux],
        ]),
      );
    expect(exportOf([both(2, 1, 1)], 2).published.map((p) => p.os)).toEqual(['ios', 'linux']);
    expect(exportOf([both(2, 1, 5)], 2).published.map((p) => p.os)).toEqual(['linux', 'ios']);
    const more = [...both(2, 1, 1), report('I3', 1, [[LINUX, 1]])];
    expect(exportOf([more], 2).published.map((p) => [p.os, p.installs])).toEqual([
      ['linux', 3],
      ['ios', 2],
    ]);
  });

  test('k must be a positive integer', () => {
    expect(() => new DevicePairTally().publish(0)).toThrow(RangeError);
    expect(() => new DevicePairTally().publish(2.5)).toThrow(RangeError);
  });
});
