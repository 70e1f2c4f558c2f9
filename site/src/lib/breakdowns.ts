/**
 * Breakdowns of the 28-day active installs (version, platform, modules) shaped for the Versions
 * and Platforms pages: the current distribution, adoption over time, and upgrade totals.
 * Pure, and free of runtime imports from the zod modules, because the browser runs it too.
 */
import { dayRange, type Day } from '../../../shared/dates.ts';
import { compareVersions, topValues } from '../../../shared/days-query.ts';
import { OTHER as OTHER_VALUE, UNKNOWN as UNKNOWN_VALUE } from '../../../shared/values.ts';
import { byDay, type SiteDay } from './series.ts';

export { compareVersions, topValues } from '../../../shared/days-query.ts';

/** The folded bucket of values below k, and the bucket of installs that reported no value. */
export { OTHER_VALUE, UNKNOWN_VALUE };

/** How the pages name each breakdown. */
export const BREAKDOWN_LABELS: Record<string, string> = {
  version: 'Version',
  channel: 'Release channel',
  installMethod: 'Install method',
  os: 'Operating system',
  osVersion: 'OS version',
  kernel: 'Kernel',
  arch: 'Architecture',
  virtualization: 'Virtualization',
  container: 'Container',
  module: 'Module',
};

/** A breakdown's name as a heading: "Operating system", or the attribute key for attributes. */
export function breakdownLabel(name: string): string {
  return BREAKDOWN_LABELS[name] ?? name.replace(/^attribute\./, '');
}

/**
 * The day whose breakdowns count as "current": the latest final day, else the latest day. Open
 * days still grow as late reports arrive, so they would understate the newest values.
 */
export function referenceDay(days: readonly SiteDay[]): SiteDay | undefined {
  const sorted = byDay(days);
  return sorted.findLast((d) => d.final) ?? sorted.at(-1);
}

/** One value of a breakdown on one day. */
export interface DistributionRow {
  value: string;
  installs: number;
  /** installs / 28-day active installs; null when nothing was active. */
  share: number | null;
}

/** Folded and missing values sort last: they are not values anyone picked. */
function isResidual(value: string): boolean {
  return value === OTHER_VALUE || value === UNKNOWN_VALUE;
}

/** A breakdown on one day, largest first, "other" and "unknown" last. */
export function distribution(day: SiteDay | undefined, name: string): DistributionRow[] {
  if (!day) return [];
  const total = day.activeInstalls?.d28 ?? 0;
  return [...(day.breakdowns?.[name] ?? [])]
    .sort(
      (a, b) =>
        Number(isResidual(a.value)) - Number(isResidual(b.value)) ||
        b.installs - a.installs ||
        a.value.localeCompare(b.value),
    )
    .map((bucket) => ({
      value: bucket.value,
      installs: bucket.installs,
      share: total > 0 ? bucket.installs / total : null,
    }));
}

/** One stacked series of a breakdown over time. */
export interface TrendSeries {
  key: string;
  label: string;
  values: (number | null)[];
}

/** A breakdown over time: the top values and one series for everything else. */
export interface BreakdownTrend {
  labels: Day[];
  series: TrendSeries[];
}

/**
 * Installs per value per day for the top values, plus "Other" holding every remaining bucket
 * (folded, unknown and smaller values), so each day's stack adds up to what the day published.
 * Days without an aggregate are null in every series (a gap, not a zero). Versions are ordered
 * oldest first, other breakdowns largest first.
 */
export function breakdownTrend(
  days: readonly SiteDay[],
  name: string,
  top: number,
): BreakdownTrend {
  const sorted = byDay(days);
  const first = sorted[0];
  const last = sorted.at(-1);
  if (!first || !last) return { labels: [], series: [] };
  const chosen = topValues(sorted, name, top);
  if (name === 'version') chosen.sort(compareVersions);
  const index = new Map(sorted.map((d) => [d.day, d]));
  const labels = dayRange(first.day, last.day);
  const perDay = labels.map((label) => {
    const day = index.get(label);
    if (!day) return null;
    const counts = new Map<string, number>();
    let rest = 0;
    for (const bucket of day.breakdowns?.[name] ?? []) {
      if (chosen.includes(bucket.value)) counts.set(bucket.value, bucket.installs);
      else rest += bucket.installs;
    }
    return { counts, rest };
  });
  const series: TrendSeries[] = chosen.map((value) => ({
    key: value,
    label: value,
    values: perDay.map((d) => (d ? (d.counts.get(value) ?? 0) : null)),
  }));
  const rest = perDay.map((d) => (d ? d.rest : null));
  if (rest.some((v) => v !== null && v > 0)) {
    series.push({ key: OTHER_VALUE, label: 'Other and unknown', values: rest });
  }
  return { labels, series };
}

/** Upgrades from one version to another over a range. */
export interface UpgradeRow {
  from: string;
  to: string;
  /** Sum of the daily counts: each upgrade is counted on the one day it was seen. */
  installs: number;
  /** Days on which this upgrade was published. */
  days: number;
}

/** Every from→to pair of the days with its total, most installs first. */
export function upgradeTotals(days: readonly SiteDay[]): UpgradeRow[] {
  const rows = new Map<string, UpgradeRow>();
  for (const day of byDay(days)) {
    for (const upgrade of day.upgrades ?? []) {
      const key = `${upgrade.from}\u0000${upgrade.to}`;
      const row = rows.get(key) ?? { from: upgrade.from, to: upgrade.to, installs: 0, days: 0 };
      row.installs += upgrade.installs;
      row.days += 1;
      rows.set(key, row);
    }
  }
  return [...rows.values()].sort(
    (a, b) =>
      b.installs - a.installs || compareVersions(a.from, b.from) || compareVersions(a.to, b.to),
  );
}
