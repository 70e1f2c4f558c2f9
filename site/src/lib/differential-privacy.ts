/**
 * What the privacy and data pages say about differentially private days, computed from the
 * parameters a day states it was published with (never from the deployment's current config, so
 * the page describes what was actually done). Pure; runs at build time.
 */
import type { DayAggregate, PublicationPrivacy } from '../../../shared/aggregate.ts';
import { detectionBound, epsilonFromRho } from '../../../shared/privacy.ts';
import { byDay } from './series.ts';

/** The parameters of the latest day published with differential privacy, if any. */
export function latestPrivacy(days: readonly DayAggregate[]): PublicationPrivacy | undefined {
  return byDay(days).findLast((d) => d.privacy !== undefined)?.privacy;
}

/** The guarantee over a number of days an install is counted in. */
export interface WindowGuarantee {
  days: number;
  rho: number;
  epsilon: number;
  delta: number;
  /** Largest detection rate of a test wrong at most 5 % of the time. */
  detection: number;
}

/**
 * The guarantee of one day and of `days` days together: zCDP adds up, ρ_T = T·ρ; the noise keeps
 * its half of δ, the thresholds add theirs day by day: δ_T = δ/2 + T·δ/2.
 */
export function windowGuarantee(privacy: PublicationPrivacy, days: number): WindowGuarantee {
  const rho = privacy.rho * days;
  const delta = privacy.delta / 2 + (days * privacy.delta) / 2;
  return {
    days,
    rho,
    epsilon: epsilonFromRho(rho, privacy.delta / 2),
    delta,
    detection: detectionBound(rho, 0.05, (days * privacy.delta) / 2),
  };
}

/** Plain names of the published queries. */
export const QUERY_LABELS: Record<string, string> = {
  activeInstalls: 'Active installs (d1, d7, d28)',
  newInstalls: 'New installs',
  events: 'Events by type (and opt-outs)',
  breakdowns: 'Each breakdown (version, OS, …, attributes)',
  'breakdowns.module': 'Modules',
  upgrades: 'Upgrades',
  'upgrades.other': 'Upgrades: “other → other”',
  'reliability.versions': 'Active installs per version',
  'reliability.versions.crashedInstalls': 'Crashed installs per version',
  'reliability.versions.events': 'Crash and fatal events per version',
  'reliability.versions.other.crashedInstalls': 'Crashed installs of versions not shown',
  'reliability.versions.other.events': 'Crash and fatal events of versions not shown',
  'reliability.topFailures': 'Installs per failure signature',
  'reliability.topFailures.events': 'Events per failure signature',
  'reliability.installFailures': 'Failed installs per error code',
  'counters.groups': 'Installs per counter group',
  'counters.values': 'Installs per counter value',
  'counters.values.sum': 'Sum per counter value',
  'established.newlyEstablished': 'Newly established installs',
  'established.pending': 'Installs not yet established (d1, d28)',
  'established.proven': 'Installs counted by a proof of work',
  'established.newInstallProfiles': 'New installs per profile',
  'established.newlyEstablishedProfiles': 'Newly established installs per profile',
  'heldOut.installs': 'Installs held out, per reason',
  'heldOut.reports': 'Reports held out, per reason',
  unestablishedInstallFailures: 'Failed installs not established, per error code',
  'screening.knownVersions': 'Versions made known by established installs (not published)',
};

/** One row of the noise table. */
export interface NoiseRow {
  query: string;
  label: string;
  sigma: number;
  /** About 95 % of published values lie within this distance of the exact one (2σ). */
  margin: number;
  threshold?: number;
  /** The count from which the median relative error is 2 % or less (half lie within 0.67σ). */
  twoPercentFrom: number;
}

/** Half of the discrete Gaussian's draws lie within this many σ of zero (the normal's 0.6745). */
const MEDIAN_DEVIATIONS = 0.6745;

/** The exact count from which a figure with noise σ is off by at most `error` half of the time. */
export function countForMedianError(sigma: number, error = 0.02): number {
  return Math.ceil((MEDIAN_DEVIATIONS * sigma) / error);
}

/** The noise of every query in the order of QUERY_LABELS (unknown queries last, by name). */
export function noiseRows(privacy: PublicationPrivacy): NoiseRow[] {
  const order = Object.keys(QUERY_LABELS);
  const rank = (q: string) => (order.includes(q) ? order.indexOf(q) : order.length);
  return Object.entries(privacy.noise)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([query, { sigma, threshold }]) => {
      const row: NoiseRow = {
        query,
        label: QUERY_LABELS[query] ?? query,
        sigma,
        margin: Math.ceil(2 * sigma),
        twoPercentFrom: countForMedianError(sigma),
      };
      if (threshold !== undefined) row.threshold = threshold;
      return row;
    });
}

export { aboutValue } from './series.ts';

/**
 * Which values a page leaves out, in words: below the noisy threshold of `query` when the days
 * state one (differential privacy), else below k (days published before it).
 */
export function hiddenBelow(
  privacy: PublicationPrivacy | undefined,
  query: string,
  k: number,
): string {
  const threshold = privacy?.noise[query]?.threshold;
  return threshold === undefined
    ? `fewer than ${k} installs`
    : `a noisy count below about ${threshold} installs`;
}
