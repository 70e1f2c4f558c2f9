/** Sums of LibreNMS-style counters over the installs that reported them on a day. */
import { OTHER, type CounterGroup } from '../../../shared/aggregate.ts';
import type { DeploymentConfig } from '../../../shared/config.ts';
import type { CounterTallies, ExactDay } from './exact.ts';

/**
 * What one install's counter value adds to the day's sums. Today every value counts as reported;
 * a bound on what one install can contribute (the differential-privacy rule) goes here.
 */
export function clipCounter(value: number, _config: DeploymentConfig): number {
  return value;
}

/** Splits `group.value` the way counters have always been read. */
export function splitCounterKey(key: string): [group: string, value: string] {
  const dot = key.indexOf('.');
  return [key.slice(0, dot), key.slice(dot + 1)];
}

/** Installs whose reported values include any of `values`, each counted once. */
function installsReporting(group: CounterTallies, values: Set<string>): number {
  let n = 0;
  for (const [combo, installs] of group.combos)
    if (combo.split('\u0000').some((v) => values.has(v))) n += installs;
  return n;
}

/** Counter groups backed by at least `k` installs; values backed by fewer fold into "other". */
export function publishCounters(exact: ExactDay, k: number): CounterGroup[] {
  const published: CounterGroup[] = [];
  for (const [group, data] of exact.counters) {
    if (data.installs.n < k) continue;
    const values: CounterGroup['values'] = [];
    const folded = new Set<string>();
    let otherSum = 0;
    let sum = 0;
    for (const [value, entry] of data.values) {
      sum += entry.sum;
      if (entry.installs.n >= k) values.push({ value, installs: entry.installs.n, sum: entry.sum });
      else {
        folded.add(value);
        otherSum += entry.sum;
      }
    }
    let otherInstalls = installsReporting(data, folded);
    // A small "other" would publish the counts of one or two installs, and leaving it out would
    // not hide it (`sum` minus the published values gives it away): fold the smallest published
    // values into it until it is backed by k installs. All values together are the group's ≥ k.
    values.sort(
      (a, b) => a.installs - b.installs || a.sum - b.sum || a.value.localeCompare(b.value),
    );
    while (otherInstalls > 0 && otherInstalls < k && values.length > 0) {
      const smallest = values.shift() as CounterGroup['values'][number];
      folded.add(smallest.value);
      otherSum += smallest.sum;
      otherInstalls = installsReporting(data, folded);
    }
    values.sort((a, b) => b.sum - a.sum || a.value.localeCompare(b.value));
    if (otherInstalls > 0) values.push({ value: OTHER, installs: otherInstalls, sum: otherSum });
    published.push({ group, installs: data.installs.n, sum, values });
  }
  return published.sort((a, b) => a.group.localeCompare(b.group));
}
