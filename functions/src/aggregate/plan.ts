/**
 * Planning a run: which days to publish, which of them changed since they were last published,
 * and how many shards to split the work into. The plan is stored (`runs/{id}`) before any shard
 * starts, so every shard and merge task of the run works from the same one.
 */
import { randomBytes } from 'node:crypto';
import type { DayAggregate } from '../../../shared/aggregate.ts';
import type { DeploymentConfig } from '../../../shared/config.ts';
import { addDays, dayOf, dayRange, type Day } from '../../../shared/dates.ts';
import type { PurgeResult, Store } from '../store/types.ts';
import type { RunPlan } from '../model/stored.ts';
import { shardCount } from '../model/buckets.ts';

/** What planning, shards and merges need. */
export interface AggregationDependencies {
  store: Store;
  clock: () => number;
  config: DeploymentConfig;
  /**
   * The key that seeds the publication's noise (the install-id HMAC secret): asked for only when
   * a day is published, so planning and shards run without it.
   */
  publicationSecret: () => string;
  /** Events one shard is sized for (default: the configuration's aggregation.eventsPerShard). */
  eventsPerShard?: number;
  /** A shard's events of a day up to this many are read in one query (default PREFETCH_EVENTS). */
  prefetchEvents?: number;
  /** The store holds the simulated demo fleet: every day written is marked `demo: true`. */
  demo?: boolean;
}

/** Days before today that every scheduled run looks at: late events may still arrive for them. */
export function lateDays(config: DeploymentConfig): number {
  return Math.ceil(config.lateArrivalHours / 24) + 1;
}

/** Whether no more events can arrive for `day` once a run on `today` has computed it. */
export function isFinal(day: Day, today: Day, config: DeploymentConfig): boolean {
  return day <= addDays(today, -lateDays(config));
}

/** Days of pages kept: the event retention (backfill reaches that far) plus an install's memory. */
export function pageRetentionDays(config: DeploymentConfig): number {
  return config.eventRetentionDays + config.installRetentionDays;
}

/** A new run id: sortable by time, unique. */
function runId(now: number): string {
  return `${new Date(now).toISOString().replace(/[-:.]/g, '')}-${randomBytes(4).toString('hex')}`;
}

/**
 * Whether `day`'s events may have changed since it was published: always for a day never
 * published; never for a day published with differential privacy, which is final and never
 * replaced (its noisy event counts say nothing exact to compare with); for a day published before
 * that (k-anonymity, exact counts), when its event count differs.
 */
function eventsChanged(published: DayAggregate | undefined, count: number): boolean {
  if (!published) return true;
  if (published.privacy !== undefined) return false;
  return count !== Object.values(published.events).reduce((sum, n) => sum + (n ?? 0), 0);
}

async function sizeAndStore(
  deps: AggregationDependencies,
  plan: Omit<RunPlan, 'shards'>,
  counts: Map<Day, number>,
): Promise<RunPlan> {
  const largest = Math.max(0, ...plan.days.map((d) => counts.get(d) ?? 0));
  const run: RunPlan = {
    ...plan,
    shards: shardCount(largest, deps.eventsPerShard ?? deps.config.aggregation.eventsPerShard),
  };
  // Plans and partials of earlier runs are done with: their days are published.
  await deps.store.deleteRunsBefore(run.id);
  if (run.days.length > 0) await deps.store.writeRun(run);
  return run;
}

/** A run that recomputes every day of `days` from its events (`npm run aggregate`). */
export async function planDays(deps: AggregationDependencies, days: Day[]): Promise<RunPlan> {
  const now = deps.clock();
  const counts = new Map<Day, number>();
  for (const day of days) counts.set(day, await deps.store.countEvents(day));
  return sizeAndStore(
    deps,
    {
      id: runId(now),
      createdAt: now,
      today: dayOf(now),
      days: [...days].sort(),
      rebuild: [...days].sort(),
      changed: [],
      erasures: await deps.store.readErasures(),
    },
    counts,
  );
}

/** What the scheduled run decided, besides its plan. */
export interface ScheduledPlan {
  plan: RunPlan;
  /** Days inside retention never published. */
  backfilled: Day[];
  /** Days of the late window published again (changed, after a change, or turning final). */
  recomputed: Day[];
  purged: PurgeResult;
}

/**
 * The daily plan: backfill days inside retention never published; in the late window, the first
 * day whose events changed (a count differs from the published one, or an erasure touched it) and
 * every day after it, since an install's activity on one day moves its later 7- and 28-day
 * figures; and a day whose `final` flag turns. Purges what is past retention first.
 */
export async function planScheduled(deps: AggregationDependencies): Promise<ScheduledPlan> {
  const { store, config } = deps;
  const now = deps.clock();
  const today = dayOf(now);
  const yesterday = addDays(today, -1);
  const lateStart = addDays(today, -lateDays(config));
  const retentionStart = addDays(today, -config.eventRetentionDays);
  const purged = await store.purgeExpired(
    retentionStart,
    addDays(today, -pageRetentionDays(config)),
  );
  const published = new Map(
    (await store.readDays(retentionStart, yesterday)).map((d) => [d.day, d]),
  );
  const backfilled = dayRange(retentionStart, addDays(lateStart, -1)).filter(
    (d) => !published.has(d),
  );
  const late = dayRange(lateStart, yesterday);
  const erasures = await store.readErasures();
  const erased = new Set(erasures.flatMap((e) => e.days));
  const counts = new Map<Day, number>();
  const changed: Day[] = [];
  for (const day of [...backfilled, ...late]) {
    const count = await store.countEvents(day);
    counts.set(day, count);
    const stored = published.get(day);
    const settled = stored?.privacy !== undefined && stored.final;
    if (eventsChanged(stored, count) || (erased.has(day) && !settled)) changed.push(day);
  }
  const firstChange = late.find((d) => changed.includes(d));
  const recomputed = late.filter(
    (d) =>
      (firstChange !== undefined && d >= firstChange) ||
      published.get(d)?.final !== isFinal(d, today, config),
  );
  const plan = await sizeAndStore(
    deps,
    {
      id: runId(now),
      createdAt: now,
      today,
      days: [...backfilled, ...recomputed],
      rebuild: [],
      changed,
      erasures,
    },
    counts,
  );
  return { plan, backfilled, recomputed, purged };
}
