/** Crash-free installs per version, top failure signatures and install failures of one day. */
import {
  OTHER,
  UNKNOWN,
  type DayAggregate,
  type VersionReliability,
} from '../../../shared/aggregate.ts';
import type { Day } from '../../../shared/dates.ts';
import type { Failure } from '../../../shared/schema/event.ts';
import type { InstallRecord, StoredEvent } from '../store/types.ts';
import { Tally } from './anonymity.ts';

/** What identifies a failure across installs: its code, or where it happened. */
export function failureSignature(failure: Failure | undefined): string {
  if (failure?.code) return failure.code;
  const place = failure?.file
    ? `${failure.file}${failure.line === undefined ? '' : `:${failure.line}`}`
    : undefined;
  const parts = [failure?.program, failure?.function, place].filter((p): p is string => Boolean(p));
  return parts.length > 0 ? parts.join(' ') : UNKNOWN;
}

/** A key that counts an identified install once and each anonymous report once. */
function reporterKey(event: StoredEvent): string {
  return event.install ?? `anonymous:${event.id}`;
}

const CRASHES = new Set(['crash', 'fatal']);

/** The reliability section of the aggregate of `day`. */
export function buildReliability(
  events: StoredEvent[],
  records: InstallRecord[],
  day: Day,
  k: number,
): DayAggregate['reliability'] {
  // Crashes and install failures first: they are few, and say which reporters crashed, so the
  // version of every other reporter is only counted, never kept.
  const crashes: StoredEvent[] = [];
  const crashed = new Set<string>();
  const signatures = new Map<string, { installs: Set<string>; events: number }>();
  const installFailures = new Map<string, Set<string>>();
  for (const event of events) {
    const crash = CRASHES.has(event.type);
    if (!crash && event.type !== 'install_failed') continue;
    const key = reporterKey(event);
    if (crash) {
      crashes.push(event);
      crashed.add(key);
      const signature = failureSignature(event.failure);
      const entry = signatures.get(signature) ?? { installs: new Set<string>(), events: 0 };
      entry.installs.add(key);
      entry.events += 1;
      signatures.set(signature, entry);
    } else {
      const code = event.failure?.code ?? UNKNOWN;
      installFailures.set(code, (installFailures.get(code) ?? new Set<string>()).add(key));
    }
  }
  // Every install active on the day and every anonymous report, by version; crashed reporters'
  // versions are kept for their crash events.
  const active = new Tally();
  const crashedActive = new Tally();
  const versionOfCrashed = new Map<string, string>();
  const count = (key: string, version: string) => {
    active.add(version);
    if (!crashed.has(key)) return;
    crashedActive.add(version);
    versionOfCrashed.set(key, version);
  };
  for (const record of records) {
    const key = record.activity[day];
    if (key !== undefined) count(record.id, record.snapshots[key]?.version ?? UNKNOWN);
  }
  for (const event of events) {
    if (event.install === null && event.type !== 'opt_out')
      count(reporterKey(event), event.product?.version ?? UNKNOWN);
  }
  const crashEvents = new Tally();
  const fatalEvents = new Tally();
  for (const event of crashes) {
    const version = versionOfCrashed.get(reporterKey(event)) ?? event.product?.version ?? UNKNOWN;
    (event.type === 'crash' ? crashEvents : fatalEvents).add(version);
  }
  return {
    versions: versionRows(active, crashedActive, crashEvents, fatalEvents, k),
    topFailures: [...signatures]
      .filter(([, e]) => e.installs.size >= k)
      .map(([signature, e]) => ({ signature, installs: e.installs.size, events: e.events }))
      .sort(
        (a, b) =>
          b.installs - a.installs || b.events - a.events || a.signature.localeCompare(b.signature),
      )
      .slice(0, 20),
    installFailures: foldCodes(installFailures, k),
  };
}

/** Reporters per version (`active`), crashed ones among them, and crash events, k-folded. */
function versionRows(
  active: Tally,
  crashedActive: Tally,
  crashEvents: Tally,
  fatalEvents: Tally,
  k: number,
): VersionReliability[] {
  const rows = new Map<
    string,
    { active: number; crashed: number; crashEvents: number; fatalEvents: number }
  >();
  for (const [version, n] of active.counts) {
    const bucket = n >= k ? version : OTHER;
    const row = rows.get(bucket) ?? { active: 0, crashed: 0, crashEvents: 0, fatalEvents: 0 };
    row.active += n;
    row.crashed += crashedActive.get(version);
    rows.set(bucket, row);
  }
  for (const [version, n] of crashEvents.counts) {
    const row = rows.get(active.get(version) >= k ? version : OTHER);
    if (row) row.crashEvents += n;
  }
  for (const [version, n] of fatalEvents.counts) {
    const row = rows.get(active.get(version) >= k ? version : OTHER);
    if (row) row.fatalEvents += n;
  }
  return (
    [...rows]
      // A small "other" row would publish the crash figures of one or two installs.
      .filter(([version, r]) => version !== OTHER || r.active >= k)
      .map(([version, r]) => ({
        version,
        activeInstalls: r.active,
        crashedInstalls: r.crashed,
        crashFreeRate: Math.round((1 - r.crashed / r.active) * 10_000) / 10_000,
        crashEvents: r.crashEvents,
        fatalEvents: r.fatalEvents,
      }))
      .sort(
        (a, b) =>
          (a.version === OTHER ? 1 : 0) - (b.version === OTHER ? 1 : 0) ||
          b.activeInstalls - a.activeInstalls ||
          a.version.localeCompare(b.version),
      )
  );
}

function foldCodes(
  byCode: Map<string, Set<string>>,
  k: number,
): { code: string; installs: number }[] {
  const rows: { code: string; installs: number }[] = [];
  let other = 0;
  for (const [code, installs] of byCode) {
    if (installs.size >= k) rows.push({ code, installs: installs.size });
    else other += installs.size;
  }
  rows.sort((a, b) => b.installs - a.installs || a.code.localeCompare(b.code));
  if (other > 0) rows.push({ code: OTHER, installs: other });
  return rows;
}
