// A MemoryStore that counts what Firestore would bill: a read per document served (at least one
// per query), one per aggregation count query, and a write per document written.
import type { DayAggregate } from '../../shared/aggregate.ts';
import { monthsBetween, type Day } from '../../shared/dates.ts';
import { MemoryStore } from '../../functions/src/store/memory-store.ts';
import type { DayField, DayProjection } from '../../shared/days-query.ts';
import type { EventRange } from '../../functions/src/store/types.ts';
import type {
  Quarantine,
  QuarantineKeys,
  StoredEvent,
  StoredPage,
  StoredPartial,
} from '../../functions/src/model/stored.ts';

/** A MemoryStore that counts documents served and written, as Firestore bills them. */
export class CountingStore extends MemoryStore {
  reads = 0;
  writes = 0;
  eventReads = 0;
  pageWrites = 0;

  /** Starts counting from zero. */
  reset(): void {
    this.reads = 0;
    this.writes = 0;
    this.eventReads = 0;
    this.pageWrites = 0;
  }

  override async countEvents(day: Day, range?: EventRange): Promise<number> {
    // An aggregation query is billed one read per 1,000 index entries, at least one.
    const n = await super.countEvents(day, range);
    if (range !== undefined) this.reads += 1;
    return n;
  }

  override async readRangeEvents(day: Day, range: EventRange): Promise<StoredEvent[]> {
    const found = await super.readRangeEvents(day, range);
    this.reads += Math.max(1, found.length);
    this.eventReads += found.length;
    return found;
  }

  override async readPages(bucket: string, from: Day, to: Day): Promise<StoredPage[]> {
    const found = await super.readPages(bucket, from, to);
    this.reads += found.length;
    return found;
  }

  override async writePages(pages: StoredPage[]): Promise<void> {
    this.writes += pages.length;
    this.pageWrites += pages.length;
    return super.writePages(pages);
  }

  override async writePartials(partials: StoredPartial[]): Promise<void> {
    this.writes += partials.length;
    return super.writePartials(partials);
  }

  override async readPartials(ids: string[]): Promise<StoredPartial[]> {
    this.reads += ids.length;
    return super.readPartials(ids);
  }

  override readDays(from: Day, to: Day): Promise<DayAggregate[]>;
  override readDays(
    from: Day,
    to: Day,
    fields: readonly DayField[] | undefined,
  ): Promise<DayProjection[]>;
  override async readDays(
    from: Day,
    to: Day,
    fields?: readonly DayField[],
  ): Promise<DayProjection[]> {
    // The merge reads its one day (is it published already?): one document; the anomaly flag's
    // baseline days as FirestoreStore reads a range: their month documents. Range reads by
    // planning and the stats API are counted where they are measured, not here.
    this.reads += from === to ? 1 : monthsBetween(from, to).length;
    return super.readDays(from, to, fields);
  }

  override async readQuarantines(): Promise<Quarantine[]> {
    const found = await super.readQuarantines();
    this.reads += Math.max(1, found.length);
    return found;
  }

  override async readQuarantineKeys(id: string): Promise<QuarantineKeys[]> {
    const found = await super.readQuarantineKeys(id);
    this.reads += Math.max(1, found.length);
    return found;
  }

  override async writeDays(days: DayAggregate[]): Promise<void> {
    this.writes += days.length;
    return super.writeDays(days);
  }
}
