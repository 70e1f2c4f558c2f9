/**
 * The publication module: every figure of a day's aggregate goes through here, from the exact
 * tallies of the aggregation to the noisy numbers that are published, under (ε, δ)-differential
 * privacy with one install as the unit (see README "Differential privacy").
 */
import type { DayAggregate, PublicationPrivacy } from '../../../../shared/aggregate.ts';
import type { DeploymentConfig } from '../../../../shared/config.ts';
import { MECHANISM } from '../../../../shared/privacy.ts';
import { publishBreakdowns, publishUpgrades } from './breakdowns.ts';
import { publishCounters } from './counters.ts';
import { createNoiseSource, fingerprintOf, type NoiseSource } from './noise.ts';
import { MODULE_BREAKDOWN, planPublication, type PublicationPlan } from './plan.ts';
import { publishReliability } from './reliability.ts';
import { publishActive, publishEvents } from './scalars.ts';
import { publishScreening } from './screening.ts';
import {
  FRESH,
  smoothedWith,
  smoothingFor,
  type PreviousDay,
  type Smoothing,
} from './smoothing.ts';
import type { ExactDay } from './types.ts';

/** The published figures of a day: the aggregate without its day, final flag and run figures. */
export type PublishedDay = Omit<DayAggregate, 'day' | 'final' | 'run'> & {
  privacy: PublicationPrivacy;
};

// The plan depends on the config alone; converting (ε, δ) to ρ is the costly part.
const plans = new WeakMap<DeploymentConfig, PublicationPlan>();

/** The plan of `config`, computed once per config object. */
export function planFor(config: DeploymentConfig): PublicationPlan {
  let plan = plans.get(config);
  if (!plan) plans.set(config, (plan = planPublication(config)));
  return plan;
}

/** The parameters a day states it was published with. */
export function privacyParameters(plan: PublicationPlan): PublicationPrivacy {
  const noise: PublicationPrivacy['noise'] = {};
  for (const [id, q] of plan.queries) {
    // Every single-valued breakdown has the same noise: state it once.
    const name =
      id.startsWith('breakdowns.') && id !== `breakdowns.${MODULE_BREAKDOWN}` ? 'breakdowns' : id;
    const sigma = Math.round(q.sigma * 1000) / 1000;
    noise[name] = q.threshold === undefined ? { sigma } : { sigma, threshold: q.threshold };
  }
  const {
    epsilon,
    delta,
    eventClip,
    counterClip,
    valuesPerInstall,
    counterValuesPerInstall,
    counterGroupsPerInstall,
    smoothingAlpha,
  } = plan.privacy;
  return {
    mechanism: MECHANISM,
    epsilon,
    delta,
    rho: Math.round(plan.rho * 1e6) / 1e6,
    eventClip,
    counterClip,
    valuesPerInstall,
    counterValuesPerInstall,
    counterGroupsPerInstall,
    smoothingAlpha,
    noise,
  };
}

/**
 * The published figures of `exact.day`: noisy, bounded, consistent, and identical for identical
 * data and an identical day before. `secret` is the deployment's HMAC key; without it no one can
 * reproduce the noise. `previous` is the day before as published (stored), if it was: its window
 * figures are blended into the day's (smoothing.ts, `privacy.smoothingAlpha` of the config).
 */
export function publishDay(
  exact: ExactDay,
  config: DeploymentConfig,
  secret: string,
  previous?: PreviousDay,
): PublishedDay {
  const plan = planFor(config);
  return publishWith(
    exact,
    plan,
    noiseSources(exact, secret),
    smoothingFor(exact.day, plan.privacy.smoothingAlpha, previous),
  );
}

/** The noise of the day's counted figures, and of its new-install and screening figures. */
export interface DayNoise {
  /** Every figure but new installs and the screening ones: seeded by what is counted. */
  figures: NoiseSource;
  /** New installs and the screening figures: seeded by the whole day, held-out input included. */
  screening: NoiseSource;
}

/**
 * The day's two noise sources. A change in what is counted re-draws every number of the day, so
 * two versions of a day never show which buckets moved (README "Noise fixed by the data"). What
 * is held out — a flood of one-shot ids, a fake cohort not yet established, a quarantined cohort —
 * only enters new installs and the screening figures, which say how much arrived and was held
 * out: it re-draws those and leaves every other published number as it would be without it, to
 * the byte.
 */
export function noiseSources(exact: ExactDay, secret: string): DayNoise {
  const { screening, newInstalls, ...counted } = exact;
  return {
    figures: createNoiseSource(secret, exact.day, fingerprintOf(counted)),
    screening: createNoiseSource(secret, exact.day, fingerprintOf(exact)),
  };
}

/**
 * publishDay with the plan, noise source and smoothing given: tests compare other ways of drawing
 * noise. d1 is fitted before any blending and never moves with it; the blended windows are kept
 * at or above it, and the blended breakdowns are fitted under the published d28, so totals still
 * add up to their parts.
 */
export function publishWith(
  exact: ExactDay,
  plan: PublicationPlan,
  sources: NoiseSource | DayNoise,
  smoothing?: Smoothing,
): PublishedDay {
  const { figures: noise, screening } =
    'figures' in sources ? sources : { figures: sources, screening: sources };
  const { activeInstalls, newInstalls } = publishActive(noise, plan, exact, screening, smoothing);
  const { events, optOuts } = publishEvents(noise, plan, exact);
  return {
    activeInstalls,
    newInstalls,
    optOuts,
    events,
    breakdowns: publishBreakdowns(noise, plan, exact.breakdowns, activeInstalls.d28, smoothing),
    upgrades: publishUpgrades(noise, plan, exact.upgrades),
    reliability: publishReliability(noise, plan, exact.reliability, activeInstalls.d1),
    counters: publishCounters(noise, plan, exact.counters, activeInstalls.d1),
    ...(exact.screening ? publishScreening(screening, plan, exact.screening, newInstalls) : {}),
    privacy: { ...privacyParameters(plan), ...smoothedWith(smoothing ?? FRESH) },
  };
}

/**
 * Whether a computed day may replace what is stored: each day is published once, when final.
 * A provisional day is never published (the site shows final days), and a published final day
 * is never replaced, not even by a recomputation after an erase: every published version would
 * spend the day's budget again, and two versions over different data would let their difference
 * speak about what changed.
 */
export function mayPublish(
  computed: Pick<DayAggregate, 'final'>,
  stored: Pick<DayAggregate, 'final' | 'privacy'> | undefined,
): boolean {
  if (!computed.final) return false;
  return !(stored?.final === true && stored.privacy !== undefined);
}
