/**
 * The month documents (`months/{YYYY-MM}`) that FirestoreStore keeps beside `days/{day}`: all
 * days of a calendar month in one document, so reading any range costs one document read per
 * month it touches instead of one per day. Each section of the days (the scalar core, each
 * breakdown, upgrades, each part of reliability, counters) is stored apart as brotli-compressed
 * JSON, so a projection decodes only the sections it asks for. A month whose sections would not
 * fit one Firestore document (1 MiB) spills into continuation documents `{YYYY-MM}~1`, `~2`, …;
 * a Netdata-sized month (≈ 3.7 MB of JSON) compresses to ≈ 200 KB, so that is a safety net.
 * Pure: encoding and decoding only; FirestoreStore reads and writes.
 */
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import type { DayAggregate } from '../../../shared/aggregate.ts';
import type { Day } from '../../../shared/dates.ts';
import {
  DAY_FIELDS,
  RELIABILITY_PARTS,
  type DayField,
  type DayProjection,
} from '../../../shared/days-query.ts';

/** Compressed bytes one month document may carry (Firestore's limit is 1 MiB per document). */
export const PART_LIMIT_BYTES = 900_000;
/** Format of the month documents, so a later change can tell old ones apart. */
export const MONTH_FORMAT = 1;

const CORE = 'core';
const CORE_FIELDS = [
  'activeInstalls',
  'newInstalls',
  'optOuts',
  'events',
  'run',
  'privacy',
] as const;
/** Fields of the core only a whole day answers with (no projection selects them). */
const WHOLE_DAY_FIELDS = ['publication', 'demo'] as const;
const BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 6 } };

/** One compressed slice of a section: `[[day, value], ...]` as brotli JSON. */
export interface MonthSection {
  name: string;
  data: Uint8Array;
}

/** One stored month document (the head, part 0, or a continuation). */
export interface MonthDocument {
  month: string;
  format: number;
  part: number;
  /** How many documents the month takes (only the head's value is read). */
  parts: number;
  sections: MonthSection[];
}

/** The month a day falls in: `2026-11-20` → `2026-11`. */
export function monthOf(day: Day): string {
  return day.slice(0, 7);
}

// Pure date arithmetic, shared with the aggregation (which may not import the store).
export { monthsBetween } from '../../../shared/dates.ts';

/** The document id of a month's part: `2026-11`, then `2026-11~1`, … */
export function partId(month: string, part: number): string {
  return part === 0 ? month : `${month}~${part}`;
}

/** The sections of one day, by name. */
function daySections(day: DayAggregate): [string, unknown][] {
  const core: Record<string, unknown> = { day: day.day, final: day.final };
  for (const field of CORE_FIELDS) core[field] = day[field];
  // What the day was computed with, and the demo marker: a whole day read back carries them (the
  // deploy refuses demo days, the privacy page states the publication parameters).
  for (const field of WHOLE_DAY_FIELDS) if (day[field] !== undefined) core[field] = day[field];
  return [
    [CORE, core],
    ...Object.entries(day.breakdowns).map(([name, buckets]): [string, unknown] => [
      `breakdowns.${name}`,
      buckets,
    ]),
    ['upgrades', day.upgrades],
    ...RELIABILITY_PARTS.map((part): [string, unknown] => [
      `reliability.${part}`,
      day.reliability[part],
    ]),
    ['counters', day.counters],
    // Figures of days published since poisoning resistance; older days have none.
    ...(['established', 'heldOut', 'unestablishedInstallFailures', 'anomaly'] as const).flatMap(
      (name): [string, unknown][] => (day[name] === undefined ? [] : [[name, day[name]]]),
    ),
  ];
}

function compress(entries: [Day, unknown][]): Uint8Array {
  return brotliCompressSync(JSON.stringify(entries), BROTLI);
}

/** A section's entries as slices that each compress below `limit` (halving by days). */
function slices(name: string, entries: [Day, unknown][], limit: number): MonthSection[] {
  const data = compress(entries);
  if (data.length <= limit || entries.length <= 1) {
    if (data.length > limit) {
      throw new Error(
        `${name} of ${entries[0]?.[0]} is ${data.length} bytes compressed: too large to store`,
      );
    }
    return [{ name, data }];
  }
  const half = Math.ceil(entries.length / 2);
  return [
    ...slices(name, entries.slice(0, half), limit),
    ...slices(name, entries.slice(half), limit),
  ];
}

/**
 * The documents of one month holding `days` (all of the month's days, any order): the core
 * section first, then the others by name, packed in order into as few documents as fit.
 */
export function encodeMonth(
  month: string,
  days: readonly DayAggregate[],
  limit = PART_LIMIT_BYTES,
): MonthDocument[] {
  const sorted = [...days].sort((a, b) => (a.day < b.day ? -1 : 1));
  const bySection = new Map<string, [Day, unknown][]>();
  for (const day of sorted) {
    for (const [name, value] of daySections(day)) {
      const entries = bySection.get(name) ?? [];
      entries.push([day.day, value]);
      bySection.set(name, entries);
    }
  }
  const names = [...bySection.keys()].sort((a, b) =>
    a === CORE ? -1 : b === CORE ? 1 : a < b ? -1 : 1,
  );
  const parts: MonthSection[][] = [[]];
  let used = 0;
  for (const name of names) {
    for (const slice of slices(name, bySection.get(name) ?? [], limit)) {
      const current = parts[parts.length - 1] ?? [];
      if (current.length > 0 && used + slice.data.length > limit) {
        parts.push([slice]);
        used = slice.data.length;
      } else {
        current.push(slice);
        used += slice.data.length;
      }
    }
  }
  return parts.map((sections, part) => ({
    month,
    format: MONTH_FORMAT,
    part,
    parts: parts.length,
    sections,
  }));
}

/** Whether a stored section is needed to answer `fields` (undefined: everything). */
export function sectionNeeded(name: string, fields: readonly DayField[] | undefined): boolean {
  if (fields === undefined || name === CORE) return true;
  return fields.some(
    (field) => field === name || (!field.includes('.') && name.startsWith(`${field}.`)),
  );
}

/**
 * The days of a month's documents (head and continuations, any order) with the fields asked for,
 * in day order. Only the sections those fields need are decompressed.
 */
export function decodeMonth(
  documents: readonly MonthDocument[],
  fields: readonly DayField[] | undefined,
): DayProjection[] {
  const days = new Map<Day, Record<string, unknown>>();
  const wanted = (field: string) => fields === undefined || fields.includes(field);
  const decoded: { name: string; entries: [Day, unknown][] }[] = [];
  for (const document of documents) {
    for (const section of document.sections) {
      if (!sectionNeeded(section.name, fields)) continue;
      const text = brotliDecompressSync(section.data).toString('utf8');
      decoded.push({ name: section.name, entries: JSON.parse(text) as [Day, unknown][] });
    }
  }
  for (const { name, entries } of decoded) {
    if (name !== CORE) continue;
    for (const [day, value] of entries) {
      const core = value as Record<string, unknown>;
      const out: Record<string, unknown> = { day: core.day, final: core.final };
      for (const field of CORE_FIELDS)
        if (wanted(field) && core[field] !== undefined) out[field] = core[field];
      if (fields === undefined) {
        for (const field of WHOLE_DAY_FIELDS)
          if (core[field] !== undefined) out[field] = core[field];
        out.breakdowns = {};
        out.reliability = {};
      }
      days.set(day, out);
    }
  }
  for (const { name, entries } of decoded) {
    if (name === CORE) continue;
    for (const [day, value] of entries) {
      const out = days.get(day);
      if (!out) continue;
      const dot = name.indexOf('.');
      if (dot < 0) {
        out[name] = value;
      } else {
        const section = name.slice(0, dot);
        const inner = (out[section] ??= {}) as Record<string, unknown>;
        inner[name.slice(dot + 1)] = value;
      }
    }
  }
  // A selected section that a day has nothing in still answers as present (an empty breakdowns
  // map, say), the way a projection of the whole day does.
  if (fields !== undefined) {
    for (const out of days.values()) {
      for (const field of fields) {
        const [section, part] = field.split(/\.(.*)/s) as [string, string | undefined];
        if (!(DAY_FIELDS as readonly string[]).includes(section)) continue;
        if (section === 'breakdowns' || (section === 'reliability' && part !== undefined)) {
          out[section] ??= {};
        }
      }
    }
  }
  return [...days.values()].sort((a, b) =>
    String(a.day) < String(b.day) ? -1 : 1,
  ) as unknown as DayProjection[];
}
