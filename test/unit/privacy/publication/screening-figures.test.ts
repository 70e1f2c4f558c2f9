// Failed installs of installs not established (issue 18, the open decision): one-shot installer
// runs never become established, so the establishment rule holds them out of reliability; they are
// published as their own series instead, each install once a day and at most the configured cap a
// day, so a flood of made-up failures moves that series by the cap at most and nothing else.
import { describe, expect, test, vi } from 'vitest';
import type { DayAggregate } from '../../../../shared/aggregate.ts';
import { deploymentConfig, type DeploymentConfig } from '../../../../shared/config.ts';
import { addDays, dayRange, type Day } from '../../../../shared/dates.ts';
import { fromContributors } from '../../../../functions/src/aggregate/digest.ts';
import { publishUnestablishedFailures } from '../../../../functions/src/aggregate/install-failures.ts';
import type { StoredEvent } from '../../../../functions/src/model/stored.ts';
import { ATTACK_PROFILE, ingest, publish, steadyFleet } from '../../../support/poisoning.ts';

vi.setConfig({ testTimeout: 60_000 });

const CAP = deploymentConfig.screening.unestablishedInstallFailuresPerDay;
const K = deploymentConfig.kAnonymity;

/** Code → a tally of that many reporters (the digest does not matter to publication). */
const tallies = (counts: Record<string, number>) =>
  new Map(
    Object.entries(counts).map(([code, n]) => [
      code,
      fromContributors({ installs: n, digest: '0'.repeat(16) }),
    ]),
  );

describe('publishing the series', () => {
  test('under the cap: the counts as they are, codes under k in "other"', () => {
    expect(
      publishUnestablishedFailures(tallies({ F0003: 12, F0502: 6, F9: 2, F8: 1 }), 5, 50),
    ).toEqual({
      installs: 21,
      cap: 50,
      capped: false,
      codes: [
        { code: 'F0003', installs: 12 },
        { code: 'F0502', installs: 6 },
        { code: 'other', installs: 3 },
      ],
    });
  });

  test('over the cap: every code scaled down together, adding up to the cap exactly', () => {
    const published = publishUnestablishedFailures(
      tallies({ F0003: 9000, F0502: 700, F0001: 300 }),
      5,
      50,
    );
    expect(published).toEqual({
      installs: 50,
      cap: 50,
      capped: true,
      codes: [
        { code: 'F0003', installs: 45 },
        { code: 'F0502', installs: 4 },
        { code: 'F0001', installs: 1 },
      ],
    });
    // 45, 3.5 and 1.5: the two halves go to the larger code first, so 45 + 4 + 1 = 50.
    // Whatever the flood, the day's figure stays at the cap.
    const huge = publishUnestablishedFailures(tallies({ F0003: 1_000_000, F0502: 7 }), 5, 50);
    expect(huge.installs).toBe(50);
    expect(huge.codes.reduce((n, c) => n + c.installs, 0)).toBe(50);
  });

  test('k applies to the real counts before the cap, and a cap of 0 publishes nothing', () => {
    // F0502's 4 installs are under k even though scaling would not matter here.
    expect(publishUnestablishedFailures(tallies({ F0003: 300, F0502: 4 }), 5, 10).codes).toEqual([
      { code: 'F0003', installs: 10 },
    ]);
    expect(publishUnestablishedFailures(tallies({ F0003: 300 }), 5, 0)).toEqual({
      installs: 0,
      cap: 0,
      capped: true,
      codes: [],
    });
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

const total = (day: DayAggregate | undefined) => day?.unestablishedInstallFailures?.installs ?? 0;

describe('the demo-like fleet', () => {
  test('its failed first installs are published apart, and reliability counts established installs only', async () => {
    const days = await publish(fleet, FIRST, LAST);
    const published = [...days.values()];
    // The fleet's installs that fail once, the day before they install: never established that day.
    const apart = published.reduce((n, d) => n + total(d), 0);
    expect(apart).toBeGreaterThan(0);
    for (const day of published) {
      expect(day.unestablishedInstallFailures?.cap).toBe(CAP);
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
    const after = attacked.get(ATTACK_DAY) as DayAggregate;
    const before = clean.get(ATTACK_DAY) as DayAggregate;
    expect(after.unestablishedInstallFailures).toMatchObject({ installs: CAP, capped: true });
    expect(total(after) - total(before)).toBeLessThanOrEqual(CAP);
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
