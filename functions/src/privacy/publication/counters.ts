/** Counter groups and values (LibreNMS-style facts), noisy, with clipped sums. */
import type { CounterGroup } from '../../../../shared/aggregate.ts';
import { count } from './consistency.ts';
import { releaseHistogram } from './histogram.ts';
import type { NoiseSource } from './noise.ts';
import type { PublicationPlan } from './plan.ts';
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
): CounterGroup[] {
  const groups = releaseHistogram(noise, plan, 'counters.groups', exact.groups);
  const published: CounterGroup[] = [];
  for (const group of groups.shown) {
    const installs = count(group.installs);
    if (installs === 0) continue;
    // Keys carry the group, so equal values of two groups never share noise.
    const prefix = `${group.key}.`;
    const buckets = (exact.values[group.key] ?? []).map((b) => ({ ...b, key: prefix + b.key }));
    const values = releaseHistogram(noise, plan, 'counters.values', buckets, {
      sum: 'counters.values.sum',
    })
      .shown.map((v) => ({
        value: v.key.slice(prefix.length),
        installs: Math.min(installs, count(v.installs)),
        sum: count(v.sums.sum ?? 0),
      }))
      .filter((v) => v.installs > 0)
      .sort((a, b) => b.sum - a.sum || a.value.localeCompare(b.value));
    const sum = values.reduce((total, v) => total + v.sum, 0);
    published.push({ group: group.key, installs, sum, values });
  }
  return published.sort((a, b) => a.group.localeCompare(b.group));
}
