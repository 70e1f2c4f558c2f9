// Each day records what it was computed with: the k, retention and late window of the config the
// aggregation ran with and, published with differential privacy, its (ε, δ) and bounds; a demo
// marker on the demo fleet's days; the site reads them back.
import { describe, expect, test } from 'vitest';
import { publicationOf, type DayAggregate } from '../../../shared/aggregate.ts';
import { deploymentConfig } from '../../../shared/config.ts';
import { addDays, dayOf } from '../../../shared/dates.ts';
import { aggregateDay, aggregateRange } from '../../../functions/src/aggregate/job.ts';
import { lateDays } from '../../../functions/src/aggregate/plan.ts';
import { prepareEvent } from '../../../functions/src/ingest/prepare.ts';
import { planFor } from '../../../functions/src/privacy/publication/publish.ts';
import { MemoryStore } from '../../../functions/src/store/memory-store.ts';
import type { StoredEvent } from '../../../functions/src/model/stored.ts';
import { seedDemo } from '../../../scripts/lib/demo.ts';
import {
  describePublication,
  publicationPeriods,
  publishedK,
  samePrivacy,
} from '../../../site/src/lib/publication.ts';
import { emptySections } from '../../support/day-fixture.ts';

const NOW = Date.parse('2026-11-27T12:00:00Z');
/** A day already final on NOW: only final days are published. */
const DAY = addDays(dayOf(NOW), -lateDays(deploymentConfig));

/** 60 installs of 2.0.0 and 5 of 1.0.0, heartbeats on DAY. */
function fleet(config = deploymentConfig): StoredEvent[] {
  const events: StoredEvent[] = [];
  const versions = [...Array(60).fill('2.0.0'), ...Array(5).fill('1.0.0')] as string[];
  versions.forEach((version, i) => {
    const prepared = prepareEvent(
      { installId: `i-${i}`, type: 'heartbeat', product: { version } },
      [],
      { secret: 's', now: Date.parse(`${DAY}T12:00:00Z`) + i, config, source: 'v1' },
    );
    if (prepared.ok) events.push(prepared.event);
  });
  return events;
}

async function aggregateWith(k: number, demo?: boolean): Promise<DayAggregate> {
  // The fleet reports on one day: every install counted from its first day.
  const config = {
    ...deploymentConfig,
    kAnonymity: k,
    screening: { ...deploymentConfig.screening, establishedDays: 1 },
  };
  const store = new MemoryStore();
  await store.saveEvents(fleet(config));
  const outcome = await aggregateDay(
    { store, clock: () => NOW, config, publicationSecret: () => 'secret', demo },
    DAY,
  );
  expect(outcome.status).toBe('published');
  return outcome.aggregate as DayAggregate;
}

describe('the day aggregate records its publication parameters', () => {
  test('k, retention, late window and (ε, δ) of the config it was published with', async () => {
    const day = await aggregateWith(5);
    expect(day.publication).toEqual({
      kAnonymity: 5,
      eventRetentionDays: deploymentConfig.eventRetentionDays,
      installRetentionDays: deploymentConfig.installRetentionDays,
      lateArrivalHours: deploymentConfig.lateArrivalHours,
      establishedDays: 1,
    });
    expect(day.publication).toEqual(
      publicationOf({
        ...deploymentConfig,
        screening: { ...deploymentConfig.screening, establishedDays: 1 },
      }),
    );
    expect(day.privacy).toMatchObject(deploymentConfig.privacy);
    expect(day.demo).toBeUndefined();
  });

  test('k is the floor of every noisy threshold: a larger k hides what the threshold showed', async () => {
    const base = planFor(deploymentConfig);
    const breakdownThreshold = base.queries.get('breakdowns.version')?.threshold ?? 0;
    expect(breakdownThreshold).toBeGreaterThan(deploymentConfig.kAnonymity);
    const five = await aggregateWith(5);
    // 60 installs of 2.0.0 clear the threshold; 5 of 1.0.0 do not.
    expect(five.breakdowns.version?.map((b) => b.value)).toEqual(['2.0.0', 'other']);
    const high = await aggregateWith(1000);
    expect(high.privacy?.noise.breakdowns?.threshold).toBe(1000);
    for (const [, noise] of Object.entries(high.privacy?.noise ?? {}))
      if (noise.threshold !== undefined) expect(noise.threshold).toBeGreaterThanOrEqual(1000);
    expect(high.breakdowns.version?.map((b) => b.value)).toEqual(['other']);
    expect(high.publication?.kAnonymity).toBe(1000);
  });

  test('the demo fleet marks its days; a real run does not', async () => {
    expect((await aggregateWith(5, true)).demo).toBe(true);
    const store = new MemoryStore();
    await seedDemo(store, 'demo-secret', { installs: 15, days: 8, seed: 3 }, NOW);
    const days = [...store.days.values()];
    // Only final days are published: the last lateDays() days are still provisional.
    expect(days).toHaveLength(8 - lateDays(deploymentConfig));
    expect(days.every((d) => d.demo === true)).toBe(true);
    // Recomputing with the demo flag (npm start, npm run aggregate on demo data) publishes the
    // day turning final marked as well; days published before are kept as they are.
    const later = NOW + 86_400_000;
    const recomputed = await aggregateRange(
      {
        store,
        clock: () => later,
        config: deploymentConfig,
        publicationSecret: () => 'demo-secret',
        demo: true,
      },
      addDays(dayOf(later), -lateDays(deploymentConfig)),
      dayOf(later),
    );
    const published = recomputed.filter((o) => o.status === 'published');
    expect(published).toHaveLength(1);
    expect(published.every((o) => o.aggregate?.demo === true)).toBe(true);
    expect([...store.days.values()].every((d) => d.demo === true)).toBe(true);
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
      { from: '2026-11-01', to: '2026-11-01', days: 1, publication: null, privacy: null },
      { from: '2026-11-02', to: '2026-11-04', days: 3, publication: p5, privacy: null },
      { from: '2026-11-05', to: '2026-11-05', days: 1, publication: p7, privacy: null },
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

  test('days published with other (ε, δ) or bounds form their own period, and say so', () => {
    const privacy = deploymentConfig.privacy;
    const withPrivacy = (d: string, epsilon: number): DayAggregate => ({
      ...day(d, p5),
      privacy: {
        mechanism: 'discrete-gaussian-zcdp',
        rho: 0.5,
        noise: {},
        ...privacy,
        epsilon,
      },
    });
    const periods = publicationPeriods([
      day('2026-11-01', p5),
      withPrivacy('2026-11-02', 6),
      withPrivacy('2026-11-03', 6),
      withPrivacy('2026-11-04', 2),
    ]);
    expect(periods.map((p) => [p.from, p.to, p.privacy?.epsilon ?? null])).toEqual([
      ['2026-11-01', '2026-11-01', null],
      ['2026-11-02', '2026-11-03', 6],
      ['2026-11-04', '2026-11-04', 2],
    ]);
    expect(samePrivacy(privacy, { ...privacy })).toBe(true);
    expect(samePrivacy(privacy, { ...privacy, counterClip: privacy.counterClip + 1 })).toBe(false);
    expect(samePrivacy(null, privacy)).toBe(false);
    // A day published before the counter groups' bound existed states none: another period.
    const { counterGroupsPerInstall: _groups, ...withoutGroups } = privacy;
    expect(samePrivacy(privacy, withoutGroups)).toBe(false);
    expect(describePublication(p5, { ...privacy, epsilon: 2, delta: 1e-7 })).toBe(
      `differential privacy with ε = 2 and δ = 1e-7 per day (at most ${privacy.eventClip} events, ` +
        `${privacy.valuesPerInstall} modules, signatures or codes and ` +
        `${privacy.counterValuesPerInstall} counter values of ${privacy.counterGroupsPerInstall} ` +
        `groups per install and day, each counter clipped at ${privacy.counterClip}), window ` +
        `figures smoothed over time with α = ${privacy.smoothingAlpha}, k = 5, raw ` +
        'events kept 90 days, installs remembered 90 days after last seen, late arrivals accepted ' +
        'up to 72 hours',
    );
    expect(describePublication(p5, { ...privacy, smoothingAlpha: 0.25 })).toContain(
      'each counter clipped at 100), window figures smoothed over time with α = 0.25, k = 5',
    );
    expect(describePublication(p5, { ...privacy, smoothingAlpha: false })).not.toContain(
      'smoothed',
    );
    // Days published before smoothing existed state no α: a period of their own.
    const { smoothingAlpha: _alpha, ...withoutAlpha } = privacy;
    expect(samePrivacy(privacy, withoutAlpha)).toBe(false);
    expect(describePublication(null, withoutGroups)).toContain(
      `${privacy.counterValuesPerInstall} counter values per install and day`,
    );
  });
});
