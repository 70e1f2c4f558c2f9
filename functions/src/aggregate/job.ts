/**
 * The aggregation job: the same code runs in the scheduled function and in `npm run aggregate`.
 * Reads one day's events and the installs of its 28-day window, updates the install records of
 * the day, and writes `days/{day}`.
 */
import type { DayAggregate } from '../../../shared/aggregate.ts';
import type { DeploymentConfig } from '../../../shared/config.ts';
import { addDays, dayOf, dayRange, type Day } from '../../../shared/dates.ts';
import type { DeleteResult, InstallRecord, Store } from '../store/types.ts';
import { buildDayAggregate } from './day.ts';
import { eventsByInstall, recordDay, sameRecord } from './installs.ts';

/** Days before today that every scheduled run recomputes: late events may still arrive for them. */
export function lateDays(config: DeploymentConfig): number {
  return Math.ceil(config.lateArrivalHours / 24) + 1;
}

/** Whether no more events can arrive for `day` once a run on `today` has computed it. */
export function isFinal(day: Day, today: Day, config: DeploymentConfig): boolean {
  return day <= addDays(today, -lateDays(config));
}

/** What the job needs. */
export interface AggregationDependencies {
  store: Store;
  clock: () => number;
  config: DeploymentConfig;
}

/** Computes and stores the aggregate of one day. */
export async function aggregateDay(deps: AggregationDependencies, day: Day): Promise<DayAggregate> {
  const { store, config } = deps;
  const now = deps.clock();
  const events = await store.readDayEvents(day);
  const windowStart = addDays(day, -27);
  const window = new Map((await store.readInstallsSeenSince(windowStart)).map((r) => [r.id, r]));
  const windowRead = window.size;
  const grouped = eventsByInstall(events);
  // Installs returning after more than 28 days are not in the window query: fetch them by id.
  const missing = [...grouped.keys()].filter((id) => !window.has(id));
  const returning =
    missing.length > 0 ? await store.readInstalls(missing) : new Map<string, InstallRecord>();
  const changed: InstallRecord[] = [];
  for (const [id, list] of grouped) {
    const existing = window.get(id) ?? returning.get(id);
    const updated = recordDay(existing, id, day, list, config.installRetentionDays);
    // A rerun of a day changes nothing: skip identical writes.
    if (!existing || !sameRecord(existing, updated)) changed.push(updated);
    window.set(id, updated);
  }
  if (changed.length > 0) await store.writeInstalls(changed);
  const aggregate = buildDayAggregate({
    day,
    events,
    installs: [...window.values()],
    final: isFinal(day, dayOf(now), config),
    config,
    run: {
      computedAt: new Date(now).toISOString(),
      // Every id looked up counts, found or not: Firestore charges a read for each.
      documentsRead: events.length + windowRead + missing.length,
      documentsWritten: changed.length + 1,
    },
  });
  await store.writeDays([aggregate]);
  return aggregate;
}

/** Progress of a multi-day run, reported after each day. */
export type ProgressListener = (done: number, total: number, day: Day) => void;

/** Recomputes every day from `from` to `to`, in order. */
export async function aggregateRange(
  deps: AggregationDependencies,
  from: Day,
  to: Day,
  onProgress: ProgressListener = () => {},
): Promise<DayAggregate[]> {
  const days = dayRange(from, to);
  const results: DayAggregate[] = [];
  for (const [i, day] of days.entries()) {
    results.push(await aggregateDay(deps, day));
    onProgress(i + 1, days.length, day);
  }
  return results;
}

/** What a scheduled run did. */
export interface ScheduledRunSummary {
  recomputed: Day[];
  backfilled: Day[];
  purged: DeleteResult;
}

/**
 * The daily run: backfills days inside retention that were never aggregated, recomputes the
 * late-arrival window, then purges what is past retention.
 */
export async function runScheduledAggregation(
  deps: AggregationDependencies,
): Promise<ScheduledRunSummary> {
  const today = dayOf(deps.clock());
  const yesterday = addDays(today, -1);
  const recentStart = addDays(today, -lateDays(deps.config));
  const retentionStart = addDays(today, -deps.config.eventRetentionDays);
  const olderEnd = addDays(recentStart, -1);
  const done = new Set((await deps.store.readDays(retentionStart, olderEnd)).map((d) => d.day));
  const backfilled = dayRange(retentionStart, olderEnd).filter((d) => !done.has(d));
  const recomputed = dayRange(recentStart, yesterday);
  for (const day of [...backfilled, ...recomputed]) await aggregateDay(deps, day);
  const purged = await deps.store.purgeExpired(
    retentionStart,
    addDays(today, -deps.config.installRetentionDays),
  );
  return { recomputed, backfilled, purged };
}
