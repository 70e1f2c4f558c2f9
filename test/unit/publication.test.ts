// Each day records what it was computed with: the k, retention and late window of the config the
// aggregation ran with, and a demo marker on the demo fleet's days; the site reads them back.
import { describe, expect, test } from 'vitest';
import { publicationOf, type DayAggregate } from '../../shared/aggregate.ts';
import { deploymentConfig } from '../../shared/config.ts';
import { aggregateDay, aggregateRange } from '../../functions/src/aggregate/job.ts';
import { prepareEvent } from '../../functions/src/ingest/prepare.ts';
import { MemoryStore } from '../../functions/src/store/memory-store.ts';
import type { StoredEvent } from '../../functions/src/store/types.ts';
import { seedDemo } from '../../scripts/lib/demo.ts';
import {
  describePublication,
  publicationPeriods,
  publishedK,
} from '../../site/src/lib/publication.ts';
import { emptySections } from '../support/day-fixture.ts';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const DAY = '2026-11-27';

/** 6 installs of 2.0.0 and 5 of 1.0.0, heartbeats on DAY. */
function fleet(config = deploymentConfig): StoredEvent[] {
  const events: StoredEvent[] = [];
  const versions = [...Array(6).fill('2.0.0'), ...Array(5).fill('1.0.0')] as string[];
  versions.forEach((version, i) => {
    const prepared = prepareEvent(
      { installId: `i-${i}`, type: 'heartbeat', product: { version } },
      [],
      { secret: 's', now: NOW, config, source: 'v1' },
    );
    if (prepared.ok) events.push(prepared.event);
  });
  return events;
}

async function aggregateWith(k: number, demo?: boolean): Promise<DayAggregate> {
  const config = { ...deploymentConfig, kAnonymity: k };
  const store = new MemoryStore();
  await store.saveEvents(fleet(config));
  return aggregateDay({ store, clock: () => NOW, config, demo }, DAY);
}

describe('the day aggregate records its publication parameters', () => {
  test('k, retention and late window of the config it was computed with', async () => {
    const day = await aggregateWith(5);
    expect(day.publication).toEqual({
      kAnonymity: 5,
      eventRetentionDays: deploymentConfig.eventRetentionDays,
      installRetentionDays: deploymentConfig.installRetentionDays,
      lateArrivalHours: deploymentConfig.lateArrivalHours,
    });
    expect(day.publication).toEqual(publicationOf(deploymentConfig));
    expect(day.demo).toBeUndefined();
  });

  test('another k changes what is published and what the day says together', async () => {
    const five = await aggregateWith(5);
    const six = await aggregateWith(6);
    expect(five.breakdowns.version).toEqual([
      { value: '2.0.0', installs: 6 },
      { value: '1.0.0', installs: 5 },
    ]);
    // At k = 6 the 5 installs of 1.0.0 are too few and are folded into "other".
    expect(six.breakdowns.version).toEqual([
      { value: '2.0.0', installs: 6 },
      { value: 'other', installs: 5 },
    ]);
    expect(six.publication?.kAnonymity).toBe(6);
  });

  test('the demo fleet marks its days; a real run does not', async () => {
    expect((await aggregateWith(5, true)).demo).toBe(true);
    const store = new MemoryStore();
    await seedDemo(store, 'demo-secret', { installs: 15, days: 4, seed: 3 }, NOW);
    const days = [...store.days.values()];
    expect(days).toHaveLength(4);
    expect(days.every((d) => d.demo === true)).toBe(true);
    // Recomputing them with the demo flag (npm start, npm run aggregate on demo data) keeps it.
    const recomputed = await aggregateRange(
      { store, clock: () => NOW, config: deploymentConfig, demo: true },
      '2026-11-26',
      DAY,
    );
    expect(recomputed.every((d) => d.demo === true)).toBe(true);
  });
});

describe('what the site says the data was computed with', () => {
  const day = (d: string, publication?: DayAggregate['publication']): DayAggregate => ({
    day: d,
    final: true,
    activeInstalls: { d1: 1, d7: 1, d28: 1 },
    newInstalls: 0,
    optOuts: 0,
    events: {},
    ...emptySections(),
    run: { computedAt: '2026-11-27T00:15:00.000Z', documentsRead: 0, documentsWritten: 0 },
    ...(publication ? { publication } : {}),
  });
  const p5 = {
    kAnonymity: 5,
    eventRetentionDays: 90,
    installRetentionDays: 90,
    lateArrivalHours: 72,
  };
  const p7 = { ...p5, kAnonymity: 7 };

  test('consecutive days with the same parameters form one period; unrecorded days their own', () => {
    const days = [
      day('2026-11-01'),
      day('2026-11-02', p5),
      day('2026-11-04', p5),
      day('2026-11-03', p5),
      day('2026-11-05', p7),
    ];
    expect(publicationPeriods(days)).toEqual([
      { from: '2026-11-01', to: '2026-11-01', days: 1, publication: null },
      { from: '2026-11-02', to: '2026-11-04', days: 3, publication: p5 },
      { from: '2026-11-05', to: '2026-11-05', days: 1, publication: p7 },
    ]);
    expect(publishedK(days, 5)).toBe(7);
    expect(publishedK([day('2026-11-01')], 9)).toBe(9);
    expect(describePublication(p7)).toBe(
      'k = 7, raw events kept 90 days, installs remembered 90 days after last seen, late arrivals accepted up to 72 hours',
    );
    expect(describePublication(null)).toBe('computed before the parameters were recorded');
  });

  test('stored maps in another key order are the same parameters', () => {
    const reordered = {
      lateArrivalHours: 72,
      kAnonymity: 5,
      installRetentionDays: 90,
      eventRetentionDays: 90,
    };
    expect(publicationPeriods([day('2026-11-01', p5), day('2026-11-02', reordered)])).toHaveLength(
      1,
    );
  });
});
