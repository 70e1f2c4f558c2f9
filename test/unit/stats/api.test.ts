// The public stats API over aggregates made by the real pipeline (prepareEvent → aggregateRange):
// the CSV form, /api/v1/latest, the caching and CORS headers, and that no answer carries a
// pseudonym or any raw event field. The fleet is a dozen installs, far below what differential
// privacy lets appear, so the stored days are the publication's days (its parameters, flags and
// run) with the exact figures of the tallies in place of the noisy ones: the API's handling of
// every bucket (CSV quoting, columns, gaps) stays visible. The noise is tested in publication/.
import { beforeAll, describe, expect, test } from 'vitest';
import type { DayAggregate } from '../../../shared/aggregate.ts';
import { deploymentConfig } from '../../../shared/config.ts';
import { dayRange, type Day } from '../../../shared/dates.ts';
import { EVENT_TYPES, type EventType } from '../../../shared/schema/event.ts';
import { aggregateRange, isFinal } from '../../../functions/src/aggregate/job.ts';
import { publishMerged } from '../../../functions/src/aggregate/merge.ts';
import type { IncomingEvent } from '../../../functions/src/model/incoming.ts';
import { prepareEvent } from '../../../functions/src/ingest/prepare.ts';
import { createStatsHandler } from '../../../functions/src/stats/handler.ts';
import { MemoryStore } from '../../../functions/src/store/memory-store.ts';
import type { StoredEvent } from '../../../functions/src/model/stored.ts';
import {
  expectErrorBody,
  fakeClock,
  fakeRequest,
  FakeResponse,
  recordingLogger,
} from '../../support/http-fakes.ts';
import { exactView } from '../../support/exact-view.ts';

const SECRET = 'stats-api-secret';
const config = deploymentConfig;
/** A version with a comma and quotes: its CSV column name must be quoted. */
const ODD_VERSION = '2.0,"rc1"';
const FAILURE_MESSAGE = 'disk full on /srv/stats-api-private while writing cache';
/** The aggregation ran at 00:15 on 11-11: days up to 11-07 are final, 11-08 … 11-10 are not. */
const AGGREGATED_AT = '2026-11-11T00:15:00Z';
const NOW = '2026-11-11T09:00:00Z';
const CACHE_CONTROL = 'public, max-age=300, s-maxage=3600';

/*
 * The fleet, 2026-11-01 … 2026-11-10:
 *   A1..A6  version 2.0,"rc1", debian, x86_64: install on 11-01, heartbeat every later day;
 *           A1 also sends a crash (with a private-looking message) on 11-04.
 *   B1..B5  version 1.9, debian, aarch64: install on 11-03, heartbeat every later day.
 * Every install: channel stable, no installMethod or container (→ "unknown").
 */
function fleet(): StoredEvent[] {
  const events: StoredEvent[] = [];
  let sequence = 0;
  const add = (name: string, type: EventType, day: Day, extra: Partial<IncomingEvent>) => {
    sequence += 1;
    const prepared = prepareEvent(
      { installId: `stats-api-${name}`, type, eventId: `api-${sequence}`, ...extra },
      [],
      { secret: SECRET, now: Date.parse(`${day}T12:00:00Z`) + sequence, config, source: 'v1' },
    );
    if (!prepared.ok) throw new Error(prepared.issue.message);
    // Ingest drops a version without a version's shape; the API must still quote whatever a
    // stored aggregate holds (events stored before shapes were checked), so it is put back.
    if (extra.product?.version === ODD_VERSION) {
      prepared.event.product = { ...prepared.event.product, version: ODD_VERSION };
    }
    events.push(prepared.event);
  };
  const profile = (version: string, arch: string) => ({
    product: { version, channel: 'stable' },
    platform: { os: 'debian', arch },
  });
  for (const day of dayRange('2026-11-01', '2026-11-10')) {
    for (const n of [1, 2, 3, 4, 5, 6])
      add(
        `A${n}`,
        day === '2026-11-01' ? 'install' : 'heartbeat',
        day,
        profile(ODD_VERSION, 'x86_64'),
      );
    if (day >= '2026-11-03')
      for (const n of [1, 2, 3, 4, 5])
        add(
          `B${n}`,
          day === '2026-11-03' ? 'install' : 'heartbeat',
          day,
          profile('1.9', 'aarch64'),
        );
  }
  add('A1', 'crash', '2026-11-04', {
    ...profile(ODD_VERSION, 'x86_64'),
    failure: { code: 'E-DISK', message: FAILURE_MESSAGE },
  });
  return events;
}

async function aggregatedStore(): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.saveEvents(fleet());
  const deps = {
    store,
    clock: fakeClock(AGGREGATED_AT).now,
    config,
    publicationSecret: () => 'stats-api-noise',
  };
  const outcomes = await aggregateRange(deps, '2026-11-01', '2026-11-10');
  const run = { computedAt: '2026-11-11T00:15:00.000Z', documentsRead: 1, documentsWritten: 1 };
  await store.writeDays(
    outcomes.map((o) => {
      const exact = exactView(o.exact);
      const cap = config.screening.unestablishedInstallFailuresPerDay;
      return {
        ...publishMerged(o.exact, deps, isFinal(o.day, '2026-11-11', config), run),
        ...exact,
        // What only the publication states, beside the exact screening figures.
        established: { minDays: config.screening.establishedDays, ...exact.established },
        unestablishedInstallFailures: { ...exact.unestablishedInstallFailures, cap, capped: false },
      };
    }),
  );
  return store;
}

function client(store: MemoryStore) {
  const handler = createStatsHandler({
    store,
    clock: fakeClock(NOW).now,
    log: recordingLogger().log,
  });
  return async (path: string, query: Record<string, unknown> = {}) => {
    const res = new FakeResponse();
    await handler(fakeRequest({ method: 'GET', path, query }), res);
    expect(res.ending).toBeDefined();
    return res;
  };
}

/** RFC 4180 parsing: quoted cells may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += c;
  }
  expect(quoted).toBe(false);
  expect(row.length === 0 && cell === '', 'the CSV ends with CRLF').toBe(true);
  return rows;
}

const SCALAR_COLUMNS = [
  'day',
  'final',
  'active_d1',
  'active_d7',
  'active_d28',
  'new_installs',
  'opt_outs',
  ...EVENT_TYPES.map((t) => `events_${t}`),
  'privacy_epsilon',
  'privacy_delta',
  'privacy_smoothing_alpha',
  'privacy_smoothed_with',
  'newly_established',
  'pending_d28',
  'held_out_installs',
  'held_out_reports',
  'unestablished_install_failures',
  'anomaly',
];

/** Fields of a stored event (and of the raw wire event) that no answer may carry. */
const RAW_EVENT_KEYS = [
  'id',
  'installId',
  'eventId',
  'receivedAt',
  'expireAt',
  'source',
  'product',
  'platform',
  'modules',
  'failure',
  'message',
  'attributes',
  'action',
  'devices',
  'time',
];

/** Every [key path, value] in a JSON value. */
function entries(value: unknown, path: string[] = []): [string[], unknown][] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => [
    [[...path, key], inner] as [string[], unknown],
    ...entries(inner, [...path, key]),
  ]);
}

function expectCacheableAndOpen(res: FakeResponse): void {
  expect(res.header('Access-Control-Allow-Origin')).toBe('*');
  expect(res.header('Cache-Control')).toBe(CACHE_CONTROL);
}

describe('stats API over aggregated days', () => {
  let store: MemoryStore;
  let get: ReturnType<typeof client>;

  beforeAll(async () => {
    store = await aggregatedStore();
    get = client(store);
  });

  test('the fixture aggregates as expected', () => {
    const day = (d: Day) => store.days.get(d) as DayAggregate;
    // An install counts from its second day (the established rule): A on 11-02, B on 11-04.
    expect(day('2026-11-01').activeInstalls).toEqual({ d1: 0, d7: 0, d28: 0 });
    expect(day('2026-11-02').activeInstalls).toEqual({ d1: 6, d7: 6, d28: 6 });
    expect(day('2026-11-03').activeInstalls).toEqual({ d1: 6, d7: 6, d28: 6 });
    expect(day('2026-11-04').activeInstalls).toEqual({ d1: 11, d7: 11, d28: 11 });
    expect(day('2026-11-04').breakdowns.version).toEqual([
      { value: ODD_VERSION, installs: 6 },
      { value: '1.9', installs: 5 },
    ]);
    expect(dayRange('2026-11-01', '2026-11-10').map((d) => day(d).final)).toEqual([
      ...Array.from({ length: 7 }, () => true),
      false,
      false,
      false,
    ]);
  });

  test('GET /api/v1/days.csv: text/csv, a header row, one row per day, bucket columns', async () => {
    const res = await get('/api/v1/days.csv', { from: '2026-11-01', to: '2026-11-10' });
    expect(res.statusCode).toBe(200);
    expect(res.header('Content-Type')).toMatch(/^text\/csv/);
    expectCacheableAndOpen(res);
    const text = res.body as string;
    expect(typeof text).toBe('string');

    // The version with a comma and quotes is one quoted cell with its quotes doubled.
    const rawHeader = text.slice(0, text.indexOf('\r\n'));
    expect(rawHeader).toContain(',"version:2.0,""rc1"""');
    expect(rawHeader.startsWith('day,final,active_d1,active_d7,active_d28,')).toBe(true);

    const [header = [], ...rows] = parseCsv(text);
    // Buckets published on some day of the range of version, channel, installMethod, os, arch
    // and container; sorted.
    expect(header).toEqual([
      ...SCALAR_COLUMNS,
      'arch:aarch64',
      'arch:x86_64',
      'channel:stable',
      'container:unknown',
      'installMethod:unknown',
      'os:debian',
      'version:1.9',
      `version:${ODD_VERSION}`,
    ]);
    expect(rows.map((r) => r[0])).toEqual(dayRange('2026-11-01', '2026-11-10'));
    for (const row of rows) expect(row).toHaveLength(header.length);
    const record = (day: Day) =>
      Object.fromEntries(header.map((h, i) => [h, rows.find((r) => r[0] === day)?.[i]]));

    // 11-01: A1..A6 install, new and not yet established: no bucket published → empty cells.
    expect(record('2026-11-01')).toMatchObject({
      final: 'true',
      active_d1: '0',
      active_d7: '0',
      active_d28: '0',
      new_installs: '6',
      opt_outs: '0',
      // Held out: their events count in no figure but the held-out reports.
      events_install: '0',
      events_heartbeat: '0',
      newly_established: '0',
      pending_d28: '6',
      held_out_installs: '6',
      held_out_reports: '6',
      unestablished_install_failures: '0',
      anomaly: '',
      'arch:aarch64': '',
      'arch:x86_64': '',
      [`version:${ODD_VERSION}`]: '',
    });
    // 11-03: A1..A6 counted (their second day came on 11-02); B1..B5 wait → no 1.9 bucket yet.
    expect(record('2026-11-03')).toMatchObject({
      active_d1: '6',
      new_installs: '5',
      pending_d28: '5',
      'arch:aarch64': '',
      'arch:x86_64': '6',
      'version:1.9': '',
      [`version:${ODD_VERSION}`]: '6',
      'os:debian': '6',
    });
    // 11-04: 11 heartbeats and A1's crash; B1..B5 established.
    expect(record('2026-11-04')).toMatchObject({
      newly_established: '5',
      active_d1: '11',
      new_installs: '0',
      events_heartbeat: '11',
      events_crash: '1',
      'arch:aarch64': '5',
      'version:1.9': '5',
      'os:debian': '11',
      'container:unknown': '11',
    });
    expect(record('2026-11-10')).toMatchObject({ final: 'false', active_d28: '11' });
  });

  test('GET /api/v1/days.csv of a range without days is the header alone', async () => {
    const res = await get('/api/v1/days.csv', { from: '2026-01-01', to: '2026-01-31' });
    expect(res.statusCode).toBe(200);
    expectCacheableAndOpen(res);
    expect(parseCsv(res.body as string)).toEqual([SCALAR_COLUMNS]);
  });

  test('GET /api/v1/days answers the stored aggregates as JSON', async () => {
    const res = await get('/api/v1/days', { from: '2026-11-01', to: '2026-11-10' });
    expect(res.statusCode).toBe(200);
    expect(res.header('Content-Type')).toMatch(/^application\/json/);
    expectCacheableAndOpen(res);
    const { days } = res.body as { days: DayAggregate[] };
    expect(days).toEqual(dayRange('2026-11-01', '2026-11-10').map((d) => store.days.get(d)));
  });

  test('GET /api/v1/latest answers the newest final day', async () => {
    const res = await get('/api/v1/latest');
    expect(res.statusCode).toBe(200);
    expectCacheableAndOpen(res);
    expect(res.body).toEqual(store.days.get('2026-11-07'));
    expect((res.body as DayAggregate).final).toBe(true);
  });

  test('no answer holds a pseudonym, a raw install id or a raw event field', async () => {
    const pseudonyms = [
      ...new Set(
        [...store.events.values()].flatMap((e) => (e.install === null ? [] : [e.install])),
      ),
    ];
    expect(pseudonyms).toHaveLength(11);
    expect(store.knownInstalls().size).toBe(11);
    for (const p of pseudonyms) expect(p).toMatch(/^[0-9a-f]{64}$/);
    const eventIds = [...store.events.keys()];
    const answers = [
      await get('/api/v1/days', { from: '2026-11-01', to: '2026-11-10' }),
      await get('/api/v1/days'),
      await get('/api/v1/days.csv', { from: '2026-11-01', to: '2026-11-10' }),
      await get('/api/v1/latest'),
    ];
    for (const res of answers) {
      expect(res.statusCode).toBe(200);
      const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
      for (const p of pseudonyms) expect(text).not.toContain(p);
      for (const id of eventIds) expect(text).not.toContain(id);
      expect(text).not.toMatch(/[0-9a-f]{40}/);
      expect(text).not.toContain('stats-api-');
      expect(text).not.toContain(FAILURE_MESSAGE.slice(0, 9));
      if (typeof res.body !== 'string') {
        for (const [path, value] of entries(res.body)) {
          const key = path.at(-1);
          expect(RAW_EVENT_KEYS, path.join('.')).not.toContain(key);
          // "install" is only ever the count of install events.
          if (key === 'install') expect([path.at(-2), typeof value]).toEqual(['events', 'number']);
        }
      }
    }
  });
});

describe('GET /api/v1/latest without a final day', () => {
  test('404 with the error shape when only days still open were aggregated', async () => {
    const store = await aggregatedStore();
    for (const day of dayRange('2026-11-01', '2026-11-07')) store.days.delete(day);
    expect(store.days.size).toBe(3);
    const res = await client(store)('/api/v1/latest');
    expectErrorBody(res, 404, 'not_found');
    expect(res.header('Access-Control-Allow-Origin')).toBe('*');
  });

  test('404 with the error shape on an empty deployment', async () => {
    const res = await client(new MemoryStore())('/api/v1/latest');
    expectErrorBody(res, 404, 'not_found');
    expect(res.header('Access-Control-Allow-Origin')).toBe('*');
  });

  test('bad ranges keep CORS, so a browser can read the error', async () => {
    const res = await client(new MemoryStore())('/api/v1/days.csv', { from: 'yesterday' });
    expectErrorBody(res, 400, 'bad_request');
    expect(res.header('Access-Control-Allow-Origin')).toBe('*');
  });
});
