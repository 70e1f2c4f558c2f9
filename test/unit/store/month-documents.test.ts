// The month documents FirestoreStore reads days through: what a range touches, encoding and
// decoding with projections, and continuations when a month outgrows one document.
import { describe, expect, test } from 'vitest';
import { addDays, dayRange } from '../../../shared/dates.ts';
import { MAX_RANGE_DAYS, projectDay } from '../../../shared/days-query.ts';
import {
  decodeMonth,
  encodeMonth,
  monthsBetween,
  partId,
  PART_LIMIT_BYTES,
} from '../../../functions/src/store/month-documents.ts';
import { deploymentConfig } from '../../../shared/config.ts';
import { planFor, privacyParameters } from '../../../functions/src/privacy/publication/publish.ts';
import { netdataDays } from '../../support/netdata-days.ts';
import { dayAggregate } from '../../support/store-contract.ts';

describe('monthsBetween', () => {
  test('lists each calendar month of a range once, across years', () => {
    expect(monthsBetween('2026-11-30', '2027-02-01')).toEqual([
      '2026-11',
      '2026-12',
      '2027-01',
      '2027-02',
    ]);
    expect(monthsBetween('2026-11-01', '2026-11-30')).toEqual(['2026-11']);
  });

  test(`no range of at most ${MAX_RANGE_DAYS} days touches more than 38 months`, () => {
    let most = 0;
    // Every start day over four years, leap years included.
    for (const from of dayRange('2023-01-01', '2026-12-31')) {
      const to = addDays(from, MAX_RANGE_DAYS - 1);
      most = Math.max(most, monthsBetween(from, to).length);
    }
    expect(most).toBe(38);
  });

  test('continuation ids follow the month', () => {
    expect(partId('2026-11', 0)).toBe('2026-11');
    expect(partId('2026-11', 2)).toBe('2026-11~2');
  });
});

describe('encodeMonth and decodeMonth', () => {
  const days = dayRange('2026-11-01', '2026-11-30').map((d, n) => dayAggregate(d, n));

  test('a month round-trips exactly, in day order whatever order it was given in', () => {
    const documents = encodeMonth('2026-11', [...days].reverse());
    expect(documents).toHaveLength(1);
    expect(decodeMonth(documents, undefined)).toStrictEqual(days);
  });

  test('the publication parameters and the demo marker come back with a whole day, never in a projection', () => {
    const publication = {
      kAnonymity: 7,
      eventRetentionDays: 30,
      installRetentionDays: 90,
      lateArrivalHours: 72,
    };
    const marked = days.map((d, n) =>
      n % 2 ? { ...d, publication } : { ...d, publication, demo: true as const },
    );
    const documents = encodeMonth('2026-11', marked);
    const whole = decodeMonth(documents, undefined);
    expect(whole).toStrictEqual(marked);
    expect(whole.filter((d) => d.demo === true)).toHaveLength(15);
    expect(decodeMonth(documents, ['activeInstalls'])).toStrictEqual(
      marked.map((d) => projectDay(d, ['activeInstalls'])),
    );
  });

  test('each day’s privacy parameters round-trip, whole and as fields=privacy; older days have none', () => {
    const privacy = privacyParameters(planFor(deploymentConfig));
    const mixed = days.map((d, n) => (n % 2 === 0 ? { ...d, privacy } : d));
    const documents = encodeMonth('2026-11', mixed);
    expect(decodeMonth(documents, undefined)).toStrictEqual(mixed);
    const selected = decodeMonth(documents, ['privacy']);
    expect(selected).toStrictEqual(mixed.map((d) => projectDay(d, ['privacy'])));
    expect(selected[0]).toStrictEqual({ day: '2026-11-01', final: mixed[0]?.final, privacy });
    expect(selected[1]).not.toHaveProperty('privacy');
  });

  test.each([
    [['activeInstalls']],
    [['breakdowns']],
    [['breakdowns.version', 'reliability.topFailures']],
    [['reliability', 'counters', 'upgrades', 'run']],
    [[]],
  ])('the projection %j is what projectDay gives', (fields: string[]) => {
    const decoded = decodeMonth(encodeMonth('2026-11', days), fields);
    expect(decoded).toStrictEqual(days.map((d) => projectDay(d, fields)));
  });

  test('a Netdata-sized month (≈ 3.7 MB of JSON) fits one document with room to spare', () => {
    const month = netdataDays('2026-11-30', 30);
    const documents = encodeMonth('2026-11', month);
    const bytes = documents[0]?.sections.reduce((n, s) => n + s.data.length, 0) ?? 0;
    expect(documents).toHaveLength(1);
    expect(bytes).toBeLessThan(PART_LIMIT_BYTES / 3);
  });

  test('past the limit the sections spill into continuations, each within it, read back whole', () => {
    const month = netdataDays('2026-11-30', 8);
    const limit = 12_000;
    const documents = encodeMonth('2026-11', month, limit);
    expect(documents.length).toBeGreaterThan(2);
    for (const [i, document] of documents.entries()) {
      expect(document.part).toBe(i);
      expect(document.parts).toBe(documents.length);
      expect(document.sections.reduce((n, s) => n + s.data.length, 0)).toBeLessThanOrEqual(limit);
    }
    expect(decodeMonth([...documents].reverse(), undefined)).toStrictEqual(month);
    expect(decodeMonth(documents, ['breakdowns.module'])).toStrictEqual(
      month.map((d) => projectDay(d, ['breakdowns.module'])),
    );
  });
});
