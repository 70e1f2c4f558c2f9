/**
 * FirestoreStore's day reads and writes through the month documents of `month-documents.ts`:
 * `days/{day}` stays the record of each day, and `months/{YYYY-MM}` (plus continuations) holds
 * the same days packed by month for reading. Writes update both in one transaction per month, so
 * the two never disagree. A month written before month documents existed is packed from its day
 * documents the first time it is read.
 */
import type {
  CollectionReference,
  DocumentData,
  DocumentSnapshot,
  Firestore,
  Transaction,
} from '@google-cloud/firestore';
import type { DayAggregate } from '../../../shared/aggregate.ts';
import type { Day } from '../../../shared/dates.ts';
import { projectDay, type DayField, type DayProjection } from '../../../shared/days-query.ts';
import {
  decodeMonth,
  encodeMonth,
  monthOf,
  monthsBetween,
  partId,
  PART_LIMIT_BYTES,
  type MonthDocument,
} from './month-documents.ts';

// gRPC status code the client library reports when a create() finds the document there.
const ALREADY_EXISTS = 6;

/** The first and last day a month can have (as strings, so "-31" covers every month). */
function monthSpan(month: string): { first: Day; last: Day } {
  return { first: `${month}-01`, last: `${month}-31` };
}

function toMonthDocument(snapshot: DocumentSnapshot): MonthDocument {
  const data = snapshot.data() ?? {};
  return {
    month: String(data.month),
    format: Number(data.format),
    part: Number(data.part),
    parts: Number(data.parts),
    sections: (data.sections as { name: string; data: Uint8Array }[]).map((section) => ({
      name: section.name,
      data: section.data,
    })),
  };
}

function withoutUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Reads and writes days by month on one Firestore database. */
export class MonthDays {
  private readonly db: Firestore;
  private readonly days: CollectionReference;
  private readonly months: CollectionReference;
  private readonly partLimit: number;

  constructor(db: Firestore, partLimit = PART_LIMIT_BYTES) {
    this.db = db;
    this.partLimit = partLimit;
    this.days = db.collection('days');
    this.months = db.collection('months');
  }

  /**
   * The days from `from` to `to` with the fields asked for. Two queries at once: the months'
   * documents of the range (heads and continuations carry their month) and the first day
   * document of the range. Months before that first day have nothing to read; a month after it
   * without a document (written before months existed) is packed from its days, once. So a read
   * costs one document per month of the range that has data, plus one.
   */
  async read(from: Day, to: Day, fields?: readonly DayField[]): Promise<DayProjection[]> {
    const months = monthsBetween(from, to);
    // Both queries start together: nothing is left to start after the caller stops waiting.
    const [snapshot, first] = await Promise.all([
      this.months
        .where('month', '>=', months[0] ?? monthOf(from))
        .where('month', '<=', months.at(-1) ?? monthOf(to))
        .get(),
      this.days.where('day', '>=', from).where('day', '<=', to).orderBy('day').limit(1).get(),
    ]);
    const documents = new Map<string, MonthDocument[]>();
    for (const doc of snapshot.docs) {
      const part = toMonthDocument(doc);
      documents.set(part.month, [...(documents.get(part.month) ?? []), part]);
    }
    const firstDay = first.docs[0]?.get('day') as Day | undefined;
    const missing = firstDay
      ? months.filter((m) => !documents.has(m) && m >= monthOf(firstDay))
      : [];
    const packed = await this.packMissing(missing, fields);
    const result: DayProjection[] = [];
    for (const month of months) {
      const parts = documents.get(month);
      const days = parts ? decodeMonth(parts, fields) : (packed.get(month) ?? []);
      for (const day of days) if (day.day >= from && day.day <= to) result.push(day);
    }
    return result;
  }

  /**
   * Months with days but without a document: their day documents, one query per run of
   * consecutive months.
   * Months that have days get their month documents created (a create, so a concurrent write by
   * the aggregation, which is newer, wins).
   */
  private async packMissing(
    missing: string[],
    fields: readonly DayField[] | undefined,
  ): Promise<Map<string, DayProjection[]>> {
    const found = new Map<string, DayProjection[]>();
    const runs: string[][] = [];
    for (const month of missing) {
      const run = runs.at(-1);
      const previous = run?.at(-1);
      if (run && previous && monthsBetween(`${previous}-01`, `${month}-01`).length === 2)
        run.push(month);
      else runs.push([month]);
    }
    for (const run of runs) {
      const first = monthSpan(run[0] ?? '').first;
      const last = monthSpan(run.at(-1) ?? '').last;
      const snapshot = await this.days.where('day', '>=', first).where('day', '<=', last).get();
      const byMonth = new Map<string, DayAggregate[]>();
      for (const doc of snapshot.docs) {
        const day = doc.data() as DayAggregate;
        const list = byMonth.get(monthOf(day.day)) ?? [];
        list.push(day);
        byMonth.set(monthOf(day.day), list);
      }
      for (const [month, days] of byMonth) {
        await this.createMonth(month, days);
        found.set(
          month,
          days.sort((a, b) => (a.day < b.day ? -1 : 1)).map((d) => projectDay(d, fields)),
        );
      }
    }
    return found;
  }

  private async createMonth(month: string, days: DayAggregate[]): Promise<void> {
    const batch = this.db.batch();
    for (const document of encodeMonth(month, days, this.partLimit)) {
      batch.create(this.months.doc(partId(month, document.part)), toData(document));
    }
    try {
      await batch.commit();
    } catch (error) {
      if (!hasCode(error, ALREADY_EXISTS)) throw error;
    }
  }

  /** Creates or replaces these days, in `days/{day}` and in their months' documents. */
  async write(days: readonly DayAggregate[]): Promise<void> {
    const byMonth = new Map<string, DayAggregate[]>();
    for (const day of days) {
      const list = byMonth.get(monthOf(day.day)) ?? [];
      list.push(day);
      byMonth.set(monthOf(day.day), list);
    }
    // One month after another: each is one transaction of at most 31 days and a few parts.
    for (const [month, written] of [...byMonth].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      await this.db.runTransaction((tx) => this.writeMonth(tx, month, written));
    }
  }

  private async writeMonth(tx: Transaction, month: string, written: DayAggregate[]): Promise<void> {
    const head = await tx.get(this.months.doc(month));
    let stored: DayAggregate[];
    let oldParts = 0;
    if (head.exists) {
      const first = toMonthDocument(head);
      oldParts = first.parts;
      const rest =
        first.parts > 1
          ? await tx.getAll(
              ...Array.from({ length: first.parts - 1 }, (_, i) =>
                this.months.doc(partId(month, i + 1)),
              ),
            )
          : [];
      const parts = [first, ...rest.filter((s) => s.exists).map(toMonthDocument)];
      stored = decodeMonth(parts, undefined) as DayAggregate[];
    } else {
      const { first, last } = monthSpan(month);
      const snapshot = await tx.get(this.days.where('day', '>=', first).where('day', '<=', last));
      stored = snapshot.docs.map((doc) => doc.data() as DayAggregate);
    }
    const merged = new Map(stored.map((d) => [d.day, d]));
    for (const day of written) merged.set(day.day, withoutUndefined(day));
    const documents = encodeMonth(month, [...merged.values()], this.partLimit);
    for (const document of documents) {
      tx.set(this.months.doc(partId(month, document.part)), toData(document));
    }
    for (let part = documents.length; part < oldParts; part += 1) {
      tx.delete(this.months.doc(partId(month, part)));
    }
    // The day stays a field as well as the id: months are packed from a range query of it.
    for (const day of written) tx.set(this.days.doc(day.day), withoutUndefined(day));
  }
}

function toData(document: MonthDocument): DocumentData {
  return {
    month: document.month,
    format: document.format,
    part: document.part,
    parts: document.parts,
    sections: document.sections.map((s) => ({ name: s.name, data: Buffer.from(s.data) })),
  };
}

function hasCode(error: unknown, code: number): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
