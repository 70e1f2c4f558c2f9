// What the Versions, Platforms and Reliability pages print and draw: current distributions,
// adoption over time, upgrade totals, crash-free rates, failures and the time ranges.
import { describe, expect, test } from 'vitest';
import type { DayAggregate } from '../../../shared/aggregate.ts';
import { addDays } from '../../../shared/dates.ts';
import {
  breakdownLabel,
  breakdownTrend,
  compareVersions,
  distribution,
  referenceDay,
  topValues,
  upgradeTotals,
} from '../../../site/src/lib/breakdowns.ts';
import {
  ALL_DAYS,
  DEFAULT_RANGE,
  daysInRange,
  describeRange,
  rangeFromSearch,
  rangeSpan,
  rangeUrl,
} from '../../../site/src/lib/range.ts';
import {
  crashFreeTrend,
  failureTotals,
  installFailureTotals,
  reliabilityVersions,
} from '../../../site/src/lib/reliability.ts';
import { buildTable } from '../../../site/src/lib/tables.ts';
import { emptySections } from '../../support/day-fixture.ts';

/** A day aggregate with 28-day actives `d28` and whatever sections the test gives. */
function day(
  date: string,
  parts: Pick<Partial<DayAggregate>, 'breakdowns' | 'upgrades' | 'final'> & {
    d28?: number;
    reliability?: Partial<DayAggregate['reliability']>;
  } = {},
): DayAggregate {
  const empty = emptySections();
  return {
    day: date,
    final: parts.final ?? true,
    activeInstalls: { d1: 10, d7: 20, d28: parts.d28 ?? 100 },
    newInstalls: 0,
    optOuts: 0,
    events: {},
    ...empty,
    breakdowns: parts.breakdowns ?? {},
    upgrades: parts.upgrades ?? [],
    reliability: { ...empty.reliability, ...parts.reliability },
    run: { computedAt: `${date}T03:00:00.000Z`, documentsRead: 0, documentsWritten: 1 },
  };
}

const versions = (buckets: Record<string, number>) => ({
  version: Object.entries(buckets).map(([value, installs]) => ({ value, installs })),
});

describe('referenceDay and distribution', () => {
  test('the current day is the latest final day; open days only while none is final', () => {
    const days = [day('2026-11-01'), day('2026-11-02'), day('2026-11-03', { final: false })];
    expect(referenceDay(days)?.day).toBe('2026-11-02');
    expect(referenceDay([day('2026-11-03', { final: false })])?.day).toBe('2026-11-03');
    expect(referenceDay([])).toBeUndefined();
  });

  test('largest first, "other" and "unknown" last, with shares of the 28-day actives', () => {
    const d = day('2026-11-01', {
      d28: 200,
      breakdowns: {
        os: [
          { value: 'unknown', installs: 10 },
          { value: 'debian', installs: 60 },
          { value: 'other', installs: 30 },
          { value: 'ubuntu', installs: 100 },
        ],
      },
    });
    expect(distribution(d, 'os')).toEqual([
      { value: 'ubuntu', installs: 100, share: 0.5 },
      { value: 'debian', installs: 60, share: 0.3 },
      { value: 'other', installs: 30, share: 0.15 },
      { value: 'unknown', installs: 10, share: 0.05 },
    ]);
  });

  test.each([
    { name: 'no day', d: undefined, rows: [] },
    { name: 'a breakdown the day does not have', d: day('2026-11-01'), rows: [] },
  ])('$name gives no rows', ({ d, rows }) => {
    expect(distribution(d, 'os')).toEqual(rows);
  });

  test('nothing active: shares are null, not NaN', () => {
    const d = day('2026-11-01', { d28: 0, breakdowns: { os: [{ value: 'debian', installs: 0 }] } });
    expect(distribution(d, 'os')[0]?.share).toBeNull();
  });

  test.each([
    ['version', 'Version'],
    ['osVersion', 'OS version'],
    ['attribute.cpu_cores', 'cpu_cores'],
  ])('breakdownLabel(%s) is %s', (name, label) => {
    expect(breakdownLabel(name)).toBe(label);
  });
});

describe('versions over time', () => {
  test('compareVersions orders by number, not by text', () => {
    expect(['1.10.0', '1.9.2', '1.2.0'].sort(compareVersions)).toEqual([
      '1.2.0',
      '1.9.2',
      '1.10.0',
    ]);
  });

  test('topValues sums installs over the days and never picks "other" or "unknown"', () => {
    const days = [
      day('2026-11-01', { breakdowns: versions({ '1.4.0': 50, other: 500, unknown: 400 }) }),
      day('2026-11-02', { breakdowns: versions({ '1.4.0': 10, '1.5.0': 45 }) }),
      day('2026-11-03', { breakdowns: versions({ '1.5.0': 20, '1.6.0': 5 }) }),
    ];
    expect(topValues(days, 'version', 2)).toEqual(['1.5.0', '1.4.0']);
    expect(topValues(days, 'version', 5)).toEqual(['1.5.0', '1.4.0', '1.6.0']);
  });

  test('the trend stacks the top versions oldest first and sums the rest; missing days are gaps', () => {
    const days = [
      day('2026-11-01', {
        breakdowns: versions({ '1.10.0': 5, '1.9.0': 50, '1.2.0': 3, other: 4 }),
      }),
      day('2026-11-03', { breakdowns: versions({ '1.10.0': 40, '1.9.0': 20, unknown: 2 }) }),
    ];
    const trend = breakdownTrend(days, 'version', 2);
    expect(trend.labels).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    expect(trend.series).toEqual([
      { key: '1.9.0', label: '1.9.0', values: [50, null, 20] },
      { key: '1.10.0', label: '1.10.0', values: [5, null, 40] },
      { key: 'other', label: 'Other and unknown', values: [7, null, 2] },
    ]);
  });

  test('each day of the trend adds up to what the day published', () => {
    const buckets = { '1.0': 9, '2.0': 8, '3.0': 7, other: 6, unknown: 5 };
    const trend = breakdownTrend(
      [day('2026-11-01', { breakdowns: versions(buckets) })],
      'version',
      2,
    );
    const total = trend.series.reduce((sum, s) => sum + (s.values[0] ?? 0), 0);
    expect(total).toBe(35);
  });

  test('no "Other" series when nothing is left over, and no series at all without days', () => {
    const trend = breakdownTrend(
      [day('2026-11-01', { breakdowns: versions({ '1.0': 9 }) })],
      'version',
      5,
    );
    expect(trend.series.map((s) => s.key)).toEqual(['1.0']);
    expect(breakdownTrend([], 'version', 5)).toEqual({ labels: [], series: [] });
  });

  test('upgrade totals add the daily pairs and count the days they were seen', () => {
    const days = [
      day('2026-11-01', { upgrades: [{ from: '1.4.0', to: '1.5.0', installs: 6 }] }),
      day('2026-11-02', {
        upgrades: [
          { from: '1.4.0', to: '1.5.0', installs: 7 },
          { from: '1.5.0', to: '1.6.0', installs: 20 },
        ],
      }),
    ];
    expect(upgradeTotals(days)).toEqual([
      { from: '1.5.0', to: '1.6.0', installs: 20, days: 1 },
      { from: '1.4.0', to: '1.5.0', installs: 13, days: 2 },
    ]);
    expect(buildTable({ kind: 'upgrades' }, { days })).toEqual({
      caption: 'Upgrades from 2026-11-01 to 2026-11-02',
      head: ['From → to', 'Installs', 'Days seen'],
      rows: [
        { label: '1.5.0 → 1.6.0', cells: ['20', '1'] },
        { label: '1.4.0 → 1.5.0', cells: ['13', '2'] },
      ],
    });
  });
});

describe('reliability', () => {
  const row = (version: string, activeInstalls: number, crashFreeRate: number) => ({
    version,
    activeInstalls,
    crashedInstalls: Math.round(activeInstalls * (1 - crashFreeRate)),
    crashFreeRate,
    crashEvents: 0,
    fatalEvents: 0,
  });

  test('crash-free rates in percent per version; a day without the version is no data, not 100 %', () => {
    const days = [
      day('2026-11-01', {
        reliability: { versions: [row('1.5.0', 80, 0.9125), row('other', 9, 1)] },
      }),
      day('2026-11-02', {
        reliability: { versions: [row('1.5.0', 70, 0.95), row('1.6.0', 10, 1)] },
      }),
      day('2026-11-04', { reliability: { versions: [row('1.6.0', 90, 0.98765)] } }),
    ];
    expect(reliabilityVersions(days, 5)).toEqual(['1.5.0', '1.6.0']);
    expect(crashFreeTrend(days, 5)).toEqual({
      labels: ['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04'],
      series: [
        { key: '1.5.0', label: '1.5.0', values: [91.25, 95, null, null] },
        { key: '1.6.0', label: '1.6.0', values: [null, 100, null, 98.77] },
      ],
    });
  });

  test('only the versions with the most active installs are drawn', () => {
    const days = [
      day('2026-11-01', {
        reliability: { versions: [row('1.0', 5, 1), row('2.0', 50, 1), row('3.0', 20, 1)] },
      }),
    ];
    expect(reliabilityVersions(days, 2)).toEqual(['2.0', '3.0']);
  });

  test('failure signatures: events summed, installs never summed across days', () => {
    const failure = (signature: string, installs: number, events: number) => ({
      signature,
      installs,
      events,
    });
    const days = [
      day('2026-11-01', {
        reliability: { topFailures: [failure('poll.c:412', 6, 9), failure('F0001', 5, 5)] },
      }),
      day('2026-11-02', { reliability: { topFailures: [failure('poll.c:412', 8, 8)] } }),
    ];
    expect(failureTotals(days)).toEqual([
      { signature: 'poll.c:412', days: 2, events: 17, peakInstalls: 8, lastDay: '2026-11-02' },
      { signature: 'F0001', days: 1, events: 5, peakInstalls: 5, lastDay: '2026-11-01' },
    ]);
  });

  test('install failures by code, "other" last', () => {
    const days = [
      day('2026-11-01', {
        reliability: {
          installFailures: [
            { code: 'other', installs: 9 },
            { code: 'F0002', installs: 5 },
          ],
        },
      }),
      day('2026-11-02', { reliability: { installFailures: [{ code: 'F0002', installs: 6 }] } }),
    ];
    expect(installFailureTotals(days)).toEqual([
      { code: 'F0002', installs: 11, days: 2 },
      { code: 'other', installs: 9, days: 1 },
    ]);
  });
});

describe('time ranges', () => {
  const days = Array.from({ length: 400 }, (_, i) => day(addDays('2025-10-20', i)));
  const last = days.at(-1)?.day ?? '';

  test.each([
    ['?range=30d', '30d'],
    ['?range=1y&x=1', '1y'],
    ['?range=all', 'all'],
    ['?range=7d', DEFAULT_RANGE],
    ['', DEFAULT_RANGE],
  ])('rangeFromSearch(%s) is %s', (search, key) => {
    expect(rangeFromSearch(search)).toBe(key);
  });

  test.each([
    ['30d', 30],
    ['90d', 90],
    ['1y', 365],
    ['all', 400],
  ] as const)('%s keeps the last %i days present', (key, count) => {
    const kept = daysInRange(days, key);
    expect(kept).toHaveLength(count);
    expect(kept.at(-1)?.day).toBe(last);
  });

  test('a range ends on the day given; its download URL names it, the same for every visitor', () => {
    expect(rangeSpan('30d', '2026-11-22')).toEqual({ from: '2026-10-24', to: '2026-11-22' });
    expect(rangeSpan('all', '2026-11-22').from).toBe(addDays('2026-11-22', -(ALL_DAYS - 1)));
    expect(rangeUrl('30d')).toBe('/api/v1/days?range=30d');
    expect(rangeUrl('all', 'csv')).toBe('/api/v1/days.csv?range=all');
  });

  test('describeRange says which days are shown and when the range is not full yet', () => {
    expect(describeRange('30d', daysInRange(days, '30d'))).toBe(
      `Showing ${addDays(last, -29)} to ${last} (the last 30 days).`,
    );
    expect(describeRange('90d', days.slice(0, 45))).toBe(
      `Showing 2025-10-20 to ${addDays('2025-10-20', 44)} (the last 90 days; data for 45 days so far).`,
    );
    expect(describeRange('1y', [])).toBe('No data for the last year yet.');
  });
});
