// The screening rules (issue 18): established installs, the bound on reports without identity,
// plausibility, and the attacks they are for, each against a steady demo-like fleet and with
// numbers a reader can check: what the same events published before the rules, and after.
import { describe, expect, test, vi } from 'vitest';
import { deploymentConfig, type DeploymentConfig } from '../../../shared/config.ts';
import { addDays, dayRange, type Day } from '../../../shared/dates.ts';
import { aggregateDay, aggregateRange } from '../../../functions/src/aggregate/job.ts';
import { cohortBound } from '../../../functions/src/aggregate/anonymous.ts';
import type { MergeOutcome } from '../../../functions/src/aggregate/merge.ts';
import { MemoryStore } from '../../../functions/src/store/memory-store.ts';
import type { StoredEvent } from '../../../functions/src/model/stored.ts';
import {
  ATTACK_COHORT,
  ATTACK_PROFILE,
  bucket,
  crashFree,
  fakeCohort,
  flood,
  ingest,
  publish,
  RULES_OFF,
  steadyFleet,
  type ScreenedDay,
  publicationSecret,
} from '../../support/poisoning.ts';
import { exactView } from '../../support/exact-view.ts';

// Each test aggregates a fleet over weeks: seconds of CPU, far more on a busy machine.
vi.setConfig({ testTimeout: 60_000 });

const LAST: Day = '2026-06-30';
const FLEET_DAYS = 45;
const FIRST = addDays(LAST, -(FLEET_DAYS - 1));
/** The attacks land in the last two weeks, after the anomaly baseline has filled. */
const ATTACK_DAY: Day = addDays(LAST, -10);

const fleet = steadyFleet(120, FLEET_DAYS, LAST);

/** The figures an attacker wants to move. */
function watched(day: ScreenedDay | undefined) {
  return {
    activeInstalls: day?.activeInstalls,
    nixos: bucket(day, 'os', 'nixos'),
    breakdowns: day?.breakdowns,
    reliability: day?.reliability,
  };
}

/**
 * Everything published about what counts — actives, events, opt-outs, breakdowns, upgrades,
 * reliability, counters — noise included: what a one-shot attack must leave as it was, to the
 * byte. Left out: what says what arrived and was held out (new installs, established, held out,
 * failed installs not established, the anomaly flag) and the run's own figures.
 */
function publishedCounted(day: ScreenedDay | undefined) {
  const { activeInstalls, optOuts, events, breakdowns, upgrades, reliability, counters } =
    day?.published ?? {};
  return { activeInstalls, optOuts, events, breakdowns, upgrades, reliability, counters };
}

const withRules = (extra: Partial<DeploymentConfig['screening']>): DeploymentConfig => ({
  ...deploymentConfig,
  screening: { ...deploymentConfig.screening, ...extra },
});

/**
 * Reports without identity of the day held out because their version was not known yet (versions
 * learned): an attack's established installs can make a version known, and those reports count
 * then, as they would with any genuine installs of the version.
 */
const waitingOnVersion = (day: ScreenedDay | undefined) =>
  day?.heldOut?.reasons.find((r) => r.reason === 'unknown-version')?.installs ?? 0;

describe('a one-day flood of random ids', () => {
  const attack = flood(ATTACK_DAY, 3000, 'flood');

  test('moves no active install and no breakdown; shows as new, held out, and flagged', async () => {
    const clean = await publish(fleet, FIRST, LAST);
    const attacked = await publish([...fleet, ...attack], FIRST, LAST);
    for (const day of dayRange(ATTACK_DAY, LAST)) {
      expect(watched(attacked.get(day)), day).toEqual(watched(clean.get(day)));
      // Nor the noise: the held-out ids draw none of the counted figures' noise afresh.
      expect(publishedCounted(attacked.get(day)), day).toEqual(publishedCounted(clean.get(day)));
    }
    const day = attacked.get(ATTACK_DAY) as ScreenedDay;
    const before = clean.get(ATTACK_DAY) as ScreenedDay;
    expect(publishedCounted(day).activeInstalls?.d28).toBeGreaterThan(0);
    // Published apart: the new installs, and what was held out and why.
    expect(day.newInstalls).toBe(before.newInstalls + 3000);
    // As published too, in full (noise σ ≈ 4 on each day): not capped at the actives, which the
    // flood's ids are no part of.
    const published = day.published.newInstalls - before.published.newInstalls;
    expect(Math.abs(published - 3000)).toBeLessThan(50);
    expect(day.published.newInstalls).toBeGreaterThan(day.published.activeInstalls.d1);
    expect(day.established?.pending.d1).toBe((before.established?.pending.d1 ?? 0) + 3000);
    expect(day.established?.newInstallProfiles).toContainEqual({
      value: ATTACK_COHORT,
      installs: 3000,
    });
    const notEstablished = (d: ScreenedDay) =>
      d.heldOut?.reasons.find((r) => r.reason === 'not-established');
    expect(notEstablished(day)).toEqual({
      reason: 'not-established',
      installs: (notEstablished(before)?.installs ?? 0) + 3000,
      reports: (notEstablished(before)?.reports ?? 0) + 3000,
    });
    expect(day.anomaly?.signals).toContainEqual(
      expect.objectContaining({ figure: 'newInstalls', rule: 'jump', profile: ATTACK_COHORT }),
    );
    expect(day.anomaly?.reason).toContain(ATTACK_COHORT);
    expect(before.anomaly).toBeUndefined();
  });

  test('before the rules it added 3000 actives and a nixos bucket of 3000', async () => {
    const clean = await publish(fleet, FIRST, LAST, RULES_OFF);
    const attacked = await publish([...fleet, ...attack], FIRST, LAST, RULES_OFF);
    const day = (m: Map<Day, ScreenedDay>) => m.get(ATTACK_DAY) as ScreenedDay;
    const letIn = waitingOnVersion(day(clean)) - waitingOnVersion(day(attacked));
    expect(day(attacked).activeInstalls.d28 - day(clean).activeInstalls.d28).toBe(3000 + letIn);
    expect(bucket(day(attacked), 'os', 'nixos')).toBe(3000);
  });
});

describe('a week-long cohort of fake installs with one profile', () => {
  const cohort = fakeCohort(ATTACK_DAY, 7, 400, 'cohort');

  test('counts from its second day, and that day is flagged with its profile', async () => {
    const clean = await publish(fleet, FIRST, LAST);
    const attacked = await publish([...fleet, ...cohort], FIRST, LAST);
    const first = attacked.get(ATTACK_DAY) as ScreenedDay;
    const second = attacked.get(addDays(ATTACK_DAY, 1)) as ScreenedDay;
    // Day 1: nothing published moves, noise included.
    expect(watched(first)).toEqual(watched(clean.get(ATTACK_DAY)));
    expect(publishedCounted(first)).toEqual(publishedCounted(clean.get(ATTACK_DAY)));
    // Day 2 (N = 2): the cohort is established, counts, and the day says so.
    const cleanSecond = clean.get(addDays(ATTACK_DAY, 1)) as ScreenedDay;
    const letIn = waitingOnVersion(cleanSecond) - waitingOnVersion(second);
    expect(second.activeInstalls.d1).toBe(cleanSecond.activeInstalls.d1 + 400 + letIn);
    expect(bucket(second, 'os', 'nixos')).toBe(400);
    expect(second.established?.newlyEstablished).toBeGreaterThanOrEqual(400);
    expect(second.anomaly?.signals).toContainEqual(
      expect.objectContaining({
        figure: 'newlyEstablished',
        profile: ATTACK_COHORT,
      }),
    );
    // Flagged on day 1 for its new installs; from day 2 for the actives it lifts far above their
    // median (day 2 also for the newly established); no more once it stops reporting.
    expect(first.anomaly?.signals.map((s) => s.figure)).toEqual(['newInstalls']);
    expect(second.anomaly?.signals.map((s) => s.figure)).toEqual([
      'newlyEstablished',
      'activeInstalls.d1',
    ]);
    for (const i of [2, 3, 4, 5, 6])
      expect(attacked.get(addDays(ATTACK_DAY, i))?.anomaly?.signals.map((s) => s.figure)).toEqual([
        'activeInstalls.d1',
      ]);
    expect(attacked.get(addDays(ATTACK_DAY, 7))?.anomaly).toBeUndefined();
    for (const day of dayRange(FIRST, LAST)) expect(clean.get(day)?.anomaly, day).toBeUndefined();
  });

  test('with establishedDays 4 it needs four days', async () => {
    const config = withRules({ establishedDays: 4 });
    const attacked = await publish([...fleet, ...cohort], FIRST, LAST, config);
    const nixos = (i: number) => bucket(attacked.get(addDays(ATTACK_DAY, i)), 'os', 'nixos');
    expect([0, 1, 2, 3, 4].map(nixos)).toEqual([0, 0, 0, 400, 400]);
  });
});

describe('a crash burst on one version from one-shot ids', () => {
  const burst = flood(ATTACK_DAY, 2000, 'crash', 'crash');

  test('leaves the crash-free rate and the top failures as they were', async () => {
    const clean = await publish(fleet, FIRST, LAST);
    const attacked = await publish([...fleet, ...burst], FIRST, LAST);
    const day = attacked.get(ATTACK_DAY);
    expect(day?.reliability).toEqual(clean.get(ATTACK_DAY)?.reliability);
    expect(crashFree(day, '1.6.0')).toBeGreaterThan(0.9);
    // As published, noise included: the crash figures and everything else counted.
    expect(publishedCounted(day)).toEqual(publishedCounted(clean.get(ATTACK_DAY)));
  });

  test('before the rules it sank 1.6.0 below a crash-free rate of 10 %', async () => {
    const attacked = await publish([...fleet, ...burst], FIRST, LAST, RULES_OFF);
    expect(crashFree(attacked.get(ATTACK_DAY), '1.6.0')).toBeLessThan(0.1);
  });
});

test('genuine new installs of the fleet count from their second day', async () => {
  const days = await publish(fleet, FIRST, LAST);
  // An install that joins and keeps reporting: one of the fleet's, followed by hand.
  const joiner = [
    ingest({ installId: 'joiner', type: 'install', ...ATTACK_PROFILE }, ATTACK_DAY, 10),
    ingest(
      { installId: 'joiner', type: 'heartbeat', ...ATTACK_PROFILE },
      addDays(ATTACK_DAY, 1),
      10,
    ),
  ];
  const withJoiner = await publish([...fleet, ...joiner], FIRST, LAST);
  const d1 = (m: Map<Day, ScreenedDay>, i: number) =>
    (m.get(addDays(ATTACK_DAY, i)) as ScreenedDay).activeInstalls.d1;
  expect(d1(withJoiner, 0) - d1(days, 0)).toBe(0);
  expect(d1(withJoiner, 1) - d1(days, 1)).toBe(1);
  expect(withJoiner.get(ATTACK_DAY)?.newInstalls).toBe(
    (days.get(ATTACK_DAY)?.newInstalls ?? 0) + 1,
  );
  // And over the fleet, nearly every install of the last 28 days counts: those that wait are
  // the ones seen on one day only so far.
  const last = days.get(LAST) as ScreenedDay;
  expect(last.established?.pending.d28).toBeLessThan(last.activeInstalls.d28 / 10);
});

describe('the run of days', () => {
  const platform = (arch: string) => ({
    os: 'debian',
    kernel: 'Linux',
    arch,
  });
  const day0: Day = '2026-03-10';

  async function d1On(events: StoredEvent[], day: Day, config = deploymentConfig) {
    const store = new MemoryStore();
    await store.saveEvents(events);
    const results = await aggregateRange(
      { store, clock: () => Date.parse('2026-06-01T00:00:00Z'), config, publicationSecret },
      '2026-01-01',
      day,
    );
    return exactView((results.at(-1) as MergeOutcome).exact);
  }

  test('an id whose machine changes every day is never established', async () => {
    const events = ['x86_64', 'aarch64', 'x86_64', 'aarch64'].map((arch, i) =>
      ingest(
        { installId: 'shifty', type: 'heartbeat', platform: platform(arch) },
        addDays(day0, i),
        5,
      ),
    );
    const day = await d1On(events, addDays(day0, 3));
    expect(day.activeInstalls.d28).toBe(0);
    expect(day.established?.pending.d1).toBe(1);
  });

  test('a value missing on one day is no change; distinct days, not events, count', async () => {
    const events = [
      ingest({ installId: 'steady', type: 'heartbeat', platform: platform('x86_64') }, day0, 5),
      ingest({ installId: 'steady', type: 'start', platform: platform('x86_64') }, day0, 6),
      ingest({ installId: 'steady', type: 'heartbeat' }, addDays(day0, 1), 5),
    ];
    expect((await d1On(events.slice(0, 2), day0)).activeInstalls.d1).toBe(0);
    expect((await d1On(events, addDays(day0, 1))).activeInstalls.d1).toBe(1);
  });

  test('days older than the 28-day window count, found in the older pages, as in a long run', async () => {
    const store = new MemoryStore();
    await store.saveEvents([
      ingest({ installId: 'rare', type: 'heartbeat', platform: platform('x86_64') }, day0, 5),
      ingest(
        { installId: 'rare', type: 'heartbeat', platform: platform('x86_64') },
        addDays(day0, 60),
        5,
      ),
    ]);
    const deps = {
      store,
      clock: () => Date.parse('2026-06-01T00:00:00Z'),
      config: deploymentConfig,
      publicationSecret,
    };
    const long = await aggregateRange(deps, day0, addDays(day0, 60));
    const alone = exactView((await aggregateDay(deps, addDays(day0, 60))).exact);
    expect(alone.activeInstalls.d1).toBe(1);
    expect(alone.established.newlyEstablished).toBe(1);
    expect(alone).toEqual(exactView((long.at(-1) as MergeOutcome).exact));
    // 91 days apart: the first day is forgotten, the install is new again and waits.
    const far = new MemoryStore();
    await far.saveEvents([
      ingest({ installId: 'rare', type: 'heartbeat' }, day0, 5),
      ingest({ installId: 'rare', type: 'heartbeat' }, addDays(day0, 91), 5),
    ]);
    const later = exactView((await aggregateDay({ ...deps, store: far }, addDays(day0, 91))).exact);
    expect([later.activeInstalls.d1, later.newInstalls]).toEqual([0, 1]);
  });
});

describe('reports without identity', () => {
  const report = (day: Day, i: number, version = '1.6.0') =>
    ingest(
      {
        installId: null,
        type: 'heartbeat',
        product: { version },
        platform: { os: 'ubuntu', kernel: 'Linux', arch: 'x86_64' },
      },
      day,
      i,
      'cleaninsights',
    );
  const many = (day: Day, n: number, version?: string) =>
    Array.from({ length: n }, (_, i) => report(day, i, version));
  const day0: Day = '2026-04-01';
  /** Established installs enough to make a version known (far above its noisy threshold). */
  const KNOWN = 100;

  test('cohortBound: the (N-1)-th largest of the days before; none when N is 1', () => {
    expect(cohortBound([3, 0, 5, 1, 0, 0, 0], 2, 7)).toBe(5);
    expect(cohortBound([3, 0, 5, 1, 0, 0, 0], 3, 7)).toBe(3);
    expect(cohortBound([], 2, 7)).toBe(0);
    expect(cohortBound([9], 1, 7)).toBe(Number.POSITIVE_INFINITY);
  });

  test('a cohort counts from its second day, up to what it sent on one of the 7 days before', async () => {
    // 100 established installs run 1.6.0, so the version is known (versions are learned: their
    // noisy count clears the threshold of screening.knownVersions).
    const known = [day0, addDays(day0, 1)].flatMap((d) =>
      Array.from({ length: KNOWN }, (_, i) =>
        ingest({ installId: `known-${i}`, type: 'heartbeat', product: { version: '1.6.0' } }, d, i),
      ),
    );
    const events = [
      ...known,
      ...many(day0, 6),
      ...many(addDays(day0, 1), 6),
      // A flood of 10,000 on the third day: bounded by the 6 of the days before.
      ...many(addDays(day0, 2), 10_000),
      // Alternate days: every other day is enough to count.
      ...many(addDays(day0, 4), 6),
      // Shrinking: counts what it sends.
      ...many(addDays(day0, 5), 2),
    ];
    const days = await publish(events, day0, addDays(day0, 5));
    const counted = (i: number) => {
      const d = days.get(addDays(day0, i)) as ScreenedDay;
      // The installs `known-*` are active on days 0 and 1 only, counted on day 1.
      return d.activeInstalls.d1 - (i === 1 ? KNOWN : 0);
    };
    expect([0, 1, 2, 3, 4, 5].map(counted)).toEqual([0, 6, 6, 0, 6, 2]);
    const third = days.get(addDays(day0, 2)) as ScreenedDay;
    expect(third.heldOut?.reasons.find((r) => r.reason === 'identityless-cap')).toEqual({
      reason: 'identityless-cap',
      installs: 9994,
      reports: 9994,
    });
    // Before the rules, the flood day counted all 10,000.
    const off = await publish(events, day0, addDays(day0, 5), RULES_OFF);
    expect(off.get(addDays(day0, 2))?.activeInstalls.d1).toBe(10_000);
  });

  test('claiming a version no established install runs is held out until one does', async () => {
    const events = [...many(day0, 4, '9.9.9'), ...many(addDays(day0, 1), 4, '9.9.9')];
    const days = await publish(events, day0, addDays(day0, 1));
    const second = days.get(addDays(day0, 1)) as ScreenedDay;
    expect(second.activeInstalls.d1).toBe(0);
    expect(second.heldOut?.reasons.find((r) => r.reason === 'unknown-version')).toEqual({
      reason: 'unknown-version',
      installs: 4,
      reports: 4,
    });
    const established = (n: number) =>
      [day0, addDays(day0, 1)].flatMap((d) =>
        Array.from({ length: n }, (_, i) =>
          ingest(
            { installId: `early-${i}`, type: 'heartbeat', product: { version: '9.9.9' } },
            d,
            i,
          ),
        ),
      );
    // One established install alone does not make the version known: whether a version is known
    // is a noisy threshold, so no single install can let a waiting cohort in.
    const one = await publish([...events, ...established(1)], day0, addDays(day0, 1));
    expect(one.get(addDays(day0, 1))?.activeInstalls.d1).toBe(1);
    const learned = await publish([...events, ...established(KNOWN)], day0, addDays(day0, 1));
    expect(learned.get(addDays(day0, 1))?.activeInstalls.d1).toBe(KNOWN + 4);
  });
});

describe('plausibility', () => {
  const day0: Day = '2026-05-01';
  const twoDays = (installId: string, version: string, platform: object = {}) =>
    [day0, addDays(day0, 1)].map((d) =>
      ingest({ installId, type: 'heartbeat', product: { version }, platform }, d, 7),
    );

  test('with released versions configured, other versions are stored but held out', async () => {
    const config = withRules({ releasedVersions: ['1.5.*', '1.6.0'] });
    const events = [...twoDays('a', '1.5.2'), ...twoDays('b', '1.6.0'), ...twoDays('c', '6.6.6')];
    const days = await publish(events, day0, addDays(day0, 1), config);
    const second = days.get(addDays(day0, 1)) as ScreenedDay;
    expect(second.activeInstalls.d1).toBe(2);
    expect(second.heldOut?.reasons.find((r) => r.reason === 'unknown-version')).toEqual({
      reason: 'unknown-version',
      installs: 1,
      reports: 1,
    });
    // Stored all the same: a later list that names it counts it.
    const relisted = withRules({ releasedVersions: ['1.5.*', '1.6.0', '6.6.6'] });
    expect(
      (await publish(events, day0, addDays(day0, 1), relisted)).get(addDays(day0, 1))
        ?.activeInstalls.d1,
    ).toBe(3);
  });

  test('impossible profiles are held out', async () => {
    const events = [
      ...twoDays('mac-on-linux', '1.6.0', { os: 'macos', kernel: 'Linux', arch: 'x86_64' }),
      ...twoDays('mac', '1.6.0', { os: 'macos', kernel: 'Darwin', arch: 'arm64' }),
    ];
    const second = (await publish(events, day0, addDays(day0, 1))).get(
      addDays(day0, 1),
    ) as ScreenedDay;
    expect(second.activeInstalls.d1).toBe(1);
    expect(second.heldOut?.reasons.find((r) => r.reason === 'impossible-profile')).toEqual({
      reason: 'impossible-profile',
      installs: 1,
      reports: 1,
    });
  });

  test('times outside the late-arrival window are refused at ingest', () => {
    expect(() =>
      ingest(
        { installId: 'late', type: 'heartbeat', time: '2026-04-01T00:00:00Z' },
        '2026-05-01',
        0,
      ),
    ).toThrow(/time must lie between 72 hours before/);
  });
});
