// Activity pages: everything aggregation keeps of a (day, bucket) of events. Who is an active
// install on the page (never an opt-out, never an event without identity), how each looked, and
// that the stored parts read back to the same page — a part lost or mixed up would silently drop
// installs from every figure computed later.
import { describe, expect, test } from 'vitest';
import { deploymentConfig } from '../../../shared/config.ts';
import { contributionJsonOf } from '../../../functions/src/aggregate/contribution.ts';
import { exactToJson } from '../../../functions/src/aggregate/exact.ts';
import {
  buildPage,
  decodePage,
  encodePage,
  findInParts,
  KEYS_PER_PART,
  needsRebuild,
  PAGE_FORMAT,
  pageLocal,
  talliesDropped,
  withoutInstalls,
  type Page,
} from '../../../functions/src/aggregate/page.ts';
import { snapshotJsonOf } from '../../../functions/src/aggregate/snapshot.ts';
import { ANONYMOUS } from '../../../functions/src/model/buckets.ts';
import type { StoredEvent } from '../../../functions/src/model/stored.ts';

const DAY = '2026-05-02';
const pseudonym = (n: number) => `ab${n.toString(16).padStart(14, '0')}${'c'.repeat(48)}`;

/** The value, which the test knows is there. */
function the<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected a value');
  return value;
}

let serial = 0;
function event(install: string | null, parts: Partial<StoredEvent> = {}): StoredEvent {
  serial += 1;
  return {
    id: `e${String(serial).padStart(6, '0')}`,
    install,
    day: DAY,
    type: 'heartbeat',
    source: 'netdata',
    receivedAt: 10_000 + serial,
    expireAt: 99_999_999,
    ...parts,
  };
}

describe('who is on a page of installs', () => {
  const a = pseudonym(2);
  const b = pseudonym(1);
  const events = [
    event(a, { product: { version: '1.0' } }),
    event(b, { product: { version: '2.0' }, receivedAt: 5 }),
    event(b, { product: { version: '2.1' }, receivedAt: 4 }),
    event(null, { type: 'opt_out' }),
    event(pseudonym(3), { type: 'opt_out' }),
    event(null, { type: 'install' }),
  ];
  const page = buildPage(DAY, 'ab', events, deploymentConfig);

  test('every install with an event, once, by key; opt-outs and events without identity are not installs', () => {
    expect(page.keys).toEqual([b.slice(0, 16), a.slice(0, 16)]);
    expect(page.events).toBe(6);
    expect(page).toMatchObject({ day: DAY, bucket: 'ab', format: PAGE_FORMAT, cohorts: [] });
  });

  test('each install as its latest event (by receipt) left it', () => {
    const snapshotOf = (i: number) => JSON.parse(page.snapshots[page.snaps[i] as number] as string);
    expect(snapshotOf(0)).toEqual({ version: '2.0' });
    expect(snapshotOf(1)).toEqual({ version: '1.0' });
    expect(page.contribs[page.cons[0] as number]).toBe(
      contributionJsonOf([the(events[2]), the(events[1])]),
    );
  });

  test('events read in receipt order: the latest by receipt wins, whatever the read order', () => {
    const key = pseudonym(4);
    const inOrder = [
      event(key, { product: { version: '1.0' }, receivedAt: 100 }),
      event(key, { product: { version: '1.1' }, receivedAt: 200 }),
      event(key, { product: { version: '1.2' }, receivedAt: 300 }),
    ];
    for (const read of [inOrder, [...inOrder].reverse()]) {
      const built = buildPage(DAY, 'ab', read, deploymentConfig);
      expect(built.snapshots).toEqual(['{"version":"1.2"}']);
      expect(built.contribs).toEqual([contributionJsonOf(inOrder)]);
    }
  });

  test('opt-outs and events of no install are the page’s own events, each once', () => {
    expect(Object.fromEntries(pageLocal(page).events)).toEqual({ opt_out: 2, install: 1 });
  });

  test('installs that look alike share one snapshot', () => {
    const same = buildPage(
      DAY,
      'ab',
      [1, 2, 3].map((n) => event(pseudonym(n), { product: { version: '3.0' } })),
      deploymentConfig,
    );
    expect(same.snapshots).toEqual(['{"version":"3.0"}']);
    expect(same.snaps).toEqual([0, 0, 0]);
    expect(same.contribs).toHaveLength(1);
  });

  test.each([
    [deploymentConfig.privacy.valuesPerInstall, deploymentConfig.privacy.valuesPerInstall],
    [deploymentConfig.privacy.valuesPerInstall + 1, deploymentConfig.privacy.valuesPerInstall],
  ])('an install with %i modules keeps %i', (sent, kept) => {
    const modules = Array.from({ length: sent }, (_, i) => ({ name: `m${i}`, version: '1' }));
    const page = buildPage(DAY, 'ab', [event(pseudonym(1), { modules })], deploymentConfig);
    expect(JSON.parse(page.snapshots[0] as string).modules).toHaveLength(kept);
  });
});

describe('the page of reports without identity', () => {
  const report = (version: string, receivedAt: number) =>
    event(null, { product: { version }, receivedAt });
  const events = [
    report('1.0', 3),
    report('2.0', 1),
    report('1.0', 2),
    event(null, { type: 'opt_out', receivedAt: 4 }),
  ];
  const page = buildPage(DAY, ANONYMOUS, events, deploymentConfig);

  test('equal reports form one cohort with their count, in receipt order; no install keys', () => {
    expect(page.keys).toEqual([]);
    expect(page.snapshots).toEqual(['{"version":"2.0"}', '{"version":"1.0"}']);
    // [snapshot, contribution, reports] per cohort.
    expect(page.cohorts).toEqual([0, 0, 1, 1, 0, 2]);
    expect(page.events).toBe(4);
  });

  test('a report with other events is a cohort of its own, with its own contribution', () => {
    const crash = event(null, { type: 'crash', product: { version: '1.0' }, receivedAt: 9 });
    const withCrash = buildPage(DAY, ANONYMOUS, [...events, crash], deploymentConfig);
    expect(withCrash.contribs).toEqual([
      contributionJsonOf([the(events[1])]),
      contributionJsonOf([crash]),
    ]);
    expect(withCrash.cohorts).toEqual([0, 0, 1, 1, 0, 2, 1, 1, 1]);
  });

  test('only opt-outs are its own events: the reports count through their cohorts', () => {
    expect(Object.fromEntries(pageLocal(page).events)).toEqual({ opt_out: 1 });
  });

  test('modules of a report are bounded too', () => {
    const modules = Array.from(
      { length: deploymentConfig.privacy.valuesPerInstall + 3 },
      (_, i) => ({
        name: `m${i}`,
      }),
    );
    const anon = buildPage(DAY, ANONYMOUS, [event(null, { modules })], deploymentConfig);
    expect(JSON.parse(anon.snapshots[0] as string).modules).toHaveLength(
      deploymentConfig.privacy.valuesPerInstall,
    );
  });
});

/** A page of `n` installs with keys `k0…`, sorted, two snapshots and contributions alternating. */
function bigPage(n: number): Page {
  const keys = Array.from({ length: n }, (_, i) => i.toString(16).padStart(16, '0'));
  return {
    day: DAY,
    bucket: '00',
    events: n + 5,
    keys,
    snaps: keys.map((_, i) => i % 2),
    snapshots: ['{"version":"1.0"}', '{"version":"2.0"}'],
    cons: keys.map((_, i) => (i % 3 === 0 ? 1 : 0)),
    contribs: ['{}', '{"c":1}'],
    cohorts: [0, 1, 7],
    format: PAGE_FORMAT,
    localJson: '{"day":"2026-05-02"}',
  };
}

describe('stored parts', () => {
  test.each([
    [0, 1],
    [1, 1],
    [KEYS_PER_PART, 1],
    [KEYS_PER_PART + 1, 2],
  ])('%i installs: %i part(s), read back as the same page in any order', (n, parts) => {
    const page = bigPage(n);
    const stored = encodePage(page, 'run-1');
    expect(stored).toHaveLength(parts);
    expect(stored.map((p) => [p.part, p.parts])).toEqual(
      Array.from({ length: parts }, (_, i) => [i, parts]),
    );
    // The tables, cohorts and tallies ride on part 0 alone; a later part holds only installs.
    for (const p of stored.slice(1))
      expect([p.snapshots, p.contribs, p.cohorts, p.local]).toEqual([[], [], '', '']);
    const back = decodePage([...stored].reverse());
    expect(back).toEqual(page);
  });

  test('the local tallies are written from the page when it has no stored text', () => {
    const page = buildPage(DAY, 'ab', [event(null, { type: 'opt_out' })], deploymentConfig);
    const [stored] = encodePage(page, 'r');
    expect(stored?.local).toBe(exactToJson(pageLocal(page)));
    expect(Object.fromEntries(pageLocal(decodePage([the(stored)])).events)).toEqual({ opt_out: 1 });
  });

  test('parts of another run (a page that shrank) are ignored', () => {
    const old = encodePage(bigPage(KEYS_PER_PART + 1), 'old');
    const now = encodePage(bigPage(3), 'new');
    expect(decodePage([...old, ...now].filter((p) => p.run === 'new' || p.part === 1))).toEqual(
      bigPage(3),
    );
  });

  test('a part missing is an error, never a smaller page', () => {
    const stored = encodePage(bigPage(KEYS_PER_PART + 1), 'r');
    expect(() => decodePage([the(stored[0])])).toThrow(`page ${DAY}/00: 1 of 2 parts`);
    expect(() => decodePage([the(stored[1])])).toThrow(`page ${DAY}/00: part 0 missing`);
  });

  test('a page of format 1 (no contributions) reads with empty tables and format 1', () => {
    const [stored] = encodePage(bigPage(2), 'r');
    const { format: _f, contribs: _c, cohorts: _h, cons: _n, ...old } = the(stored);
    const back = decodePage([{ ...old, cons: '' }]);
    expect(back).toMatchObject({ format: 1, contribs: [], cohorts: [], cons: [] });
    expect(needsRebuild(back)).toBe(true);
  });
});

describe('finding one install in the stored parts', () => {
  const page = bigPage(KEYS_PER_PART + 10);
  const stored = encodePage(page, 'r');

  test.each([0, 1, 2, 12_345, KEYS_PER_PART - 1, KEYS_PER_PART, KEYS_PER_PART + 9])(
    'install %i: its snapshot and contribution',
    (i) => {
      expect(findInParts([...stored].reverse(), the(page.keys[i]))).toEqual({
        snapshot: page.snapshots[i % 2],
        contribution: page.contribs[i % 3 === 0 ? 1 : 0],
      });
    },
  );

  test.each([
    ['before the first key', '000000000000000.'],
    ['between two keys', '000000000000000g'],
    ['after the last key', 'ffffffffffffffff'],
  ])('%s: not there', (_name, key) => {
    expect(findInParts(stored, key)).toBeUndefined();
  });

  test('a page without its part 0, or of format 1', () => {
    expect(findInParts(stored.slice(1), the(page.keys[0]))).toBeUndefined();
    const [first] = encodePage(bigPage(4), 'r');
    const { cons: _c, contribs: _t, ...old } = the(first);
    expect(findInParts([old], the(bigPage(4).keys[3]))).toEqual({ snapshot: '{"version":"2.0"}' });
  });

  test('parts of another run are not searched', () => {
    const leftover = { ...the(stored[1]), run: 'old' };
    expect(
      findInParts([the(stored[0]), leftover], the(page.keys[KEYS_PER_PART + 1])),
    ).toBeUndefined();
  });
});

describe('erasing installs from a page', () => {
  test('their keys go with their snapshot and contribution; the page’s own events stay', () => {
    const page = bigPage(5);
    const left = withoutInstalls(page, new Set([the(page.keys[1]), the(page.keys[3])]));
    expect(left.keys).toEqual([page.keys[0], page.keys[2], page.keys[4]]);
    expect(left.snaps).toEqual([0, 0, 0]);
    expect(left.cons).toEqual([1, 0, 0]);
    expect(left.localJson).toBe(page.localJson);
    expect(left.events).toBe(page.events);
  });

  test('a page without contributions stays without', () => {
    const page = { ...bigPage(3), cons: [] };
    expect(withoutInstalls(page, new Set([the(page.keys[0])])).cons).toEqual([]);
  });

  test('a page whose tallies an erase dropped must be rebuilt', () => {
    const { localJson: _l, ...dropped } = bigPage(2);
    expect(talliesDropped(dropped)).toBe(true);
    expect(needsRebuild(dropped)).toBe(true);
    expect(() => pageLocal(dropped)).toThrow(
      `page ${DAY}/00: tallies dropped by an erase, rebuild it`,
    );
    expect(talliesDropped(bigPage(2))).toBe(false);
    expect(needsRebuild(bigPage(2))).toBe(false);
    // A page just built holds its tallies in memory, not yet as stored text.
    const built = buildPage(DAY, 'ab', [event(pseudonym(1))], deploymentConfig);
    expect(built.localJson).toBeUndefined();
    expect(talliesDropped(built)).toBe(false);
    expect(needsRebuild(built)).toBe(false);
  });
});

test('the snapshot of a page is the snapshot of the install’s events', () => {
  const e = event(pseudonym(9), { platform: { os: 'linux' } });
  const page = buildPage(DAY, 'ab', [e], deploymentConfig);
  expect(page.snapshots).toEqual([snapshotJsonOf([e]).json]);
});
