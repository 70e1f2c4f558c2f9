/**
 * Reliability figures for the Reliability page: crash-free installs per version over time, the
 * failure signatures of a range, and failed installs by error code. Pure; runs in the browser.
 */
import { dayRange, type Day } from '../../../shared/dates.ts';
import { compareVersions, topReliabilityVersions } from '../../../shared/days-query.ts';
import { OTHER_VALUE, type TrendSeries } from './breakdowns.ts';
import { byDay, type SiteDay } from './series.ts';

/** The versions with the most active installs summed over the days, "other" excluded. */
export function reliabilityVersions(days: readonly SiteDay[], top: number): string[] {
  return topReliabilityVersions(days, top).sort(compareVersions);
}

/**
 * Crash-free installs in percent (two decimals) per day for the top versions. A day the version
 * was not published on (no aggregate, or fewer than k installs) is null: no data, not 100 %.
 */
export function crashFreeTrend(
  days: readonly SiteDay[],
  top: number,
): { labels: Day[]; series: TrendSeries[] } {
  const sorted = byDay(days);
  const first = sorted[0];
  const last = sorted.at(-1);
  if (!first || !last) return { labels: [], series: [] };
  const index = new Map(sorted.map((d) => [d.day, d]));
  const labels = dayRange(first.day, last.day);
  const series = reliabilityVersions(sorted, top).map((version) => ({
    key: version,
    label: version,
    values: labels.map((label) => {
      const row = index.get(label)?.reliability?.versions?.find((v) => v.version === version);
      return row ? Math.round(row.crashFreeRate * 10_000) / 100 : null;
    }),
  }));
  return { labels, series };
}

/** A failure signature over a range. */
export interface FailureRow {
  signature: string;
  /** Days on which at least k installs reported it. */
  days: number;
  events: number;
  /** The most installs that reported it on one day (installs are not summed across days). */
  peakInstalls: number;
  lastDay: Day;
}

/** Every failure signature published in the days, most events first. */
export function failureTotals(days: readonly SiteDay[]): FailureRow[] {
  const rows = new Map<string, FailureRow>();
  for (const day of byDay(days)) {
    for (const failure of day.reliability?.topFailures ?? []) {
      const row = rows.get(failure.signature) ?? {
        signature: failure.signature,
        days: 0,
        events: 0,
        peakInstalls: 0,
        lastDay: day.day,
      };
      row.days += 1;
      row.events += failure.events;
      row.peakInstalls = Math.max(row.peakInstalls, failure.installs);
      row.lastDay = day.day;
      rows.set(failure.signature, row);
    }
  }
  return [...rows.values()].sort(
    (a, b) => b.events - a.events || a.signature.localeCompare(b.signature),
  );
}

/** Failed installs with one error code over a range. */
export interface InstallFailureRow {
  code: string;
  /** Sum of the daily counts of installs whose install failed with this code. */
  installs: number;
  days: number;
}

/**
 * Which failed installs: of established installs (`reliability.installFailures`), or of installs
 * not established (`unestablishedInstallFailures`, bounded per day) — one-shot installer runs.
 */
export type InstallFailureSeries = 'established' | 'not-established';

/** The day's failed installs by code in one series. */
export function installFailuresOf(
  day: SiteDay,
  series: InstallFailureSeries,
): readonly { code: string; installs: number }[] {
  return series === 'established'
    ? (day.reliability?.installFailures ?? [])
    : (day.unestablishedInstallFailures?.codes ?? []);
}

/** Days of the range whose installs not established reached the per-day cap. */
export function cappedDays(days: readonly SiteDay[]): { count: number; cap?: number } {
  const capped = byDay(days).filter((d) => d.unestablishedInstallFailures?.capped);
  return { count: capped.length, cap: capped.at(-1)?.unestablishedInstallFailures?.cap };
}

/** Failed installs by error code, most first; the folded "other" code last. */
export function installFailureTotals(
  days: readonly SiteDay[],
  series: InstallFailureSeries = 'established',
): InstallFailureRow[] {
  const rows = new Map<string, InstallFailureRow>();
  for (const day of byDay(days)) {
    for (const failure of installFailuresOf(day, series)) {
      const row = rows.get(failure.code) ?? { code: failure.code, installs: 0, days: 0 };
      row.installs += failure.installs;
      row.days += 1;
      rows.set(failure.code, row);
    }
  }
  return [...rows.values()].sort(
    (a, b) =>
      Number(a.code === OTHER_VALUE) - Number(b.code === OTHER_VALUE) ||
      b.installs - a.installs ||
      a.code.localeCompare(b.code),
  );
}
