/** Sums of LibreNMS-style counters over the installs that reported them on a day. */
import { OTHER, type CounterGroup } from '../../../shared/aggregate.ts';
import type { StoredEvent } from '../store/types.ts';

/** Counter groups backed by at least `k` installs; values backed by fewer fold into "other". */
export function buildCounters(events: StoredEvent[], k: number): CounterGroup[] {
  // One report per install: its latest counters of the day.
  const latest = new Map<string, StoredEvent>();
  for (const event of events) {
    if (!event.counters) continue;
    const key = event.install ?? `anonymous:${event.id}`;
    const seen = latest.get(key);
    if (
      !seen ||
      seen.receivedAt < event.receivedAt ||
      (seen.receivedAt === event.receivedAt && seen.id < event.id)
    ) {
      latest.set(key, event);
    }
  }
  const groups = new Map<
    string,
    { installs: Set<string>; values: Map<string, { installs: Set<string>; sum: number }> }
  >();
  for (const [install, event] of latest) {
    for (const [key, count] of Object.entries(event.counters ?? {})) {
      const dot = key.indexOf('.');
      const groupName = key.slice(0, dot);
      const value = key.slice(dot + 1);
      const group = groups.get(groupName) ?? { installs: new Set<string>(), values: new Map() };
      group.installs.add(install);
      const entry = group.values.get(value) ?? { installs: new Set<string>(), sum: 0 };
      entry.installs.add(install);
      entry.sum += count;
      group.values.set(value, entry);
      groups.set(groupName, group);
    }
  }
  const published: CounterGroup[] = [];
  for (const [group, data] of groups) {
    if (data.installs.size < k) continue;
    const values: CounterGroup['values'] = [];
    const other = { value: OTHER, installs: new Set<string>(), sum: 0 };
    let sum = 0;
    for (const [value, entry] of data.values) {
      sum += entry.sum;
      if (entry.installs.size >= k)
        values.push({ value, installs: entry.installs.size, sum: entry.sum });
      else {
        for (const install of entry.installs) other.installs.add(install);
        other.sum += entry.sum;
      }
    }
    // A small "other" would publish the counts of one or two installs, and leaving it out would
    // not hide it (`sum` minus the published values gives it away): fold the smallest published
    // values into it until it is backed by k installs. All values together are the group's ≥ k.
    values.sort(
      (a, b) => a.installs - b.installs || a.sum - b.sum || a.value.localeCompare(b.value),
    );
    while (other.installs.size > 0 && other.installs.size < k && values.length > 0) {
      const smallest = values.shift() as CounterGroup['values'][number];
      for (const install of data.values.get(smallest.value)?.installs ?? [])
        other.installs.add(install);
      other.sum += smallest.sum;
    }
    values.sort((a, b) => b.sum - a.sum || a.value.localeCompare(b.value));
    if (other.installs.size > 0)
      values.push({ value: OTHER, installs: other.installs.size, sum: other.sum });
    published.push({ group, installs: data.installs.size, sum, values });
  }
  return published.sort((a, b) => a.group.localeCompare(b.group));
}
