// The figures with fixed names: active installs (d1 ≤ d7 ≤ d28), new installs (never above d1),
// events by type and opt-outs. A noise source of chosen draws makes each published number exact.
import { describe, expect, test } from 'vitest';
import { deploymentConfig } from '../../../../shared/config.ts';
import { EVENT_TYPES } from '../../../../shared/schema/event.ts';
import { planPublication } from '../../../../functions/src/privacy/publication/plan.ts';
import {
  publishActive,
  publishEvents,
} from '../../../../functions/src/privacy/publication/scalars.ts';
import type { ExactBucket, ExactDay } from '../../../../functions/src/privacy/publication/types.ts';
import {
  countOf,
  digestOfInstalls,
  exactDay,
  names,
  scriptedNoise,
} from '../../../support/publication.ts';

const plan = planPublication(deploymentConfig);

/** Screening tallies with nothing in them. */
function screeningOf(): NonNullable<ExactDay['screening']> {
  const none = countOf([]);
  return {
    newlyEstablished: none,
    pendingD1: none,
    pendingD28: none,
    proven: none,
    newProfiles: [],
    establishedProfiles: [],
    held: [],
    failures: [],
  };
}

/** A day with d1/d7/d28 and new installs of those sizes (nested sets of named installs). */
function activeDay(d1: number, d7: number, d28: number, fresh = 0) {
  const fleet = names('a', Math.max(d1, d7, d28, fresh));
  return exactDay('2026-05-02', {
    activeInstalls: {
      d1: countOf(fleet.slice(0, d1)),
      d7: countOf(fleet.slice(0, d7)),
      d28: countOf(fleet.slice(0, d28)),
    },
    newInstalls: countOf(fleet.slice(0, fresh)),
  });
}

describe('active installs: noisy windows that nest', () => {
  type Triple = [number, number, number];
  test.each<[string, Triple, Record<string, number>, Triple]>([
    ['no noise: as counted', [3, 5, 9], {}, [3, 5, 9]],
    ['d1 pushed above d7: both pooled', [5, 7, 20], { d1: 4 }, [8, 8, 20]],
    ['pooled to a half: rounded up', [9, 8, 20], {}, [9, 9, 20]],
    ['d7 pushed above d28: pooled', [2, 10, 12], { d7: 6 }, [2, 14, 14]],
    ['all three out of order: one pool', [20, 10, 12], {}, [14, 14, 14]],
    ['a negative d1 is 0 before it is pooled', [0, 0, 10], { d1: -20, d7: 3 }, [0, 3, 10]],
    ['negative everywhere: zeros', [0, 0, 0], { d1: -1, d7: -2, d28: -3 }, [0, 0, 0]],
    ['d28 at its noisy value', [1, 2, 3], { d28: 40 }, [1, 2, 43]],
  ])('%s', (_name, [d1, d7, d28], draws, [e1, e7, e28]) => {
    const scripted = Object.fromEntries(
      Object.entries(draws).map(([key, v]) => [`activeInstalls|${key}|installs`, v]),
    );
    const published = publishActive(scriptedNoise(scripted), plan, activeDay(d1, d7, d28));
    expect(published.activeInstalls).toEqual({ d1: e1, d7: e7, d28: e28 });
  });

  test.each([
    ['as counted', 4, 0, 4],
    ['noise above d1: capped at the published d1', 4, 30, 10],
    ['at d1 exactly', 4, 6, 10],
    ['negative: 0', 2, -5, 0],
  ])('new installs %s', (_name, fresh, draw, expected) => {
    const noise = scriptedNoise({ 'newInstalls|newInstalls|installs': draw });
    const published = publishActive(noise, plan, activeDay(10, 12, 15, fresh));
    expect(published.newInstalls).toBe(expected);
  });

  test.each([
    ['tallies from before the screening rules: capped at d1', false, 10],
    ['with the screening rules: published in full (new installs are not yet in d1)', true, 34],
  ])('new installs above d1, %s', (_name, screened, expected) => {
    const noise = scriptedNoise({ 'newInstalls|newInstalls|installs': 30 });
    const day = activeDay(10, 12, 15, 4);
    if (screened) day.screening = screeningOf();
    expect(publishActive(noise, plan, day).newInstalls).toBe(expected);
  });

  test('new installs draw from the source of the screening figures when one is given', () => {
    const counted = scriptedNoise({ 'newInstalls|newInstalls|installs': 5 });
    const fresh = scriptedNoise({ 'newInstalls|newInstalls|installs': 2 });
    const day = activeDay(10, 12, 15, 4);
    day.screening = screeningOf();
    expect(publishActive(counted, plan, day, fresh).newInstalls).toBe(6);
    expect(counted.asked.map((m) => m.query)).toEqual([
      'activeInstalls',
      'activeInstalls',
      'activeInstalls',
    ]);
    expect(fresh.asked.map((m) => m.query)).toEqual(['newInstalls']);
  });

  test('each window’s noise is tied to its count and its installs', () => {
    const noise = scriptedNoise();
    publishActive(noise, plan, activeDay(1, 2, 3, 1));
    const fleet = names('a', 3);
    expect(noise.asked).toEqual([
      ...(['d1', 'd7', 'd28'] as const).map((key, i) => ({
        query: 'activeInstalls',
        key,
        column: 'installs',
        data: `${i + 1}|${digestOfInstalls(fleet.slice(0, i + 1))}`,
      })),
      {
        query: 'newInstalls',
        key: 'newInstalls',
        column: 'installs',
        data: `1|${digestOfInstalls(fleet.slice(0, 1))}`,
      },
    ]);
  });
});

describe('events by type and opt-outs', () => {
  const sent = (key: string, events: number): ExactBucket => ({
    key,
    installs: 0,
    digest: '0000000000000000',
    sums: { events },
  });

  test('every type is drawn, sent or not; one that rounds to 0 is left out', () => {
    const noise = scriptedNoise({ 'events|start|events': 2, 'events|heartbeat|events': -7 });
    const published = publishEvents(
      noise,
      plan,
      exactDay('2026-05-02', { events: [sent('heartbeat', 5), sent('install', 3)] }),
    );
    expect(published).toEqual({ events: { install: 3, start: 2 }, optOuts: 0 });
    expect(noise.asked.map((m) => m.key)).toEqual([...EVENT_TYPES]);
    expect(noise.asked.find((m) => m.key === 'start')).toEqual({
      query: 'events',
      key: 'start',
      column: 'events',
      data: '0||0000000000000000',
    });
    expect(noise.asked.find((m) => m.key === 'install')?.data).toBe('0|events=3|0000000000000000');
  });

  test.each([
    [4, 0, 4],
    [1, 0, 1],
    [1, -1, 0],
    [0, 1, 1],
    [6, -2, 4],
  ])('opt_out events %i, noise %i: %i opt-outs published', (exact, draw, expected) => {
    const noise = scriptedNoise({ 'events|opt_out|events': draw });
    const events = exact > 0 ? [sent('opt_out', exact)] : [];
    const published = publishEvents(noise, plan, exactDay('2026-05-02', { events }));
    expect(published.optOuts).toBe(expected);
    expect(published.events.opt_out).toBe(expected > 0 ? expected : undefined);
  });

  test('an event type outside the schema is refused, by name', () => {
    expect(() =>
      publishEvents(scriptedNoise(), plan, exactDay('2026-05-02', { events: [sent('ping', 1)] })),
    ).toThrow('events: unknown event type "ping"');
  });

  test('impossible input is refused before any noise is drawn', () => {
    const noise = scriptedNoise();
    expect(() =>
      publishEvents(noise, plan, exactDay('2026-05-02', { events: [sent('start', -1)] })),
    ).toThrow('events: sum events of "start" is -1');
    expect(noise.asked).toEqual([]);
  });
});
