// Differential privacy: what the noise costs in accuracy. The demo fleet (scripts/lib/demo.ts)
// goes through the aggregation's plan and shards in memory; each day's merged tallies (real
// contributor digests) are then published by the merge step's own publishMerged at each ε, and
// compared with the exact tallies and with what k = 5 would have shown. Reported: the median
// relative error of buckets backed by ≥ 100 installs (target ≤ 2 % at the default ε), of the
// headline counts, and how many buckets k = 5 shows that the noisy threshold hides. Each ε is
// published with and without smoothing over time (`privacy.smoothingAlpha`): smoothed, every draw
// publishes the days in order from the first simulated one, each day smoothed with the day before
// as published, so the average has settled (weight (1 − α)^30 or less left of its start) by the
// first measured day; the lag it costs is measured on the buckets that grow.
import { UNKNOWN, type DayAggregate } from '../../shared/aggregate.ts';
import { deploymentConfig, type DeploymentConfig } from '../../shared/config.ts';
import { addDays, dayOf } from '../../shared/dates.ts';
import { aggregateRange } from '../../functions/src/aggregate/job.ts';
import { publishMerged } from '../../functions/src/aggregate/merge.ts';
import { MemoryStore } from '../../functions/src/store/memory-store.ts';
import type { StoredEvent } from '../../functions/src/model/stored.ts';
import { simulateFleet } from '../../scripts/lib/demo.ts';
import { exactView } from '../support/exact-view.ts';

const SECRET = 'bench-privacy-secret';
type Exact = ReturnType<typeof exactView>;
/** Days simulated before the measured ones, as `npm start` does, so windows start full. */
const WARM_UP_DAYS = 30;
/**
 * The bench's "now": fixed, so that the same code measures the same figures on every run (the
 * noise is drawn from the day and the data, and a moving today moves both).
 */
const BENCH_NOW = Date.parse('2026-11-20T12:00:00Z');

/** One (ε, smoothing) setting's figures. */
export interface PrivacyRun {
  epsilon: number;
  /** α of the smoothing over time, or false: each day's figures alone. */
  smoothing: number | false;
  rho: number;
  /** Median relative error of buckets with ≥ 100 exact installs (a hidden one counts as 100 %). */
  medianErrorLargeBuckets: number;
  largeBuckets: number;
  /** The same without the "unknown" buckets (installs that did not report the value). */
  medianErrorLargeKnown: number;
  /**
   * The same without counter groups and values: one install changes up to 4 groups and 16 values
   * at once (sensitivity 2 and 4, not 1), so where the fleet reports counters they carry more noise.
   */
  medianErrorLargeNoCounters: number;
  largeCounterBuckets: number;
  /**
   * Per section: buckets ≥ 100, their median exact installs, the noise σ of the section's query
   * and the median error (`counters.values.sum`: the sums of those values, not in the figures
   * above).
   */
  bySection: Record<
    string,
    { buckets: number; medianInstalls: number; sigma: number; medianError: number }
  >;
  medianErrorD28: number;
  medianErrorD1: number;
  /** Median signed relative error of the buckets ≥ 100 (negative: published low on the whole). */
  medianSignedErrorLarge: number;
  /**
   * The lag: over window buckets ≥ 100 (d28, breakdowns) that grew by at least 2 installs since
   * the day before, the median growth a day, the median signed error in installs and in relative
   * terms (smoothed with α, about −growth · (1 − α) / α is expected).
   */
  growing: {
    buckets: number;
    medianGrowth: number;
    medianSignedError: number;
    medianSignedRelative: number;
  };
  /** Buckets k = 5 publishes over all days, and how many of them the noisy threshold hides. */
  kBuckets: number;
  hiddenVsK: number;
  /** The same on the latest day alone. */
  kBucketsLastDay: number;
  hiddenVsKLastDay: number;
  hiddenBySection: Record<string, number>;
  msPerDay: number;
}

/** The whole measurement. */
export interface PrivacyBench {
  installs: number;
  days: number;
  /** Independent draws of the noise behind each median. */
  draws: number;
  runs: PrivacyRun[];
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** The σ of the query behind a section's figures (every single-valued breakdown shares one). */
function sectionSigma(noise: Record<string, { sigma: number }>, section: string): number {
  const query =
    section.startsWith('breakdowns.') && section !== 'breakdowns.module' ? 'breakdowns' : section;
  // Every attribute is a breakdown of its own, with the breakdowns' σ.
  return noise[query]?.sigma ?? Number.NaN;
}

/** Every bucket of a day as section → key → installs, "other" left out (it is no value). */
function bucketsOf(
  day: Pick<DayAggregate, 'breakdowns' | 'upgrades' | 'reliability' | 'counters'>,
) {
  const sections = new Map<string, Map<string, number>>();
  const put = (section: string, key: string, installs: number) => {
    if (key === 'other' || key === 'other → other') return;
    let map = sections.get(section);
    if (!map) sections.set(section, (map = new Map()));
    map.set(key, installs);
  };
  for (const [name, buckets] of Object.entries(day.breakdowns))
    for (const b of buckets) put(`breakdowns.${name}`, b.value, b.installs);
  for (const u of day.upgrades) put('upgrades', `${u.from} → ${u.to}`, u.installs);
  for (const v of day.reliability.versions)
    put('reliability.versions', v.version, v.activeInstalls);
  for (const f of day.reliability.topFailures)
    put('reliability.topFailures', f.signature, f.installs);
  for (const c of day.reliability.installFailures)
    put('reliability.installFailures', c.code, c.installs);
  for (const g of day.counters) {
    put('counters.groups', g.group, g.installs);
    for (const v of g.values) put('counters.values', `${g.group}.${v.value}`, v.installs);
  }
  return sections;
}

async function aggregateFleet(
  events: StoredEvent[],
  config: DeploymentConfig,
  from: string,
  to: string,
  now: number,
) {
  const store = new MemoryStore();
  await store.saveEvents(events);
  return aggregateRange(
    { store, clock: () => now, config, publicationSecret: () => SECRET },
    from,
    to,
  );
}

/** What k-anonymity at `k` would show: buckets of at least k installs ("unknown" always). */
function kAnonymous(
  sections: Map<string, Map<string, number>>,
  k: number,
): Map<string, Map<string, number>> {
  const shown = new Map<string, Map<string, number>>();
  for (const [section, buckets] of sections)
    shown.set(
      section,
      new Map(
        [...buckets].filter(
          ([key, n]) => n >= k || (section.startsWith('breakdowns.') && key === UNKNOWN),
        ),
      ),
    );
  return shown;
}

/** One setting the bench publishes with: ε and the smoothing over time (false: none). */
export interface PrivacySetting {
  epsilon: number;
  smoothing: number | false;
}

/**
 * Publishes every measured day of the fleet with each setting, and compares with exact and k = 5.
 */
export async function benchPrivacy(options: {
  installs: number;
  days: number;
  settings: PrivacySetting[];
  seed?: number;
  now?: number;
  /** Independent draws of the noise the error medians pool (default 5). */
  draws?: number;
}): Promise<PrivacyBench> {
  const draws = options.draws ?? 5;
  const now = options.now ?? BENCH_NOW;
  const today = dayOf(now);
  const simulated = options.days + WARM_UP_DAYS;
  const first = addDays(today, -(simulated - 1));
  const events = simulateFleet(
    { installs: options.installs, days: simulated, seed: options.seed ?? 20261122 },
    SECRET,
    today,
  );
  // The demo's clock: the measured days are final, as the site shows them.
  const all = await aggregateFleet(events, deploymentConfig, first, today, now + 5 * 86_400_000);
  const outcomes = all.slice(WARM_UP_DAYS);
  const exact = outcomes.map((o) => exactView(o.exact));
  // The day before each measured day, exact: how much a bucket grew.
  const exactBefore = all.slice(WARM_UP_DAYS - 1, -1).map((o) => exactView(o.exact));
  const runs: PrivacyRun[] = [];
  for (const { epsilon, smoothing } of options.settings) {
    const config = {
      ...deploymentConfig,
      privacy: { ...deploymentConfig.privacy, epsilon, smoothingAlpha: smoothing },
    };
    const run = {
      computedAt: new Date(now).toISOString(),
      documentsRead: 0,
      documentsWritten: 0,
    };
    const started = performance.now();
    // Each draw publishes every day under a secret of its own: independent noise, as another
    // deployment would draw. The medians pool the draws, so they estimate the expected error
    // rather than one draw's luck (one draw's median moves by ±0.1 % from one σ² to the next).
    // Smoothed, a draw publishes every simulated day in order, each with the one before.
    const published = Array.from({ length: draws }, (_, d) => `${SECRET}-${d}`).flatMap(
      (secret) => {
        const deps = { config, publicationSecret: () => secret };
        if (smoothing === false)
          return outcomes.map((o) => publishMerged(o.exact, deps, true, run));
        let previous: DayAggregate | undefined;
        return all
          .map((o) => (previous = publishMerged(o.exact, deps, true, run, previous)))
          .slice(WARM_UP_DAYS);
      },
    );
    const msPerDay = (performance.now() - started) / published.length;
    const errors: number[] = [];
    const known: number[] = [];
    const noCounters: number[] = [];
    const bySection = new Map<string, number[]>();
    const installsBySection = new Map<string, number[]>();
    const noteSection = (section: string, error: number, installs: number) => {
      let errors = bySection.get(section);
      if (!errors) bySection.set(section, (errors = []));
      errors.push(error);
      let sizes = installsBySection.get(section);
      if (!sizes) installsBySection.set(section, (sizes = []));
      sizes.push(installs);
    };
    let kBuckets = 0;
    let hiddenVsK = 0;
    let kBucketsLastDay = 0;
    let hiddenVsKLastDay = 0;
    const hiddenBySection: Record<string, number> = {};
    const d28: number[] = [];
    const d1: number[] = [];
    const signed: number[] = [];
    const growth: number[] = [];
    const lagInstalls: number[] = [];
    const lagRelative: number[] = [];
    published.forEach((pub, i) => {
      const truth = exact[i % exact.length] as Exact;
      const before = bucketsOf(exactBefore[i % exact.length] as Exact);
      const last = i === exact.length - 1;
      d28.push(
        Math.abs(pub.activeInstalls.d28 - truth.activeInstalls.d28) /
          Math.max(1, truth.activeInstalls.d28),
      );
      d1.push(
        Math.abs(pub.activeInstalls.d1 - truth.activeInstalls.d1) /
          Math.max(1, truth.activeInstalls.d1),
      );
      const noisy = bucketsOf(pub);
      const grew = (section: string, key: string, installs: number, shown: number | undefined) => {
        const was = before.get(section)?.get(key);
        if (was === undefined || installs - was < 2 || shown === undefined) return;
        growth.push(installs - was);
        lagInstalls.push(shown - installs);
        lagRelative.push((shown - installs) / installs);
      };
      const was28 = (exactBefore[i % exact.length] as Exact).activeInstalls.d28;
      if (truth.activeInstalls.d28 >= 100 && truth.activeInstalls.d28 - was28 >= 2) {
        growth.push(truth.activeInstalls.d28 - was28);
        lagInstalls.push(pub.activeInstalls.d28 - truth.activeInstalls.d28);
        lagRelative.push(
          (pub.activeInstalls.d28 - truth.activeInstalls.d28) / truth.activeInstalls.d28,
        );
      }
      for (const [section, buckets] of bucketsOf(truth)) {
        for (const [key, installs] of buckets) {
          if (installs < 100) continue;
          const shown = noisy.get(section)?.get(key);
          const error = shown === undefined ? 1 : Math.abs(shown - installs) / installs;
          if (shown !== undefined) signed.push((shown - installs) / installs);
          if (section.startsWith('breakdowns.')) grew(section, key, installs, shown);
          errors.push(error);
          if (key !== 'unknown') known.push(error);
          if (!section.startsWith('counters.')) noCounters.push(error);
          noteSection(
            section.startsWith('breakdowns.attribute.') ? 'breakdowns.attribute.*' : section,
            error,
            installs,
          );
        }
      }
      // The sums of the counter values backed by ≥ 100 installs: reported on their own.
      for (const g of truth.counters)
        for (const v of g.values) {
          if (v.installs < 100) continue;
          const shown = pub.counters
            .find((p) => p.group === g.group)
            ?.values.find((p) => p.value === v.value);
          const error = shown === undefined ? 1 : Math.abs(shown.sum - v.sum) / Math.max(1, v.sum);
          noteSection('counters.values.sum', error, v.installs);
        }
      // Which buckets the threshold hides: the first draw's, as one deployment publishes them.
      if (i >= exact.length) return;
      for (const [section, buckets] of kAnonymous(bucketsOf(truth), 5)) {
        for (const key of buckets.keys()) {
          kBuckets += 1;
          if (last) kBucketsLastDay += 1;
          if (noisy.get(section)?.has(key)) continue;
          hiddenVsK += 1;
          if (last) hiddenVsKLastDay += 1;
          const group = section.startsWith('breakdowns.attribute.')
            ? 'breakdowns.attribute.*'
            : section;
          hiddenBySection[group] = (hiddenBySection[group] ?? 0) + 1;
        }
      }
    });
    runs.push({
      epsilon,
      smoothing,
      rho: published[0]?.privacy?.rho ?? 0,
      medianErrorLargeBuckets: median(errors),
      // Buckets per draw: the fleet's, whatever the number of draws.
      largeBuckets: errors.length / draws,
      medianErrorLargeKnown: median(known),
      medianErrorLargeNoCounters: median(noCounters),
      largeCounterBuckets: (errors.length - noCounters.length) / draws,
      bySection: Object.fromEntries(
        [...bySection]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([s, list]) => [
            s,
            {
              buckets: list.length / draws,
              medianInstalls: median(installsBySection.get(s) ?? []),
              sigma: sectionSigma(published[0]?.privacy?.noise ?? {}, s),
              medianError: median(list),
            },
          ]),
      ),
      medianErrorD28: median(d28),
      medianErrorD1: median(d1),
      medianSignedErrorLarge: median(signed),
      growing: {
        buckets: growth.length / draws,
        medianGrowth: median(growth),
        medianSignedError: median(lagInstalls),
        medianSignedRelative: median(lagRelative),
      },
      kBuckets,
      hiddenVsK,
      kBucketsLastDay,
      hiddenVsKLastDay,
      hiddenBySection,
      msPerDay,
    });
  }
  return { installs: options.installs, days: options.days, draws, runs };
}
