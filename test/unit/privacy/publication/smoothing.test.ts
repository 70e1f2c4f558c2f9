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
  const previous = before({
    d7: 880,
    d28: 960,
    os: { debian: 570, ubuntu: 380, [OTHER]: 10 },
    module: { snmp: 290 },
  });
  const fresh = publishWith(fleetDay(DAY), plan, noise());
  const blended = publishWith(fleetDay(DAY), plan, noise(), smoothingFor(DAY, ALPHA, previous));

  test('d7, d28 and every breakdown bucket published on both days: α · today + (1 − α) · the day before', () => {
    expect(fresh.activeInstalls).toEqual({ d1: 610, d7: 920, d28: 1040 });
    // d7 (920 + 880) / 2, d28 (1040 + 960) / 2; d1 is the day's own.
    expect(blended.activeInstalls).toEqual({ d1: 610, d7: 900, d28: 1000 });
    // debian (630 + 570) / 2, ubuntu (380 + 380) / 2; "other" is what is left of d28.
    expect(blended.breakdowns.os).toEqual([
      { value: 'debian', installs: 600 },
      { value: 'ubuntu', installs: 380 },
      { value: OTHER, installs: 20 },
    ]);
    expect(installsOf(blended, 'module', 'snmp')).toBe(300); // (310 + 290) / 2
    expect(blended.privacy).toMatchObject({ smoothingAlpha: ALPHA, smoothedWith: BEFORE });
    expect(fresh.privacy.smoothingAlpha).toBe(ALPHA);
    expect(fresh.privacy.smoothedWith).toBeUndefined();
    expect(SMOOTHED_FIGURES).toEqual(['activeInstalls.d7', 'activeInstalls.d28', 'breakdowns']);
  });

  test('daily figures are the day’s own: new installs, events, upgrades, reliability, counters, screening', () => {
    const { activeInstalls: _a, breakdowns: _b, privacy: _p, ...daily } = blended;
    const { activeInstalls: _c, breakdowns: _d, privacy: _q, ...dailyFresh } = fresh;
    expect(daily).toEqual(dailyFresh);
    expect(blended.activeInstalls.d1).toBe(fresh.activeInstalls.d1);
  });

  test('the consistency steps run after blending: breakdowns add up to d28, d1 ≤ d7 ≤ d28', () => {
    // The day before published d7 far below today's d1: the blend goes under d1, and the
    // windows are made to nest again.
    const low = publishWith(
      fleetDay(DAY),
      plan,
      noise(),
      smoothingFor(DAY, ALPHA, before({ d7: 200, d28: 300, os: { debian: 900 } })),
    );
    const { d1, d7, d28 } = low.activeInstalls;
    expect(d1).toBeLessThanOrEqual(d7);
    expect(d7).toBeLessThanOrEqual(d28);
    expect(d28).toBe(670); // (1040 + 300) / 2
    expect(low.breakdowns.os?.reduce((n, b) => n + b.installs, 0)).toBe(d28);
    for (const b of low.breakdowns.os ?? []) expect(Number.isInteger(b.installs)).toBe(true);
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
    expect(smoothed(s, 'activeInstalls.d28', undefined, 13)).toBe(13);
    expect(smoothed(s, 'activeInstalls.d7', undefined, 13)).toBe(13);
    // Nothing of it to blend in: the day states no day it was smoothed with.
    expect(smoothingFor(DAY, ALPHA, before({ d7: 0, d28: 0 }))).toBe(FRESH);
  });

  test('smoothed reads the published value of the same figure only', () => {
    const s = smoothingFor(DAY, 0.25, before({ d28: 1000, os: { debian: 400 } }));
    expect(smoothed(s, 'breakdowns.os', 'debian', 800)).toBe(0.25 * 800 + 0.75 * 400);
    expect(smoothed(s, 'breakdowns.module', 'debian', 800)).toBe(800);
    expect(smoothed(s, 'activeInstalls.d28', undefined, 1200)).toBe(0.25 * 1200 + 0.75 * 1000);
    expect(smoothed(s, 'activeInstalls.d1', undefined, 1200)).toBe(1200);
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
    expect(smoothed(daily, 'activeInstalls.d1', undefined, 300)).toBe(300);
    expect(smoothed(daily, 'counters.groups', 'devices', 300)).toBe(300);
    expect(smoothed(daily, 'breakdownsX.os', 'debian', 300)).toBe(300);
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
