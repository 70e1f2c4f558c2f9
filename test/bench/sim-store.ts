// A Store over the synthetic fleet for the scale benchmark: events and history pages are generated
// when a shard asks for them, writes are counted and dropped (partials kept), and every operation
// is counted the way Firestore bills it.
import type { DayAggregate } from '../../shared/aggregate.ts';
import type { Day } from '../../shared/dates.ts';
import { BUCKETS, bucketRange } from '../../functions/src/model/buckets.ts';
import type {
  DeleteResult,
  EventRange,
  PurgeResult,
  SaveResult,
  Store,
} from '../../functions/src/store/types.ts';
import type {
  Erasure,
  Quarantine,
  QuarantineKeys,
  RunPlan,
  StoredEvent,
  StoredPage,
  StoredPartial,
} from '../../functions/src/model/stored.ts';
import { countOfBucket, eventsOfBucket, historyPagesOfBucket, type FleetSpec } from './fleet.ts';

/** Firestore operations counted, as billed. */
export interface Counted {
  reads: number;
  eventReads: number;
  pageReads: number;
  countQueries: number;
  writes: number;
  pageWrites: number;
  pageBytes: number;
}

/** The buckets a range covers (whole buckets only, as shards ask). */
function bucketsOf(range: EventRange): number[] {
  if (range === 'anonymous') return [];
  const found: number[] = [];
  for (let b = 0; b < BUCKETS; b += 1) {
    const r = bucketRange(b);
    if (r.lo >= range.lo && r.hi <= range.hi) found.push(b);
  }
  return found;
}

/** The simulated store of one benchmark day. */
export class SimStore implements Store {
  readonly counted: Counted = {
    reads: 0,
    eventReads: 0,
    pageReads: 0,
    countQueries: 0,
    writes: 0,
    pageWrites: 0,
    pageBytes: 0,
  };
  readonly partials: StoredPartial[] = [];
  private readonly spec: FleetSpec;

  constructor(spec: FleetSpec) {
    this.spec = spec;
  }

  async countEvents(day: Day, range?: EventRange): Promise<number> {
    const buckets =
      range === undefined ? Array.from({ length: BUCKETS }, (_, b) => b) : bucketsOf(range);
    const n =
      day === this.spec.day ? buckets.reduce((sum, b) => sum + countOfBucket(this.spec, b), 0) : 0;
    // An aggregation query is billed a read per 1,000 index entries it counts, at least one.
    this.counted.countQueries += 1;
    this.counted.reads += Math.max(1, Math.ceil(n / 1000));
    return n;
  }

  async readRangeEvents(day: Day, range: EventRange): Promise<StoredEvent[]> {
    const events =
      day === this.spec.day ? bucketsOf(range).flatMap((b) => eventsOfBucket(this.spec, b)) : [];
    this.counted.eventReads += events.length;
    this.counted.reads += Math.max(1, events.length);
    return events;
  }

  async readPages(bucket: string, from: Day, to: Day): Promise<StoredPage[]> {
    const pages =
      bucket === 'anon'
        ? []
        : historyPagesOfBucket(this.spec, Number.parseInt(bucket, 16), from, to);
    this.counted.pageReads += pages.length;
    this.counted.reads += Math.max(1, pages.length);
    return pages;
  }

  async writePages(pages: StoredPage[]): Promise<void> {
    this.counted.pageWrites += pages.length;
    this.counted.writes += pages.length;
    for (const p of pages)
      this.counted.pageBytes +=
        p.keys.length +
        p.snaps.length +
        (p.cons?.length ?? 0) +
        p.local.length +
        p.snapshots.join('').length +
        (p.contribs?.join('').length ?? 0) +
        (p.cohorts?.length ?? 0) +
        64;
  }

  async writePartials(partials: StoredPartial[]): Promise<void> {
    this.counted.writes += partials.length;
    this.partials.push(...partials);
  }

  async readPartials(): Promise<StoredPartial[]> {
    return this.partials;
  }

  async readErasures(): Promise<Erasure[]> {
    return [];
  }

  async deleteErasures(): Promise<void> {}
  async writeRun(): Promise<void> {}
  async readRun(): Promise<RunPlan | undefined> {
    return undefined;
  }
  async deleteRunsBefore(): Promise<number> {
    return 0;
  }
  async saveEvents(): Promise<SaveResult> {
    return { created: 0, duplicates: 0 };
  }
  async readDayEvents(): Promise<StoredEvent[]> {
    return [];
  }
  async writeDays(): Promise<void> {}
  async readDays(): Promise<DayAggregate[]> {
    return [];
  }
  async eraseInstall(): Promise<DeleteResult> {
    return { events: 0, installs: 0 };
  }
  async purgeExpired(): Promise<PurgeResult> {
    return { events: 0, pages: 0 };
  }
  async writeQuarantine(): Promise<void> {}
  async readQuarantines(): Promise<Quarantine[]> {
    // Counted as the one read a shard makes for them.
    this.counted.reads += 1;
    return [];
  }
  async readQuarantineKeys(): Promise<QuarantineKeys[]> {
    return [];
  }
}
