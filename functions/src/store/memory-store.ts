/** An in-memory Store for unit tests and benchmarks; never what `npm start` or deploy uses. */
import type { DayAggregate } from '../../../shared/aggregate.ts';
import type { Day } from '../../../shared/dates.ts';
import type { DeleteResult, InstallRecord, SaveResult, Store, StoredEvent } from './types.ts';

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
    const day = this.byDay.get(event.day);
    if (day) day.set(id, event);
    else this.byDay.set(event.day, new Map([[id, event]]));
    return this;
  }

  override delete(id: string): boolean {
    const event = this.get(id);
    if (event === undefined) return false;
    this.byDay.get(event.day)?.delete(id);
    return super.delete(id);
  }

  override clear(): void {
    this.byDay.clear();
    super.clear();
  }

  /** The events of one day, in the order they were stored. */
  onDay(day: Day): StoredEvent[] {
    return [...(this.byDay.get(day)?.values() ?? [])];
  }
}

/** Builds a Store that keeps everything in maps; `failing` makes every call reject. */
export class MemoryStore implements Store {
  readonly events = new EventMap();
  readonly installs = new Map<string, InstallRecord>();
  readonly days = new Map<Day, DayAggregate>();
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

  async readInstalls(ids: string[]): Promise<Map<string, InstallRecord>> {
    this.check();
    const found = new Map<string, InstallRecord>();
    for (const id of ids) {
      const record = this.installs.get(id);
      if (record) found.set(id, record);
    }
    return found;
  }

  async readInstallsSeenSince(day: Day): Promise<InstallRecord[]> {
    this.check();
    return [...this.installs.values()].filter((r) => r.lastSeen >= day);
  }

  async writeInstalls(installs: InstallRecord[]): Promise<void> {
    this.check();
    for (const record of installs) this.installs.set(record.id, deepFreeze(record));
  }

  async writeDays(days: DayAggregate[]): Promise<void> {
    this.check();
    for (const day of days) this.days.set(day.day, deepFreeze(day));
  }

  async readDays(from: Day, to: Day): Promise<DayAggregate[]> {
    this.check();
    return [...this.days.values()]
      .filter((d) => d.day >= from && d.day <= to)
      .sort((a, b) => a.day.localeCompare(b.day));
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
    const installs = this.installs.delete(install) ? 1 : 0;
    return { events, installs };
  }

  async purgeExpired(eventsBefore: Day, installsBefore: Day): Promise<DeleteResult> {
    this.check();
    let events = 0;
    let installs = 0;
    for (const [id, event] of this.events) {
      if (event.day < eventsBefore) {
        this.events.delete(id);
        events += 1;
      }
    }
    for (const [id, record] of this.installs) {
      if (record.lastSeen < installsBefore) {
        this.installs.delete(id);
        installs += 1;
      }
    }
    return { events, installs };
  }
}
