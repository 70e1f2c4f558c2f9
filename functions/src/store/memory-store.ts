/** An in-memory Store for unit tests and benchmarks; never what `npm start` or deploy uses. */
import type { DayAggregate } from '../../../shared/aggregate.ts';
import type { Day } from '../../../shared/dates.ts';
import { bucketId, bucketOf, installKey } from '../model/buckets.ts';
import { eraseFromPages, pageId } from './pages.ts';
import {
  partialId,
  type Erasure,
  type Quarantine,
  type QuarantineKeys,
  type RunPlan,
  type StoredEvent,
  type StoredPage,
  type StoredPartial,
} from '../model/stored.ts';
import {
  type DeleteResult,
  type EventRange,
  type PurgeResult,
  type SaveResult,
  type Store,
} from './types.ts';
import { projectDay, type DayField, type DayProjection } from '../../../shared/days-query.ts';

/**
 * The store owns what it is given: written objects are deep-frozen, not copied, and reads hand
 * out those frozen objects. Nobody can change stored data behind the store's back (a caller that
 * tries gets a TypeError), and neither writes nor reads pay for a deep copy.
 */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** The events by id, with an index by day kept in step by every set and delete. */
class EventMap extends Map<string, StoredEvent> {
  private readonly byDay = new Map<Day, Map<string, StoredEvent>>();

  override set(id: string, event: StoredEvent): this {
    const previous = this.get(id);
    if (previous !== undefined && previous.day !== event.day)
      this.byDay.get(previous.day)?.delete(id);
    super.set(id, event);
    this.sorted.delete(event.day);
    if (previous !== undefined) this.sorted.delete(previous.day);
    const day = this.byDay.get(event.day);
    if (day) day.set(id, event);
    else this.byDay.set(event.day, new Map([[id, event]]));
    return this;
  }

  override delete(id: string): boolean {
    const event = this.get(id);
    if (event === undefined) return false;
    this.byDay.get(event.day)?.delete(id);
    this.sorted.delete(event.day);
    return super.delete(id);
  }

  override clear(): void {
    this.byDay.clear();
    this.sorted?.clear();
    super.clear();
  }

  /** The events of one day, in the order they were stored. */
  onDay(day: Day): StoredEvent[] {
    return [...(this.byDay.get(day)?.values() ?? [])];
  }

  /** Per day, its identified events sorted by install: built on demand, dropped on any change. */
  private readonly sorted = new Map<Day, StoredEvent[]>();

  /** The identified events of a day whose install is in [lo, hi), by binary search. */
  inRangeOnDay(day: Day, lo: string, hi: string): StoredEvent[] {
    let list = this.sorted.get(day);
    if (!list) {
      list = this.onDay(day)
        .filter((e) => e.install !== null)
        .sort((a, b) => ((a.install as string) < (b.install as string) ? -1 : 1));
      this.sorted.set(day, list);
    }
    const first = (bound: string) => {
      let a = 0;
      let b = list.length;
      while (a < b) {
        const mid = (a + b) >> 1;
        if (((list[mid] as StoredEvent).install as string) < bound) a = mid + 1;
        else b = mid;
      }
      return a;
    };
    return list.slice(first(lo), first(hi));
  }
}

/** Builds a Store that keeps everything in maps; `failing` makes every call reject. */
export class MemoryStore implements Store {
  readonly events = new EventMap();
  /** Activity page parts by id. */
  readonly pages = new Map<string, StoredPage>();
  private readonly pagesByBucket = new Map<string, Map<string, StoredPage>>();
  readonly erasures = new Map<string, Erasure>();
  readonly runs = new Map<string, RunPlan>();
  readonly partials = new Map<string, StoredPartial>();
  readonly days = new Map<Day, DayAggregate>();
  readonly quarantines = new Map<string, Quarantine>();
  readonly quarantineKeys = new Map<string, QuarantineKeys>();
  /** When set, every operation rejects with this error (a store outage). */
  failWith: Error | undefined;

  private check(): void {
    if (this.failWith) throw this.failWith;
  }

  async saveEvents(events: StoredEvent[]): Promise<SaveResult> {
    this.check();
    let created = 0;
    for (const event of events) {
      if (this.events.has(event.id)) continue;
      this.events.set(event.id, deepFreeze(event));
      created += 1;
    }
    return { created, duplicates: events.length - created };
  }

  async readDayEvents(day: Day): Promise<StoredEvent[]> {
    this.check();
    return this.events.onDay(day);
  }

  async countEvents(day: Day, range?: EventRange): Promise<number> {
    this.check();
    if (range === undefined) return this.events.onDay(day).length;
    return this.eventsInRange(day, range).length;
  }

  async readRangeEvents(day: Day, range: EventRange): Promise<StoredEvent[]> {
    this.check();
    return this.eventsInRange(day, range);
  }

  private eventsInRange(day: Day, range: EventRange): StoredEvent[] {
    if (range === 'anonymous') return this.events.onDay(day).filter((e) => e.install === null);
    return this.events.inRangeOnDay(day, range.lo, range.hi);
  }

  async readPages(bucket: string, from: Day, to: Day): Promise<StoredPage[]> {
    this.check();
    return [...(this.pagesByBucket.get(bucket)?.values() ?? [])].filter(
      (p) => p.day >= from && p.day <= to,
    );
  }

  async writePages(pages: StoredPage[]): Promise<void> {
    this.check();
    for (const page of pages) this.setPage(deepFreeze(page));
  }

  /** Stores a page part and keeps the index by bucket in step. */
  private setPage(page: StoredPage): void {
    const id = pageId(page);
    this.pages.set(id, page);
    let bucket = this.pagesByBucket.get(page.bucket);
    if (!bucket) this.pagesByBucket.set(page.bucket, (bucket = new Map()));
    bucket.set(id, page);
  }

  async readErasures(): Promise<Erasure[]> {
    this.check();
    return [...this.erasures.values()];
  }

  async deleteErasures(installs: string[]): Promise<void> {
    this.check();
    for (const install of installs) this.erasures.delete(install);
  }

  async writeRun(run: RunPlan): Promise<void> {
    this.check();
    this.runs.set(run.id, deepFreeze(run));
  }

  async readRun(id: string): Promise<RunPlan | undefined> {
    this.check();
    return this.runs.get(id);
  }

  async writePartials(partials: StoredPartial[]): Promise<void> {
    this.check();
    for (const p of partials) this.partials.set(partialId(p.run, p.day, p.shard), deepFreeze(p));
  }

  async readPartials(ids: string[]): Promise<StoredPartial[]> {
    this.check();
    return ids.flatMap((id) => this.partials.get(id) ?? []);
  }

  async deleteRunsBefore(run: string): Promise<number> {
    this.check();
    let deleted = 0;
    for (const [id, p] of this.partials)
      if (p.run < run) deleted += Number(this.partials.delete(id));
    for (const id of this.runs.keys()) if (id < run) deleted += Number(this.runs.delete(id));
    return deleted;
  }

  /** The installs (page keys) any stored page holds: what aggregation remembers of installs. */
  knownInstalls(): Set<string> {
    const keys = new Set<string>();
    for (const page of this.pages.values())
      for (let i = 0; i < page.keys.length; i += 16) keys.add(page.keys.slice(i, i + 16));
    return keys;
  }

  async writeDays(days: DayAggregate[]): Promise<void> {
    this.check();
    for (const day of days) this.days.set(day.day, deepFreeze(day));
  }

  readDays(from: Day, to: Day): Promise<DayAggregate[]>;
  readDays(from: Day, to: Day, fields: readonly DayField[] | undefined): Promise<DayProjection[]>;
  async readDays(from: Day, to: Day, fields?: readonly DayField[]): Promise<DayProjection[]> {
    this.check();
    return [...this.days.values()]
      .filter((d) => d.day >= from && d.day <= to)
      .sort((a, b) => a.day.localeCompare(b.day))
      .map((d) => projectDay(d, fields));
  }

  async eraseInstall(install: string): Promise<DeleteResult> {
    this.check();
    let events = 0;
    for (const [id, event] of this.events) {
      if (event.install === install) {
        this.events.delete(id);
        events += 1;
      }
    }
    const key = installKey(install);
    const bucket = bucketId(bucketOf(install));
    const changed = eraseFromPages([...(this.pagesByBucket.get(bucket)?.values() ?? [])], key);
    for (const part of changed) this.setPage(deepFreeze(part));
    const days = new Set(changed.map((p) => p.day));
    const known = days.size > 0 && !this.erasures.has(install);
    if (events > 0 || days.size > 0) {
      const previous = this.erasures.get(install)?.days ?? [];
      this.erasures.set(
        install,
        deepFreeze({
          install,
          days: [...new Set([...previous, ...days])].sort(),
          erasedAt: Date.now(),
        }),
      );
    }
    return { events, installs: known ? 1 : 0 };
  }

  async purgeExpired(eventsBefore: Day, pagesBefore: Day): Promise<PurgeResult> {
    this.check();
    let events = 0;
    let pages = 0;
    for (const [id, event] of this.events) {
      if (event.day < eventsBefore) {
        this.events.delete(id);
        events += 1;
      }
    }
    for (const [id, page] of this.pages) {
      if (page.day < pagesBefore) {
        this.pages.delete(id);
        this.pagesByBucket.get(page.bucket)?.delete(id);
        pages += 1;
      }
    }
    return { events, pages };
  }

  async writeQuarantine(quarantine: Quarantine, keys?: QuarantineKeys[]): Promise<void> {
    this.check();
    if (keys) {
      for (const [id, part] of this.quarantineKeys)
        if (part.quarantine === quarantine.id) this.quarantineKeys.delete(id);
      for (const part of keys)
        this.quarantineKeys.set(`${part.quarantine}_${part.part}`, deepFreeze(part));
    }
    this.quarantines.set(quarantine.id, deepFreeze(quarantine));
  }

  async readQuarantines(): Promise<Quarantine[]> {
    this.check();
    return [...this.quarantines.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async readQuarantineKeys(id: string): Promise<QuarantineKeys[]> {
    this.check();
    return [...this.quarantineKeys.values()]
      .filter((part) => part.quarantine === id)
      .sort((a, b) => a.part - b.part);
  }
}
