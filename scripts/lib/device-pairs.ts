/**
 * The maintainers' device export, pure: LibreNMS reports (the `devices` of `report` events) are
 * grouped into distinct (os, sysObjectID, sysDescr) pairs with the installs that reported each
 * and their devices, and only pairs backed by at least k installs are published.
 *
 * Counting rules:
 * - Per install and day only the latest report counts (greatest receivedAt, then document id —
 *   the order the aggregation uses), so a resent or corrected report replaces the earlier one.
 * - Rows of one report that fall on the same pair (two models whose strings differ only in what
 *   the scrubber replaced) add up: they are different devices of that install.
 * - Installs: distinct pseudonyms that reported the pair on any day of the range.
 * - Devices: per install, the highest count its latest report of any one day gave the pair;
 *   summed over installs. A fleet reported every day is counted once, not once per day.
 */

/** The fields of a device row that name a pair. */
export type DeviceField = 'os' | 'sysObjectID' | 'sysDescr';

/** One event as read from the `events` collection (only the fields the export relies on). */
export interface RawEvent {
  id: string;
  install: unknown;
  source: unknown;
  devices: unknown;
  /** Epoch milliseconds; 0 when the document has none (then the document id decides). */
  receivedAt: number;
}

/** One row of a report: devices of one model. */
export interface DeviceRow {
  count: number;
  os: string | null;
  sysObjectID: string | null;
  sysDescr: string | null;
}

/** A LibreNMS report of one install, as the export reads it. */
export interface DeviceReport {
  id: string;
  install: string;
  receivedAt: number;
  rows: DeviceRow[];
  /** Stored rows that were not a `{count, os?, sysObjectID?, sysDescr?}` object. */
  skippedRows: number;
}

/** One published line of the export. */
export interface DevicePair {
  os: string | null;
  sysObjectID: string | null;
  sysDescr: string | null;
  /** Distinct installs that reported the pair in the range. */
  installs: number;
  /** Per install the highest daily count, summed over installs. */
  devices: number;
}

/** The export split at k. */
export interface DevicePairResult {
  /** Pairs backed by at least k installs, most widely reported first. */
  published: DevicePair[];
  /** Distinct pairs seen, published or not. */
  found: number;
  /** Pairs backed by fewer than k installs. */
  heldBack: number;
}

/** Rewrites a stored string before grouping (the export re-applies the current scrubber). */
export type CleanField = (field: DeviceField, value: string) => string;

const FIELDS: readonly DeviceField[] = ['os', 'sysObjectID', 'sysDescr'];

/** The report an event holds, or undefined when it is not a LibreNMS report of a known install. */
export function deviceReportOf(event: RawEvent): DeviceReport | undefined {
  if (event.source !== 'librenms') return undefined;
  // Without a pseudonym an install cannot be counted once; LibreNMS always sends its uuid.
  if (typeof event.install !== 'string' || event.install === '') return undefined;
  // A report without `devices` is an install with no devices that day: it still replaces an
  // earlier report of the same day.
  const stored: unknown[] =
    event.devices === undefined ? [] : Array.isArray(event.devices) ? event.devices : [undefined];
  const rows: DeviceRow[] = [];
  let skippedRows = 0;
  for (const item of stored) {
    const row = deviceRowOf(item);
    if (row) rows.push(row);
    else skippedRows += 1;
  }
  const receivedAt = Number.isFinite(event.receivedAt) ? event.receivedAt : 0;
  return { id: event.id, install: event.install, receivedAt, rows, skippedRows };
}

function deviceRowOf(item: unknown): DeviceRow | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  const record = item as Record<string, unknown>;
  const count = record.count;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) return undefined;
  const row: DeviceRow = { count, os: null, sysObjectID: null, sysDescr: null };
  for (const field of FIELDS) {
    const value = record[field];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') return undefined;
    row[field] = value;
  }
  return row;
}

/** Whether `a` was received after `b` (ties: the greater document id, as the aggregation does). */
function isLater(a: DeviceReport, b: DeviceReport): boolean {
  return a.receivedAt !== b.receivedAt ? a.receivedAt > b.receivedAt : a.id > b.id;
}

interface PairTally {
  os: string | null;
  sysObjectID: string | null;
  sysDescr: string | null;
  /** Install pseudonym → its highest daily device count for the pair. */
  perInstall: Map<string, number>;
}

/**
 * Accumulates a range day by day: offer every report of a day, then end the day. Memory holds
 * one report per install of the current day and one number per (pair, install) of the range.
 */
export class DevicePairTally {
  private readonly clean: CleanField;
  private readonly pairs = new Map<string, PairTally>();
  private day = new Map<string, DeviceReport>();

  constructor(clean: CleanField = (_field, value) => value) {
    this.clean = clean;
  }

  /** Offers one report of the current day; only each install's latest of the day counts. */
  offer(report: DeviceReport): void {
    const current = this.day.get(report.install);
    if (current === undefined || isLater(report, current)) this.day.set(report.install, report);
  }

  /** Folds the current day's latest reports into the range and starts the next day. */
  endDay(): void {
    for (const report of this.day.values()) {
      const counts = new Map<string, { row: DeviceRow; count: number }>();
      for (const stored of report.rows) {
        const row = this.cleanRow(stored);
        const key = JSON.stringify([row.os, row.sysObjectID, row.sysDescr]);
        const seen = counts.get(key);
        if (seen) seen.count += row.count;
        else counts.set(key, { row, count: row.count });
      }
      for (const [key, { row, count }] of counts) {
        let pair = this.pairs.get(key);
        if (!pair) {
          pair = { ...row, perInstall: new Map() };
          this.pairs.set(key, pair);
        }
        const before = pair.perInstall.get(report.install);
        if (before === undefined || count > before) pair.perInstall.set(report.install, count);
      }
    }
    this.day = new Map();
  }

  /** The pairs of the range, split at `k` installs. */
  publish(k: number): DevicePairResult {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer: ${k}`);
    const published: DevicePair[] = [];
    let heldBack = 0;
    for (const pair of this.pairs.values()) {
      if (pair.perInstall.size < k) {
        heldBack += 1;
        continue;
      }
      let devices = 0;
      for (const count of pair.perInstall.values()) devices += count;
      published.push({
        os: pair.os,
        sysObjectID: pair.sysObjectID,
        sysDescr: pair.sysDescr,
        installs: pair.perInstall.size,
        devices,
      });
    }
    published.sort(comparePairs);
    return { published, found: this.pairs.size, heldBack };
  }

  private cleanRow(row: DeviceRow): DeviceRow {
    const cleaned: DeviceRow = { ...row };
    for (const field of FIELDS) {
      const value = row[field];
      if (value === null) continue;
      const result = this.clean(field, value);
      cleaned[field] = result === '' ? null : result;
    }
    return cleaned;
  }
}

/** Most installs first, then most devices, then by os, sysObjectID and sysDescr. */
function comparePairs(a: DevicePair, b: DevicePair): number {
  return (
    b.installs - a.installs ||
    b.devices - a.devices ||
    compareText(a.os, b.os) ||
    compareText(a.sysObjectID, b.sysObjectID) ||
    compareText(a.sysDescr, b.sysDescr)
  );
}

function compareText(a: string | null, b: string | null): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}
