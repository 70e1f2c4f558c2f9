// How the stats API is asked for days (shared/days-query.ts): the ranges a request names, the
// fields it selects, the `top` fold and the canonical URLs the site asks for. A field answered
// that was not asked for, a value left out of "other" or two spellings of one URL are what a
// user of the API (or the CDN's bill) would notice.
import { describe, expect, test } from 'vitest';
import type { DayAggregate } from '../../../shared/aggregate.ts';
import {
  API_PATHS,
  DAY_FIELDS,
  DEFAULT_RANGE_DAYS,
  MAX_FIELDS,
  MAX_RANGE_DAYS,
  MAX_TOP,
  NAMED_RANGES,
  RELIABILITY_PARTS,
  canonicalFields,
  daysUrl,
  foldToTop,
  isDayField,
  isRangeName,
  latestUrl,
  namedRangeSpan,
  projectDay,
  topCounterValues,
  topReliabilityVersions,
  topValues,
} from '../../../shared/days-query.ts';

function day(date: string, parts: Partial<DayAggregate> = {}): DayAggregate {
  return {
    day: date,
    final: true,
    activeInstalls: { d1: 10, d7: 20, d28: 30 },
    newInstalls: 2,
    optOuts: 1,
    events: { start: 5 },
    breakdowns: {},
    upgrades: [],
    reliability: { versions: [], topFailures: [], installFailures: [] },
    counters: [],
    run: { computedAt: '2026-11-28T00:00:00.000Z', documentsRead: 1, documentsWritten: 1 },
    ...parts,
  };
}

const rel = (version: string, activeInstalls: number) => ({
  version,
  activeInstalls,
  crashedInstalls: 0,
  crashFreeRate: 1,
  crashEvents: 0,
  fatalEvents: 0,
});

describe('the API and its limits', () => {
  test('paths, ranges and limits as documented', () => {
    expect(API_PATHS).toEqual({
      days: '/api/v1/days',
      daysCsv: '/api/v1/days.csv',
      latest: '/api/v1/latest',
    });
    expect(MAX_RANGE_DAYS).toBe(1098);
    expect(DEFAULT_RANGE_DAYS).toBe(90);
    expect(NAMED_RANGES).toEqual({ '30d': 30, '90d': 90, '1y': 365, all: 1098 });
    expect(MAX_FIELDS).toBe(40);
    expect(MAX_TOP).toBe(50);
  });

  test.each([
    ['30d', true],
    ['90d', true],
    ['1y', true],
    ['all', true],
    ['7d', false],
    ['', false],
    ['toString', false], // a property every object has is no range
    ['constructor', false],
    [30, false],
    [undefined, false],
  ])('%o names a range: %s', (value, expected) => {
    expect(isRangeName(value)).toBe(expected);
  });

  test.each([
    ['30d', '2026-10-30'],
    ['90d', '2026-08-31'],
    ['1y', '2025-11-29'],
    ['all', '2023-11-27'],
  ] as const)('%s ending on 2026-11-28 starts on %s', (name, from) => {
    expect(namedRangeSpan(name, '2026-11-28')).toEqual({ from, to: '2026-11-28' });
  });
});

describe('fields', () => {
  test('every section of a day may be selected', () => {
    expect([...DAY_FIELDS].sort()).toEqual(
      [
        'activeInstalls',
        'newInstalls',
        'optOuts',
        'events',
        'run',
        'privacy',
        'breakdowns',
        'upgrades',
        'reliability',
        'counters',
        'established',
        'heldOut',
        'unestablishedInstallFailures',
        'anomaly',
      ].sort(),
    );
    expect(RELIABILITY_PARTS).toEqual(['versions', 'topFailures', 'installFailures']);
    for (const field of [...DAY_FIELDS, ...RELIABILITY_PARTS.map((p) => `reliability.${p}`)])
      expect(isDayField(field), field).toBe(true);
  });

  test.each([
    ['breakdowns.version', true],
    ['breakdowns.osVersion', true],
    ['breakdowns.v', true],
    [`breakdowns.a${'b'.repeat(39)}`, true],
    [`breakdowns.a${'b'.repeat(40)}`, false],
    ['breakdowns.attribute.cpu_cores', true],
    ['breakdowns.attribute.memory-gib', true],
    [`breakdowns.attribute.${'x'.repeat(64)}`, true],
    [`breakdowns.attribute.${'x'.repeat(65)}`, false],
    ['breakdowns.attribute.', false],
    ['breakdowns.attribute.a.b', false],
    ['breakdowns.attribute.a b', false],
    ['breakdowns.', false],
    ['breakdowns.1version', false],
    ['breakdowns.version!', false],
    ['breakdowns.x.version', false],
    ['breakdowns.ver_sion', false],
    ['breakdowns.version ', false],
    ['breakdownsversion', false],
    ['reliability.versions', true],
    ['reliability.topFailures', true],
    ['reliability.installFailures', true],
    ['reliability.', false],
    ['reliability.crashes', false],
    ['reliabilityversions', false],
    // the prefix itself, not just its length
    ['reliability_versions', false],
    ['xxxxxxxxxxx.versions', false],
    ['breakdowns_version', false],
    ['breakdownsXversion', false],
    ['day', false],
    ['final', false],
    ['secret', false],
    ['', false],
    ['activeInstalls.d1', false],
  ])('%o is a field: %s', (field, expected) => {
    expect(isDayField(field)).toBe(expected);
  });

  test('one spelling of a selection: sorted, no repeats, a part dropped under its whole section', () => {
    expect(canonicalFields(['run', 'events', 'run', 'activeInstalls'])).toEqual([
      'activeInstalls',
      'events',
      'run',
    ]);
    expect(
      canonicalFields(['breakdowns.version', 'reliability.versions', 'breakdowns', 'events']),
    ).toEqual(['breakdowns', 'events', 'reliability.versions']);
    expect(canonicalFields(['breakdowns.version', 'breakdowns.os'])).toEqual([
      'breakdowns.os',
      'breakdowns.version',
    ]);
    expect(canonicalFields(['breakdowns.attribute.cpu_cores', 'breakdowns'])).toEqual([
      'breakdowns',
    ]);
    // only the section before the first dot drops a part
    expect(canonicalFields(['breakdowns.attribute.cpu_cores', 'breakdowns.attribute'])).toEqual([
      'breakdowns.attribute',
      'breakdowns.attribute.cpu_cores',
    ]);
    expect(canonicalFields([])).toEqual([]);
  });
});

describe('projectDay', () => {
  const full = day('2026-11-28', {
    breakdowns: { version: [{ value: '1.0', installs: 9 }], os: [{ value: 'linux', installs: 9 }] },
    reliability: {
      versions: [rel('1.0', 9)],
      topFailures: [],
      installFailures: [{ code: 'E1', installs: 3 }],
    },
  });

  test('no selection answers the whole day', () => {
    expect(projectDay(full, undefined)).toBe(full);
  });

  test('day and final always, then exactly the fields selected', () => {
    expect(projectDay(full, [])).toStrictEqual({ day: '2026-11-28', final: true });
    expect(projectDay(full, ['activeInstalls', 'optOuts'])).toStrictEqual({
      day: '2026-11-28',
      final: true,
      activeInstalls: { d1: 10, d7: 20, d28: 30 },
      optOuts: 1,
    });
    // a section the day does not have stays absent, not undefined
    expect(projectDay(full, ['privacy', 'anomaly'])).toStrictEqual({
      day: '2026-11-28',
      final: true,
    });
  });

  test('one breakdown, or an empty section when the day has none of that name', () => {
    expect(projectDay(full, ['breakdowns.version'])).toStrictEqual({
      day: '2026-11-28',
      final: true,
      breakdowns: { version: [{ value: '1.0', installs: 9 }] },
    });
    expect(projectDay(full, ['breakdowns.module'])).toStrictEqual({
      day: '2026-11-28',
      final: true,
      breakdowns: {},
    });
    expect(projectDay(full, ['breakdowns.version', 'breakdowns.os'])).toStrictEqual({
      day: '2026-11-28',
      final: true,
      breakdowns: full.breakdowns,
    });
  });

  test('parts of the reliability section', () => {
    expect(projectDay(full, ['reliability.installFailures'])).toStrictEqual({
      day: '2026-11-28',
      final: true,
      reliability: { installFailures: [{ code: 'E1', installs: 3 }] },
    });
    expect(projectDay(full, ['reliability.versions', 'reliability.topFailures'])).toStrictEqual({
      day: '2026-11-28',
      final: true,
      reliability: { versions: [rel('1.0', 9)], topFailures: [] },
    });
  });

  test('a field no one may select is not answered', () => {
    expect(projectDay(full, ['secret', 'day.x'])).toStrictEqual({
      day: '2026-11-28',
      final: true,
    });
  });
});

describe('the top values over a range', () => {
  const days = [
    day('2026-11-27', {
      breakdowns: {
        version: [
          { value: '1.0', installs: 5 },
          { value: '1.1', installs: 4 },
          { value: 'other', installs: 50 },
          { value: 'unknown', installs: 40 },
        ],
      },
      reliability: {
        versions: [rel('1.0', 5), rel('1.1', 4), rel('other', 50)],
        topFailures: [],
        installFailures: [],
      },
      counters: [
        {
          group: 'os',
          installs: 9,
          sum: 100,
          values: [
            { value: 'linux', installs: 5, sum: 30 },
            { value: 'bsd', installs: 2, sum: 20 },
            { value: 'other', installs: 2, sum: 50 },
          ],
        },
      ],
    }),
    day('2026-11-28', {
      breakdowns: {
        version: [
          { value: '1.1', installs: 3 },
          { value: '1.2', installs: 6 },
          { value: '1.10', installs: 6 },
        ],
      },
      reliability: {
        versions: [rel('1.1', 3), rel('1.2', 6), rel('1.10', 6)],
        topFailures: [],
        installFailures: [],
      },
      counters: [
        {
          group: 'os',
          installs: 9,
          sum: 60,
          values: [
            { value: 'bsd', installs: 2, sum: 15 },
            { value: 'mac', installs: 2, sum: 35 },
          ],
        },
        { group: 'arch', installs: 3, sum: 3, values: [{ value: 'x86', installs: 3, sum: 3 }] },
      ],
    }),
  ];

  test('breakdown values by installs summed over the days; ties to the lower version; never other or unknown', () => {
    // 1.1: 4 + 3 = 7; 1.2 and 1.10: 6 each (1.2 first: 2 < 10); 1.0: 5
    expect(topValues(days, 'version', 10)).toEqual(['1.1', '1.2', '1.10', '1.0']);
    expect(topValues(days, 'version', 2)).toEqual(['1.1', '1.2']);
    expect(topValues(days, 'version', 0)).toEqual([]);
    expect(topValues(days, 'os', 3)).toEqual([]);
    expect(topValues([{}], 'version', 3)).toEqual([]);
  });

  test('reliability versions by active installs; never other', () => {
    expect(topReliabilityVersions(days, 10)).toEqual(['1.1', '1.2', '1.10', '1.0']);
    expect(topReliabilityVersions(days, 3)).toEqual(['1.1', '1.2', '1.10']);
    expect(topReliabilityVersions([{}], 3)).toEqual([]);
  });

  test('counter values by their sums, per group; never other', () => {
    // bsd 35, mac 35 (tie: bsd first), linux 30
    const top = topCounterValues(days, 2);
    expect([...top.keys()]).toEqual(['os', 'arch']);
    expect([...(top.get('os') ?? [])]).toEqual(['bsd', 'mac']);
    expect([...(top.get('arch') ?? [])]).toEqual(['x86']);
    expect([...(topCounterValues(days, 5).get('os') ?? [])]).toEqual(['bsd', 'mac', 'linux']);
    expect(topCounterValues([{}], 2).size).toBe(0);
  });

  test('foldToTop: the rest summed into other, unknown kept, the day still adds up', () => {
    const folded = foldToTop(days, 2);
    expect(folded[0]?.breakdowns?.version).toEqual([
      { value: '1.1', installs: 4 },
      { value: 'unknown', installs: 40 },
      // 1.0 (5) and the day's own other (50)
      { value: 'other', installs: 55 },
    ]);
    expect(folded[1]?.breakdowns?.version).toEqual([
      { value: '1.1', installs: 3 },
      { value: '1.2', installs: 6 },
      { value: 'other', installs: 6 },
    ]);
    for (const [i, d] of folded.entries()) {
      const sum = (b: readonly { installs: number }[] = []) =>
        b.reduce((s, x) => s + x.installs, 0);
      expect(sum(d.breakdowns?.version)).toBe(sum(days[i]?.breakdowns.version));
    }
    // reliability keeps its top versions only; other and the rest are left out
    expect(folded[0]?.reliability?.versions?.map((r) => r.version)).toEqual(['1.1']);
    expect(folded[1]?.reliability?.versions?.map((r) => r.version)).toEqual(['1.1', '1.2']);
    expect(folded[1]?.reliability?.installFailures).toEqual([]);
    // counter groups keep their top values; sum and installs still count every value
    expect(folded[0]?.counters).toEqual([
      {
        group: 'os',
        installs: 9,
        sum: 100,
        values: [{ value: 'bsd', installs: 2, sum: 20 }],
      },
    ]);
    expect(folded[1]?.counters?.[0]?.values.map((v) => v.value)).toEqual(['bsd', 'mac']);
    expect(folded[1]?.counters?.[1]?.values.map((v) => v.value)).toEqual(['x86']);
    // the rest of the day is untouched
    expect(folded[0]?.activeInstalls).toEqual(days[0]?.activeInstalls);
    expect(folded[0]?.day).toBe('2026-11-27');
  });

  test('foldToTop: nothing to put into other adds no other row; a projection without sections stays without', () => {
    const single = [
      day('2026-11-28', { breakdowns: { version: [{ value: '2.0', installs: 3 }] } }),
    ];
    expect(foldToTop(single, 1)[0]?.breakdowns?.version).toEqual([{ value: '2.0', installs: 3 }]);
    const bare = foldToTop([{ day: '2026-11-28', final: true }], 3);
    expect(bare).toStrictEqual([{ day: '2026-11-28', final: true }]);
    // a day whose reliability part has no versions keeps it as it is
    const parts = foldToTop(
      [{ day: '2026-11-28', final: true, reliability: { installFailures: [] } }],
      3,
    );
    expect(parts).toStrictEqual([
      { day: '2026-11-28', final: true, reliability: { installFailures: [] } },
    ]);
    // a group no day kept values of keeps none
    const noValues = foldToTop(
      [
        {
          day: '2026-11-28',
          final: true,
          counters: [
            {
              group: 'os',
              installs: 1,
              sum: 1,
              values: [{ value: 'other', installs: 1, sum: 1 }],
            },
          ],
        },
      ],
      3,
    );
    expect(noValues[0]?.counters?.[0]?.values).toEqual([]);
  });
});

describe('canonical URLs', () => {
  test.each([
    [{ range: '90d' as const }, 'json' as const, '/api/v1/days?range=90d'],
    [{ range: '30d' as const, top: 5 }, 'json' as const, '/api/v1/days?range=30d&top=5'],
    [{ range: '1y' as const, top: 0 }, 'json' as const, '/api/v1/days?range=1y&top=0'],
    [
      { range: 'all' as const, fields: ['run', 'events', 'run'] },
      'csv' as const,
      '/api/v1/days.csv?range=all&fields=events,run',
    ],
    [
      { range: '90d' as const, fields: ['breakdowns.version', 'activeInstalls'], top: 3 },
      'json' as const,
      '/api/v1/days?range=90d&fields=activeInstalls,breakdowns.version&top=3',
    ],
  ])('%o as %s: %s', (query, format, url) => {
    expect(daysUrl(query, format)).toBe(url);
  });

  test('json unless asked otherwise; the latest day with or without fields', () => {
    expect(daysUrl({ range: '30d' })).toBe('/api/v1/days?range=30d');
    expect(latestUrl()).toBe('/api/v1/latest');
    expect(latestUrl(['run', 'activeInstalls', 'run'])).toBe(
      '/api/v1/latest?fields=activeInstalls,run',
    );
  });
});
