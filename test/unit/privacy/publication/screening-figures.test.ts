// Failed installs of installs not established (issue 18, the open decision): one-shot installer
// runs never become established, so the establishment rule holds them out of reliability; they are
// published as their own series instead, each install once a day and at most the configured cap a
// day, so a flood of made-up failures moves that series by the cap at most and nothing else.
import { describe, expect, test, vi } from 'vitest';
import { deploymentConfig, type DeploymentConfig } from '../../../../shared/config.ts';
import { addDays, dayRange, type Day } from '../../../../shared/dates.ts';
import { HELD_REASONS } from '../../../../shared/screening.ts';
import { createNoiseSource } from '../../../../functions/src/privacy/publication/noise.ts';
import { planFor } from '../../../../functions/src/privacy/publication/publish.ts';
import {
  publishScreening,
  scaleTo,
} from '../../../../functions/src/privacy/publication/screening.ts';
import type {
  ExactBucket,
  ExactCount,
  ExactScreening,
} from '../../../../functions/src/privacy/publication/types.ts';
import type { StoredEvent } from '../../../../functions/src/model/stored.ts';
import {
  ATTACK_PROFILE,
  ingest,
  publish,
  steadyFleet,
  type ScreenedDay,
} from '../../../support/poisoning.ts';

vi.setConfig({ testTimeout: 60_000 });

const CAP = deploymentConfig.screening.unestablishedInstallFailuresPerDay;
const K = deploymentConfig.kAnonymity;

const plan = planFor(deploymentConfig);
const noise = createNoiseSource('screening-figures', '2026-06-01', 'fingerprint');
const count = (n: number, tag = 'a'): ExactCount => ({ count: n, digest: tag.padEnd(16, '0') });
const buckets = (counts: Record<string, number>): ExactBucket[] =>
  Object.entries(counts).map(([key, installs]) => ({ key, installs, digest: key.padEnd(16, '0') }));

/** Screening tallies with these failures and nothing else. */
function screening(failures: Record<string, number>): ExactScreening {
  return {
    newlyEstablished: count(0),
    pendingD1: count(0),
    pendingD28: count(0),
    proven: count(0),
    newProfiles: [],
    establishedProfiles: [],
    held: [],
    failures: buckets(failures),
  };
}

describe('publishing the series', () => {
  test('every code is noisy; a code of one or two installs never appears', () => {
    // A deployment with a cap far above these counts: none is scaled.
    const uncapped = planFor({
      ...deploymentConfig,
      screening: { ...deploymentConfig.screening, unestablishedInstallFailuresPerDay: 5000 },
    });
    const published = publishScreening(
      noise,
      uncapped,
      screening({ F0003: 400, F0502: 300, F9: 2, F8: 1 }),
      0,
    ).unestablishedInstallFailures;
    const threshold = plan.queries.get('unestablishedInstallFailures')?.threshold ?? 0;
    expect(threshold).toBeGreaterThan(2);
    expect(published.codes.map((c) => c.code).sort()).toEqual(['F0003', 'F0502']);
    expect(published.capped).toBe(false);
    expect(published.installs).toBe(published.codes.reduce((n, c) => n + c.installs, 0));
    // Noisy, within a few σ of the exact counts.
    const sigma = plan.queries.get('unestablishedInstallFailures')?.sigma ?? 0;
    for (const c of published.codes) {
      const exact = c.code === 'F0003' ? 400 : 300;
      expect(Math.abs(c.installs - exact)).toBeLessThanOrEqual(6 * sigma);
    }
  });

  test('over the cap: every code scaled down together, adding up to the cap exactly', () => {
    expect(
      scaleTo(
        [
          { code: 'F0003', installs: 9000 },
          { code: 'F0502', installs: 700 },
          { code: 'F0001', installs: 300 },
        ],
        10_000,
        50,
      ),
    ).toEqual([
      { code: 'F0003', installs: 45 },
      { code: 'F0502', installs: 4 },
      { code: 'F0001', installs: 1 },
    ]);
    // Whatever the flood, the day's figure stays at the cap.
    const huge = publishScreening(
      noise,
      plan,
      screening({ F0003: 1_000_000, F0502: 70 }),
      0,
    ).unestablishedInstallFailures;
    expect(huge).toMatchObject({ installs: CAP, cap: CAP, capped: true });
    expect(huge.codes.reduce((n, c) => n + c.installs, 0)).toBe(CAP);
  });

  test('held out per reason: every reason noisy, whether any was held out for it or not', () => {
    const held = publishScreening(noise, plan, screening({}), 0).heldOut;
    expect(held.reasons.map((r) => r.reason)).toEqual([...HELD_REASONS]);
    expect(held.installs).toBe(held.reasons.reduce((n, r) => n + r.installs, 0));
    expect(held.reports).toBe(held.reasons.reduce((n, r) => n + r.reports, 0));
  });
});

const LAST: Day = '2026-06-30';
const FLEET_DAYS = 30;
const FIRST = addDays(LAST, -(FLEET_DAYS - 1));
const ATTACK_DAY: Day = addDays(LAST, -5);
const fleet = steadyFleet(120, FLEET_DAYS, LAST);

/** `n` one-shot ids, each failing its install `times` times on `day` with `codes` in turn. */
function failedInstalls(day: Day, n: number, tag: string, codes: string[], times = 1) {
  const events: StoredEvent[] = [];
  for (let i = 0; i < n; i += 1)
    for (let t = 0; t < times; t += 1)
      events.push(
        ingest(
          {
            installId: `${tag}-${i}`,
            eventId: `${tag}-${i}-${t}`,
            type: 'install_failed',
            failure: { code: codes[t % codes.length] as string, message: 'installer failed' },
          },
          day,
          i * times + t,
        ),
      );
  return events;
}

const total = (day: ScreenedDay | undefined) => day?.unestablishedInstallFailures?.installs ?? 0;

describe('the demo-like fleet', () => {
  test('its failed first installs are published apart, and reliability counts established installs only', async () => {
    const days = await publish(fleet, FIRST, LAST);
    const published = [...days.values()];
    // The fleet's installs that fail once, the day before they install: never established that day.
    const apart = published.reduce((n, d) => n + total(d), 0);
    expect(apart).toBeGreaterThan(0);
    for (const day of published) {
      expect(day.published.unestablishedInstallFailures?.cap).toBe(CAP);
      expect(day.reliability.installFailures).toEqual([]);
    }
  });
});

describe('a flood of failed installs from one-shot ids', () => {
  test('each id counts once a day, whatever it sends', async () => {
    const clean = await publish(fleet, FIRST, LAST);
    // 10 ids, each failing three times with two codes: 10 installs, all under their first code.
    const attacked = await publish(
      [...fleet, ...failedInstalls(ATTACK_DAY, 10, 'twice', ['F7001', 'F7002'], 3)],
      FIRST,
      LAST,
    );
    const before = clean.get(ATTACK_DAY);
    const after = attacked.get(ATTACK_DAY);
    expect(total(before) + 10).toBeLessThanOrEqual(CAP);
    expect(total(after)).toBe(total(before) + 10);
    expect(after?.unestablishedInstallFailures?.codes).toContainEqual({
      code: 'F7001',
      installs: 10,
    });
    expect(after?.unestablishedInstallFailures?.codes.map((c) => c.code)).not.toContain('F7002');
  });

  test('moves the series by the cap at most and nothing else', async () => {
    const clean = await publish(fleet, FIRST, LAST);
    const attacked = await publish(
      [...fleet, ...failedInstalls(ATTACK_DAY, 3000, 'flood', ['F0666'])],
      FIRST,
      LAST,
    );
    const after = attacked.get(ATTACK_DAY) as ScreenedDay;
    const before = clean.get(ATTACK_DAY) as ScreenedDay;
    // 3000 counted apart, exactly; published at the cap.
    expect(total(after) - total(before)).toBe(3000);
    expect(after.published.unestablishedInstallFailures).toMatchObject({
      installs: CAP,
      capped: true,
    });
    expect(after.activeInstalls).toEqual(before.activeInstalls);
    expect(after.breakdowns).toEqual(before.breakdowns);
    expect(after.reliability).toEqual(before.reliability);
    // The other days are as they were.
    for (const day of dayRange(FIRST, LAST).filter((d) => d !== ATTACK_DAY))
      expect(attacked.get(day)?.unestablishedInstallFailures).toEqual(
        clean.get(day)?.unestablishedInstallFailures,
      );
  });
});

describe('who is in which series', () => {
  const config: DeploymentConfig = deploymentConfig;
  const day1: Day = '2026-06-01';
  const day2: Day = '2026-06-02';
  const heartbeat = (id: string, day: Day, second: number) =>
    ingest({ installId: id, type: 'heartbeat', ...ATTACK_PROFILE }, day, second);
  const failure = (id: string | null, day: Day, second: number, code = 'F0100') =>
    ingest(
      {
        installId: id ?? null,
        eventId: `${id ?? 'anon'}-${day}-${second}`,
        type: 'install_failed',
        failure: { code, message: 'installer failed' },
      },
      day,
      second,
    );

  test('an established install that fails a reinstall counts in reliability, not apart', async () => {
    const ids = Array.from({ length: K }, (_, i) => `est-${i}`);
    const events = [
      ...ids.map((id, i) => heartbeat(id, day1, i)),
      ...ids.map((id, i) => heartbeat(id, day2, i)),
      ...ids.map((id, i) => failure(id, day2, 100 + i)),
    ];
    const days = await publish(events, day1, day2, config);
    expect(days.get(day2)?.reliability.installFailures).toEqual([{ code: 'F0100', installs: K }]);
    expect(days.get(day2)?.unestablishedInstallFailures?.installs).toBe(0);
  });

  test('reports without identity over their cohort’s bound count apart, each report once', async () => {
    // Seven identical anonymous failure reports on their cohort's first day: none may count
    // toward reliability (the cohort has no days before), all seven show apart.
    const events = Array.from({ length: 7 }, (_, i) => failure(null, day1, i, 'F0200'));
    const days = await publish(events, day1, day1, config);
    const day = days.get(day1);
    expect(day?.reliability.installFailures).toEqual([]);
    expect(day?.unestablishedInstallFailures?.codes).toEqual([{ code: 'F0200', installs: 7 }]);
    expect(day?.heldOut?.reasons.find((r) => r.reason === 'identityless-cap')?.reports).toBe(7);
  });
});
