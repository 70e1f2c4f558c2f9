/** Counter groups and values (LibreNMS-style facts), noisy, with clipped sums. */
import type { CounterGroup } from '../../../../shared/aggregate.ts';
import { capPartsByGroup, count } from './consistency.ts';
import { releaseHistogram } from './histogram.ts';
import type { NoiseSource } from './noise.ts';
import { queryNoise, type PublicationPlan } from './plan.ts';
import type { ExactDay } from './types.ts';

/**
 * Groups whose noisy install count reaches the threshold, each with its values that do. One
 * install reports many values of a group, so values add up to no install count, and a group's
 * sum is the sum of its published values (a remainder would carry noise as large as the clip
 * times the values one install may report).
 */
export function publishCounters(
  noise: NoiseSource,
  plan: PublicationPlan,
  exact: ExactDay['counters'],
  d1: number,
): CounterGroup[] {
  const groups = releaseHistogram(noise, plan, 'counters.groups', exact.groups);
  const groupVariance = queryNoise(plan, 'counters.groups').sigma ** 2;
  const valueVariance = queryNoise(plan, 'counters.values').sigma ** 2;
  const published: CounterGroup[] = [];
  for (const group of groups.shown) {
    // Keys carry the group, so equal values of two groups never share noise.
    const prefix = `${group.key}.`;
    const buckets = (exact.values[group.key] ?? []).map((b) => ({ ...b, key: prefix + b.key }));
    const shown = releaseHistogram(noise, plan, 'counters.values', buckets, {
      sum: 'counters.values.sum',
    }).shown;
    // No value has more installs than its group: the shown values and the group's count are
    // brought to agree, each in proportion to its noise (post-processing of noisy figures only).
    const fitted = capPartsByGroup(
      group.installs,
      shown.map((v) => v.installs),
      groupVariance,
      valueVariance,
      d1,
    );
    const installs = count(fitted.group);
    // Only a day of no active installs caps a shown group at 0.
    if (installs === 0) continue;
    // Each shown value came at or above its threshold and the fit lowers it to the group's level
    // at most, so it rounds to between 1 and the group's count: no empty rows, none above it.
    const values = shown
      .map((v, i) => ({
        value: v.key.slice(prefix.length),
        installs: count(fitted.parts[i] ?? 0),
        sum: count(v.sums.sum ?? 0),
      }))
      .sort((a, b) => b.sum - a.sum || a.value.localeCompare(b.value));
    const sum = values.reduce((total, v) => total + v.sum, 0);
    published.push({ group: group.key, installs, sum, values });
  }
  return published.sort((a, b) => a.group.localeCompare(b.group));
}
