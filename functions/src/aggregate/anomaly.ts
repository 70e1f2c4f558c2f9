/**
 * Anomaly flags: the daily merge compares a day's published new, newly established and active
 * installs with the same figures of the days before (their median) and flags the day when one
 * jumps far above it, or rises above it with most of the rise in one profile. Only published
 * (noisy) figures go in, never the exact tallies, and the reason quotes only them: a flag is
 * post-processing of differentially private figures, so it says nothing they do not and costs no
 * privacy. A rise the noise could explain (under NOISE_MARGIN σ of the figure's stated noise) is
 * never flagged.
 */
import type { Anomaly, AnomalySignal, Bucket } from '../../../shared/aggregate.ts';
import { OTHER } from '../../../shared/aggregate.ts';
import { addDays } from '../../../shared/dates.ts';
import type { DayProjection } from '../../../shared/days-query.ts';
import type { AnomalyConfig } from '../../../shared/screening-schema.ts';

/** A watched figure: how to read it and its profiles from a published day. */
interface Figure {
  name: AnomalySignal['figure'];
  /** The publication query whose noise the figure carries. */
  query: string;
  words: string;
  value: (day: DayProjection) => number | undefined;
  profiles?: (day: DayProjection) => readonly Bucket[] | undefined;
}

const FIGURES: readonly Figure[] = [
  {
    name: 'newInstalls',
    query: 'newInstalls',
    words: 'new installs',
    value: (d) => d.newInstalls,
    profiles: (d) => d.established?.newInstallProfiles,
  },
  {
    name: 'newlyEstablished',
    query: 'established.newlyEstablished',
    words: 'newly established installs',
    value: (d) => d.established?.newlyEstablished,
    profiles: (d) => d.established?.newlyEstablishedProfiles,
  },
  {
    name: 'activeInstalls.d1',
    query: 'activeInstalls',
    words: 'active installs',
    value: (d) => d.activeInstalls?.d1,
  },
];

/**
 * Standard deviations of a figure's noise a rise must exceed to be flagged: noise alone goes
 * beyond 4σ once in about 30,000 draws, so a day is not flagged for its noise.
 */
export const NOISE_MARGIN = 4;

/** The median of `values` (0 for none). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The profile whose installs rose most above their own median, with its rise. */
function topRise(
  figure: Figure,
  today: DayProjection,
  previous: readonly DayProjection[],
): { profile: string; rise: number } | undefined {
  const buckets = figure.profiles?.(today);
  if (!buckets) return undefined;
  let best: { profile: string; rise: number } | undefined;
  for (const bucket of buckets) {
    if (bucket.value === OTHER) continue;
    const before = previous.map(
      (d) => figure.profiles?.(d)?.find((b) => b.value === bucket.value)?.installs ?? 0,
    );
    const rise = bucket.installs - median(before);
    if (!best || rise > best.rise || (rise === best.rise && bucket.value < best.profile))
      best = { profile: bucket.value, rise };
  }
  return best;
}

const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const SHARE = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 0 });

/**
 * The anomaly of `today`, judged against the published days before it (any order, any days:
 * only the `baselineDays` before it are used), or undefined when nothing jumped.
 */
export function detectAnomaly(
  today: DayProjection,
  days: readonly DayProjection[],
  config: AnomalyConfig,
): Anomaly | undefined {
  const from = addDays(today.day, -config.baselineDays);
  const previous = days.filter((d) => d.day >= from && d.day < today.day);
  const signals: AnomalySignal[] = [];
  const sentences: string[] = [];
  for (const figure of FIGURES) {
    const value = figure.value(today);
    if (value === undefined) continue;
    const history = previous.flatMap((d) => {
      const v = figure.value(d);
      return v === undefined ? [] : [v];
    });
    if (history.length < config.minBaselineDays) continue;
    const baseline = median(history);
    const rise = value - baseline;
    const sigma = today.privacy?.noise[figure.query]?.sigma ?? 0;
    if (rise < Math.max(config.minJump, NOISE_MARGIN * sigma)) continue;
    const top = topRise(figure, today, previous);
    const share = top && rise > 0 ? Math.min(1, Math.max(0, top.rise / rise)) : undefined;
    let rule: AnomalySignal['rule'] | undefined;
    if (value >= config.jumpRatio * baseline) rule = 'jump';
    else if (
      value >= config.concentratedRatio * baseline &&
      share !== undefined &&
      share >= config.profileShare
    )
      rule = 'concentrated';
    if (!rule) continue;
    const signal: AnomalySignal = { figure: figure.name, value, baseline, rule };
    let sentence = `${figure.words} ${COUNT.format(value)} against a median of ${COUNT.format(baseline)} over the ${history.length} days before`;
    if (top && share !== undefined && share >= config.profileShare) {
      signal.profile = top.profile;
      signal.profileShare = Math.round(share * 1000) / 1000;
      sentence += `; ${SHARE.format(share)} of the rise is ${top.profile}`;
    }
    signals.push(signal);
    sentences.push(sentence);
  }
  if (signals.length === 0) return undefined;
  const reason = `${sentences.join('. ')}.`;
  return { reason: (reason.charAt(0).toUpperCase() + reason.slice(1)).slice(0, 600), signals };
}

/** The figures detectAnomaly reads, for asking the store for them alone. */
export const ANOMALY_FIELDS = ['activeInstalls', 'newInstalls', 'established'] as const;
