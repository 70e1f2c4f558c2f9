// Smoothing over time (smoothing.ts): the window figures of a day — d7, d28 and every breakdown —
// are published as α · the day's noisy value + (1 − α) · the day before's published value, for a
// figure published on both days, and nothing else moves. It is post-processing only if what gets
// blended depends on published data alone: a bucket the day before did not publish (hidden, or in
// "other") is published fresh, and without a published day before everything is fresh.
import { describe, expect, test } from 'vitest';
import { OTHER, type DayAggregate } from '../../../../shared/aggregate.ts';
import { addDays } from '../../../../shared/dates.ts';
import { planPublication } from '../../../../functions/src/privacy/publication/plan.ts';
import {
  publishDay,
  publishWith,
  type PublishedDay,
} from '../../../../functions/src/privacy/publication/publish.ts';
import type { NoiseSource } from '../../../../functions/src/privacy/publication/noise.ts';
import {
  figureKey,
  FRESH,
  LAG_BOUND,
  SMOOTHED_FIGURES,
  smoothed,
  smoothingFor,
  type PreviousDay,
} from '../../../../functions/src/privacy/publication/smoothing.ts';
import type { ExactDay } from '../../../../functions/src/privacy/publication/types.ts';
import {
  asAggregate,
  bucketOf,
  configWith,
  countOf,
  exactDay,
  names,
  scriptedNoise,
  seeded,
} from '../../../support/publication.ts';

const DAY = '2026-03-10';
const BEFORE = addDays(DAY, -1);
const ALPHA = 0.5;
const config = configWith({ smoothingAlpha: ALPHA });
const plan = planPublication(config);

const days = new Map<string, ExactDay>();

/** A day of 1,000 installs: d1 600, d7 900, d28 1,000; os, module, counters and reliability. */
function fleetDay(
  day: string,
  os: Record<string, number> = { debian: 600, ubuntu: 400 },
): ExactDay {
  // Digests of 1,000 installs take a while: each day is built once.
  const key = JSON.stringify([day, os]);
  let exact = days.get(key);
  if (!exact) days.set(key, (exact = buildDay(day, os)));
  return exact;
}

function buildDay(day: string, os: Record<string, number>): ExactDay {
  const all = names('fleet', 1000);
  let at = 0;
  const buckets = Object.entries(os).map(([value, n]) => {
    const members = all.slice(at, at + n);
    at += n;
    return bucketOf(value, members);
  });
  return exactDay(day, {
    activeInstalls: {
      d1: countOf(all.slice(0, 600)),
      d7: countOf(all.slice(0, 900)),
      d28: countOf(all),
    },
    newInstalls: countOf(all.slice(0, 20)),
    events: [bucketOf('heartbeat', all.slice(0, 600), { events: 600 })],
    breakdowns: { os: buckets, module: [bucketOf('snmp', all.slice(0, 300))] },
    upgrades: [bucketOf(`1.0\u00002.0`, all.slice(0, 80))],
    reliability: {
      versions: [
        bucketOf('2.0', all.slice(0, 600), {
          crashedInstalls: 30,
          crashEvents: 40,
          fatalEvents: 5,
        }),
      ],
      failures: [],
      installFailures: [],
    },
    counters: {
      groups: [bucketOf('devices', all.slice(0, 500))],
      values: { devices: [bucketOf('total', all.slice(0, 500), { sum: 5000 })] },
    },
  });
}

/** A published day before: given figures, final, published under differential privacy. */
function before(
  figures: {
    d7?: number;
    d28?: number;
    os?: Record<string, number>;
    module?: Record<string, number>;
  },
  overrides: Partial<PreviousDay> = {},
): PreviousDay {
  const buckets = (values: Record<string, number>) =>
    Object.entries(values).map(([value, installs]) => ({ value, installs }));
  return {
    day: BEFORE,
    final: true,
    activeInstalls: { d1: 600, d7: figures.d7 ?? 900, d28: figures.d28 ?? 1000 },
    breakdowns: { os: buckets(figures.os ?? {}), module: buckets(figures.module ?? {}) },
    privacy: publishDay(fleetDay(BEFORE), config, 'before').privacy,
    ...overrides,
  };
}

const installsOf = (day: PublishedDay, name: string, value: string) =>
  day.breakdowns[name]?.find((b) => b.value === value)?.installs;

describe('which figures are blended', () => {
  // Scripted noise: every noisy number is its exact count plus the listed draw (else 0).
  const noise = () =>
    scriptedNoise({
      'activeInstalls|d1|installs': 10,
      'activeInstalls|d7|installs': 20,
      'activeInstalls|d28|installs': 40,
      'breakdowns.os|debian|installs': 30,
      'breakdowns.os|ubuntu|installs': -20,
      'breakdowns.module|snmp|installs': 10,
    });
  // Each within noise of today's value (LAG_BOUND deviations: 16.3 installs for d7, d28 and os,
  // 26.7 for modules), so each is blended in full.
  const previous = before({
    d7: 910,
    d28: 1030,
    os: { debian: 620, ubuntu: 380, [OTHER]: 10 },
    module: { snmp: 300 },
  });
  const fresh = publishWith(fleetDay(DAY), plan, noise());
  const blended = publishWith(fleetDay(DAY), plan, noise(), smoothingFor(DAY, ALPHA, previous));

  test('d7, d28 and every breakdown bucket published on both days: α · today + (1 − α) · the day before', () => {
    expect(fresh.activeInstalls).toEqual({ d1: 610, d7: 920, d28: 1040 });
    // d7 (920 + 910) / 2, d28 (1040 + 1030) / 2; d1 is the day's own.
    expect(blended.activeInstalls).toEqual({ d1: 610, d7: 915, d28: 1035 });
    // debian (630 + 620) / 2, ubuntu (380 + 380) / 2; "other" is what is left of d28.
    expect(blended.breakdowns.os).toEqual([
      { value: 'debian', installs: 625 },
      { value: 'ubuntu', installs: 380 },
      { value: OTHER, installs: 30 },
    ]);
    expect(installsOf(blended, 'module', 'snmp')).toBe(305); // (310 + 300) / 2
    expect(blended.privacy).toMatchObject({ smoothingAlpha: ALPHA, smoothedWith: BEFORE });
    expect(fresh.privacy.smoothingAlpha).toBe(ALPHA);
    expect(fresh.privacy.smoothedWith).toBeUndefined();
    // A fresh day states no day it was blended with: not even an empty field.
    expect('smoothedWith' in fresh.privacy).toBe(false);
    expect(SMOOTHED_FIGURES).toEqual(['activeInstalls.d7', 'activeInstalls.d28', 'breakdowns']);
  });

  test('daily figures are the day’s own: new installs, events, upgrades, reliability, counters, screening', () => {
    const { activeInstalls: _a, breakdowns: _b, privacy: _p, ...daily } = blended;
    const { activeInstalls: _c, breakdowns: _d, privacy: _q, ...dailyFresh } = fresh;
    expect(daily).toEqual(dailyFresh);
    expect(blended.activeInstalls.d1).toBe(fresh.activeInstalls.d1);
  });

  test('a day before far below: d1 is the day’s own, each window passes the change beyond noise on', () => {
    // The day before published d7 and d28 hundreds below today's: more than noise explains, so
    // each blended value stays within (1 − α) · LAG_BOUND deviations of its own noisy value.
    const low = publishWith(
      fleetDay(DAY),
      plan,
      noise(),
      smoothingFor(DAY, ALPHA, before({ d7: 200, d28: 300, os: { debian: 900 } })),
    );
    const sigma = plan.queries.get('activeInstalls')?.sigma ?? 0;
    const spread = LAG_BOUND * sigma * Math.sqrt(2 / (2 - ALPHA));
    expect(low.activeInstalls).toEqual({
      d1: 610,
      d7: Math.round(920 - (1 - ALPHA) * spread),
      d28: Math.round(1040 - (1 - ALPHA) * spread),
    });
    expect(low.breakdowns.os?.reduce((n, b) => n + b.installs, 0)).toBe(low.activeInstalls.d28);
    for (const b of low.breakdowns.os ?? []) expect(Number.isInteger(b.installs)).toBe(true);
  });

  test('a blended window under the day’s d1 is kept at d1, and d1 does not move', () => {
    // d7's own noisy value is 612 (900 − 288), the day before published 600: blended 606, under d1's 610. Fitted together, d1 and d7
    // would meet at 608; d1 is the day's own, and d7 holds at least the installs d1 counts.
    const draws = {
      'activeInstalls|d1|installs': 10,
      'activeInstalls|d7|installs': -288,
      'activeInstalls|d28|installs': 0,
    };
    const kept = publishWith(
      fleetDay(DAY),
      plan,
      scriptedNoise(draws),
      smoothingFor(DAY, ALPHA, before({ d7: 600, d28: 1000 })),
    );
    expect(kept.activeInstalls).toEqual({ d1: 610, d7: 610, d28: 1000 });
    expect(kept.activeInstalls.d1).toBe(
      publishWith(fleetDay(DAY), plan, scriptedNoise(draws)).activeInstalls.d1,
    );
  });
});

describe('what the day before decides', () => {
  // 900 of the 1,000 installs in shown values: fitting them under d28 never binds.
  const exact = fleetDay(DAY, { debian: 500, ubuntu: 395, freebsd: 5 });
  const fresh = publishDay(exact, config, 'secret');

  test('a bucket the day before did not publish (hidden, or in "other") is published fresh', () => {
    // ubuntu was not published the day before (its installs were in "other"): fresh; debian was.
    const day = publishDay(exact, config, 'secret', before({ os: { debian: 100, [OTHER]: 900 } }));
    expect(installsOf(day, 'os', 'ubuntu')).toBe(installsOf(fresh, 'os', 'ubuntu'));
    expect(installsOf(day, 'os', 'debian')).not.toBe(installsOf(fresh, 'os', 'debian'));
  });

  test('a bucket published the day before but under the threshold today stays hidden', () => {
    // freebsd has 5 installs today: whatever the day before published, it does not appear.
    for (let i = 0; i < 20; i += 1) {
      const day = publishDay(exact, config, `secret-${i}`, before({ os: { freebsd: 800 } }));
      expect(installsOf(day, 'os', 'freebsd')).toBeUndefined();
    }
  });

  test.each<[string, PreviousDay | undefined]>([
    ['no day before (the first published day)', undefined],
    ['a day before that is not the day before (a gap)', before({}, { day: addDays(DAY, -2) })],
    ['a day before not final', before({}, { final: false })],
    ['a day before published with k-anonymity (no privacy)', before({}, { privacy: undefined })],
  ])('%s: every figure fresh, no smoothing stated', (_name, previous) => {
    expect(publishDay(exact, config, 'secret', previous)).toEqual(fresh);
  });

  test.each<[number, boolean]>([
    [1, false],
    [1.5, false],
    [0.999, true],
  ])('α %s: blended with the day before %s', (alpha, blended) => {
    const s = smoothingFor(DAY, alpha, before({ d28: 1000 }));
    expect(s === FRESH).toBe(!blended);
    expect(s.previousDay).toBe(blended ? BEFORE : undefined);
  });

  test('a day before that published only "other" blends nothing in', () => {
    // "other" is the remainder of d28, never a figure of its own: nothing is left to blend with.
    expect(smoothingFor(DAY, ALPHA, before({ d7: 0, d28: 0, os: { [OTHER]: 40 } }))).toBe(FRESH);
  });

  test('smoothing off (false) publishes every figure fresh', () => {
    const off = configWith({ smoothingAlpha: false });
    expect(publishDay(exact, off, 'secret', before({ os: { debian: 10 } }))).toEqual(
      publishDay(exact, off, 'secret'),
    );
    expect(smoothingFor(DAY, false, before({}))).toBe(FRESH);
  });

  test('the same data and the same day before publish the same figures, to the byte', () => {
    const previous = before({ d28: 990, os: { debian: 590, ubuntu: 390 } });
    const a = publishDay(exact, config, 'secret', previous);
    const b = publishDay(structuredClone(exact), config, 'secret', structuredClone(previous));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a).not.toEqual(fresh);
  });

  test('a window the day before published as 0 (a deployment’s first days) is published fresh', () => {
    const s = smoothingFor(DAY, ALPHA, before({ d7: 0, d28: 0 }));
    expect(smoothed(s, 'activeInstalls.d28', undefined, 13, 5)).toBe(13);
    expect(smoothed(s, 'activeInstalls.d7', undefined, 13, 5)).toBe(13);
    // Nothing of it to blend in: the day states no day it was smoothed with.
    expect(smoothingFor(DAY, ALPHA, before({ d7: 0, d28: 0 }))).toBe(FRESH);
  });

  test('smoothed reads the published value of the same figure only', () => {
    const s = smoothingFor(DAY, 0.25, before({ d28: 1000, os: { debian: 400 } }));
    // σ 200: a difference of 400 is within LAG_BOUND deviations, blended in full.
    expect(smoothed(s, 'breakdowns.os', 'debian', 800, 200)).toBe(0.25 * 800 + 0.75 * 400);
    expect(smoothed(s, 'breakdowns.module', 'debian', 800, 200)).toBe(800);
    expect(smoothed(s, 'activeInstalls.d28', undefined, 1200, 200)).toBe(0.25 * 1200 + 0.75 * 1000);
    expect(smoothed(s, 'activeInstalls.d1', undefined, 1200, 200)).toBe(1200);
    // A daily figure is never blended, even with a value of the day before at hand.
    const daily = {
      alpha: 0.5,
      previousDay: BEFORE,
      previous: new Map([
        [figureKey('activeInstalls.d1'), 100],
        [figureKey('counters.groups', 'devices'), 100],
        [figureKey('breakdownsX.os', 'debian'), 100],
      ]),
    };
    expect(smoothed(daily, 'activeInstalls.d1', undefined, 300, 200)).toBe(300);
    expect(smoothed(daily, 'counters.groups', 'devices', 300, 200)).toBe(300);
    expect(smoothed(daily, 'breakdownsX.os', 'debian', 300, 200)).toBe(300);
  });

  test('a change beyond LAG_BOUND deviations of noise is passed on, up or down', () => {
    const s = smoothingFor(DAY, 0.25, before({ d28: 1000, os: { debian: 400 } }));
    // σ 10 at α 0.25: the difference of today's noisy value and the day before's published one
    // has a deviation of 10 · √(2 / 1.75) with nothing changed; 3 of them are read as noise.
    const spread = 3 * 10 * Math.sqrt(2 / 1.75);
    expect(LAG_BOUND).toBe(3);
    expect(smoothed(s, 'breakdowns.os', 'debian', 800, 10)).toBeCloseTo(800 - 0.75 * spread, 9);
    expect(smoothed(s, 'breakdowns.os', 'debian', 100, 10)).toBeCloseTo(100 + 0.75 * spread, 9);
    // Just within it: the plain blend.
    expect(smoothed(s, 'activeInstalls.d28', undefined, 1030, 10)).toBeCloseTo(
      0.25 * 1030 + 0.75 * 1000,
      9,
    );
  });

  test('the stated smoothing validates with the day aggregate schema', async () => {
    const { dayAggregateSchema } = await import('../../../../shared/aggregate.ts');
    const day = asAggregate(
      DAY,
      publishDay(exact, config, 'secret', before({ os: { debian: 600 } })),
    );
    expect(dayAggregateSchema.parse(day)).toEqual(day);
  });
});

describe('a fleet that grows from 10 to 170 installs in one day', () => {
  // What a deployment sees the day its fleet's installs become established together: the day
  // before published about 10 in every window, today 170 are active. 40 fixed secrets: the real
  // noise, each day drawn afresh, the day before published and then blended with as stored.
  const fleet = names('jump', 170);
  const dayWith = (day: string, installs: string[]) =>
    exactDay(day, {
      activeInstalls: { d1: countOf(installs), d7: countOf(installs), d28: countOf(installs) },
      breakdowns: { os: [bucketOf('linux', installs)] },
    });
  const yesterday = dayWith(BEFORE, fleet.slice(0, 10));
  const today = dayWith(DAY, fleet);
  const trials = Array.from({ length: 40 }, (_, t) => {
    const secret = `jump-${t}`;
    const previous = asAggregate(BEFORE, publishDay(yesterday, config, secret));
    return {
      smoothed: publishDay(today, config, secret, previous),
      fresh: publishDay(today, config, secret),
    };
  });
  const sigma = plan.queries.get('activeInstalls')?.sigma ?? 0;
  const osSigma = plan.queries.get('breakdowns.os')?.sigma ?? 0;

  test('what is published was blended with the day before (the case under test)', () => {
    for (const { smoothed: day } of trials) expect(day.privacy.smoothedWith).toBe(BEFORE);
  });

  test('d1 stays within the noise of the 170, the same as without smoothing, and d1 ≤ d7 ≤ d28', () => {
    const errors: number[] = [];
    for (const { smoothed: day, fresh } of trials) {
      const { d1, d7, d28 } = day.activeInstalls;
      // 4σ: noise alone goes beyond it once in 16,000 draws.
      expect(Math.abs(d1 - 170)).toBeLessThan(4 * sigma);
      expect(d1).toBe(fresh.activeInstalls.d1);
      expect(d1).toBeLessThanOrEqual(d7);
      expect(d7).toBeLessThanOrEqual(d28);
      errors.push(Math.abs(d1 - 170));
    }
    // Unbiased: the median error is that of the noise alone (0.67σ), not a lag.
    expect(errors.sort((a, b) => a - b)[20]).toBeLessThan(1.5 * sigma);
  });

  test('d28 and the breakdown come within a few σ of 170, not half-way from 10; "other" stays small', () => {
    const lag = (s: number) => (1 - ALPHA) * LAG_BOUND * s * Math.sqrt(2 / (2 - ALPHA));
    for (const { smoothed: day } of trials) {
      const { d28 } = day.activeInstalls;
      expect(Math.abs(d28 - 170)).toBeLessThan(4 * sigma + lag(sigma));
      const linux = installsOf(day, 'os', 'linux') ?? 0;
      expect(Math.abs(linux - 170)).toBeLessThan(4 * osSigma + lag(osSigma));
      // The parts add up to d28, and the remainder is not the lag of the blended bucket.
      expect(day.breakdowns.os?.reduce((n, b) => n + b.installs, 0)).toBe(d28);
      expect(installsOf(day, 'os', OTHER) ?? 0).toBeLessThan(4 * osSigma + lag(osSigma));
    }
  });
});

describe('less noise, over many fixed-seed trials', () => {
  // The same fleet day after day: each day draws fresh noise, the smoothed series averages it.
  // Steady state: the variance of an exponential moving average is α / (2 − α) of one day's. The
  // noise here is a seeded rounded Gaussian of each query's σ (the exact sampler costs about 50 ms
  // a day; its own tests prove it), drawn afresh for every day and trial.
  const DAYS = 12;
  const TRIALS = 600;
  const gaussian = (seed: number): NoiseSource => {
    const next = seeded(seed);
    return {
      draw(_material, sigma2) {
        const sigma = Math.sqrt(Number(sigma2.n) / Number(sigma2.d));
        const u = 1 - next();
        return Math.round(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next()));
      },
    };
  };
  const chain = (trial: number, alpha: number | false) => {
    let previous: DayAggregate | undefined;
    for (let i = DAYS - 1; i >= 0; i -= 1) {
      const day = addDays(DAY, -i);
      const smoothing = smoothingFor(day, alpha, previous);
      const published = publishWith(fleetDay(day), plan, gaussian(trial * 100 + i), smoothing);
      previous = asAggregate(day, published);
    }
    return previous as DayAggregate;
  };
  const variance = (xs: number[], truth: number) =>
    xs.reduce((s, x) => s + (x - truth) ** 2, 0) / xs.length;

  test('α = 0.5 leaves about a third of the noise variance of d7, d28 and a breakdown bucket', () => {
    const fresh: DayAggregate[] = [];
    const smooth: DayAggregate[] = [];
    for (let t = 0; t < TRIALS; t += 1) {
      fresh.push(chain(t, false));
      smooth.push(chain(t, ALPHA));
    }
    const ratio = (pick: (d: DayAggregate) => number, truth: number) =>
      variance(smooth.map(pick), truth) / variance(fresh.map(pick), truth);
    const expected = ALPHA / (2 - ALPHA);
    // 600 trials: each variance estimate is within about ±12 % (2σ) of its value.
    for (const r of [
      ratio((d) => d.activeInstalls.d7, 900),
      ratio((d) => d.activeInstalls.d28, 1000),
      ratio((d) => installsOfAggregate(d, 'debian'), 600),
      ratio((d) => d.breakdowns.module?.[0]?.installs ?? 0, 300),
    ]) {
      expect(r).toBeGreaterThan(expected * 0.75);
      expect(r).toBeLessThan(expected * 1.3);
    }
    // Daily figures keep the day's own noise: the same draws, the same numbers.
    expect(smooth.map((d) => d.activeInstalls.d1)).toEqual(fresh.map((d) => d.activeInstalls.d1));
    expect(smooth.map((d) => d.counters)).toEqual(fresh.map((d) => d.counters));
    // Every smoothed last day was blended with the day before; no fresh one was.
    expect(smooth.every((d) => d.privacy?.smoothedWith === addDays(DAY, -1))).toBe(true);
    expect(fresh.some((d) => d.privacy?.smoothedWith)).toBe(false);
  });
});

function installsOfAggregate(day: DayAggregate, value: string): number {
  return day.breakdowns.os?.find((b) => b.value === value)?.installs ?? 0;
}
