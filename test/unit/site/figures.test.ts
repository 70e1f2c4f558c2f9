// The figures every chart draws and tabulates, and the generated Privacy & methodology content:
// the chart and its table must show the same numbers, and the field list must be the schema's.
import { readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { DayAggregate } from '../../../shared/aggregate.ts';
import { EVENT_TYPES } from '../../../shared/schema/event.ts';
import {
  EVENT_SERIES,
  buildFigure,
  hbarHeightRem,
  MAX_BARS,
  pageDataOf,
  describeFigure,
  flagNote,
  formatValue,
  type FigureSpec,
} from '../../../site/src/lib/figures.ts';
import { describeKind, schemaFields, type SchemaNode } from '../../../site/src/lib/fields.ts';
import {
  EVENT_MEANINGS,
  collectedFields,
  eventTypes,
  publishedFields,
} from '../../../site/src/lib/privacy.ts';
import { SCHEMA_FILES } from '../../../site/src/lib/schema-files.ts';
import { emptySections } from '../../support/day-fixture.ts';

function day(date: string, over: Partial<DayAggregate> = {}): DayAggregate {
  return {
    day: date,
    final: true,
    activeInstalls: { d1: 10, d7: 20, d28: 30 },
    newInstalls: 2,
    optOuts: 1,
    events: { heartbeat: 10 },
    ...emptySections(),
    run: { computedAt: `${date}T03:00:00.000Z`, documentsRead: 0, documentsWritten: 1 },
    ...over,
  };
}

const DAYS = [
  day('2026-11-01', {
    events: { heartbeat: 100, crash: 3, install: 2 },
    breakdowns: {
      os: [
        { value: 'debian', installs: 20 },
        { value: 'other', installs: 10 },
      ],
    },
  }),
  // Still open: the distributions use the latest final day, 2026-11-01.
  day('2026-11-02', {
    final: false,
    activeInstalls: { d1: 12, d7: 22, d28: 33 },
    events: { heartbeat: 90 },
  }),
];

describe('failed installs of installs not established', () => {
  const failures = (installs: number, capped: boolean, codes: [string, number][]) => ({
    installs,
    cap: 50,
    capped,
    codes: codes.map(([code, n]) => ({ code, installs: n })),
  });
  const days = [
    day('2026-11-01', {
      reliability: {
        versions: [],
        topFailures: [],
        installFailures: [{ code: 'F9', installs: 5 }],
      },
      unestablishedInstallFailures: failures(12, false, [
        ['F0003', 7],
        ['F0502', 5],
      ]),
    }),
    day('2026-11-02', {
      unestablishedInstallFailures: failures(50, true, [['F0003', 50]]),
    }),
  ];

  test('their own series, summed over the range, labelled not established, capped days said', () => {
    const figure = buildFigure(
      { kind: 'install-failures', series: 'not-established' },
      pageDataOf(days),
    );
    expect(figure.labels).toEqual(['F0003', 'F0502']);
    expect(figure.datasets[0]?.values).toEqual([57, 5]);
    expect(figure.datasets[0]?.label).toBe('Failed installs, not established');
    expect(figure.table.head[1]).toBe('Failed installs, not established');
    expect(figure.caption).toBe(
      'from 2026-11-01 to 2026-11-02, daily counts summed, installs not established (each once a day); 1 day reached the cap of 50 a day and was scaled down to it',
    );
  });

  test('the established series is reliability’s, as before', () => {
    const figure = buildFigure({ kind: 'install-failures' }, pageDataOf(days));
    expect(figure.labels).toEqual(['F9']);
    expect(figure.caption).toBe('from 2026-11-01 to 2026-11-02, daily counts summed');
  });
});

describe('buildFigure', () => {
  const specs: FigureSpec[] = [
    { kind: 'metrics', metrics: ['activeD1', 'activeD28'], chart: 'line' },
    { kind: 'events' },
    { kind: 'trend', breakdown: 'os', top: 3 },
    { kind: 'distribution', breakdown: 'os' },
    { kind: 'crash-free', top: 3 },
    { kind: 'install-failures' },
  ];

  test.each(specs)('$kind: one table row per day or value, one value per label', (spec) => {
    const figure = buildFigure(spec, pageDataOf(DAYS));
    for (const dataset of figure.datasets)
      expect(dataset.values).toHaveLength(figure.labels.length);
    expect(figure.table.rows).toHaveLength(figure.labels.length);
    // Over days every series is a column; a distribution adds its share.
    const columns =
      figure.chart === 'hbar' ? 1 + figure.table.head.length - 1 : figure.datasets.length + 1;
    expect(figure.table.head).toHaveLength(columns);
    for (const row of figure.table.rows) expect(row.cells).toHaveLength(columns - 1);
  });

  test('metrics over days: newest day first in the table, the same numbers as the lines', () => {
    const figure = buildFigure(
      { kind: 'metrics', metrics: ['activeD1', 'activeD28'], chart: 'line' },
      pageDataOf(DAYS),
    );
    expect(figure).toMatchObject({ chart: 'line', stacked: false, unit: 'count' });
    expect(figure.datasets.map((d) => d.values)).toEqual([
      [10, 12],
      [30, 33],
    ]);
    expect(figure.table).toEqual({
      head: ['Day', 'Active that day', 'Active in 28 days'],
      rows: [
        { label: '2026-11-02', cells: ['12', '33'] },
        { label: '2026-11-01', cells: ['10', '30'] },
      ],
    });
  });

  test('events: stacked bars by type, most frequent first, a missing type is zero', () => {
    const figure = buildFigure({ kind: 'events' }, pageDataOf(DAYS));
    expect(figure).toMatchObject({ chart: 'bar', stacked: true });
    expect(figure.datasets.map((d) => [d.key, d.values])).toEqual([
      ['heartbeat', [100, 90]],
      ['crash', [3, 0]],
      ['install', [2, 0]],
    ]);
  });

  test(`events: beyond ${EVENT_SERIES} types the rarest share one named series`, () => {
    const events = Object.fromEntries(EVENT_TYPES.map((type, i) => [type, 100 - i]));
    const figure = buildFigure({ kind: 'events' }, pageDataOf([day('2026-11-01', { events })]));
    expect(figure.datasets).toHaveLength(EVENT_SERIES);
    const other = figure.datasets.at(-1);
    const folded = EVENT_TYPES.slice(EVENT_SERIES - 1);
    expect(other?.key).toBe('other');
    expect(other?.label).toBe(`other: ${folded.join(', ')}`);
    expect(other?.values).toEqual([folded.reduce((sum, type) => sum + (events[type] ?? 0), 0)]);
  });

  test('versions keep their colour across ranges: the newest takes the first one', () => {
    const versions = (buckets: Record<string, number>) => ({
      version: Object.entries(buckets).map(([value, installs]) => ({ value, installs })),
    });
    const days = [
      day('2026-11-01', { breakdowns: versions({ '1.4.0': 50, '1.5.0': 40, other: 3 }) }),
      day('2026-11-02', { breakdowns: versions({ '1.5.0': 60, '1.6.0': 30 }) }),
    ];
    const colours = (from: number) =>
      buildFigure(
        { kind: 'trend', breakdown: 'version', top: 5 },
        pageDataOf(days.slice(from)),
      ).datasets.map((d) => [d.key, d.colour]);
    expect(colours(0)).toEqual([
      ['1.4.0', 2],
      ['1.5.0', 1],
      ['1.6.0', 0],
      ['other', undefined],
    ]);
    expect(colours(1)).toEqual([
      ['1.5.0', 1],
      ['1.6.0', 0],
    ]);
  });

  test('distribution: bars of the latest final day with shares in the table', () => {
    const figure = buildFigure({ kind: 'distribution', breakdown: 'os' }, pageDataOf(DAYS));
    expect(figure.chart).toBe('hbar');
    expect(figure.labels).toEqual(['debian', 'other']);
    expect(figure.caption).toBe(
      'on 2026-11-01, of the 30 installs active in the 28 days ending on it',
    );
    expect(figure.table.rows).toEqual([
      { label: 'debian', cells: ['20', '66.7%'] },
      { label: 'other', cells: ['10', '33.3%'] },
    ]);
  });

  test('a distribution of many values draws the largest ones, the rest in one bar; the table keeps all', () => {
    const buckets = [
      ...Array.from({ length: 40 }, (_, i) => ({ value: `v${i}`, installs: 100 - i })),
      { value: 'other', installs: 7 },
      { value: 'unknown', installs: 3 },
    ];
    const wide = day('2026-11-01', { breakdowns: { version: buckets } });
    const figure = buildFigure({ kind: 'distribution', breakdown: 'version' }, pageDataOf([wide]));
    expect(figure.labels).toEqual([
      ...Array.from({ length: MAX_BARS }, (_, i) => `v${i}`),
      'other (25 more values)',
      'unknown',
    ]);
    const restSum = buckets.slice(MAX_BARS, 40).reduce((n, b) => n + b.installs, 0);
    expect(figure.datasets[0]?.values.at(-2)).toBe(restSum + 7);
    // Every bar adds up to what the day published.
    const drawnSum = figure.datasets[0]?.values.reduce<number>((n, v) => n + (v ?? 0), 0);
    expect(drawnSum).toBe(buckets.reduce((n, b) => n + b.installs, 0));
    expect(figure.table.rows).toHaveLength(42);
    // The box fits the bars drawn, not the values listed.
    expect(hbarHeightRem(figure)).toBe((MAX_BARS + 2) * 1.75 + 2.5);
  });

  test('a distribution comes from the reference day the page was given, not the range', () => {
    const reference = day('2026-11-05', {
      breakdowns: { os: [{ value: 'alpine', installs: 9 }] },
      activeInstalls: { d1: 1, d7: 5, d28: 9 },
    });
    const figure = buildFigure(
      { kind: 'distribution', breakdown: 'os' },
      { days: DAYS, reference },
    );
    expect(figure.labels).toEqual(['alpine']);
    expect(figure.caption).toBe(
      'on 2026-11-05, of the 9 installs active in the 28 days ending on it',
    );
  });

  test('no days: empty figures that say so', () => {
    const figure = buildFigure({ kind: 'distribution', breakdown: 'os' }, pageDataOf([]));
    expect(figure.labels).toEqual([]);
    expect(describeFigure('Installs by OS', figure)).toBe('Installs by OS: no data in this range.');
  });
});

describe('flagged days and installs held out', () => {
  const reason = 'New installs 900 against a median of 10 over the 14 days before.';
  const FLAGGED = [
    day('2026-11-01', {
      heldOut: {
        reports: 12,
        installs: 9,
        reasons: [
          { reason: 'not-established', reports: 10, installs: 8 },
          { reason: 'unknown-version', reports: 2, installs: 1 },
        ],
      },
    }),
    day('2026-11-02', {
      newInstalls: 900,
      anomaly: {
        reason,
        signals: [{ figure: 'newInstalls', value: 900, baseline: 10, rule: 'jump' }],
      },
      heldOut: {
        reports: 905,
        installs: 900,
        reasons: [{ reason: 'not-established', reports: 905, installs: 900 }],
      },
    }),
  ];

  test.each<FigureSpec>([
    { kind: 'metrics', metrics: ['activeD28', 'newInstalls', 'newlyEstablished'], chart: 'bar' },
    { kind: 'events' },
    { kind: 'trend', breakdown: 'os', top: 3 },
    { kind: 'crash-free', top: 3 },
    { kind: 'install-failures' },
    { kind: 'held-out' },
  ])(
    '$kind: the flagged day of the range is marked, with its reason, and said in words',
    (spec) => {
      const figure = buildFigure(spec, pageDataOf(FLAGGED));
      expect(figure.flags).toEqual([{ day: '2026-11-02', reason }]);
      expect(flagNote(figure.flags)).toBe(
        `Flagged day (the figures may include made-up installs): 2026-11-02: ${reason}`,
      );
      if (figure.labels.length > 0 && figure.datasets.length > 0)
        expect(describeFigure('Figure', figure)).toContain('Flagged days: 2026-11-02.');
    },
  );

  test('a range without a flagged day marks nothing and says nothing', () => {
    const figure = buildFigure({ kind: 'events' }, pageDataOf(DAYS));
    expect(figure.flags).toEqual([]);
    expect(flagNote(figure.flags)).toBe('');
    expect(describeFigure('Events', figure)).not.toContain('Flagged');
  });

  test('a distribution carries the flag of its reference day only', () => {
    const spec: FigureSpec = { kind: 'distribution', breakdown: 'os' };
    expect(buildFigure(spec, { days: FLAGGED, reference: FLAGGED[0] }).flags).toEqual([]);
    expect(buildFigure(spec, { days: FLAGGED, reference: FLAGGED[1] }).flags).toEqual([
      { day: '2026-11-02', reason },
    ]);
  });

  test('installs held out: stacked by reason, a reason never seen left out, table per day', () => {
    const figure = buildFigure({ kind: 'held-out' }, pageDataOf(FLAGGED));
    expect(figure.chart).toBe('bar');
    expect(figure.stacked).toBe(true);
    expect(figure.datasets.map((d) => [d.label, d.values])).toEqual([
      ['Unknown version', [1, 0]],
      ['Not established yet', [8, 900]],
    ]);
    expect(figure.table.head).toEqual(['Day', 'Unknown version', 'Not established yet']);
    expect(figure.table.rows[0]).toEqual({ label: '2026-11-02', cells: ['0', '900'] });
  });

  test('the new-installs chart shows installs that became established beside new ones', () => {
    const days = [
      day('2026-11-01', {
        established: {
          minDays: 2,
          newlyEstablished: 4,
          pending: { d1: 3, d28: 5 },
          proven: 0,
          newInstallProfiles: [],
          newlyEstablishedProfiles: [],
        },
      }),
    ];
    const figure = buildFigure(
      { kind: 'metrics', metrics: ['newInstalls', 'newlyEstablished'], chart: 'bar' },
      pageDataOf(days),
    );
    expect(figure.datasets.map((d) => [d.label, d.values])).toEqual([
      ['New installs', [2]],
      ['Became established', [4]],
    ]);
  });
});

describe('describeFigure and formatValue', () => {
  test('a chart over days names its span and its latest values', () => {
    const figure = buildFigure({ kind: 'events' }, pageDataOf(DAYS));
    expect(describeFigure('Events', figure)).toBe(
      'Events, stacked bar chart from 2026-11-01 to 2026-11-02. On 2026-11-02: heartbeat 90, crash 0, install 0. The table lists every day.',
    );
  });

  test('a distribution names its largest values', () => {
    const figure = buildFigure({ kind: 'distribution', breakdown: 'os' }, pageDataOf(DAYS));
    expect(describeFigure('Installs by OS', figure)).toContain(': debian 20, other 10.');
  });

  test.each([
    [null, 'count', 'no data'],
    [1234, 'count', '1,234'],
    [99.1, 'percent', '99.1%'],
    [100, 'percent', '100%'],
  ] as const)('formatValue(%s, %s) is %s', (value, unit, text) => {
    expect(formatValue(value, unit)).toBe(text);
  });
});

describe('fields from a JSON Schema', () => {
  const schema: SchemaNode = {
    type: 'object',
    required: ['id'],
    properties: {
      id: { type: 'string', maxLength: 128, description: 'The id.' },
      kind: { type: 'string', enum: ['a', 'b'], description: 'The kind.' },
      count: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
      items: {
        type: 'array',
        maxItems: 10,
        items: {
          type: 'object',
          description: 'One item.',
          required: ['name'],
          properties: { name: { type: 'string', description: 'Its name.' } },
        },
      },
      facts: {
        type: 'object',
        description: 'Facts.',
        additionalProperties: { type: 'number', minimum: -1, maximum: 1 },
      },
    },
  };

  test('every field with its path, kind in words and description, depth first', () => {
    expect(schemaFields(schema)).toEqual([
      { path: 'id', kind: 'text, up to 128 characters', description: 'The id.', required: true },
      { path: 'kind', kind: 'one of: a, b', description: 'The kind.', required: false },
      { path: 'count', kind: 'whole number, at least 0', description: '', required: false },
      { path: 'items', kind: 'list of up to 10', description: 'One item.', required: false },
      { path: 'items[].name', kind: 'text', description: 'Its name.', required: true },
      { path: 'facts', kind: 'map', description: 'Facts.', required: false },
      { path: 'facts.<key>', kind: 'number, -1 to 1', description: '', required: false },
    ]);
  });

  test.each([
    [{ const: 1 }, 'always 1'],
    [{ type: 'boolean' }, 'true or false'],
    [{ type: 'string', format: 'date-time' }, 'ISO 8601 date and time'],
    [{ anyOf: [{ type: 'string' }, { type: 'boolean' }] }, 'text, or true or false'],
  ] as [SchemaNode, string][])('describeKind(%j) is %s', (node, kind) => {
    expect(describeKind(node)).toBe(kind);
  });
});

describe('the Privacy & methodology content comes from the code', () => {
  test('every field of the canonical event is listed with its schema description', () => {
    const fields = new Map(collectedFields().map((f) => [f.path, f]));
    for (const path of [
      'installId',
      'type',
      'product.version',
      'platform.osVersion',
      'modules[].name',
      'failure.message',
      'counters',
      'attributes',
    ]) {
      expect(fields.has(path), path).toBe(true);
    }
    expect(fields.get('installId')?.description).toMatch(/keyed hash/);
    expect(fields.get('failure.message')?.kind).toBe('text, up to 2,000 characters');
    // Nothing that could identify a caller's network is part of the format.
    expect([...fields.keys()].filter((path) => /\bip\b|address|host/i.test(path))).toEqual([]);
  });

  test('every published figure of a day is listed', () => {
    const paths = publishedFields().map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'activeInstalls.d28',
        'newInstalls',
        'optOuts',
        'reliability.versions[].crashFreeRate',
      ]),
    );
  });

  test('every event type has a meaning', () => {
    expect(eventTypes().map((t) => t.type)).toEqual([...EVENT_TYPES]);
    for (const type of EVENT_TYPES) expect(EVENT_MEANINGS[type]).not.toBe('');
  });

  test('the site publishes every generated schema document, and only those', () => {
    const generated = readdirSync(new URL('../../../shared/generated/', import.meta.url)).filter(
      (f) => f.endsWith('.json'),
    );
    expect(SCHEMA_FILES.map((f) => f.name).sort()).toEqual(generated.sort());
    expect(SCHEMA_FILES[0]?.name).toBe('openapi.json');
    expect(SCHEMA_FILES.find((f) => f.name === 'event.schema.json')?.description).toBe(
      'One event reported by an install.',
    );
  });
});
