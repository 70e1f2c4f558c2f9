/** Active installs, new installs, events by type and opt-outs: numbers with a fixed set of names. */
import type { DayAggregate } from '../../../../shared/aggregate.ts';
import { EVENT_TYPES, type EventType } from '../../../../shared/schema/event.ts';
import { count, nonDecreasing } from './consistency.ts';
import { EMPTY_DIGEST } from './digest.ts';
import { bucketData, checkBuckets } from './histogram.ts';
import type { NoiseSource } from './noise.ts';
import { queryNoise, type PublicationPlan } from './plan.ts';
import { FRESH, smoothed, type Smoothing } from './smoothing.ts';
import type { ExactCount, ExactDay } from './types.ts';

const countData = (c: ExactCount) => `${c.count}|${c.digest}`;

/**
 * d1 ≤ d7 ≤ d28, each noisy, and the new installs. New installs count every id from its first
 * day, established or not, so their noise comes from `fresh`, the source of the screening figures,
 * and they are not part of d1: an install counts in the actives once established. Only tallies
 * from before the screening rules, where every id counted from its first day, cap them at d1.
 *
 * The three are made to nest on the day's own noisy values first, and d1 is published from that
 * fit: it is the same with smoothing or without. Only then are d7 and d28, window figures,
 * blended with the day before's (`smoothing`), made to nest again and kept at or above d1. A
 * blended window lags behind a growing fleet; fitted together with d1, that lag would pull d1
 * down with it (a fleet grown from 10 to 170 installs overnight had d1 published some 60 low),
 * and a daily figure must never pay for a window figure's lag. Keeping a window at least d1 only
 * moves it towards the truth, which has d1 ≤ d7 ≤ d28; all of it reads noisy values alone
 * (post-processing, no privacy spent).
 */
export function publishActive(
  noise: NoiseSource,
  plan: PublicationPlan,
  exact: ExactDay,
  fresh: NoiseSource = noise,
  smoothing: Smoothing = FRESH,
): Pick<DayAggregate, 'activeInstalls' | 'newInstalls'> {
  const active = queryNoise(plan, 'activeInstalls');
  const windows = (['d1', 'd7', 'd28'] as const).map((key) => {
    const figure = exact.activeInstalls[key];
    const data = countData(figure);
    const value =
      figure.count +
      noise.draw({ query: 'activeInstalls', key, column: 'installs', data }, active.sigma2);
    return Math.max(0, value);
  });
  const [own1 = 0, own7 = 0, own28 = 0] = nonDecreasing(windows);
  const d1 = count(own1);
  // Only the window figures are blended (SMOOTHED_FIGURES): d1 stays the day's own.
  const blend = (key: 'd7' | 'd28', own: number) =>
    smoothed(smoothing, `activeInstalls.${key}`, undefined, own, active.sigma);
  const [d7 = 0, d28 = 0] = nonDecreasing([blend('d7', own7), blend('d28', own28)]).map((v) =>
    Math.max(d1, count(v)),
  );
  const firstSeen = exact.newInstalls;
  const newInstalls =
    firstSeen.count +
    fresh.draw(
      { query: 'newInstalls', key: 'newInstalls', column: 'installs', data: countData(firstSeen) },
      queryNoise(plan, 'newInstalls').sigma2,
    );
  return {
    activeInstalls: { d1, d7, d28 },
    newInstalls: exact.screening ? count(newInstalls) : Math.min(d1, count(newInstalls)),
  };
}

/**
 * Events by type: every type gets noise whether it was sent or not (the set of types is fixed,
 * so a type's absence is noisy too); types whose noisy count rounds to zero are left out.
 * Opt-outs are the opt_out events.
 */
export function publishEvents(
  noise: NoiseSource,
  plan: PublicationPlan,
  exact: ExactDay,
): Pick<DayAggregate, 'events' | 'optOuts'> {
  checkBuckets('events', exact.events);
  const byType = new Map(exact.events.map((b) => [b.key, b]));
  for (const key of byType.keys())
    if (!(EVENT_TYPES as readonly string[]).includes(key))
      throw new Error(`events: unknown event type ${JSON.stringify(key)}`);
  const { sigma2 } = queryNoise(plan, 'events');
  const events: Partial<Record<EventType, number>> = {};
  for (const type of EVENT_TYPES) {
    const bucket = byType.get(type) ?? { key: type, installs: 0, digest: EMPTY_DIGEST };
    const exactEvents = bucket.sums?.events ?? 0;
    const value = count(
      exactEvents +
        noise.draw(
          { query: 'events', key: type, column: 'events', data: bucketData(bucket) },
          sigma2,
        ),
    );
    if (value > 0) events[type] = value;
  }
  return { events, optOuts: events.opt_out ?? 0 };
}
