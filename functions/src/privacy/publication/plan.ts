/**
 * The publication policy as one table: every noisy query of a day, how much one install can
 * change it (its L2 sensitivity after contribution bounding), and its share of the day's privacy
 * budget ρ. From the deployment's (ε, δ) it derives each query's noise σ and bucket threshold.
 */
import { BREAKDOWNS } from '../../../../shared/aggregate.ts';
import type { DeploymentConfig, PrivacyConfig } from '../../../../shared/config.ts';
import {
  assertPrivacyConfig,
  bucketThreshold,
  rhoFromEpsilon,
} from '../../../../shared/privacy.ts';
import { sigmaSquared, type Rational } from './sampler.ts';

/** One noisy query of the day's figures. */
export interface QuerySpec {
  id: string;
  /** Largest L2 norm of one install's change to the query's figures. */
  sensitivity: number;
  /** Relative share of the day's ρ. */
  weight: number;
  /** For queries whose noisy counts decide which buckets appear: buckets one install alone can create (0 for "other"). */
  newBuckets?: number;
}

/** The noise of one query. */
export interface QueryNoise {
  id: string;
  sigma: number;
  sigma2: Rational;
  /** ρ this query spends: sensitivity² / (2σ²). */
  rho: number;
  /** Smallest noisy count with which a bucket of this query appears. */
  threshold?: number;
}

/** Everything publishDay needs to know about the budget, derived from the config alone. */
export interface PublicationPlan {
  privacy: PrivacyConfig;
  /** The day's budget in zCDP. */
  rho: number;
  /** δ spent by the noise (ρ-zCDP → (ε, δ_noise)) and by the thresholds; they add up to δ. */
  deltaNoise: number;
  deltaThresholds: number;
  /** Largest chance that one bucket only one install backs appears: δ_thresholds / buckets one install can create. */
  deltaPerBucket: number;
  /** Single-valued breakdowns in order; "module" comes separately. */
  breakdowns: string[];
  /** What the screening figures state besides their noise: the rule and the failures' cap. */
  screening: { establishedDays: number; unestablishedInstallFailuresPerDay: number };
  queries: Map<string, QueryNoise>;
  specs: QuerySpec[];
}

/** The breakdown in which one install may count several times (once per module). */
export const MODULE_BREAKDOWN = 'module';
/**
 * Share of ρ of all breakdowns and counters together, split evenly over them: each breakdown one
 * share...
 */
const BREAKDOWNS_WEIGHT = 72;
/**
 * ...but for the counts in which one install counts several times, which take shares in about
 * the ratio of their sensitivity (the split of ρ that minimises their total noise variance:
 * ρ_q ∝ Δ_q): modules (Δ = √8 ≈ 2.8) 3...
 */
const MODULE_SHARES = 3;
/**
 * ...counter values (Δ = √16) 4 and the values' sums 1; counter groups (Δ = √4) 4 as well, twice
 * their sensitivity's ratio, because a group's count also bounds its values' counts
 * (publishCounters): a value reported by every install of its group, the common case, is then
 * as precise as the group on the side the bound cuts. On the demo fleet this split takes the
 * median error of all buckets of 100 installs or more from 2.30 to 2.19 %, the breakdowns from
 * 1.98 to 2.05 % (`npm run bench -- --privacy`).
 */
const COUNTER_SHARES = { groups: 4, values: 4, sums: 1 };
/** Share of the day's ρ of the active installs, less what the screening figures take. */
const ACTIVE_WEIGHT = 12;
/** The screening figures' shares (screeningSpecs) when versions are learned; taken from d1/d7/d28. */
const SCREENING_WEIGHT = 5;

/** Names of the breakdowns the config publishes: the fixed ones and each published attribute. */
export function breakdownNames(config: DeploymentConfig): string[] {
  const attributes = Object.entries(config.attributes)
    .filter(([, spec]) => spec.published)
    .map(([key]) => `attribute.${key}`)
    .sort();
  return [...BREAKDOWNS.filter((b) => b !== MODULE_BREAKDOWN), ...attributes];
}

/** The query table of a deployment. */
export function querySpecs(config: DeploymentConfig): QuerySpec[] {
  const { eventClip: e, valuesPerInstall: m, counterValuesPerInstall: mc } = config.privacy;
  const c = config.privacy.counterClip;
  // An install's groups are at most its values, whatever the groups' own bound.
  const mg = Math.min(config.privacy.counterGroupsPerInstall, mc);
  const breakdowns = breakdownNames(config);
  const counterShares = COUNTER_SHARES.groups + COUNTER_SHARES.values + COUNTER_SHARES.sums;
  const perBreakdown = BREAKDOWNS_WEIGHT / (breakdowns.length + MODULE_SHARES + counterShares);
  return [
    // d1, d7 and d28 of established installs: one install counts once in each.
    q('activeInstalls', Math.sqrt(3), ACTIVE_WEIGHT - SCREENING_WEIGHT),
    // An install is new on one day at most.
    q('newInstalls', 1, 3),
    // Events by type: at most e per install and day in all.
    q('events', e, 2),
    // One value per install.
    ...breakdowns.map((name) => q(`breakdowns.${name}`, 1, perBreakdown, 1)),
    // At most m modules per install.
    q(`breakdowns.${MODULE_BREAKDOWN}`, Math.sqrt(m), perBreakdown * MODULE_SHARES, m),
    // One version move per install and day.
    q('upgrades', 1, 2, 1),
    // The moves of the pairs not shown: "other → other" creates no bucket anyone could not
    // expect, but appears by the same rule.
    q('upgrades.other', 1, 1, 0),
    // Installs active on the day, one version each; those with a crash or fatal event; those
    // events, within the e events; the same two of the versions not shown.
    q('reliability.versions', 1, 3, 1),
    q('reliability.versions.crashedInstalls', 1, 3),
    q('reliability.versions.events', e, 1),
    q('reliability.versions.other.crashedInstalls', 1, 1),
    q('reliability.versions.other.events', e, 0.5),
    // At most m failure signatures per install, and their events within the e events.
    q('reliability.topFailures', Math.sqrt(m), 2, m),
    q('reliability.topFailures.events', e, 0.5),
    // At most m install failure codes per install.
    q('reliability.installFailures', Math.sqrt(m), 1.5, m),
    // At most mg counter groups and mc counter values per install, each value clipped at c.
    q('counters.groups', Math.sqrt(mg), perBreakdown * COUNTER_SHARES.groups, mg),
    q('counters.values', Math.sqrt(mc), perBreakdown * COUNTER_SHARES.values, mc),
    q(
      'counters.values.sum',
      c * Math.sqrt(mc),
      // Stryker disable next-line ArithmeticOperator: equivalent; the sums take one share, and x · 1 = x / 1
      perBreakdown * COUNTER_SHARES.sums,
    ),
    ...screeningSpecs(config),
  ];
}

/**
 * The screening figures (README "What counts"): each install is held out, pending or counted on a
 * day, so each of these counts it once at most. Their shares are carved out of the active
 * installs' (ACTIVE_WEIGHT): d1, d7 and d28 are the largest counts of a day, where a wider noise
 * changes least, so the breakdowns and reliability keep their noise.
 */
function screeningSpecs(config: DeploymentConfig): QuerySpec[] {
  const e = config.privacy.eventClip;
  const specs = [
    // An install becomes established on one day.
    q('established.newlyEstablished', 1, 0.5),
    // Pending d1 and d28: one install counts once in each.
    q('established.pending', Math.SQRT2, 0.5),
    // An install counted by its proof of work.
    q('established.proven', 1, 0.25),
    // One profile per new install, and per newly established install.
    q('established.newInstallProfiles', 1, 0.5, 1),
    q('established.newlyEstablishedProfiles', 1, 0.5, 1),
    // An install is held out for one reason a day; its events, within the e events.
    q('heldOut.installs', 1, 0.5),
    q('heldOut.reports', e, 0.25),
    // One code per install not established.
    q('unestablishedInstallFailures', 1, 1, 1),
  ];
  // Versions learned: whether a version is known decides whether the reports waiting on it count.
  // One version per established install.
  if (config.screening.releasedVersions === undefined)
    specs.push(q('screening.knownVersions', 1, 1, 1));
  return specs;
}

/** One row of the query table (`newBuckets` only for the queries whose buckets need a threshold). */
function q(id: string, sensitivity: number, weight: number, newBuckets?: number): QuerySpec {
  return { id, sensitivity, weight, newBuckets };
}

/** The plan of a deployment: ρ from (ε, δ/2), each query's σ and threshold. Throws on an invalid config. */
export function planPublication(config: DeploymentConfig): PublicationPlan {
  assertPrivacyConfig(config.privacy);
  const { epsilon, delta } = config.privacy;
  const deltaNoise = delta / 2;
  const deltaThresholds = delta / 2;
  const rho = rhoFromEpsilon(epsilon, deltaNoise);
  const specs = querySpecs(config);
  const totalWeight = specs.reduce((sum, s) => sum + s.weight, 0);
  const newBuckets = specs.reduce((sum, s) => sum + (s.newBuckets ?? 0), 0);
  // Union bound: one install alone can create at most `newBuckets` buckets over the day; each
  // appears with probability at most deltaPerBucket, so all of them together with δ/2 at most.
  const deltaPerBucket = deltaThresholds / newBuckets;
  const queries = new Map<string, QueryNoise>();
  for (const spec of specs) {
    const share = (spec.weight / totalWeight) * rho;
    const sigma = spec.sensitivity / Math.sqrt(2 * share);
    const noise: QueryNoise = { id: spec.id, sigma, sigma2: sigmaSquared(sigma), rho: share };
    // Never below k: a bucket appears only with a noisy count of at least k installs. A higher
    // threshold only lowers the chance that a bucket one install backs appears.
    if (spec.newBuckets !== undefined)
      noise.threshold = Math.max(bucketThreshold(sigma, deltaPerBucket), config.kAnonymity);
    queries.set(spec.id, noise);
  }
  return {
    privacy: config.privacy,
    rho,
    deltaNoise,
    deltaThresholds,
    deltaPerBucket,
    breakdowns: breakdownNames(config),
    screening: {
      establishedDays: config.screening.establishedDays,
      unestablishedInstallFailuresPerDay: config.screening.unestablishedInstallFailuresPerDay,
    },
    queries,
    specs,
  };
}

/** The noise of a query of the plan; a missing query is a programming error. */
export function queryNoise(plan: PublicationPlan, id: string): QueryNoise {
  const noise = plan.queries.get(id);
  if (!noise) throw new Error(`no query ${id} in the publication plan`);
  return noise;
}
