/**
 * One shard of a run: a contiguous range of buckets (shard 0 also takes the reports without
 * identity). For each bucket it rebuilds the pages whose events changed, reads the bucket's pages
 * of the window, and adds the bucket's exact tallies of every day of the run; then it writes one
 * partial per day. One bucket is in memory at a time, so a shard's memory follows the bucket
 * size, not the shard size.
 */
import { addDays, type Day } from '../../../shared/dates.ts';
import type { EventRange } from '../store/types.ts';
import type { RunPlan, StoredEvent, StoredPage, StoredPartial } from '../model/stored.ts';
import {
  ANONYMOUS,
  bucketId,
  bucketOf,
  bucketRange,
  installKey,
  shardBuckets,
} from '../model/buckets.ts';
import { anonymousHistory } from './anonymous.ts';
import { addExact, emptyExact, exactToJson, type ExactDay } from './exact.ts';
import { bucketHistory, olderLookup, WINDOW_DAYS } from './history.ts';
import {
  buildPage,
  decodePage,
  encodePage,
  needsRebuild,
  pageLocal,
  withoutInstalls,
  type Page,
} from './page.ts';
import type { AggregationDependencies } from './plan.ts';
import { loadQuarantineIndex } from './quarantine.ts';

/** Buckets whose pages are being read while the shard folds the current one. */
const PAGE_READ_AHEAD = 2;

/** A recomputed day's events of a shard up to this many are read in one query. */
export const PREFETCH_EVENTS = 20_000;

/** Documents a shard read and wrote for one day (history pages count on the run's first day). */
interface DayCost {
  read: number;
  written: number;
}

/** The stored form of a page without its run: equal when nothing in it changed. */
function sameParts(a: StoredPage[], b: StoredPage[]): boolean {
  const strip = (parts: StoredPage[]) =>
    JSON.stringify(
      [...parts].sort((x, y) => x.part - y.part).map(({ run: _run, ...rest }) => rest),
    );
  return a.length === b.length && strip(a) === strip(b);
}

/** Computes shard `shard` of `plan` and stores its partials; returns them. */
export async function runShard(
  deps: AggregationDependencies,
  plan: RunPlan,
  shard: number,
): Promise<StoredPartial[]> {
  const { store, config } = deps;
  if (plan.days.length === 0) return [];
  const days = plan.days;
  const first = days[0] as Day;
  const last = days[days.length - 1] as Day;
  const windowStart = addDays(first, -config.installRetentionDays);
  // Reports without identity are bounded by their cohorts' recent days (anonymous.ts).
  const anonymousStart = addDays(first, -config.screening.identitylessBaselineDays);
  const rebuild = new Set(plan.rebuild);
  const changed = new Set(plan.changed);
  const totals = new Map<Day, ExactDay>(days.map((d) => [d, emptyExact(d)]));
  const cost = new Map<Day, DayCost>(days.map((d) => [d, { read: 0, written: 0 }]));
  const charge = (day: Day, read: number, written = 0) => {
    const c = cost.get(day) ?? (cost.get(first) as DayCost);
    c.read += read;
    c.written += written;
  };
  const { index: quarantine, read: quarantineReads } = await loadQuarantineIndex(store);
  charge(first, quarantineReads);
  const buckets: (number | typeof ANONYMOUS)[] = shardBuckets(shard, plan.shards);
  if (shard === 0) buckets.push(ANONYMOUS);
  const mine = new Set(buckets.map((b) => (b === ANONYMOUS ? b : bucketId(b))));
  const erasures = plan.erasures.filter((e) => mine.has(bucketId(bucketOf(e.install))));

  // A day to recompute or check whose events of this shard are few is read with one query and
  // split by bucket here: hundreds of bucket queries, mostly empty, would cost more time (and an
  // empty query is still billed a read) than they save. A day with none is settled by one count.
  const prefetchLimit = deps.prefetchEvents ?? PREFETCH_EVENTS;
  const prefetched = new Map<Day, Map<string, StoredEvent[]>>();
  const hex = shardBuckets(shard, plan.shards);
  const shardRange = {
    lo: bucketRange(hex[0] as number).lo,
    hi: bucketRange(hex[hex.length - 1] as number).hi,
  };
  for (const day of days) {
    if (!rebuild.has(day) && !changed.has(day)) continue;
    const count = await store.countEvents(day, shardRange);
    charge(day, 1);
    if (count > prefetchLimit) continue;
    const byBucket = new Map<string, StoredEvent[]>();
    if (count > 0) {
      const events = await store.readRangeEvents(day, shardRange);
      charge(day, events.length);
      for (const event of events) {
        const id = bucketId(bucketOf(event.install as string));
        const list = byBucket.get(id);
        if (list) list.push(event);
        else byBucket.set(id, [event]);
      }
    }
    prefetched.set(day, byBucket);
  }

  // Page reads run a few buckets ahead of the fold, so a shard waits on Firestore's latency once
  // per few buckets, not once per bucket; only that many buckets' pages are held at a time.
  const reads = new Map<number, Promise<StoredPage[]>>();
  const pagesOf = (index: number): Promise<StoredPage[]> => {
    for (let k = index; k < Math.min(buckets.length, index + PAGE_READ_AHEAD); k += 1) {
      if (reads.has(k)) continue;
      const b = buckets[k] as number | typeof ANONYMOUS;
      const bucket = b === ANONYMOUS ? ANONYMOUS : bucketId(b);
      // Reports without identity have no history beyond their cohorts' baseline days.
      reads.set(k, store.readPages(bucket, b === ANONYMOUS ? anonymousStart : windowStart, last));
    }
    const read = reads.get(index) as Promise<StoredPage[]>;
    reads.delete(index);
    return read;
  };

  for (const [index, b] of buckets.entries()) {
    const id = b === ANONYMOUS ? ANONYMOUS : bucketId(b);
    const range: EventRange = b === ANONYMOUS ? 'anonymous' : bucketRange(b);
    const stored = await pagesOf(index);
    const partsByDay = new Map<Day, StoredPage[]>();
    for (const part of stored) {
      const list = partsByDay.get(part.day);
      if (list) list.push(part);
      else partsByDay.set(part.day, [part]);
      charge(part.day, 1);
    }
    // Pages of the 28 days before the first run day onwards are decoded; older ones are only
    // searched for the few installs those do not place (history.ts).
    const decodeFrom = addDays(first, -WINDOW_DAYS);
    const pages = new Map<Day, Page>();
    const older = new Map<Day, StoredPage[]>();
    for (const [day, parts] of partsByDay) {
      if (day >= decodeFrom || days.includes(day)) pages.set(day, decodePage(parts));
      else older.set(day, parts);
    }
    const lookup = olderLookup(older);

    // Erased installs leave every page of the window; a run day that held one is rebuilt from
    // its events (the erase deleted them), other days keep their tallies, which no run publishes.
    const erasedKeys = new Set(
      erasures
        .filter((e) => bucketId(bucketOf(e.install)) === id)
        .map((e) => installKey(e.install)),
    );
    const forced = new Set(
      erasures.filter((e) => bucketId(bucketOf(e.install)) === id).flatMap((e) => e.days),
    );
    if (erasedKeys.size > 0) {
      for (const [day, parts] of older) pages.set(day, decodePage(parts));
      older.clear();
      for (const [day, page] of pages) {
        if (!page.keys.some((k) => erasedKeys.has(k))) continue;
        forced.add(day);
        const cleaned = withoutInstalls(page, erasedKeys);
        pages.set(day, cleaned);
        if (!days.includes(day)) {
          await store.writePages(encodePage(cleaned, plan.id));
          charge(first, 0, 1);
        }
      }
    }

    // The anonymous baseline days before the run: a page from before cohorts were kept is
    // rebuilt from its events while they are kept (else it counts as a day without reports).
    if (b === ANONYMOUS)
      for (const [day, page] of pages) {
        if (day >= first || !needsRebuild(page)) continue;
        const events = await store.readRangeEvents(day, 'anonymous');
        charge(first, Math.max(1, events.length));
        if (events.length === 0) continue;
        const rebuilt = buildPage(day, ANONYMOUS, events, config);
        pages.set(day, rebuilt);
        await store.writePages(encodePage(rebuilt, plan.id));
        charge(first, 0, 1);
      }

    for (const day of days) {
      const storedParts = partsByDay.get(day) ?? [];
      const current = pages.get(day);
      let needed =
        rebuild.has(day) || forced.has(day) || (current !== undefined && needsRebuild(current));
      const early = b === ANONYMOUS ? undefined : prefetched.get(day);
      if (!needed && changed.has(day)) {
        let count = early?.get(id)?.length;
        if (count === undefined && early === undefined) {
          count = await store.countEvents(day, range);
          charge(day, 1);
        }
        needed = (count ?? 0) !== (pages.get(day)?.events ?? 0);
      }
      if (!needed) continue;
      const events = early ? (early.get(id) ?? []) : await store.readRangeEvents(day, range);
      if (!early) charge(day, Math.max(1, events.length));
      // No events and no page: nothing to keep (most buckets of a small deployment).
      if (events.length === 0 && storedParts.length === 0) continue;
      const page = buildPage(day, id, events, config);
      pages.set(day, page);
      const parts = encodePage(page, plan.id);
      // A rerun over unchanged events rebuilds the same page: nothing to write.
      if (!sameParts(parts, storedParts)) {
        await store.writePages(parts);
        charge(day, 0, parts.length);
      }
    }

    if (pages.size === 0) continue;
    const history =
      b === ANONYMOUS
        ? anonymousHistory(pages, days, config, quarantine)
        : bucketHistory(pages, days, config, lookup, { quarantine });
    for (const day of days) {
      const total = totals.get(day) as ExactDay;
      const page = pages.get(day);
      if (page) addExact(total, pageLocal(page));
      const own = history?.get(day);
      if (own) addExact(total, own);
    }
  }

  const partials: StoredPartial[] = days.map((day) => ({
    run: plan.id,
    day,
    shard,
    exact: exactToJson(totals.get(day) as ExactDay),
    documentsRead: cost.get(day)?.read ?? 0,
    documentsWritten: (cost.get(day)?.written ?? 0) + 1,
  }));
  await store.writePartials(partials);
  // Applied: every page of these installs in the window is clean, and the run's days are rebuilt.
  if (erasures.length > 0) await store.deleteErasures(erasures.map((e) => e.install));
  return partials;
}
